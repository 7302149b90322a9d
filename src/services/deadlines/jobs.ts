/**
 * Planning the scheduled jobs of a question's legal term (the handlers are in ./deadlines.ts).
 * Each open question has at most one pending alert job: the next reminder point, or the overdue
 * escalation; running it plans the one after (a chain), so filing writes one row and a question
 * caught up after downtime gets one alert, the most urgent reached, not every missed one. Keys
 * carry the question, the due date and the stage, so planning again is a no-op and a new due date
 * makes new jobs. Call these inside the transaction of the state change they follow.
 */
import { addCalendarDays, toLocalDate, type BusinessCalendar } from "../../core/calendar/index.ts";
import {
  alertStages,
  localTimeToMs,
  monthTermEnd,
  nextStage,
  type AlertStage,
  type OfficeHours,
} from "../../core/deadline-schedule.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import type { AppContext } from "../context.ts";

export const DEADLINE_JOB_KINDS = {
  /** Reminder to the office, or escalation once overdue. Payload {@link AlertPayload}. */
  alert: "deadline.alert",
  /** Daily digest of one office. Payload {@link DigestPayload}. */
  digest: "deadline.digest",
  /** Closes an incomplete petition as withdrawn after a month. Payload {@link WithdrawalPayload}. */
  withdrawal: "question.withdrawal",
} as const;

export interface AlertPayload {
  questionId: number;
  dueDate: string;
  stage: string;
}
export interface DigestPayload {
  officeKey: string;
  date: string;
}
export interface WithdrawalPayload {
  questionId: number;
  requestEventId: number;
  lastDay: string;
}

export function officeHoursOf(app: AppContext): OfficeHours {
  return {
    start: app.profile.officeHours.start,
    end: app.profile.officeHours.end,
    timeZone: app.profile.timezone,
    calendar: app.calendar,
  };
}

/** Stages by due date, per calendar: questions filed the same day share a due date (hot path: filing). */
const stagesByCalendar = new WeakMap<BusinessCalendar, Map<string, readonly AlertStage[]>>();
const STAGES_MAX = 2048;

/** The alert stages of a due date under the app's calendar, office hours and reminder points. */
export function alertStagesOf(app: AppContext, dueDate: string): readonly AlertStage[] {
  let memo = stagesByCalendar.get(app.calendar);
  if (!memo) stagesByCalendar.set(app.calendar, (memo = new Map()));
  const { reminders, officeHours, timezone } = app.profile;
  const key = `${dueDate}|${reminders.businessDaysBefore.join(",")}|${officeHours.start}|${timezone}`;
  let stages = memo.get(key);
  if (!stages) {
    stages = Object.freeze(alertStages(dueDate, reminders.businessDaysBefore, officeHoursOf(app)));
    if (memo.size >= STAGES_MAX) memo.clear();
    memo.set(key, stages);
  }
  return stages;
}

/** The key of one alert: question, due date, stage. Outbox keys of its messages start with it. */
export function alertKey(questionId: number, dueDate: string, stageId: string): string {
  return `deadline:q${questionId}:${dueDate}:${stageId}`;
}

/** Plans the next alert of an open question after `nowMs`, if any is left. Idempotent. */
export async function planNextAlert(
  app: AppContext,
  question: Pick<QuestionRow, "id" | "dueDate">,
  nowMs: number,
): Promise<void> {
  const stage = nextStage(alertStagesOf(app, question.dueDate), nowMs);
  if (!stage) return;
  const payload: AlertPayload = { questionId: question.id, dueDate: question.dueDate, stage: stage.id };
  await app.repos.jobs.plan(
    {
      key: alertKey(question.id, question.dueDate, stage.id),
      kind: DEADLINE_JOB_KINDS.alert,
      runAtMs: stage.atMs,
      payload: { ...payload },
      questionId: question.id,
    },
    nowMs,
  );
}

/** Replaces a question's pending alert after its due date changed (extension, restart, recompute). */
export async function replanAlerts(
  app: AppContext,
  question: Pick<QuestionRow, "id" | "dueDate">,
  nowMs: number,
): Promise<void> {
  await app.repos.jobs.cancelForQuestion(question.id, [DEADLINE_JOB_KINDS.alert], nowMs);
  await planNextAlert(app, question, nowMs);
}

/** Cancels a question's pending deadline jobs (answered, paused, withdrawn). */
export async function cancelDeadlineJobs(
  app: AppContext,
  questionId: number,
  nowMs: number,
  kinds: readonly string[] = [DEADLINE_JOB_KINDS.alert, DEADLINE_JOB_KINDS.withdrawal],
): Promise<void> {
  await app.repos.jobs.cancelForQuestion(questionId, kinds, nowMs);
}

/**
 * Plans the withdrawal of a petition whose completion was requested at `requestedAtMs`: the
 * citizen has one month (Ley 1755 de 2015, art. 17), to the same day number of the next month,
 * extended to the next business day when that day is not one; the petition is closed at office
 * opening of the day after.
 */
export async function planWithdrawal(
  app: AppContext,
  questionId: number,
  requestEventId: number,
  requestedAtMs: number,
): Promise<void> {
  const requestedOn = toLocalDate(new Date(requestedAtMs), app.profile.timezone);
  const lastDay = monthTermEnd(requestedOn, 1, app.calendar);
  const runAtMs = localTimeToMs(addCalendarDays(lastDay, 1), app.profile.officeHours.start, app.profile.timezone);
  const payload: WithdrawalPayload = { questionId, requestEventId, lastDay };
  await app.repos.jobs.plan(
    {
      key: `deadline:withdrawal:q${questionId}:e${requestEventId}`,
      kind: DEADLINE_JOB_KINDS.withdrawal,
      runAtMs,
      payload: { ...payload },
      questionId,
    },
    requestedAtMs,
  );
}
