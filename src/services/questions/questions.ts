/**
 * The question lifecycle (Ley 1755 de 2015): filing with a radicado and a legal due date, answer,
 * reassignment (the term does not restart), requests for more information (art. 17: the term
 * restarts in full when the citizen answers). Every change is one transaction that also queues the
 * notifications in the outbox, so nothing is announced that is not stored.
 */
import { isLongerThan } from "../../core/text-length.ts";
import { parseGeoRef } from "../../core/geo.ts";
import { isClosedStatus } from "../../core/deadlines.ts";
import { citizenErased } from "../privacy/erased-questions.ts";
import { inertUserText } from "../../channels/channel.ts";
import type { RequestType } from "../../config/profile.ts";
import {
  actorLabel,
  answerNeedsApproval,
  canActOnQuestion,
  type Actor,
  type QuestionAction,
} from "../../core/authorization.ts";
import { computeDueDate, toLocalDate, type DueDateExplanation } from "../../core/calendar/index.ts";
import { findReference, formatReference, parseReference } from "../../core/reference.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, render, type AppContext } from "../context.ts";
import { enqueueAbout } from "../sent-messages.ts";
import {
  cancelDeadlineJobs,
  DEADLINE_JOB_KINDS,
  planNextAlert,
  planWithdrawal,
  replanAlerts,
} from "../deadlines/jobs.ts";
import { notifyCitizen } from "./notify-citizen.ts";
import { planAnswerSurveys } from "../surveys/jobs.ts";
import { closeNotices, closingLine, noticePayloads } from "./office-notices.ts";
import { officeTargets } from "../staff/office-targets.ts";

export const MAX_ANSWER_LENGTH = 20_000;
/** Art. 17 Ley 1755 de 2015: the request to complete a petition is made within 10 days of filing. */
export const INFO_REQUEST_WINDOW_BUSINESS_DAYS = 10;

export type QuestionError =
  | "question_not_found"
  | "not_allowed"
  | "already_closed"
  /** Sent to another entity (art. 21): the alcaldía no longer acts on it. */
  | "already_transferred"
  | "empty_text"
  | "text_too_long"
  | "unknown_office"
  | "same_office"
  | "reason_required"
  | "info_request_too_late"
  | "missing_consent"
  | "citizen_erased"
  /** The profile requires the head's approval: propose the answer instead (src/services/questions/answer-approval.ts). */
  | "approval_required";

export type Outcome<T> = ({ ok: true } & T) | { ok: false; error: QuestionError };

export interface FileInput {
  citizenId: number;
  channel: string;
  text: string;
  officeKey: string;
  requestType: RequestType;
  /** Photos and documents (channel file references) and locations the citizen attached, kept on the question. */
  attachments?: readonly QuestionAttachmentInput[];
  /** The dialogue event the question is for (issue 6). */
  eventId?: number;
  /**
   * When the legal term starts, if not at filing: a question sent ahead of a dialogue event is
   * answered there or, if not, in writing within the term counted from the event (Ley 1757 de 2015).
   */
  termFromMs?: number;
}

export interface QuestionAttachmentInput {
  kind: "photo" | "document" | "location";
  /** A file's channel reference, or a location's `geo:lat,lon` (src/core/geo.ts). */
  fileRef: string;
  mimeType?: string;
  fileName?: string;
  /** A location's place name and address, one bounded line each. */
  placeName?: string;
  placeAddress?: string;
}

/** The attachments a conversation collected (its `attachments` variable), validated. */
export function attachmentsFromData(value: unknown): QuestionAttachmentInput[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (a): a is QuestionAttachmentInput =>
      typeof a === "object" &&
      a !== null &&
      typeof a.fileRef === "string" &&
      a.fileRef.length > 0 &&
      (a.kind === "photo" || a.kind === "document" || (a.kind === "location" && parseGeoRef(a.fileRef) !== undefined)),
  );
}

