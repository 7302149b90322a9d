/**
 * Questions citizens send for a dialogue event (Ley 1757 de 2015, MURC): each is filed as a
 * tracked question (requestType `dialogue`, with a radicado) linked to the event, its legal term
 * counted from the event's end. After the event, staff record which were answered there; the rest
 * stay open under the 15-business-day term and its reminders, and the whole set is published with
 * the answers (a report).
 */
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { canReviewEventQuestions } from "../../core/events.ts";
import { parseReference } from "../../core/reference.ts";
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, render, type AppContext } from "../context.ts";
import { replanAlerts } from "../deadlines/jobs.ts";
import { notifyCitizen } from "../questions/notify-citizen.ts";
import { isUpcoming } from "../../core/events.ts";
import { whenText } from "./texts.ts";
import { answerQuestion, dueDateFrom, fileQuestion, type QuestionError } from "../questions/questions.ts";
import { mapInOrder } from "../../core/in-order.ts";

export const ANSWERED_AT_EVENT = "answered_at_event";

export type EventQuestionError =
  "event_not_found" | "event_closed" | "event_not_started" | "not_allowed" | "not_for_event" | QuestionError;

/** Files a citizen's question for an upcoming event. Call inside the inbound transaction. */
export async function fileEventQuestion(
  app: AppContext,
  citizen: CitizenContext,
  channel: string,
  eventId: number,
  text: string,
): Promise<{ ok: true; question: QuestionRow } | { ok: false; error: EventQuestionError }> {
  const event = await app.repos.events.get(eventId);
  if (!event) return { ok: false, error: "event_not_found" };
  if (!isUpcoming(event, app.clock.nowMs())) return { ok: false, error: "event_closed" };
  const officeKey =
    event.officeKey ??
    (await app.router()).route(text, 1)[0]?.officeKey ??
    app.profile.routing.fallbackOffice ??
    app.profile.offices[0]!.key;
  const filed = await fileQuestion(app, {
    citizenId: citizen.citizenId,
    channel,
    text,
    officeKey,
    requestType: "dialogue",
    eventId,
    termFromMs: event.endsAtMs,
  });
  return filed.ok ? { ok: true, question: filed.question } : { ok: false, error: filed.error };
}

/**
 * Moves the legal term of an event's open questions to start at `fromMs` (the event was moved, or
 * cancelled: then from the cancellation). Records the move in each question's history and tells
 * the citizen the new answer date (issue 18.1: a date that moves is never moved silently).
 */
export async function restartEventQuestionTerms(app: AppContext, event: EventRecord, fromMs: number): Promise<number> {
  const nowMs = app.clock.nowMs();
  let moved = 0;
  for (const listed of await app.repos.events.questions(event.id)) {
    // Locked and read again: a question answered at this moment keeps its answer and is not re-dated.
    const q = await app.repos.questions.byIdForUpdate(listed.id);
    if (q?.status !== "open" || q.extendedTo !== null || q.requestType !== "dialogue") continue;
    const startMs = Math.max(nowMs, fromMs);
    const due = dueDateFrom(app, startMs, q.termBusinessDays);
    if (due.dueDate === q.dueDate) continue;
    await app.repos.questions.update(q.id, { dueDate: due.dueDate, termStartedAtMs: startMs, updatedAtMs: nowMs });
    await app.repos.questions.addEvent(q.id, "term_moved", "system", nowMs, {
      eventId: event.id,
      eventStatus: event.status,
      from: q.dueDate,
      to: due.dueDate,
    });
    await replanAlerts(app, { id: q.id, dueDate: due.dueDate }, nowMs);
    const locale = (await app.repos.citizens.get(q.citizenId))?.locale ?? DEFAULT_LOCALE;
    const textKey =
      event.status === "cancelled" ? "citizen_flow.event_term.cancelled" : "citizen_flow.event_term.moved";
    await notifyCitizen(app, { ...q, dueDate: due.dueDate }, `q:${q.id}:term_moved:${nowMs}:${due.dueDate}`, textKey, {
      title: event.title,
      previousDueDateText: dueDateText(q.dueDate, locale),
    });
    moved++;
  }
  return moved;
}

