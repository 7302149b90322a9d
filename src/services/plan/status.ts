/**
 * `planStatus`: every activity of a year's plan with its goal, what was achieved, and its state on
 * the app's clock (rules in src/core/plan/status.ts). The typed value the CLI prints and the
 * back-office and public pages render.
 */
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import {
  ACTIVITY_STATES,
  activitiesOf,
  assessActivity,
  isLevelIndicator,
  spanOf,
  type ActivityState,
  type IndicatorType,
  type PlanComponentKind,
  type PlanDefinition,
  type PlanGoal,
} from "../../core/plan/index.ts";
import type { AppContext } from "../context.ts";
import { districtsMet, measureActivity, type DistrictCoverage, type Evidence } from "./measure.ts";
import { mapInOrder } from "../../core/in-order.ts";

export interface ActivityStatus {
  id: string;
  componentKey: string;
  componentKind: PlanComponentKind;
  activity: string;
  product: string;
  goal: PlanGoal;
  offices: string[];
  responsibleText?: string;
  periods: { start: LocalDate; end: LocalDate }[];
  start: LocalDate;
  end: LocalDate;
  indicator: IndicatorType;
  /** True when Rinde measures it, false when the office reports it. */
  measured: boolean;
  /** Achieved so far (count, or percent for shares); null when nothing is measured or reported yet. */
  value: number | null;
  /** Achieved by the end date. */
  valueByEnd: number | null;
  /** value / goal, 0..1 (capped); 0 when nothing yet. */
  achieved: number;
  /** Where the straight line expects the value today (counts) or the goal (shares). */
  expected: number;
  state: ActivityState;
  started: boolean;
  /** Done by the end date (true) or after it (false); null while not done. */
  onTime: boolean | null;
  daysLeft: number;
  districts: DistrictCoverage[];
  evidence: Evidence[];
}

export interface PlanStatus {
  year: number;
  profileId: string;
  title: string;
  source?: string;
  /** The day the figures are for (profile zone). */
  today: LocalDate;
  loadedAtMs: number;
  byState: Record<ActivityState, number>;
  activities: ActivityStatus[];
}

export type PlanStatusOutcome = { ok: true; status: PlanStatus } | { ok: false; error: "plan_not_found" };

export async function assessAll(app: AppContext, plan: PlanDefinition, nowMs: number): Promise<ActivityStatus[]> {
  const today = toLocalDate(new Date(nowMs), app.profile.timezone);
  return await mapInOrder(activitiesOf(plan), async ({ component, activity }) => {
    const { start, end } = spanOf(activity);
    const measure = await measureActivity(app, plan, activity, nowMs);
    const met = districtsMet(measure);
    const level = isLevelIndicator(activity.indicator);
    const assessment = assessActivity({
      today,
      start,
      end,
      goal: activity.goal.value,
      level,
      valueByEnd: measure.valueByEnd,
      valueNow: measure.valueNow,
      districtsByEnd: met.byEnd,
      districtsNow: met.now,
    });
    return {
      id: activity.id,
      componentKey: component.key,
      componentKind: component.kind,
      activity: activity.activity,
      product: activity.product,
      goal: activity.goal,
      offices: activity.offices,
      ...(activity.responsibleText ? { responsibleText: activity.responsibleText } : {}),
      periods: activity.periods,
      start,
      end,
      indicator: activity.indicator.type,
      measured: activity.indicator.type !== "manual",
      value: measure.valueNow,
      valueByEnd: measure.valueByEnd,
      achieved: Math.min(1, Math.max(0, (measure.valueNow ?? 0) / activity.goal.value)),
      expected: Math.round(assessment.expected * 10) / 10,
      state: assessment.state,
      started: assessment.started,
      onTime: assessment.onTime,
      daysLeft: assessment.daysLeft,
      districts: measure.districts,
      evidence: measure.evidence,
    };
  });
}

export function countByState(activities: readonly { state: ActivityState }[]): Record<ActivityState, number> {
  const counts = Object.fromEntries(ACTIVITY_STATES.map((s) => [s, 0])) as Record<ActivityState, number>;
  for (const a of activities) counts[a.state]++;
  return counts;
}

/** The plan of `year` (default: the current year) with every activity's state now. */
export async function planStatus(
  app: AppContext,
  year?: number,
  nowMs = app.clock.nowMs(),
): Promise<PlanStatusOutcome> {
  const wanted = year ?? Number(toLocalDate(new Date(nowMs), app.profile.timezone).slice(0, 4));
  const row = await app.repos.plan.get(wanted);
  if (!row) return { ok: false, error: "plan_not_found" };
  const activities = await assessAll(app, row.definition, nowMs);
  const plan = row.definition;
  return {
    ok: true,
    status: {
      year: plan.year,
      profileId: plan.profile,
      title: plan.title,
      ...(plan.source ? { source: plan.source } : {}),
      today: toLocalDate(new Date(nowMs), app.profile.timezone),
      loadedAtMs: row.loadedAtMs,
      byState: countByState(activities),
      activities,
    },
  };
}
