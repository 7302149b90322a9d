/**
 * Reading and loading plan files: `plans/<profile>-<year>.yaml` parsed, validated with zod and
 * checked against the running profile and surveys (`file › path: problem`), then stored. Loading
 * again replaces the definition; manual progress is kept by activity id. Loading plans the
 * reminders of every activity (src/services/plan/jobs.ts).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseYamlCached } from "../../config/yaml.ts";
import { ConfigError, formatZodIssues } from "../../config/errors.ts";
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { canActOnPlan, checkPlan, planSchema, type PlanContext, type PlanDefinition } from "../../core/plan/index.ts";
import type { AppContext } from "../context.ts";
import { planReminders } from "./jobs.ts";
import { leaderOfficeOf } from "./leader.ts";

/** What a plan is checked against, from the running profile and the survey ids known. */
export function planContextOf(app: AppContext, surveyIds: Iterable<string>): PlanContext {
  const districtKinds = new Map<string, number>();
  for (const d of app.profile.districts) districtKinds.set(d.kind, (districtKinds.get(d.kind) ?? 0) + 1);
  return { profileId: app.profile.id, officeKeys: new Set(app.profile.offices.map((o) => o.key)), districtKinds, surveyIds: new Set(surveyIds) };
}

/** Validates a parsed document. Throws ConfigError listing every `source › path: problem`. */
export function parsePlan(doc: unknown, source: string, context: PlanContext): PlanDefinition {
  const result = planSchema.safeParse(doc);
  if (!result.success) throw new ConfigError("plan_invalid", `Invalid accountability plan:\n${formatZodIssues(source, result.error)}`);
  const issues = checkPlan(result.data, context);
  if (issues.length) {
    throw new ConfigError("plan_invalid", `Invalid accountability plan:\n${issues.map((i) => `  ${[source, ...i.path.map(String)].join(" › ")}: ${i.message}`).join("\n")}`);
  }
  return result.data;
}

/** Reads and validates a plan file; the text's SHA-256 comes along. */
export function readPlanFile(path: string, context: PlanContext): { plan: PlanDefinition; sha256: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError("plan_missing", `Cannot read plan file '${path}'.`);
  }
  let doc: unknown;
  try {
    doc = parseYamlCached(text);
  } catch (error) {
    throw new ConfigError("plan_yaml", `${path}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return { plan: parsePlan(doc, path, context), sha256: createHash("sha256").update(text).digest("hex") };
}

export type LoadOutcome = { ok: true; plan: PlanDefinition; replaced: boolean; activities: number } | { ok: false; error: "not_allowed" };

/** Stores a validated plan (admin, the plan leader's head, the CLI operator) and plans its reminders. */
export async function storePlan(app: AppContext, actor: Actor, input: { plan: PlanDefinition; sha256: string; sourceFile: string }): Promise<LoadOutcome> {
  if (!canActOnPlan(actor, "load", { officeKeys: [], leaderOffice: await leaderOfficeOf(app) })) return { ok: false, error: "not_allowed" };
  return await app.store.withTransaction(async () => {
      const nowMs = app.clock.nowMs();
      const replaced = await app.repos.plan.save({ year: input.plan.year, profileId: input.plan.profile, definition: input.plan, sourceFile: input.sourceFile, sha256: input.sha256, loadedBy: actorLabel(actor), loadedAtMs: nowMs });
      await planReminders(app, input.plan, nowMs);
      const activities = input.plan.components.reduce((n, c) => n + c.activities.length, 0);
      return { ok: true, plan: input.plan, replaced, activities };
    });
}
