/**
 * What Rinde measured for one activity, from the other features' records, between the start of
 * its first period and its last end date (counted up to that date, and up to now for work done
 * late). The rules per indicator:
 * - events: spaces that took place (marked held, or ended without being cancelled) of the given
 *   kinds (and offices); with `distinctDistricts`, the distinct districts of those kinds reached;
 * - survey_responses: completed responses, chat and paper (a paper form counts on its event's day);
 * - event_questions: questions filed for dialogue spaces; questions_answered: answered in the period;
 * - answered_on_time: of the questions due in the period that came due or were answered, the share
 *   answered by their due date (percent);
 * - commitments_reported: commitments with progress posted in the period (count, or share of the
 *   commitments not cancelled that existed by the end);
 * - answer_reports: events whose answer report was published in the period (one per event, however
 *   many versions; the same reports the publication log and the events' public pages show);
 * - manual: the latest value the responsible office reported.
 */
import { toLocalDate, addCalendarDays, type LocalDate } from "../../core/calendar/index.ts";
import { localTimeToMs } from "../../core/deadline-schedule.ts";
import { spanOf, type PlanActivity, type PlanDefinition } from "../../core/plan/index.ts";
import type { HeldEvent, QuestionScope, Window } from "../../db/repositories/plan.ts";
import type { AppContext } from "../context.ts";

/** Proof behind a figure: the spaces counted, the links an office gave, the reports published. */
export type Evidence =
  | { kind: "event"; eventId: number; title: string; date: LocalDate; eventKind: string; districts: string[] }
  /** `actor` and `note` are for staff; {@link publicPlanReport} leaves them out. */
  | { kind: "progress"; value: number; url: string; date: LocalDate; note?: string | null; actor?: string }
  | { kind: "answer_report"; eventId: number; url: string; date: LocalDate }
  | { kind: "count"; what: string; value: number };

export interface DistrictCoverage {
  kind: string;
  required: number;
  reachedByEnd: number;
  reachedNow: number;
  /** Districts of the kind with no space yet (profile keys). */
  missing: string[];
}

export interface ActivityMeasure {
  /** Up to the end date (or now, if earlier). Null: a share with nothing to measure, or no progress reported. */
  valueByEnd: number | null;
  valueNow: number | null;
  districts: DistrictCoverage[];
  evidence: Evidence[];
}

/** The instant a civil day starts in the profile's zone. */
export function dayStartMs(app: AppContext, date: LocalDate): number {
  return localTimeToMs(date, "00:00", app.profile.timezone);
}

