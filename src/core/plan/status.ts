/**
 * Where an activity of the plan stands on a given day. Pure: today and the measured values are
 * parameters. The rule (README "Decisions › Plan follow-up"):
 *
 * - **done**: the goal is met — for a count, the value reached the goal (and every district kind
 *   its minimum); for a share (`isLevelIndicator`), the share is at the goal once the period ended.
 *   `onTime` says whether it was met by the end date (values counted up to that day) or later.
 * - **late**: the end date passed and the goal is not met.
 * - **at_risk**: the period is under way and either the value is behind the straight line from 0
 *   at the start to the goal at the end by more than a slack (the larger of 1 unit and 10 % of the
 *   goal), or fewer than {@link FINAL_STRETCH_DAYS} calendar days remain and the goal is not met.
 *   A share is at risk when it is more than {@link LEVEL_SLACK_POINTS} points under its goal.
 * - **on_track**: otherwise, including before the period starts (`started` false).
 */
import { toEpochDay, type LocalDate } from "../calendar/local-date.ts";

export const ACTIVITY_STATES = ["on_track", "at_risk", "done", "late"] as const;
export type ActivityState = (typeof ACTIVITY_STATES)[number];

/** Calendar days before the end date when an unmet goal is at risk whatever the pace. */
export const FINAL_STRETCH_DAYS = 15;
/** A share this many percentage points under its goal is at risk. */
export const LEVEL_SLACK_POINTS = 10;
/** Share of the goal a count may lag behind the straight line before it is at risk. */
export const PACE_SLACK_SHARE = 0.1;
/** Business days before the end date when the responsible office is reminded of an unmet goal. */
export const PLAN_REMINDER_BUSINESS_DAYS = 10;
/** Local time of the plan leader's monthly digest, on the month's first business day. */
export const PLAN_DIGEST_TIME = "09:00";

export interface AssessInput {
  today: LocalDate;
  start: LocalDate;
  end: LocalDate;
  goal: number;
  /** True for shares (met only at the end), false for running counts. */
  level: boolean;
  /** Counted up to the end date (or today, if earlier); null when a share has nothing to measure yet. */
  valueByEnd: number | null;
  /** Counted up to today (may include what happened after the end date). */
  valueNow: number | null;
  /** Whether the district minimums are met by the end date / now (true when the activity has none). */
  districtsByEnd: boolean;
  districtsNow: boolean;
}

export interface Assessment {
  state: ActivityState;
  started: boolean;
  /** Whether the goal was met by the end date; null while not done. */
  onTime: boolean | null;
  /** Share of the period elapsed, 0..1. */
  elapsed: number;
  /** The value the straight line expects today (counts), or the goal (shares). */
  expected: number;
  /** Calendar days from today to the end date (negative once it passed). */
  daysLeft: number;
}

/** Share of [start, end] elapsed at the end of `today`, 0..1 (both ends inclusive). */
export function elapsedShare(today: LocalDate, start: LocalDate, end: LocalDate): number {
  const total = toEpochDay(end) - toEpochDay(start) + 1;
  const done = toEpochDay(today) - toEpochDay(start) + 1;
  return Math.min(1, Math.max(0, done / total));
}

export function assessActivity(input: AssessInput): Assessment {
  const { today, start, end, goal } = input;
  const started = today >= start;
  const ended = today > end;
  const elapsed = elapsedShare(today, start, end);
  const daysLeft = toEpochDay(end) - toEpochDay(today);
  const metByEnd = (input.valueByEnd ?? -Infinity) >= goal && input.districtsByEnd;
  const metNow = (input.valueNow ?? -Infinity) >= goal && input.districtsNow;
  const base = { started, elapsed, daysLeft };
  if (input.level) {
    const expected = goal;
    if (ended)
      return metByEnd
        ? { ...base, state: "done", onTime: true, expected }
        : { ...base, state: "late", onTime: null, expected };
    const value = input.valueNow;
    const behind = started && value !== null && value < goal - LEVEL_SLACK_POINTS;
    return { ...base, state: behind ? "at_risk" : "on_track", onTime: null, expected };
  }
  const expected = goal * elapsed;
  if (metByEnd) return { ...base, state: "done", onTime: true, expected };
  if (metNow) return { ...base, state: "done", onTime: !ended, expected };
  if (ended) return { ...base, state: "late", onTime: null, expected };
  if (!started) return { ...base, state: "on_track", onTime: null, expected };
  const slack = Math.max(1, goal * PACE_SLACK_SHARE);
  const value = input.valueNow ?? 0;
  const atRisk = value < expected - slack || daysLeft < FINAL_STRETCH_DAYS;
  return { ...base, state: atRisk ? "at_risk" : "on_track", onTime: null, expected };
}
