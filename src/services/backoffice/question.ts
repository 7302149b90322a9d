/**
 * The question page of the back-office (issue 14): what an official needs to act (text, files,
 * timeline with who and when, due-date explanation, the extension limit) and the actions, each
 * through the same services as the chat and the CLI. A web action is one transaction that also
 * writes the audit log and the form's idempotency key, so a double submit acts once.
 */
import {
  actorLabel,
  answerNeedsApproval,
  canActOnQuestion,
  canApproveAnswer,
  type Actor,
} from "../../core/authorization.ts";
import {
  approveAnswer,
  pendingAnswer,
  proposeAnswer,
  returnAnswer,
  type ApprovalError,
  type PendingAnswer,
} from "../questions/answer-approval.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { deadlineState, type DeadlineState, isClosedStatus } from "../../core/deadlines.ts";
import { coordinatesText, mapUrl, parseGeoRef } from "../../core/geo.ts";
import { parseReference } from "../../core/reference.ts";
import type { AttachmentRow } from "../../db/repositories/attachments.ts";
import { canOpenFile, showsAsImage, type FileReaders } from "./attachment-file.ts";
import type { QuestionDelivery } from "../../db/repositories/outbox.ts";
import { describeDelivery, type DeliveryLine } from "../../delivery/delivery-status.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import type { QuestionEventRow, QuestionRow } from "../../db/repositories/questions.ts";
import { dueDateText, officeName, render, type AppContext } from "../context.ts";
import { questionState, questionToChange } from "../staff/audited-actions.ts";
import { dueDateStory, type DueDateStory } from "../deadlines/due-date-story.ts";
import { extendQuestion, type ExtendError } from "../deadlines/extension.ts";
import {
  answerQuestion,
  MAX_ANSWER_LENGTH,
  reassignQuestion,
  requestInfo,
  type QuestionError,
} from "../questions/questions.ts";
import { checkTransferInput, type TransferInput } from "../../core/transfer.ts";
import {
  citizenTransferText,
  transferLimitOf,
  transferOf,
  transferQuestion,
  type TransferError,
} from "../questions/transfer.ts";
import { runFormAction, type FormContext, type FormOutcome, type WorkResult } from "./form-action.ts";
import { businessDaysLeft } from "./inbox.ts";
import { mapInOrder } from "../../core/in-order.ts";
import { publicationOf, type QuestionPublication } from "./publication.ts";
import type { PublicationError } from "../transparency/publication.ts";

export const MAX_NOTE_LENGTH = 4000;

export interface TimelineEntry {
  id: number;
  kind: string;
  atMs: number;
  /** `citizen`, `system`, `cli` or the official's name. */
  who: string;
  whoKind: "citizen" | "system" | "cli" | "official";
  data: Record<string, unknown>;
}

/**
 * A message the citizen was sent about the question and what became of it (issue 17): queued,
 * sent, delivered, read, or failed with the channel's explained error (WhatsApp Cloud statuses).
 */
export interface CitizenMessage {
  outboxId: number;
  /** What the message was: `answer`, `info_request`, `extended`, … or `other`. */
  kind: (typeof MESSAGE_KINDS)[number] | "other";
  channel: string;
  atMs: number;
  /** When the channel last reported on it (delivered, read, failed); null when it has not. */
  statusAtMs: number | null;
  /** Locale keys with their variables: the state, the template used, the error explained. */
  lines: DeliveryLine[];
}

const MESSAGE_KINDS = [
  "answer",
  "info_request",
  "extended",
  "withdrawn",
  "recomputed",
  "term_moved",
  "reassigned",
  "transferred",
] as const;

/** The kind of a citizen message from its idempotency key (`q:7:answer`, `q:7:info-request-2`, `q:7:extended:2026-05-04`). */
export function messageKindOf(key: string): CitizenMessage["kind"] {
  const occasion = /^q:\d+:([a-z_]+(?:-[a-z]+)*)/.exec(key)?.[1]?.replace(/-/g, "_") ?? "";
  return (MESSAGE_KINDS as readonly string[]).includes(occasion) ? (occasion as CitizenMessage["kind"]) : "other";
}