function windowsOf(
  app: AppContext,
  activity: PlanActivity,
  nowMs: number,
): { byEnd: Window; now: Window; start: LocalDate; end: LocalDate } {
  const { start, end } = spanOf(activity);
  const fromMs = dayStartMs(app, start);
  const endMs = dayStartMs(app, addCalendarDays(end, 1));
  return { byEnd: { fromMs, toMs: Math.min(endMs, nowMs + 1) }, now: { fromMs, toMs: nowMs + 1 }, start, end };
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

/** Measures one activity of `plan` as of `nowMs`. */
export async function measureActivity(
  app: AppContext,
  plan: PlanDefinition,
  activity: PlanActivity,
  nowMs: number,
): Promise<ActivityMeasure> {
  const repo = app.repos.plan;
  const w = windowsOf(app, activity, nowMs);
  const indicator = activity.indicator;
  const none: ActivityMeasure = { valueByEnd: null, valueNow: null, districts: [], evidence: [] };
  const counted = (what: string, byEnd: number, now: number): ActivityMeasure => ({
    valueByEnd: byEnd,
    valueNow: now,
    districts: [],
    evidence: [{ kind: "count", what, value: now }],
  });
  switch (indicator.type) {
    case "manual":
      return (await manualMeasure(app, plan.year, activity, w.byEnd.toMs)) ?? none;
    case "events":
      return await eventsMeasure(app, indicator, w, nowMs);
    case "survey_responses": {
      const filter = { surveys: indicator.surveys, eventsOnly: indicator.eventsOnly };
      return counted(
        "survey_responses",
        await repo.surveyResponses(w.byEnd, filter),
        await repo.surveyResponses(w.now, filter),
      );
    }
    case "event_questions": {
      const scope: QuestionScope = { eventsOnly: true, offices: indicator.offices };
      return counted(
        "event_questions",
        await repo.questionsFiled(w.byEnd, scope),
        await repo.questionsFiled(w.now, scope),
      );
    }
    case "questions_answered": {
      const scope: QuestionScope = { eventsOnly: indicator.scope === "events", offices: indicator.offices };
      return counted(
        "questions_answered",
        await repo.questionsAnswered(w.byEnd, scope),
        await repo.questionsAnswered(w.now, scope),
      );
    }
    case "answered_on_time": {
      const share = await onTimeShare(
        app,
        w.start,
        w.end,
        { eventsOnly: indicator.scope === "events", offices: indicator.offices },
        nowMs,
      );
      return {
        valueByEnd: share.value,
        valueNow: share.value,
        districts: [],
        evidence: [
          { kind: "count", what: "answered_on_time", value: share.onTime },
          { kind: "count", what: "came_due", value: share.due },
        ],
      };
    }
    case "commitments_reported": {
      const byEnd = await repo.commitmentsReported(w.byEnd, indicator.offices);
      const now = await repo.commitmentsReported(w.now, indicator.offices);
      if (indicator.measure === "count") return counted("commitments_reported", byEnd, now);
      const existing = await repo.commitmentsExisting(w.byEnd.toMs, indicator.offices);
      return {
        valueByEnd: percent(byEnd, existing),
        valueNow: percent(byEnd, existing),
        districts: [],
        evidence: [
          { kind: "count", what: "commitments_reported", value: byEnd },
          { kind: "count", what: "commitments", value: existing },
        ],
      };
    }
    case "answer_reports": {
      // One per event (its latest version), as the value counts them: a corrected report republished is the same report.
      const latest = new Map((await repo.answerReports(w.now)).map((r) => [r.eventId, r]));
      const evidence: Evidence[] = [...latest.values()].map((r) => ({
        kind: "answer_report",
        eventId: r.eventId,
        url: r.url,
        date: toLocalDate(new Date(r.publishedAtMs), app.profile.timezone),
      }));
      return {
        valueByEnd: await repo.answerReportEvents(w.byEnd),
        valueNow: await repo.answerReportEvents(w.now),
        districts: [],
        evidence,
      };
    }
  }
}

async function manualMeasure(
  app: AppContext,
  year: number,
  activity: PlanActivity,
  byEndMs: number,
): Promise<ActivityMeasure | undefined> {
  const history = await app.repos.plan.progressHistory(year, activity.id);
  if (history.length === 0) return undefined;
  const byEnd = history.filter((p) => p.atMs < byEndMs).at(-1);
  const evidence: Evidence[] = history.map((p) => ({
    kind: "progress",
    value: p.value,
    url: p.evidenceUrl,
    note: p.note,
    actor: p.actor,
    date: toLocalDate(new Date(p.atMs), app.profile.timezone),
  }));
  return { valueByEnd: byEnd?.value ?? null, valueNow: history.at(-1)!.value, districts: [], evidence };
}

async function eventsMeasure(
  app: AppContext,
  indicator: Extract<PlanActivity["indicator"], { type: "events" }>,
  w: { byEnd: Window; now: Window },
  nowMs: number,
): Promise<ActivityMeasure> {
  const filter = { kinds: indicator.kinds, offices: indicator.offices };
  const held = await app.repos.plan.heldEvents(w.now, nowMs, filter);
  const byEnd = held.filter((e) => e.startsAtMs < w.byEnd.toMs);
  const evidence: Evidence[] = held.map((e) => ({
    kind: "event",
    eventId: e.id,
    title: e.title,
    date: toLocalDate(new Date(e.startsAtMs), app.profile.timezone),
    eventKind: e.kind,
    districts: e.districts,
  }));
  if (!indicator.distinctDistricts) return { valueByEnd: byEnd.length, valueNow: held.length, districts: [], evidence };
  const districts = Object.entries(indicator.distinctDistricts).map(([kind, required]) =>
    coverage(app, kind, required, byEnd, held),
  );
  const sum = (pick: (d: DistrictCoverage) => number) => districts.reduce((n, d) => n + pick(d), 0);
  return { valueByEnd: sum((d) => d.reachedByEnd), valueNow: sum((d) => d.reachedNow), districts, evidence };
}

function coverage(
  app: AppContext,
  kind: string,
  required: number,
  byEnd: readonly HeldEvent[],
  now: readonly HeldEvent[],
): DistrictCoverage {
  const ofKind = app.profile.districts.filter((d) => d.kind === kind).map((d) => d.key);
  const reached = (events: readonly HeldEvent[]) =>
    new Set(events.flatMap((e) => e.districts).filter((d) => ofKind.includes(d)));
  const reachedNow = reached(now);
  return {
    kind,
    required,
    reachedByEnd: reached(byEnd).size,
    reachedNow: reachedNow.size,
    missing: ofKind.filter((d) => !reachedNow.has(d)),
  };
}

/** Whether the district minimums are met, by the end date and now. */
export function districtsMet(measure: ActivityMeasure): { byEnd: boolean; now: boolean } {
  return {
    byEnd: measure.districts.every((d) => d.reachedByEnd >= d.required),
    now: measure.districts.every((d) => d.reachedNow >= d.required),
  };
}

/**
 * Of the questions due between `start` and `end` that came due by today or were answered, the
 * share answered on or before their due date (civil dates in the profile's zone), in percent. A
 * question transferred to another entity (Ley 1755 art. 21) is neither: its term ended with the
 * transfer, as in the management report's on-time rate (src/core/questions-report.ts).
 */
export async function onTimeShare(
  app: AppContext,
  start: LocalDate,
  end: LocalDate,
  scope: QuestionScope,
  nowMs: number,
): Promise<{ value: number | null; onTime: number; due: number }> {
  const today = toLocalDate(new Date(nowMs), app.profile.timezone);
  let due = 0;
  let onTime = 0;
  for (const q of await app.repos.plan.questionsDueBetween(start, end, scope)) {
    if (q.status === "transferred") continue;
    const answeredOn =
      q.status === "answered" && q.answeredAtMs !== null
        ? toLocalDate(new Date(q.answeredAtMs), app.profile.timezone)
        : undefined;
    if (!answeredOn && q.dueDate >= today) continue; // still within its term: not yet judged
    due++;
    if (answeredOn && answeredOn <= q.dueDate) onTime++;
  }
  return { value: percent(onTime, due), onTime, due };
}
