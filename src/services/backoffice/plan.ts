/**
 * The accountability plan in the back-office (issue 16): each activity's goal against what was
 * achieved and its state, the evidence, manual progress by the responsible office (the same rule
 * as the CLI, `canActOnPlan`, audited and run once per form), the evaluation report and loading a
 * plan pasted as YAML or the seeds' CSV, every problem returned for the page to show in its
 * language. View: every active staff member.
 */
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { canActOnPlan, findActivity, type PlanProblem } from "../../core/plan/index.ts";
import type { PlanProgressRow } from "../../db/repositories/plan.ts";
import type { AppContext } from "../context.ts";
import { officeName } from "../context.ts";
import { importPlanFromCsv } from "../plan/import.ts";
import { leaderOfficeOf } from "../plan/leader.ts";
import { planContextOf, readPlanText, storePlan } from "../plan/load.ts";
import { recordPlanProgress, type PlanError } from "../plan/progress.ts";
import { planReport, type PlanReport } from "../plan/report.ts";
import { planStatus, type ActivityStatus, type PlanStatus } from "../plan/status.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";
import { mapInOrder } from "../../core/in-order.ts";

type Refused = { ok: false; error: "not_allowed" | "plan_not_found" | "activity_not_found" };

const inactive = (actor: Actor) => actor.kind === "official" && !actor.active;

/** The years with a plan, newest first, and the year to show: the one asked for, else this year's, else the newest. */
async function yearsOf(
  app: AppContext,
  wanted: number | undefined,
): Promise<{ years: number[]; year: number | undefined }> {
  const years = (await app.repos.plan.list()).map((r) => r.year);
  const thisYear = Number(toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone).slice(0, 4));
  const year = wanted !== undefined && years.includes(wanted) ? wanted : years.includes(thisYear) ? thisYear : years[0];
  return { years, year };
}

export async function mayLoadPlan(app: AppContext, actor: Actor): Promise<boolean> {
  return !inactive(actor) && canActOnPlan(actor, "load", { officeKeys: [], leaderOffice: await leaderOfficeOf(app) });
}

export interface PlanOverview {
  years: number[];
  status: PlanStatus | null;
  /** The plan's components in order, for grouping the activities. */
  components: { key: string; kind: string; name: string }[];
  officeNames: Record<string, string>;
  mayLoad: boolean;
}

export async function planOverview(
  app: AppContext,
  actor: Actor,
  wantedYear?: number,
): Promise<{ ok: true; overview: PlanOverview } | Refused> {
  if (inactive(actor)) return { ok: false, error: "not_allowed" };
  const { years, year } = await yearsOf(app, wantedYear);
  const outcome = year === undefined ? undefined : await planStatus(app, year);
  const plan = year === undefined ? undefined : (await app.repos.plan.get(year))?.definition;
  const components = (plan?.components ?? []).map((c) => ({ key: c.key, kind: c.kind, name: c.name }));
  const officeNames = Object.fromEntries(app.profile.offices.map((o) => [o.key, officeName(app, o.key)]));
  return {
    ok: true,
    overview: {
      years,
      status: outcome?.ok ? outcome.status : null,
      components,
      officeNames,
      mayLoad: await mayLoadPlan(app, actor),
    },
  };
}

export interface ActivityDetail {
  year: number;
  title: string;
  componentName: string;
  activity: ActivityStatus;
  /** Manual progress entries, newest first (who, when, value, link, note). */
  history: (PlanProgressRow & { who: string })[];
  districtNames: Record<string, string>;
  officeNames: Record<string, string>;
  mayProgress: boolean;
}

async function whoOf(app: AppContext, actor: string): Promise<string> {
  const official = /^official:(\d+)$/.exec(actor);
  if (!official) return actor;
  return (await app.repos.officials.get(Number(official[1])))?.name ?? actor;
}