function citizenMessagesOf(deliveries: readonly QuestionDelivery[]): CitizenMessage[] {
  return deliveries
    .filter((d) => d.citizenId !== null)
    .map((d) => ({
      outboxId: d.outboxId,
      kind: messageKindOf(d.key),
      channel: d.channel,
      atMs: d.sentAtMs ?? d.createdAtMs,
      statusAtMs: d.deliveryStatusAtMs,
      lines: describeDelivery(d),
    }));
}

/**
 * A file the citizen attached, or a place they shared: then `map` has its coordinates and an
 * OpenStreetMap link, which the page shows as a link opened in another tab (the page itself loads
 * nothing from another site). `file`: where this server serves the file, when its channel's files
 * can be read here, and whether the page shows it as an image.
 */
export type AttachmentView = AttachmentRow & {
  map?: { coordinates: string; url: string };
  file?: { href: string; image: boolean };
};

function attachmentView(row: AttachmentRow, reference: string, readers: FileReaders): AttachmentView {
  const at = row.kind === "location" ? parseGeoRef(row.fileRef) : undefined;
  if (at) return { ...row, map: { coordinates: coordinatesText(at), url: mapUrl(at) } };
  if (!canOpenFile(readers, row)) return row;
  return { ...row, file: { href: `/admin/preguntas/${reference}/adjuntos/${row.id}`, image: showsAsImage(row) } };
}

export interface QuestionDetail {
  question: QuestionRow;
  officeName: string;
  attachments: AttachmentView[];
  timeline: TimelineEntry[];
  /** Messages sent to the citizen about this question, oldest first, with their delivery state. */
  messages: CitizenMessage[];
  story: DueDateStory;
  deadline: DeadlineState;
  businessDaysLeft: number;
  today: LocalDate;
  assignee: OfficialRow | undefined;
  /** Officials of the question's office (for "assign to"). */
  colleagues: OfficialRow[];
  offices: { key: string; name: string }[];
  /** What the viewer may do here; `approve`: approve or return a proposed answer (head approval). */
  may: { act: boolean; note: boolean; approve: boolean };
  /** The viewer's answer goes to the head for approval first (profile `answerApproval`). */
  answerNeedsApproval: boolean;
  /** A proposed answer waiting for the head's approval, with its author's name. */
  pendingAnswer: (PendingAnswer & { byName: string }) | undefined;
  citizenLocale: string;
  /** Last day of art. 21's 5 business days for a transfer to another entity. */
  transferLimit: LocalDate;
  /** The transfer to another entity, when the question was transferred (with when it was made). */
  transfer: Awaited<ReturnType<typeof transferOf>>;
  /** SMTP is configured: a transfer with the entity's e-mail sends the remission. */
  canEmail: boolean;
  /** What the public pages show of it (issue 15), and whether its answer is held back for personal data. */
  publication: QuestionPublication;
}

export type DetailOutcome =
  { ok: true; detail: QuestionDetail } | { ok: false; error: "question_not_found" | "not_allowed" };

async function timelineOf(app: AppContext, history: readonly QuestionEventRow[]): Promise<TimelineEntry[]> {
  const names = new Map<number, string>();
  return await mapInOrder(history, async (event) => {
    const official = /^official:(\d+)$/.exec(event.actor);
    let who = event.actor;
    let whoKind: TimelineEntry["whoKind"] =
      event.actor === "citizen" ? "citizen" : event.actor === "cli" ? "cli" : "system";
    if (official) {
      const id = Number(official[1]);
      if (!names.has(id)) names.set(id, (await app.repos.officials.get(id))?.name ?? `#${id}`);
      who = names.get(id)!;
      whoKind = "official";
    }
    return {
      id: event.id,
      kind: event.kind,
      atMs: event.atMs,
      who,
      whoKind,
      data: JSON.parse(event.data) as Record<string, unknown>,
    };
  });
}

