/**
 * What people record for the plan: progress on an activity Rinde cannot measure (the responsible
 * office, with an evidence link; append-only, who and when), and the publication of a dialogue
 * space's answer report (counted by `answer_reports`, logged in `publication_log` and linked
 * from the event's public page). Errors are values mapped to
 * `plan.errors.<error>`.
 */
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { checkEvidenceUrl } from "../../core/commitments.ts";
import { canActOnPlan, findActivity } from "../../core/plan/index.ts";
import type { AnswerReportRow, PlanProgressRow } from "../../db/repositories/plan.ts";
import type { AppContext } from "../context.ts";
import { eventQuestionReport } from "../events/questions.ts";

export type PlanError =
  | "plan_not_found"
  | "activity_not_found"
  | "not_allowed"
  | "measured_activity"
  | "invalid_value"
  | "invalid_evidence_url"
  | "note_too_long"
  | "event_not_found"
  | "event_not_held"
  | "no_questions";

export type PlanOutcome<T> = ({ ok: true } & T) | { ok: false; error: PlanError };

const MAX_NOTE_LENGTH = 1000;

export interface ProgressInput {
  year: number;
  activityId: string;
  /** The value reached so far, in the goal's unit (not an increment). */
  value: number;
  evidenceUrl: string;
  note?: string | null;
}

/**
 * Records progress on a manual activity. Only its responsible offices (and admin, the CLI
 * operator) may; the value may go down (a correction), the history keeps every entry.
 */
export async function recordPlanProgress(
  app: AppContext,
  actor: Actor,
  input: ProgressInput,
): Promise<PlanOutcome<{ entry: PlanProgressRow; previous: number | null }>> {
  return await app.store.withTransaction(async () => {
    const plan = (await app.repos.plan.get(input.year))?.definition;
    if (!plan) return { ok: false, error: "plan_not_found" };
    const found = findActivity(plan, input.activityId);
    if (!found) return { ok: false, error: "activity_not_found" };
    const { activity } = found;
    if (!canActOnPlan(actor, "progress", { officeKeys: activity.offices })) return { ok: false, error: "not_allowed" };
    if (activity.indicator.type !== "manual") return { ok: false, error: "measured_activity" };
    const max = activity.goal.unit === "percent" ? 100 : Number.MAX_SAFE_INTEGER;
    if (!Number.isFinite(input.value) || input.value < 0 || input.value > max)
      return { ok: false, error: "invalid_value" };
    const url = input.evidenceUrl.trim();
    if (checkEvidenceUrl(url)) return { ok: false, error: "invalid_evidence_url" };
    const note = input.note?.trim() || null;
    if (note && [...note].length > MAX_NOTE_LENGTH) return { ok: false, error: "note_too_long" };
    const previous = (await app.repos.plan.progressHistory(input.year, activity.id)).at(-1)?.value ?? null;
    const entry = await app.repos.plan.addProgress({
      year: input.year,
      activityId: activity.id,
      value: input.value,
      evidenceUrl: url,
      note,
      actor: actorLabel(actor),
      atMs: app.clock.nowMs(),
    });
    return { ok: true, entry, previous };
  });
}

/**
 * Records that the report of an event's questions and answers (`rinde events report`) was
 * published at `url`, with how many questions it covered and how many were answered then. Only
 * after the event took place, and when it had questions.
 */
export async function publishAnswerReport(
  app: AppContext,
  actor: Actor,
  eventId: number,
  url: string,
): Promise<PlanOutcome<{ report: AnswerReportRow }>> {
  return await app.store.withTransaction(async () => {
    const event = await app.repos.events.get(eventId);
    if (!event) return { ok: false, error: "event_not_found" };
    if (!canActOnPlan(actor, "publish_answers", { officeKeys: event.officeKey ? [event.officeKey] : [] }))
      return { ok: false, error: "not_allowed" };
    const nowMs = app.clock.nowMs();
    if (event.status === "cancelled" || event.startsAtMs > nowMs) return { ok: false, error: "event_not_held" };
    if (checkEvidenceUrl(url.trim())) return { ok: false, error: "invalid_evidence_url" };
    const rows = await eventQuestionReport(app, eventId);
    if (rows.length === 0) return { ok: false, error: "no_questions" };
    const answered = rows.filter((r) => r.status === "answered").length;
    const last = (await app.repos.transparency.changes("answer_report", String(eventId))).at(-1);
    const previous: unknown = last ? JSON.parse(last.after) : null;
    const report = await app.repos.plan.addAnswerReport({
      eventId,
      url: url.trim(),
      questions: rows.length,
      answered,
      actor: actorLabel(actor),
      publishedAtMs: nowMs,
    });
    // The same publication in the public-pages log, so the plan, the log and the event's public
    // page count the same answer reports (one per event; a new version replaces the link).
    await app.repos.transparency.logChange({
      subjectKind: "answer_report",
      subjectId: String(eventId),
      before: previous,
      after: { url: report.url, questions: report.questions, answered: report.answered },
      actor: report.actor,
      atMs: nowMs,
    });
    return { ok: true, report };
  });
}