/** Files a question. Call inside the caller's transaction (the inbound handler's). */
export async function fileQuestion(
  app: AppContext,
  input: FileInput,
): Promise<Outcome<{ question: QuestionRow; due: DueDateExplanation }>> {
  const { repos, clock, profile } = app;
  const citizen = await repos.citizens.get(input.citizenId);
  if (citizen?.consent !== "granted") return { ok: false, error: "missing_consent" };
  const office = await repos.offices.get(input.officeKey);
  if (!office?.active) return { ok: false, error: "unknown_office" };
  const nowMs = clock.nowMs();
  const termBusinessDays = profile.requestTypes[input.requestType].termBusinessDays;
  const termFromMs = Math.max(nowMs, input.termFromMs ?? nowMs);
  const due = dueDateFrom(app, termFromMs, termBusinessDays);
  const year = Number(toLocalDate(new Date(nowMs), profile.timezone).slice(0, 4));
  const question = await repos.questions.insert({
    reference: formatReference(year, await repos.questions.nextSequence(year)),
    citizenId: input.citizenId,
    officeKey: office.key,
    requestType: input.requestType,
    status: "open",
    text: input.text,
    channel: input.channel,
    filedAtMs: nowMs,
    termBusinessDays,
    dueDate: due.dueDate,
    termStartedAtMs: termFromMs,
    updatedAtMs: nowMs,
    eventId: input.eventId ?? null,
  });
  await repos.questions.addEvent(question.id, "filed", "citizen", nowMs, {
    officeKey: office.key,
    requestType: input.requestType,
    dueDate: due.dueDate,
  });
  await planNextAlert(app, question, nowMs);
  await repos.attachments.add(
    question.id,
    (input.attachments ?? []).map((a) => ({ ...a, channel: input.channel })),
    nowMs,
  );
  await notifyOffice(app, question, "filed");
  return { ok: true, question, due };
}

export function dueDateFrom(app: AppContext, fromMs: number, termBusinessDays: number): DueDateExplanation {
  return computeDueDate({
    filedAt: new Date(fromMs),
    termBusinessDays,
    timeZone: app.profile.timezone,
    officeHoursEnd: app.profile.officeHours.end,
    calendar: app.calendar,
  });
}

/**
 * Queues the new-question notice (with action buttons and the attached files) for the office's
 * bound group chats and reachable officials.
 */
async function notifyOffice(app: AppContext, question: QuestionRow, occasion: string): Promise<void> {
  const { clock } = app;
  const key = `q:${question.id}:${occasion}:${question.officeKey}`;
  for (const target of await officeTargets(app, question.officeKey)) {
    for (const [i, payload] of (await noticePayloads(app, question, target.channel)).entries()) {
      const idempotencyKey = i === 0 ? `${key}:${target.id}` : `${key}:${target.id}:file-${i}`;
      const about = { kind: i === 0 ? "question_notice" : "question_file", questionId: question.id } as const;
      await enqueueAbout(
        app,
        { idempotencyKey, channel: target.channel, address: target.address, payload, questionId: question.id },
        about,
        clock.nowMs(),
      );
    }
  }
}

/**
 * The question with the radicado `reference` (canonical), read to be changed: found by radicado,
 * then read again with its row locked until the transaction ends (`byIdForUpdate`). Call inside
 * `withTransaction` and check the state a change depends on on the row it returns: on PostgreSQL
 * two use cases on one question (an answer from the chat while the back-office reassigns, a double
 * submit) would otherwise both see it open and both write, and the citizen would get both notices.
 */
export async function questionForUpdate(
  app: Pick<AppContext, "repos">,
  reference: string,
): Promise<QuestionRow | undefined> {
  const found = await app.repos.questions.byReference(reference);
  return found && (await app.repos.questions.byIdForUpdate(found.id));
}

/**
 * Loads a question an actor wants to act on, checking the radicado and the actor's rights. Any
 * action but `view` changes the question: its row is locked first (`questionForUpdate`).
 */
export async function loadForAction(
  app: AppContext,
  actor: Actor,
  reference: string,
  action: QuestionAction,
): Promise<Outcome<{ question: QuestionRow }>> {
  const canonical = parseReference(reference);
  const question = !canonical
    ? undefined
    : action === "view"
      ? await app.repos.questions.byReference(canonical)
      : await questionForUpdate(app, canonical);
  if (!question) return { ok: false, error: "question_not_found" };
  if (!canActOnQuestion(actor, action, question.officeKey)) return { ok: false, error: "not_allowed" };
  if (action !== "view" && question.status === "transferred") return { ok: false, error: "already_transferred" };
  if (action !== "view" && isClosedStatus(question.status)) return { ok: false, error: "already_closed" };
  return { ok: true, question };
}

function checkText(text: string, max: number): QuestionError | undefined {
  if (!text.trim()) return "empty_text";
  if (isLongerThan(text, max)) return "text_too_long";
  return undefined;
}

