/**
 * The accountability strategy (estrategia de rendición de cuentas, MURC) of one municipality and
 * year as data: components (información, diálogo, responsabilidad, evaluación), each with
 * activities — product, goal (meta), responsible offices, periods — and the indicator that
 * measures each one. Written in `plans/<profile>-<year>.yaml`, checked whole with zod so a typo
 * stops `rinde plan load` with `file › path: problem`. Pure: the profile facts it is checked
 * against (offices, district kinds, survey ids) are parameters.
 */
import { z } from "zod";
import { isLocalDate, type LocalDate } from "../calendar/index.ts";
import { planProblem, PLAN_PROBLEM_PREFIX, type PlanProblem } from "./problems.ts";

/** The MURC components (Manual Único de Rendición de Cuentas, DAFP). */
export const PLAN_COMPONENTS = ["information", "dialogue", "responsibility", "evaluation"] as const;
export type PlanComponentKind = (typeof PLAN_COMPONENTS)[number];

/** Event kinds as the events table knows them (src/db/schema.ts `events.kind`). */
export const PLAN_EVENT_KINDS = [
  "public_hearing",
  "territorial_dialogue",
  "thematic_dialogue",
  "transparency_fair",
  "mayor_live",
  "site_visit",
  "commitments_meeting",
  "other",
] as const;

// The messages are problem keys (src/core/plan/problems.ts), translated where they are shown.
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, `${PLAN_PROBLEM_PREFIX}key_format`);
const activityId = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, `${PLAN_PROBLEM_PREFIX}activity_id_format`);
const localDate = z.string().refine(isLocalDate, `${PLAN_PROBLEM_PREFIX}date_format`);
const scope = z.enum(["events", "all"]).default("events");

const period = z.object({ start: localDate, end: localDate }).strict();

/**
 * What Rinde counts for an activity. `manual`: the responsible office reports progress with
 * evidence (a newspaper printed, a training given). The others are measured from Rinde's own
 * records in the activity's periods; see src/services/plan/measure.ts for each rule.
 */
export const indicatorSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("manual") }).strict(),
  z
    .object({
      type: z.literal("events"),
      kinds: z.array(z.enum(PLAN_EVENT_KINDS)).min(1),
      /** Only events organised by these offices (e.g. the Secretaría de Educación's hearing). */
      offices: z.array(key).optional(),
      /**
       * Distinct districts required per district kind ("12 comunas y 17 corregimientos"): the value
       * is then the number of distinct districts of those kinds that had a space, and the goal is
       * met only when every kind reaches its minimum.
       */
      distinctDistricts: z
        .partialRecord(z.enum(["comuna", "corregimiento", "vereda", "localidad", "zona"]), z.number().int().min(1))
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("survey_responses"),
      /** Survey ids (flows/surveys); all surveys when absent. */
      surveys: z.array(key).optional(),
      /** Only responses given for a dialogue space (event surveys, paper forms of an event). */
      eventsOnly: z.boolean().default(false),
    })
    .strict(),
  z.object({ type: z.literal("event_questions"), offices: z.array(key).optional() }).strict(),
  z.object({ type: z.literal("questions_answered"), scope, offices: z.array(key).optional() }).strict(),
  z.object({ type: z.literal("answered_on_time"), scope, offices: z.array(key).optional() }).strict(),
  z
    .object({
      type: z.literal("commitments_reported"),
      measure: z.enum(["count", "share"]).default("count"),
      offices: z.array(key).optional(),
    })
    .strict(),
  z.object({ type: z.literal("answer_reports") }).strict(),
]);
export type Indicator = z.infer<typeof indicatorSchema>;
export type IndicatorType = Indicator["type"];

/** Indicators whose value is a level (a share), not a running count: met only at the end of the period. */
export function isLevelIndicator(indicator: Indicator): boolean {
  return (
    indicator.type === "answered_on_time" ||
    (indicator.type === "commitments_reported" && indicator.measure === "share")
  );
}

const goalSchema = z
  .object({
    /** The meta as the plan writes it ("Mínimo 29 espacios de diálogo realizados"). */
    text: z.union([z.string().min(1), z.number().transform(String)]),
    value: z.number().positive(),
    unit: z.enum(["count", "percent"]).default("count"),
  })
  .strict();

const activitySchema = z
  .object({
    id: activityId,
    activity: z.string().min(3),
    product: z.string().min(3),
    goal: goalSchema,
    /** Responsible offices (profile keys); the first one is the lead. */
    offices: z.array(key).min(1),
    /** The responsible as the plan writes it, when it is not an office name ("Equipo líder del proceso"). */
    responsibleText: z.string().optional(),
    /** One or more periods (the seeds schedule some activities twice a year). */
    periods: z.array(period).min(1),
    indicator: indicatorSchema,
  })
  .strict();

const componentSchema = z
  .object({
    key,
    kind: z.enum(PLAN_COMPONENTS),
    /** The subcomponent's title as the plan writes it. */
    name: z.string().min(3),
    activities: z.array(activitySchema).min(1),
  })
  .strict();

