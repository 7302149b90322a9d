/**
 * `rinde plan import FILE.csv`: the seeds' spreadsheet layout turned into a plan YAML for review
 * (every activity `manual` until staff declare what Rinde measures), checked like a loaded plan.
 */
import { createRequire } from "node:module";
import { ConfigError } from "../../config/errors.ts";
import { importPlanCsv, type CsvProblem } from "../../core/plan/import-csv.ts";
import type { PlanDefinition } from "../../core/plan/index.ts";
import type { AppContext } from "../context.ts";
import { parsePlan, planContextOf } from "./load.ts";

// `yaml` is loaded only by this command, not by every start of the bot and the CLI.
function stringify(value: unknown, options: { lineWidth: number }): string {
  return (createRequire(import.meta.url)("yaml") as typeof import("yaml")).stringify(value, options);
}

export type CsvImportOutcome = { ok: true; plan: PlanDefinition; yaml: string } | { ok: false; problems: CsvProblem[] };

export function importPlanFromCsv(app: AppContext, text: string, options: { source: string; surveyIds: Iterable<string>; year?: number; title?: string; defaultOffice?: string }): CsvImportOutcome {
  if (options.defaultOffice && !app.profile.offices.some((o) => o.key === options.defaultOffice)) return { ok: false, problems: [{ line: 0, message: `--default-office: unknown office '${options.defaultOffice}'` }] };
  const read = importPlanCsv(text, { profileId: app.profile.id, offices: app.profile.offices, year: options.year, title: options.title, source: options.source, defaultOffice: options.defaultOffice });
  if (!read.ok) return read;
  try {
    const plan = parsePlan(read.plan, options.source, planContextOf(app, options.surveyIds));
    const header = `# Importado de ${options.source}. Revise los indicadores: todas las actividades quedan "manual"\n# hasta declarar lo que Rinde mide (events, survey_responses, event_questions, ...).\n`;
    return { ok: true, plan, yaml: header + stringify(plan, { lineWidth: 0 }) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.message.split("\n").slice(1).map((m) => ({ line: 0, message: m.trim() })) };
    throw error;
  }
}
