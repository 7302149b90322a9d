/**
 * `rinde plan import FILE.csv`: the seeds' spreadsheet layout turned into a plan YAML for review
 * (every activity `manual` until staff declare what Rinde measures), checked like a loaded plan.
 */
import { createRequire } from "node:module";
import { importPlanCsv } from "../../core/plan/import-csv.ts";
import { planProblem, type PlanDefinition, type PlanProblem } from "../../core/plan/index.ts";
import type { AppContext } from "../context.ts";
import { MAX_PLAN_FILE_BYTES, parsePlan, planContextOf } from "./load.ts";

// `yaml` is loaded only by this command, not by every start of the bot and the CLI.
function stringify(value: unknown, options: { lineWidth: number }): string {
  return (createRequire(import.meta.url)("yaml") as typeof import("yaml")).stringify(value, options);
}

export type CsvImportOutcome =
  { ok: true; plan: PlanDefinition; yaml: string } | { ok: false; problems: PlanProblem[] };

export function importPlanFromCsv(
  app: AppContext,
  text: string,
  options: { source: string; surveyIds: Iterable<string>; year?: number; title?: string; defaultOffice?: string },
): CsvImportOutcome {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_PLAN_FILE_BYTES)
    return {
      ok: false,
      problems: [planProblem("file_too_big", { sizeKb: Math.ceil(bytes / 1024), maxKb: MAX_PLAN_FILE_BYTES / 1024 })],
    };
  if (options.defaultOffice && !app.profile.offices.some((o) => o.key === options.defaultOffice))
    return { ok: false, problems: [planProblem("default_office_unknown", { office: options.defaultOffice })] };
  const read = importPlanCsv(text, {
    profileId: app.profile.id,
    offices: app.profile.offices,
    year: options.year,
    title: options.title,
    source: options.source,
    defaultOffice: options.defaultOffice,
  });
  if (!read.ok) return read;
  const parsed = parsePlan(read.plan, planContextOf(app, options.surveyIds));
  if (!parsed.ok) return parsed;
  return { ok: true, plan: parsed.plan, yaml: yamlOfImport(parsed.plan, options.source) };
}

/** The YAML of an imported plan, with a header saying what to review. */
export function yamlOfImport(plan: PlanDefinition, source: string): string {
  const header = `# Importado de ${source}. Revise los indicadores: todas las actividades quedan "manual"\n# hasta declarar lo que Rinde mide (events, survey_responses, event_questions, ...).\n`;
  return header + stringify(plan, { lineWidth: 0 });
}
