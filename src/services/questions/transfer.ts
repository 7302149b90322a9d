/**
 * Traslado por competencia (Ley 1755 de 2015, art. 21): the alcaldía is not competent, so it sends
 * the petition to the competent entity and tells the citizen. The question ends for the alcaldía
 * (status `transferred`): its reminders, escalations and withdrawal stop, it leaves the open
 * inboxes, and the figures count it apart from internal reassignments. The 5 business days of
 * art. 21 are counted from the filing with the business-day calendar; a transfer after them is
 * still made (the citizen must still be sent on) but recorded and shown as late. One transaction
 * with the citizen's notice and, with an e-mail for the entity and SMTP configured, the remission.
 */
import { actorLabel, canActOnQuestion, type Actor } from "../../core/authorization.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { isClosedStatus } from "../../core/deadlines.ts";
import { coordinatesText, mapUrl, parseGeoRef } from "../../core/geo.ts";
import { parseReference } from "../../core/reference.ts";
import {
  checkTransferInput,
  TRANSFER_TERM_BUSINESS_DAYS,
  transferRecordOf,
  type CheckedTransfer,
  type TransferInput,
  type TransferInputError,
  type TransferRecord,
} from "../../core/transfer.ts";
import type { AttachmentRow } from "../../db/repositories/attachments.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, render, requestTypeText, type AppContext } from "../context.ts";
import { cancelDeadlineJobs } from "../deadlines/jobs.ts";
import { notifyCitizen } from "./notify-citizen.ts";
import { closeNotices, closingLine } from "./office-notices.ts";
import { dueDateFrom, questionForUpdate, type QuestionError } from "./questions.ts";

export type TransferError =
  | Extract<QuestionError, "question_not_found" | "not_allowed" | "already_closed" | "already_transferred">
  | TransferInputError;

export type TransferOutcome =
  { ok: true; question: QuestionRow; transfer: TransferRecord } | { ok: false; error: TransferError };

/** The last day art. 21 allows for the transfer: 5 business days after the petition was received. */
export function transferLimitOf(app: AppContext, question: Pick<QuestionRow, "filedAtMs">): LocalDate {
  return dueDateFrom(app, question.filedAtMs, TRANSFER_TERM_BUSINESS_DAYS).dueDate;
}

/** The question's transfer as recorded in its history, if it was transferred. */
export async function transferOf(
  app: AppContext,
  question: QuestionRow,
): Promise<(TransferRecord & { atMs: number }) | undefined> {
  if (question.status !== "transferred") return undefined;
  const event = await app.repos.questions.lastEvent(question.id, "transferred");
  const record = event && transferRecordOf(JSON.parse(event.data) as Record<string, unknown>);
  return record ? { ...record, atMs: event.atMs } : undefined;
}

function closedError(question: QuestionRow): "already_transferred" | "already_closed" | undefined {
  if (question.status === "transferred") return "already_transferred";
  return isClosedStatus(question.status) ? "already_closed" : undefined;
}

/**
 * Transfers the question `reference` to another entity. Whoever may answer or reassign the
 * question may transfer it (its office's officials and head, an admin, the CLI operator).
 * Refused for answered, withdrawn or already transferred questions; a question waiting for the
 * citizen's information may be transferred (art. 21 counts from the receipt, not from the answer).
 */
export async function transferQuestion(
  app: AppContext,
  actor: Actor,
  reference: string,
  input: TransferInput,
): Promise<TransferOutcome> {
  const checked = checkTransferInput(input);
  if (!checked.ok) return checked;
  return await app.store.withTransaction(async (): Promise<TransferOutcome> => {
    const canonical = parseReference(reference);
    // Locked: a double submit, or an answer at the same moment, is checked after this one commits,
    // so a question is transferred, announced and recorded once.
    const question = canonical ? await questionForUpdate(app, canonical) : undefined;
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "transfer", question.officeKey)) return { ok: false, error: "not_allowed" };
    const closed = closedError(question);
    if (closed) return { ok: false, error: closed };
    const nowMs = app.clock.nowMs();
    const limit = transferLimitOf(app, question);
    const late = toLocalDate(new Date(nowMs), app.profile.timezone) > limit;
    const remitted = checked.value.entityEmail !== null && app.emailNotices === true;
    const transfer: TransferRecord = { ...checked.value, limit, late, remitted };
    await app.repos.questions.update(question.id, { status: "transferred", updatedAtMs: nowMs });
    await app.repos.questions.addEvent(question.id, "transferred", actorLabel(actor), nowMs, { ...transfer });
    // The alcaldía's term is over: no reminder, escalation or withdrawal is left for it.
    await cancelDeadlineJobs(app, question.id, nowMs);
    if (remitted) await queueRemission(app, question, checked.value, nowMs);
    await notifyCitizen(
      app,
      question,
      `q:${question.id}:transferred`,
      "notify.transferred",
      (locale) => citizenVars(app, locale, transfer, nowMs),
      { legal: true },
    );
    await closeNotices(
      app,
      question.id,
      await closingLine(
        app,
        { kind: "transferred", entityName: transfer.entityName },
        actor.kind === "official" ? actor.officialId : null,
      ),
    );
    return { ok: true, question: (await app.repos.questions.byId(question.id))!, transfer };
  });
}

