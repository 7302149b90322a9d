/**
 * Reading and loading plan files: `plans/<profile>-<year>.yaml` parsed, validated with zod and
 * checked against the running profile and surveys, every problem returned as a locale key with its
 * path (src/core/plan/problems.ts: `file › path: problem` in the reader's language), then stored. Loading
 * again replaces the definition; manual progress is kept by activity id. Loading plans the
 * reminders of every activity (src/services/plan/jobs.ts).
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { actorLabel, type Actor } from "../../core/authorization.ts";
import {
  canActOnPlan,
  checkPlan,
  planProblem,
  planSchema,
  problemsOfZodError,
  type PlanContext,
  type PlanDefinition,
  type PlanProblem,
} from "../../core/plan/index.ts";
import { decodeSpreadsheetText } from "../../core/text-decoding.ts";
import type { AppContext } from "../context.ts";
import { planReminders } from "./jobs.ts";
import { leaderOfficeOf } from "./leader.ts";

/** What a plan is checked against, from the running profile and the survey ids known. */
export function planContextOf(app: AppContext, surveyIds: Iterable<string>): PlanContext {
  const districtKinds = new Map<string, number>();
  for (const d of app.profile.districts) districtKinds.set(d.kind, (districtKinds.get(d.kind) ?? 0) + 1);
  return {
    profileId: app.profile.id,
    officeKeys: new Set(app.profile.offices.map((o) => o.key)),
    districtKinds,
    surveyIds: new Set(surveyIds),
  };
}

export type PlanReadOutcome =
  { ok: true; plan: PlanDefinition; sha256: string } | { ok: false; problems: PlanProblem[] };

/** Validates a parsed document: the plan, or every problem (shape first, then the references). */
export function parsePlan(
  doc: unknown,
  context: PlanContext,
): { ok: true; plan: PlanDefinition } | { ok: false; problems: PlanProblem[] } {
  const result = planSchema.safeParse(doc);
  if (!result.success) return { ok: false, problems: problemsOfZodError(result.error, doc) };
  const problems = checkPlan(result.data, context);
  return problems.length ? { ok: false, problems } : { ok: true, plan: result.data };
}

/**
 * The largest plan file read, in bytes. The seeds' plans are 10–20 KB; a file a hundred times that
 * is another file chosen by mistake, and is refused before it is parsed.
 */
export const MAX_PLAN_FILE_BYTES = 1024 * 1024;

const tooBig = (bytes: number): PlanProblem =>
  planProblem("file_too_big", { sizeKb: Math.ceil(bytes / 1024), maxKb: MAX_PLAN_FILE_BYTES / 1024 });

// `yaml` is loaded when a plan is read, not at every start. Plans are not parsed through the
// start-up cache (src/config/yaml.ts): every file loaded or pasted would stay in it for good.
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)("yaml") as typeof import("yaml")).parse(text);
}

/** Parses and validates the text of a plan YAML (from a file or pasted in the back-office). */
export function readPlanText(text: string, context: PlanContext): PlanReadOutcome {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_PLAN_FILE_BYTES) return { ok: false, problems: [tooBig(bytes)] };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    // The parser's own message is English: the position is what the reader needs.
    const at = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    return {
      ok: false,
      problems: [at ? planProblem("yaml_syntax", { line: at.line, column: at.col }) : planProblem("yaml_invalid")],
    };
  }
  // Nothing but blanks and comments: say so rather than "must be a group of fields".
  if (doc === null || doc === undefined) return { ok: false, problems: [planProblem("file_empty")] };
  const parsed = parsePlan(doc, context);
  return parsed.ok ? { ...parsed, sha256: createHash("sha256").update(text).digest("hex") } : parsed;
}

/** Reads and validates a plan file (UTF-8, or Windows-1252 as some editors save it); the text's SHA-256 comes along. */
export function readPlanFile(path: string, context: PlanContext): PlanReadOutcome {
  let text: string;
  try {
    const bytes = statSync(path).size;
    if (bytes > MAX_PLAN_FILE_BYTES) return { ok: false, problems: [tooBig(bytes)] };
    text = decodeSpreadsheetText(readFileSync(path));
  } catch {
    return { ok: false, problems: [planProblem("file_missing", { path })] };
  }
  return readPlanText(text, context);
}

export type LoadOutcome =
  { ok: true; plan: PlanDefinition; replaced: boolean; activities: number } | { ok: false; error: "not_allowed" };

/** Stores a validated plan (admin, the plan leader's head, the CLI operator) and plans its reminders. */
export async function storePlan(
  app: AppContext,
  actor: Actor,
  input: { plan: PlanDefinition; sha256: string; sourceFile: string },
): Promise<LoadOutcome> {
  if (!canActOnPlan(actor, "load", { officeKeys: [], leaderOffice: await leaderOfficeOf(app) }))
    return { ok: false, error: "not_allowed" };
  return await app.store.withTransaction(async () => {
    const nowMs = app.clock.nowMs();
    const replaced = await app.repos.plan.save({
      year: input.plan.year,
      profileId: input.plan.profile,
      definition: input.plan,
      sourceFile: input.sourceFile,
      sha256: input.sha256,
      loadedBy: actorLabel(actor),
      loadedAtMs: nowMs,
    });
    await planReminders(app, input.plan, nowMs);
    const activities = input.plan.components.reduce((n, c) => n + c.activities.length, 0);
    return { ok: true, plan: input.plan, replaced, activities };
  });
}