/** One question for the page; `readers` are the channels whose files this server can serve (links to them). */
export async function questionDetail(
  app: AppContext,
  actor: Actor,
  referenceInput: string,
  readers: FileReaders = new Map(),
): Promise<DetailOutcome> {
  const reference = parseReference(referenceInput);
  const question = reference ? await app.repos.questions.byReference(reference) : undefined;
  if (!question) return { ok: false, error: "question_not_found" };
  if (!canActOnQuestion(actor, "view", question.officeKey)) return { ok: false, error: "not_allowed" };
  const history = await app.repos.questions.history(question.id);
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const closed = isClosedStatus(question.status);
  return {
    ok: true,
    detail: {
      question,
      officeName: officeName(app, question.officeKey),
      attachments: (await app.repos.attachments.forQuestion(question.id)).map((row) =>
        attachmentView(row, question.reference, readers),
      ),
      timeline: await timelineOf(app, history),
      messages: citizenMessagesOf(await app.repos.outbox.deliveriesForQuestion(question.id)),
      story: await dueDateStory(app, question, history),
      deadline: deadlineState({
        status: question.status,
        dueDate: question.dueDate,
        today,
        dueSoonBusinessDays: app.profile.dueSoonBusinessDays,
        calendar: app.calendar,
      }),
      businessDaysLeft: businessDaysLeft(app, today, question.dueDate, question.filedAtMs),
      today,
      assignee: question.assignedTo ? await app.repos.officials.get(question.assignedTo) : undefined,
      colleagues: (await app.repos.officials.list({ officeKey: question.officeKey })).filter(
        (o) => o.role === "official" || o.role === "head",
      ),
      offices: (await app.repos.offices.list())
        .filter((o) => o.active && o.key !== question.officeKey)
        .map((o) => ({ key: o.key, name: o.name })),
      may: {
        act: !closed && canActOnQuestion(actor, "answer", question.officeKey),
        note: canActOnQuestion(actor, "note", question.officeKey),
        approve: !closed && canApproveAnswer(actor, question.officeKey),
      },
      answerNeedsApproval: answerNeedsApproval(actor, app.profile.answerApproval),
      pendingAnswer: await pendingWithName(app, question),
      citizenLocale: (await app.repos.citizens.get(question.citizenId))?.locale ?? "es",
      transferLimit: transferLimitOf(app, question),
      transfer: await transferOf(app, question),
      canEmail: app.emailNotices === true,
      publication: await publicationOf(app, actor, question),
    },
  };
}

/** Exactly what the citizen will receive if this answer is sent (their language, their radicado). */
export async function answerPreview(
  app: AppContext,
  actor: Actor,
  referenceInput: string,
  answer: string,
): Promise<{ ok: true; text: string } | { ok: false; error: QuestionError }> {
  const detail = await questionDetail(app, actor, referenceInput);
  if (!detail.ok) return detail;
  const { question, citizenLocale } = detail.detail;
  if (!answer.trim()) return { ok: false, error: "empty_text" };
  if (answer.length > MAX_ANSWER_LENGTH) return { ok: false, error: "text_too_long" };
  return {
    ok: true,
    text: render(app, citizenLocale, "notify.answer", {
      reference: question.reference,
      officeName: officeName(app, question.officeKey),
      dueDateText: dueDateText(question.dueDate, citizenLocale),
      answer: answer.trim(),
    }),
  };
}

export type ActionError =
  QuestionError | ExtendError | ApprovalError | TransferError | PublicationError | "unknown_official";
export type ActionOutcome = FormOutcome<ActionError> & { proposed?: boolean };
export type { FormContext };