/** The variables of the citizen's notice (`notify.transferred`) in `locale`: optional lines only when they apply. */
function citizenVars(
  app: AppContext,
  locale: string,
  transfer: CheckedTransfer & { remitted: boolean },
  nowMs: number,
): Record<string, unknown> {
  const vars = {
    toEntity: transfer.entityName,
    entityEmail: transfer.entityEmail,
    entityReference: transfer.entityReference,
  };
  return {
    toEntity: transfer.entityName,
    reason: transfer.reason,
    dateText: dueDateText(toLocalDate(new Date(nowMs), app.profile.timezone), locale),
    sentLine: transfer.remitted ? `\n${render(app, locale, "notify.transferred_sent", vars)}` : "",
    referenceLine: transfer.entityReference ? `\n${render(app, locale, "notify.transferred_reference", vars)}` : "",
  };
}

/** Exactly what the citizen is sent (the back-office preview), in `locale`. */
export function citizenTransferText(
  app: AppContext,
  locale: string,
  question: Pick<QuestionRow, "reference" | "officeKey" | "dueDate">,
  transfer: CheckedTransfer & { remitted: boolean },
  nowMs: number,
): string {
  return render(app, locale, "notify.transferred", {
    reference: question.reference,
    officeName: officeName(app, question.officeKey),
    dueDateText: dueDateText(question.dueDate, locale),
    ...citizenVars(app, locale, transfer, nowMs),
  });
}

/**
 * The places the citizen shared, one line each, for the remission: where the problem is belongs to
 * the petition the entity must answer, and coordinates travel by e-mail, unlike chat files.
 */
function placeLines(app: AppContext, attachments: readonly AttachmentRow[]): string {
  return attachments
    .map((a) => (a.kind === "location" ? parseGeoRef(a.fileRef) : undefined))
    .flatMap((at, i) => {
      if (!at) return [];
      const place = [attachments[i]!.placeName, attachments[i]!.placeAddress].filter(Boolean).join(", ");
      const line = render(app, DEFAULT_LOCALE, "staff.transfer.remission_place", {
        coordinates: coordinatesText(at),
        placeNote: place ? ` (${place})` : "",
        mapUrl: mapUrl(at),
      });
      return [`\n${line}`];
    })
    .join("");
}

/**
 * The remission (oficio remisorio) by e-mail to the competent entity, in Spanish: the radicado,
 * when and how the petition came in, why it is sent, and the petition's text. The citizen's chat
 * address is not sent (Ley 1581 de 2012: only what the remission needs); the entity answers the
 * petitioner through the alcaldía's radicado.
 */
async function queueRemission(
  app: AppContext,
  question: QuestionRow,
  transfer: CheckedTransfer,
  nowMs: number,
): Promise<void> {
  const attachments = await app.repos.attachments.forQuestion(question.id);
  const text = render(app, DEFAULT_LOCALE, "staff.transfer.remission", {
    reference: question.reference,
    toEntity: transfer.entityName,
    referenceLine: transfer.entityReference
      ? `\n${render(app, DEFAULT_LOCALE, "staff.transfer.remission_reference", { entityReference: transfer.entityReference })}`
      : "",
    filedText: dueDateText(toLocalDate(new Date(question.filedAtMs), app.profile.timezone), DEFAULT_LOCALE),
    requestType: requestTypeText(app, question.requestType),
    reason: transfer.reason,
    petition: question.text,
    files: attachments.filter((a) => a.kind !== "location").length,
    placeLines: placeLines(app, attachments),
  });
  await app.repos.outbox.enqueue(
    {
      idempotencyKey: `q:${question.id}:remission`,
      channel: "email",
      address: transfer.entityEmail!,
      payload: { text },
    },
    nowMs,
  );
}