export const planSchema = z
  .object({
    profile: key,
    year: z.number().int().min(2000).max(2100),
    title: z.string().min(3),
    /** Where it was transcribed from (the published document). */
    source: z.string().optional(),
    components: z.array(componentSchema).min(1),
  })
  .strict();

export type PlanDefinition = z.infer<typeof planSchema>;
export type PlanComponent = PlanDefinition["components"][number];
export type PlanActivity = PlanComponent["activities"][number];
export type PlanGoal = PlanActivity["goal"];

/** What a plan is checked against: the profile it is for and what Rinde knows. */
export interface PlanContext {
  profileId: string;
  officeKeys: ReadonlySet<string>;
  /** District kind → how many districts of that kind the profile has. */
  districtKinds: ReadonlyMap<string, number>;
  surveyIds: ReadonlySet<string>;
}

type Issue = PlanProblem & { path: (string | number)[] };
const issue = (path: (string | number)[], code: string, vars: Record<string, string | number> = {}): Issue => ({
  ...planProblem(code, vars),
  path,
});

/** The whole-plan checks shapes cannot express; returned as problems with their path. */
export function checkPlan(plan: PlanDefinition, context: PlanContext): Issue[] {
  const issues: Issue[] = [];
  if (plan.profile !== context.profileId)
    issues.push(issue(["profile"], "profile_mismatch", { plan: plan.profile, profile: context.profileId }));
  const componentKeys = new Set<string>();
  const activityIds = new Set<string>();
  plan.components.forEach((component, c) => {
    if (componentKeys.has(component.key))
      issues.push(issue(["components", c, "key"], "duplicate_component", { key: component.key }));
    componentKeys.add(component.key);
    component.activities.forEach((activity, a) => {
      const at = (...rest: (string | number)[]) => ["components", c, "activities", a, ...rest];
      if (activityIds.has(activity.id)) issues.push(issue(at("id"), "duplicate_activity", { id: activity.id }));
      activityIds.add(activity.id);
      activity.offices.forEach((office, o) => {
        if (!context.officeKeys.has(office)) issues.push(issue(at("offices", o), "unknown_office", { office }));
      });
      activity.periods.forEach((p, i) =>
        issues.push(...checkPeriod(p, plan.year).map((problem) => ({ ...problem, path: at("periods", i) }))),
      );
      issues.push(...checkIndicator(activity, context).map((i) => ({ ...i, path: at("indicator", ...i.path) })));
    });
  });
  return issues;
}

function checkPeriod(p: { start: LocalDate; end: LocalDate }, year: number): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (p.start > p.end) problems.push(planProblem("period_reversed", { start: p.start, end: p.end }));
  if (!p.start.startsWith(`${year}-`) && !p.end.startsWith(`${year}-`))
    problems.push(planProblem("period_outside_year", { year }));
  return problems;
}

function checkIndicator(activity: PlanActivity, context: PlanContext): Issue[] {
  const indicator = activity.indicator;
  const issues: Issue[] = [];
  const percentGoal = activity.goal.unit === "percent";
  if (isLevelIndicator(indicator) && !percentGoal)
    issues.push(issue(["type"], "share_needs_percent", { type: indicator.type }));
  if (!isLevelIndicator(indicator) && indicator.type !== "manual" && percentGoal)
    issues.push(issue(["type"], "count_with_percent", { type: indicator.type }));
  if (percentGoal && activity.goal.value > 100) issues.push(issue(["type"], "percent_over_100"));
  if ("offices" in indicator && indicator.offices) {
    indicator.offices.forEach((office, o) => {
      if (!context.officeKeys.has(office)) issues.push(issue(["offices", o], "unknown_office", { office }));
    });
  }
  if (indicator.type === "events" && indicator.distinctDistricts) {
    let required = 0;
    for (const [kind, count] of Object.entries(indicator.distinctDistricts)) {
      required += count;
      const available = context.districtKinds.get(kind) ?? 0;
      if (available < count)
        issues.push(issue(["distinctDistricts", kind], "districts_over_profile", { count, kind, available }));
    }
    if (required < activity.goal.value)
      issues.push(issue(["distinctDistricts"], "districts_under_goal", { required, goal: activity.goal.value }));
  }
  if (indicator.type === "survey_responses") {
    (indicator.surveys ?? []).forEach((id, i) => {
      if (!context.surveyIds.has(id)) issues.push(issue(["surveys", i], "unknown_survey", { survey: id }));
    });
  }
  return issues;
}

/** Every activity with its component, in plan order. */
export function activitiesOf(plan: PlanDefinition): { component: PlanComponent; activity: PlanActivity }[] {
  return plan.components.flatMap((component) => component.activities.map((activity) => ({ component, activity })));
}

export function findActivity(
  plan: PlanDefinition,
  id: string,
): { component: PlanComponent; activity: PlanActivity } | undefined {
  return activitiesOf(plan).find((a) => a.activity.id === id);
}

/** The span an activity covers: the first start and the last end of its periods. */
export function spanOf(activity: PlanActivity): { start: LocalDate; end: LocalDate } {
  const starts = activity.periods.map((p) => p.start).sort();
  const ends = activity.periods.map((p) => p.end).sort();
  return { start: starts[0]!, end: ends.at(-1)! };
}