async function runAction(
  app: AppContext,
  actor: Actor,
  action: string,
  reference: string,
  form: FormContext,
  work: () => WorkResult<ActionError> | Promise<WorkResult<ActionError>>,
): Promise<ActionOutcome> {
  return await runFormAction(app, actor, action, reference, form, work);
}

const stateOf = questionState;
const current = questionToChange;

/** What a question use case returns: the question changed, or why not. */
type ChangeResult =
  { ok: true; question: QuestionRow } | { ok: false; error: ActionError; limitDate?: string; dueDate?: string };

/**
 * A question use case run as a back-office form (once per form key, audited): the audit records the
 * question's state before and after, with the details `extra` picks from the result.
 */
async function questionChange<R extends ChangeResult>(
  app: AppContext,
  actor: Actor,
  action: string,
  reference: string,
  form: FormContext,
  change: () => Promise<R>,
  extra: (result: Extract<R, { ok: true }>) => Record<string, unknown> = () => ({}),
): Promise<ActionOutcome> {
  return await runAction(app, actor, action, reference, form, async () => {
    const before = await current(app, reference);
    const result = await change();
    if (!result.ok) return result as Extract<ChangeResult, { ok: false }>;
    const changed = result as Extract<R, { ok: true }>;
    return { ok: true, before: before && stateOf(before), after: { ...stateOf(changed.question), ...extra(changed) } };
  });
}

export async function webAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
  text: string,
  form: FormContext,
): Promise<ActionOutcome> {
  if (answerNeedsApproval(actor, app.profile.answerApproval))
    return { ...(await webProposeAnswer(app, actor, reference, text, form)), proposed: true };
  return await questionChange(
    app,
    actor,
    "question.answer",
    reference,
    form,
    () => answerQuestion(app, actor, reference, text),
    () => ({ answerLength: text.trim().length }),
  );
}

export async function webReassign(
  app: AppContext,
  actor: Actor,
  reference: string,
  toOfficeKey: string,
  reason: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await questionChange(
    app,
    actor,
    "question.reassign",
    reference,
    form,
    async () => {
      const result = await reassignQuestion(app, actor, reference, toOfficeKey, reason);
      // The new office decides who handles it.
      if (result.ok) await app.repos.inbox.assign(result.question.id, null, app.clock.nowMs());
      return result;
    },
    () => ({ reason: reason.trim() }),
  );
}

export async function webRequestInfo(
  app: AppContext,
  actor: Actor,
  reference: string,
  text: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await questionChange(app, actor, "question.request_info", reference, form, () =>
    requestInfo(app, actor, reference, text),
  );
}

export async function webExtend(
  app: AppContext,
  actor: Actor,
  reference: string,
  date: string,
  reason: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await questionChange(
    app,
    actor,
    "question.extend",
    reference,
    form,
    () => extendQuestion(app, actor, reference, date, reason),
    (result) => ({ reason: reason.trim(), limit: result.limitDate }),
  );
}

/** Traslado to another entity (Ley 1755 de 2015, art. 21): the citizen is told, the term ends here. */
export async function webTransfer(
  app: AppContext,
  actor: Actor,
  reference: string,
  input: TransferInput,
  form: FormContext,
): Promise<ActionOutcome> {
  return await questionChange(
    app,
    actor,
    "question.transfer",
    reference,
    form,
    () => transferQuestion(app, actor, reference, input),
    (result) => ({ ...result.transfer }),
  );
}

/**
 * Exactly what the citizen will receive if the question is transferred now (their language), or
 * the first problem with the form. The e-mail line appears when the remission would be e-mailed.
 */