/** An official (or the CLI operator) answers; the citizen receives the answer with its radicado. */
export async function answerQuestion(
  app: AppContext,
  actor: Actor,
  reference: string,
  answer: string,
): Promise<Outcome<{ question: QuestionRow }>> {
  const textError = checkText(answer, MAX_ANSWER_LENGTH);
  if (textError) return { ok: false, error: textError };
  return await app.store.withTransaction(async () => {
    const loaded = await loadForAction(app, actor, reference, "answer");
    if (!loaded.ok) return loaded;
    if (answerNeedsApproval(actor, app.profile.answerApproval)) return { ok: false, error: "approval_required" };
    const { question } = loaded;
    const nowMs = app.clock.nowMs();
    const answeredBy = actor.kind === "official" ? actor.officialId : null;
    await app.repos.questions.update(question.id, {
      status: "answered",
      answerText: answer.trim(),
      answeredAtMs: nowMs,
      answeredBy,
      updatedAtMs: nowMs,
    });
    await app.repos.questions.addEvent(question.id, "answered", actorLabel(actor), nowMs, {
      onTime: toLocalDate(new Date(nowMs), app.profile.timezone) <= question.dueDate,
    });
    await notifyCitizen(
      app,
      question,
      `q:${question.id}:answer`,
      "notify.answer",
      { answer: answer.trim() },
      { legal: true },
    );
    await cancelDeadlineJobs(app, question.id, nowMs);
    await planAnswerSurveys(app, question.id, nowMs);
    await closeNotices(app, question.id, await closingLine(app, { kind: "answered" }, answeredBy));
    return { ok: true, question: (await app.repos.questions.byId(question.id))! };
  });
}

/** Moves a question to another office with a reason. The legal term does not restart. */
export async function reassignQuestion(
  app: AppContext,
  actor: Actor,
  reference: string,
  toOfficeKey: string,
  reason: string,
): Promise<Outcome<{ question: QuestionRow }>> {
  if (!reason.trim()) return { ok: false, error: "reason_required" };
  return await app.store.withTransaction(async () => {
    const loaded = await loadForAction(app, actor, reference, "reassign");
    if (!loaded.ok) return loaded;
    const { question } = loaded;
    const target = await app.repos.offices.get(toOfficeKey);
    if (!target?.active) return { ok: false, error: "unknown_office" };
    if (target.key === question.officeKey) return { ok: false, error: "same_office" };
    const nowMs = app.clock.nowMs();
    await app.repos.questions.update(question.id, { officeKey: target.key, updatedAtMs: nowMs });
    await app.repos.questions.addEvent(question.id, "reassigned", actorLabel(actor), nowMs, {
      from: question.officeKey,
      to: target.key,
      reason: reason.trim(),
    });
    const updated = (await app.repos.questions.byId(question.id))!;
    const occasion = `reassigned-${(await app.repos.questions.history(question.id)).length}`;
    // The old office's notices close before the new office's are queued (those are not sent yet).
    await closeNotices(
      app,
      question.id,
      await closingLine(
        app,
        { kind: "reassigned", toOfficeKey: target.key },
        actor.kind === "official" ? actor.officialId : null,
      ),
    );
    await notifyOffice(app, updated, occasion);
    await notifyCitizen(app, updated, `q:${question.id}:${occasion}`, "notify.reassigned", {});
    await app.learnNewCorrections();
    return { ok: true, question: updated };
  });
}

/** Asks the citizen to complete the petition; the term stops until they answer. */
export async function requestInfo(
  app: AppContext,
  actor: Actor,
  reference: string,
  request: string,
): Promise<Outcome<{ question: QuestionRow }>> {
  const textError = checkText(request, 2000);
  if (textError) return { ok: false, error: textError };
  return await app.store.withTransaction(async () => {
    const loaded = await loadForAction(app, actor, reference, "request_info");
    if (!loaded.ok) return loaded;
    const { question } = loaded;
    const nowMs = app.clock.nowMs();
    const today = toLocalDate(new Date(nowMs), app.profile.timezone);
    const filedOn = toLocalDate(new Date(question.filedAtMs), app.profile.timezone);
    if (app.calendar.businessDaysBetween(filedOn, today) > INFO_REQUEST_WINDOW_BUSINESS_DAYS)
      return { ok: false, error: "info_request_too_late" };
    // No one could answer the request: the citizen erased their data (issue 18, point 10).
    if (await citizenErased(app, question)) return { ok: false, error: "citizen_erased" };
    await app.repos.questions.update(question.id, { status: "info_requested", updatedAtMs: nowMs });
    await app.repos.questions.addEvent(question.id, "info_requested", actorLabel(actor), nowMs, {
      request: request.trim(),
    });
    // The term stops: no reminders while paused; a month without an answer withdraws the petition.
    await cancelDeadlineJobs(app, question.id, nowMs, [DEADLINE_JOB_KINDS.alert]);
    await planWithdrawal(
      app,
      question.id,
      (await app.repos.questions.lastEvent(question.id, "info_requested"))!.id,
      nowMs,
    );
    const count = (await app.repos.questions.history(question.id)).length;
    await notifyCitizen(
      app,
      question,
      `q:${question.id}:info-request-${count}`,
      "notify.info_request",
      { request: request.trim() },
      { legal: true, kind: "info_request" },
    );
    return { ok: true, question: (await app.repos.questions.byId(question.id))! };
  });
}