export async function planActivityDetail(
  app: AppContext,
  actor: Actor,
  wantedYear: number | undefined,
  activityId: string,
): Promise<{ ok: true; detail: ActivityDetail } | Refused> {
  if (inactive(actor)) return { ok: false, error: "not_allowed" };
  // Without a year (a link typed or shared without ?anio=), the year the plan page shows.
  const year = wantedYear ?? (await yearsOf(app, undefined)).year;
  if (year === undefined) return { ok: false, error: "plan_not_found" };
  const outcome = await planStatus(app, year);
  if (!outcome.ok) return outcome;
  const activity = outcome.status.activities.find((a) => a.id === activityId);
  const plan = (await app.repos.plan.get(year))?.definition;
  const found = plan && findActivity(plan, activityId);
  if (!activity || !found) return { ok: false, error: "activity_not_found" };
  const entries = await app.repos.plan.progressHistory(year, activityId);
  const history = await mapInOrder([...entries].reverse(), async (e) => ({ ...e, who: await whoOf(app, e.actor) }));
  return {
    ok: true,
    detail: {
      year,
      title: outcome.status.title,
      componentName: found.component.name,
      activity,
      history,
      districtNames: Object.fromEntries(app.profile.districts.map((d) => [d.key, d.name])),
      officeNames: Object.fromEntries(app.profile.offices.map((o) => [o.key, officeName(app, o.key)])),
      mayProgress: !activity.measured && canActOnPlan(actor, "progress", { officeKeys: activity.offices }),
    },
  };
}

/** Manual progress from the activity page: once per form, audited (before → after), refusals too. */
export async function webPlanProgress(
  app: AppContext,
  actor: Actor,
  year: number,
  activityId: string,
  input: { value: number; evidenceUrl: string; note: string | null },
  form: FormContext,
): Promise<FormOutcome<PlanError>> {
  return await runFormAction(app, actor, "plan.progress", `plan:${year}:${activityId}`, form, async () => {
    const result = await recordPlanProgress(app, actor, { year, activityId, ...input });
    if (!result.ok) return result;
    return {
      ok: true,
      before: { value: result.previous },
      after: { value: result.entry.value, evidenceUrl: result.entry.evidenceUrl, note: result.entry.note },
    };
  });
}

export async function planReportFor(
  app: AppContext,
  actor: Actor,
  wantedYear?: number,
): Promise<{ ok: true; report: PlanReport; years: number[] } | Refused> {
  if (inactive(actor)) return { ok: false, error: "not_allowed" };
  const { years, year } = await yearsOf(app, wantedYear);
  if (year === undefined) return { ok: false, error: "plan_not_found" };
  const outcome = await planReport(app, year);
  return outcome.ok ? { ok: true, report: outcome.report, years } : outcome;
}

export type PlanLoadOutcome =
  | { ok: true; kind: "loaded"; year: number; activities: number; replaced: boolean }
  | { ok: true; kind: "converted"; yaml: string; activities: number }
  | { ok: false; error: "not_allowed" }
  | { ok: false; error: "problems"; problems: PlanProblem[] };

/**
 * A plan pasted in the page: YAML is validated and stored (audited); the seeds' CSV is converted
 * to YAML for review (every activity `manual`), as `rinde plan import` does, and not stored.
 */
export async function webPlanLoad(
  app: AppContext,
  actor: Actor,
  input: { text: string; format: "yaml" | "csv"; surveyIds: Iterable<string> },
  form: FormContext,
): Promise<PlanLoadOutcome> {
  if (!(await mayLoadPlan(app, actor))) return { ok: false, error: "not_allowed" };
  if (input.format === "csv") {
    const converted = importPlanFromCsv(app, input.text, { source: "CSV", surveyIds: input.surveyIds });
    if (!converted.ok) return { ok: false, error: "problems", problems: converted.problems };
    return {
      ok: true,
      kind: "converted",
      yaml: converted.yaml,
      activities: converted.plan.components.reduce((n, c) => n + c.activities.length, 0),
    };
  }
  const read = readPlanText(input.text, planContextOf(app, input.surveyIds));
  if (!read.ok) return { ok: false, error: "problems", problems: read.problems };
  let stored: { year: number; activities: number; replaced: boolean } | undefined;
  const outcome = await runFormAction<"not_allowed">(
    app,
    actor,
    "plan.load",
    `plan:${read.plan.year}`,
    form,
    async () => {
      const before = await app.repos.plan.get(read.plan.year);
      const result = await storePlan(app, actor, {
        plan: read.plan,
        sha256: read.sha256,
        sourceFile: `web:${actorLabel(actor)}`,
      });
      if (!result.ok) return result;
      stored = { year: read.plan.year, activities: result.activities, replaced: result.replaced };
      return {
        ok: true,
        before: before ? { sha256: before.sha256 } : null,
        after: { year: read.plan.year, sha256: read.sha256, activities: result.activities },
      };
    },
  );
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    kind: "loaded",
    year: read.plan.year,
    activities: stored?.activities ?? 0,
    replaced: stored?.replaced ?? false,
  };
}