export async function transferPreview(
  app: AppContext,
  actor: Actor,
  referenceInput: string,
  input: TransferInput,
): Promise<{ ok: true; text: string; late: boolean; limit: LocalDate } | { ok: false; error: ActionError }> {
  const detail = await questionDetail(app, actor, referenceInput);
  if (!detail.ok) return detail;
  const checked = checkTransferInput(input);
  if (!checked.ok) return checked;
  const { question, citizenLocale, transferLimit, today } = detail.detail;
  const remitted = checked.value.entityEmail !== null && app.emailNotices === true;
  return {
    ok: true,
    text: citizenTransferText(app, citizenLocale, question, { ...checked.value, remitted }, app.clock.nowMs()),
    late: today > transferLimit,
    limit: transferLimit,
  };
}

/** An internal note: kept in the question's history, never sent to the citizen. */
export async function webNote(
  app: AppContext,
  actor: Actor,
  reference: string,
  text: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await runAction(app, actor, "question.note", reference, form, async () => {
    const question = await current(app, reference);
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "note", question.officeKey)) return { ok: false, error: "not_allowed" };
    if (!text.trim()) return { ok: false, error: "empty_text" };
    if (text.length > MAX_NOTE_LENGTH) return { ok: false, error: "text_too_long" };
    await app.repos.questions.addEvent(question.id, "note", actorLabel(actor), app.clock.nowMs(), {
      text: text.trim(),
    });
    return { ok: true, after: { noteLength: text.trim().length } };
  });
}

/** Assigns the question to an active official (or head) of its office; `null` unassigns. */
export async function webAssign(
  app: AppContext,
  actor: Actor,
  reference: string,
  officialId: number | null,
  form: FormContext,
): Promise<ActionOutcome> {
  return await runAction(app, actor, "question.assign", reference, form, async () => {
    const question = await current(app, reference);
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "assign", question.officeKey)) return { ok: false, error: "not_allowed" };
    if (isClosedStatus(question.status)) return { ok: false, error: "already_closed" };
    if (officialId !== null) {
      const assignee = await app.repos.officials.get(officialId);
      if (!assignee?.active || assignee.officeKey !== question.officeKey)
        return { ok: false, error: "unknown_official" };
    }
    const nowMs = app.clock.nowMs();
    await app.repos.inbox.assign(question.id, officialId, nowMs);
    await app.repos.questions.addEvent(question.id, "assigned", actorLabel(actor), nowMs, { to: officialId });
    return { ok: true, before: { assignedTo: question.assignedTo }, after: { assignedTo: officialId } };
  });
}

async function pendingWithName(app: AppContext, question: QuestionRow): Promise<QuestionDetail["pendingAnswer"]> {
  const pending = await pendingAnswer(app, question);
  if (!pending) return undefined;
  const official = /^official:(\d+)$/.exec(pending.by);
  const byName = official ? ((await app.repos.officials.get(Number(official[1])))?.name ?? pending.by) : pending.by;
  return { ...pending, byName };
}

/** An official's answer when the head approves answers: a proposal, audited, nothing sent to the citizen. */
async function webProposeAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
  text: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await runAction(app, actor, "question.propose_answer", reference, form, async () => {
    const result = await proposeAnswer(app, actor, reference, text);
    return result.ok ? { ok: true, after: { ...stateOf(result.question), answerLength: text.trim().length } } : result;
  });
}

/** The head approves the pending answer: it goes to the citizen. */
export async function webApproveAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await runAction(app, actor, "question.approve_answer", reference, form, async () => {
    const before = await current(app, reference);
    const result = await approveAnswer(app, actor, reference);
    return result.ok
      ? {
          ok: true,
          before: before && stateOf(before),
          after: { ...stateOf(result.question), proposedBy: result.proposal.by },
        }
      : result;
  });
}

/** The head returns the pending answer to its author with a comment. */
export async function webReturnAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
  reason: string,
  form: FormContext,
): Promise<ActionOutcome> {
  return await runAction(app, actor, "question.return_answer", reference, form, async () => {
    const result = await returnAnswer(app, actor, reference, reason);
    return result.ok ? { ok: true, after: { proposedBy: result.proposal.by, reason: reason.trim() } } : result;
  });
}