async function loadReviewable(
  app: AppContext,
  actor: Actor,
  eventId: number,
): Promise<{ ok: true; event: EventRecord } | { ok: false; error: EventQuestionError }> {
  const event = await app.repos.events.get(eventId);
  if (!event) return { ok: false, error: "event_not_found" };
  if (!canReviewEventQuestions(actor, event.officeKey)) return { ok: false, error: "not_allowed" };
  if (event.status === "cancelled") return { ok: false, error: "event_closed" };
  if (event.startsAtMs > app.clock.nowMs()) return { ok: false, error: "event_not_started" };
  return { ok: true, event };
}

/** Marks an event as held (it took place). Idempotent. */
export async function markEventHeld(
  app: AppContext,
  actor: Actor,
  eventId: number,
): Promise<{ ok: true; event: EventRecord } | { ok: false; error: EventQuestionError }> {
  return await app.store.withTransaction(async () => {
    const loaded = await loadReviewable(app, actor, eventId);
    if (!loaded.ok) return loaded;
    if (loaded.event.status !== "held")
      await app.repos.events.update(eventId, { status: "held", updatedAtMs: app.clock.nowMs() });
    return { ok: true, event: (await app.repos.events.get(eventId))! };
  });
}

/**
 * Records that a question was answered during the event: the question closes with `summary` (or a
 * standard line naming the event) as its answer, which the citizen receives with the radicado.
 */
export async function markAnsweredAtEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
  reference: string,
  summary?: string,
): Promise<{ ok: true; question: QuestionRow } | { ok: false; error: EventQuestionError }> {
  return await app.store.withTransaction(async () => {
    const loaded = await loadReviewable(app, actor, eventId);
    if (!loaded.ok) return loaded;
    const canonical = parseReference(reference);
    const question = canonical ? await app.repos.questions.byReference(canonical) : undefined;
    if (!question) return { ok: false, error: "question_not_found" };
    if (question.eventId !== eventId) return { ok: false, error: "not_for_event" };
    const event = loaded.event;
    const text =
      summary?.trim() ||
      render(app, DEFAULT_LOCALE, "events.answered_at_event", {
        title: event.title,
        when: whenText(app, event, DEFAULT_LOCALE),
      });
    // The reviewer was authorized above; the answer itself is recorded as the system's.
    const answered = await answerQuestion(app, { kind: "system" }, question.reference, text);
    if (!answered.ok) return answered;
    await app.repos.questions.addEvent(question.id, ANSWERED_AT_EVENT, actorLabel(actor), app.clock.nowMs(), {
      eventId,
    });
    if (event.status !== "held")
      await app.repos.events.update(eventId, { status: "held", updatedAtMs: app.clock.nowMs() });
    return { ok: true, question: answered.question };
  });
}

export type EventQuestionReportRow = {
  reference: string;
  officeKey: string;
  filedAt: string;
  question: string;
  status: QuestionRow["status"];
  /** `event` (answered during the event), `written` (answered afterwards), or empty while open. */
  answeredIn: "event" | "written" | "";
  answer: string;
  answeredAt: string;
  dueDate: string;
  onTime: boolean | null;
};

/** Every question of an event with its answer, for publication (Ley 1757 de 2015: answers are published). */
export async function eventQuestionReport(app: AppContext, eventId: number): Promise<EventQuestionReportRow[]> {
  return await mapInOrder(await app.repos.events.questions(eventId), async (q) => {
    const atEvent = (await app.repos.questions.lastEvent(q.id, ANSWERED_AT_EVENT)) !== undefined;
    const answeredOn =
      q.answeredAtMs !== null ? toLocalDate(new Date(q.answeredAtMs), app.profile.timezone) : undefined;
    return {
      reference: q.reference,
      officeKey: q.officeKey,
      filedAt: new Date(q.filedAtMs).toISOString(),
      question: q.text,
      status: q.status,
      answeredIn: q.status === "answered" ? (atEvent ? "event" : "written") : "",
      answer: q.answerText ?? "",
      answeredAt: q.answeredAtMs !== null ? new Date(q.answeredAtMs).toISOString() : "",
      dueDate: q.dueDate,
      onTime: answeredOn === undefined ? null : atEvent || answeredOn <= q.dueDate,
    };
  });
}