/**
 * The citizen sends the requested information: the question reopens and the term restarts in
 * full from today (Ley 1755 de 2015, art. 17). Call inside the caller's transaction.
 */
export async function provideInfo(
  app: AppContext,
  citizenId: number,
  reference: string,
  text: string,
): Promise<Outcome<{ question: QuestionRow; due: DueDateExplanation }>> {
  // Locked: the month's withdrawal job may be closing the same question at this moment.
  const question = await questionForUpdate(app, reference);
  if (!question || question.citizenId !== citizenId || question.status !== "info_requested")
    return { ok: false, error: "question_not_found" };
  const nowMs = app.clock.nowMs();
  const due = dueDateFrom(app, nowMs, question.termBusinessDays);
  // A new full term: any extension of the old one no longer applies.
  await app.repos.questions.update(question.id, {
    status: "open",
    dueDate: due.dueDate,
    termStartedAtMs: nowMs,
    extendedTo: null,
    updatedAtMs: nowMs,
  });
  await app.repos.questions.addEvent(question.id, "info_provided", "citizen", nowMs, { text, dueDate: due.dueDate });
  await cancelDeadlineJobs(app, question.id, nowMs, [DEADLINE_JOB_KINDS.withdrawal]);
  await replanAlerts(app, { id: question.id, dueDate: due.dueDate }, nowMs);
  const updated = (await app.repos.questions.byId(question.id))!;
  const noticeText = render(app, DEFAULT_LOCALE, "notify.official_info_received", {
    reference: question.reference,
    text: inertUserText(text),
    dueDateText: dueDateText(due.dueDate, DEFAULT_LOCALE),
  });
  const count = (await app.repos.questions.history(question.id)).length;
  // Like the new-question notice: the office's groups and its officials; a reply to it answers the question.
  for (const target of await officeTargets(app, question.officeKey)) {
    await enqueueAbout(
      app,
      {
        idempotencyKey: `q:${question.id}:info-provided-${count}:${target.id}`,
        channel: target.channel,
        address: target.address,
        payload: { text: noticeText },
        questionId: question.id,
      },
      { kind: "question_update", questionId: question.id },
      nowMs,
    );
  }
  return { ok: true, question: updated, due };
}

/**
 * A citizen's own question by the radicado written in `input` (alone or inside the text, see
 * core/reference.ts `findReference`). Other citizens' radicados are "not found", like unknown ones.
 */
export async function findOwnQuestion(
  app: AppContext,
  citizenId: number,
  input: string,
): Promise<
  { kind: "malformed" } | { kind: "not_found"; reference: string } | { kind: "found"; question: QuestionRow }
> {
  const reference = findReference(input);
  if (!reference) return { kind: "malformed" };
  const question = await app.repos.questions.byReference(reference);
  if (!question || question.citizenId !== citizenId) return { kind: "not_found", reference };
  return { kind: "found", question };
}

/** CLI and reports: a question with its history, for an authorized actor. */
export async function showQuestion(app: AppContext, actor: Actor, reference: string) {
  const loaded = await loadForAction(app, actor, reference, "view");
  if (!loaded.ok) return loaded;
  // Messages with legal weight the citizen never got (their chat is unreachable): staff see "no
  // entregado" until the citizen writes again and they are delivered (issue 19).
  const undeliveredToCitizen = (await app.repos.outbox.undeliveredLegalForQuestion(loaded.question.id)).length;
  return {
    ok: true as const,
    question: loaded.question,
    history: await app.repos.questions.history(loaded.question.id),
    undeliveredToCitizen,
  };
}
