/**
 * The question actions of officials in chats and on the CLI, each recorded in the staff audit log
 * with who, what and the state before → after, the same entries the back-office writes for its
 * forms (issue 14). The rules stay in src/services/questions/questions.ts and src/services/extension.ts.
 */
import type { Actor } from "../../core/authorization.ts";
import { parseReference } from "../../core/reference.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { audited, type AuditVia } from "../backoffice/audit.ts";
import type { AppContext } from "../context.ts";
import { extendQuestion } from "../deadlines/extension.ts";
import { answerQuestion, questionForUpdate, reassignQuestion, requestInfo } from "../questions/questions.ts";
import { proposeAnswer } from "../questions/answer-approval.ts";
import { transferQuestion } from "../questions/transfer.ts";
import type { TransferInput } from "../../core/transfer.ts";
import type { CommitmentRow } from "../../db/repositories/commitments.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import { createAnnouncement, type AnnouncementInput } from "../events/announcements.ts";
import {
  cancelCommitment,
  postProgress,
  recordCommitment,
  type ProgressInput,
  type RecordInput,
} from "../commitments/commitments.ts";
import {
  cancelEvent,
  createEvent,
  updateEvent,
  type CreateOptions,
  type EventChanges,
  type EventInput,
} from "../events/events.ts";

/** What the log keeps of a question: its state, never the citizen's text. */
export const questionState = (q: QuestionRow) => ({
  status: q.status,
  officeKey: q.officeKey,
  dueDate: q.dueDate,
  assignedTo: q.assignedTo,
});

/**
 * The question an audited action is about to change, its row locked (`questionForUpdate`): the
 * `before` the log records is the state the change starts from, not one a concurrent change of
 * the same question overwrote while this one waited for it. Call inside the action's transaction.
 */
export async function questionToChange(app: AppContext, reference: string): Promise<QuestionRow | undefined> {
  const canonical = parseReference(reference);
  return canonical ? await questionForUpdate(app, canonical) : undefined;
}

const subjectOf = (reference: string) => parseReference(reference) ?? reference.slice(0, 40);

function change(app: AppContext, actor: Actor, via: AuditVia, action: string, reference: string) {
  return {
    actor,
    via,
    action,
    subject: subjectOf(reference),
    before: async () => {
      const question = await questionToChange(app, reference);
      return question && questionState(question);
    },
  };
}

export async function auditedAnswer(app: AppContext, actor: Actor, via: AuditVia, reference: string, text: string) {
  return await audited(
    app,
    {
      ...change(app, actor, via, "question.answer", reference),
      after: (r) => ({ ...questionState(r.question), answerLength: text.trim().length }),
    },
    () => answerQuestion(app, actor, reference, text),
  );
}

export async function auditedReassign(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  reference: string,
  toOfficeKey: string,
  reason: string,
) {
  return await audited(
    app,
    {
      ...change(app, actor, via, "question.reassign", reference),
      after: (r) => ({ ...questionState(r.question), reason: reason.trim() }),
    },
    () => reassignQuestion(app, actor, reference, toOfficeKey, reason),
  );
}

/** Traslado to another entity (Ley 1755 de 2015, art. 21): the log keeps the entity, the reason and lateness. */
export async function auditedTransfer(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  reference: string,
  input: TransferInput,
) {
  return await audited(
    app,
    {
      ...change(app, actor, via, "question.transfer", reference),
      after: (r) => ({ ...questionState(r.question), ...r.transfer }),
    },
    () => transferQuestion(app, actor, reference, input),
  );
}

export async function auditedRequestInfo(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  reference: string,
  text: string,
) {
  return await audited(
    app,
    { ...change(app, actor, via, "question.request_info", reference), after: (r) => questionState(r.question) },
    () => requestInfo(app, actor, reference, text),
  );
}

export async function auditedExtend(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  reference: string,
  date: string,
  reason: string,
) {
  return await audited(
    app,
    {
      ...change(app, actor, via, "question.extend", reference),
      after: (r) => ({ ...questionState(r.question), reason: reason.trim(), limit: r.limitDate }),
    },
    () => extendQuestion(app, actor, reference, date, reason),
  );
}

/** What the log keeps of an event (its public card, no RSVPs); the back-office's forms record the same. */
export const eventState = (e: EventRecord) => ({
  status: e.status,
  title: e.title,
  startsAtMs: e.startsAtMs,
  endsAtMs: e.endsAtMs,
  place: e.place,
  virtualUrl: e.virtualUrl,
  officeKey: e.officeKey,
});

export async function eventBefore(app: AppContext, eventId: number) {
  const event = await app.repos.events.get(eventId);
  return event && eventState(event);
}

/** Creates an event, or with `held` records one that already took place (the log's `after` says `held`). */
export async function auditedCreateEvent(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  input: EventInput,
  options: CreateOptions = {},
) {
  return await audited(
    app,
    { actor, via, action: "event.create", subject: null, after: (r) => ({ id: r.event.id, ...eventState(r.event) }) },
    () => createEvent(app, actor, input, options),
  );
}

export async function auditedUpdateEvent(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  eventId: number,
  changes: EventChanges,
) {
  return await audited(
    app,
    {
      actor,
      via,
      action: "event.update",
      subject: `event:${eventId}`,
      before: () => eventBefore(app, eventId),
      after: (r) => ({ ...eventState(r.event), notified: r.notified }),
    },
    () => updateEvent(app, actor, eventId, changes),
  );
}

export async function auditedCancelEvent(app: AppContext, actor: Actor, via: AuditVia, eventId: number) {
  return await audited(
    app,
    {
      actor,
      via,
      action: "event.cancel",
      subject: `event:${eventId}`,
      before: () => eventBefore(app, eventId),
      after: (r) => eventState(r.event),
    },
    () => cancelEvent(app, actor, eventId),
  );
}

export async function auditedCreateAnnouncement(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  input: AnnouncementInput,
) {
  const subject = input.eventId !== undefined ? `event:${input.eventId}` : null;
  return await audited(
    app,
    {
      actor,
      via,
      action: "announcement.create",
      subject,
      after: (r) => ({
        id: r.announcement.id,
        status: r.announcement.status,
        segment: input.segment,
        recipients: r.recipients,
        scheduledAtMs: r.announcement.scheduledAtMs,
      }),
    },
    () => createAnnouncement(app, actor, input),
  );
}

/** What the log keeps of a commitment. */
const commitmentState = (c: CommitmentRow) => ({
  number: c.number,
  status: c.status,
  progress: c.progress,
  officeKey: c.officeKey,
  dueDate: c.dueDate,
});

async function commitmentBefore(app: AppContext, number: number) {
  const commitment = await app.repos.commitments.byNumber(number);
  return commitment && commitmentState(commitment);
}

export async function auditedRecordCommitment(app: AppContext, actor: Actor, via: AuditVia, input: RecordInput) {
  return await audited(
    app,
    { actor, via, action: "commitment.record", subject: input.officeKey, after: (r) => commitmentState(r.commitment) },
    () => recordCommitment(app, actor, input),
  );
}

export async function auditedPostProgress(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  number: number,
  input: ProgressInput,
) {
  return await audited(
    app,
    {
      actor,
      via,
      action: "commitment.progress",
      subject: `commitment:${number}`,
      before: () => commitmentBefore(app, number),
      after: (r) => ({ ...commitmentState(r.commitment), evidenceUrl: input.evidenceUrl ?? null }),
    },
    () => postProgress(app, actor, number, input),
  );
}

export async function auditedCancelCommitment(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  number: number,
  reason: string,
) {
  return await audited(
    app,
    {
      actor,
      via,
      action: "commitment.cancel",
      subject: `commitment:${number}`,
      before: () => commitmentBefore(app, number),
      after: (r) => ({ ...commitmentState(r.commitment), reason: reason.trim() }),
    },
    () => cancelCommitment(app, actor, number, reason),
  );
}

/** An official's answer as a proposal for the head's approval (profile `answerApproval`). */
export async function auditedProposeAnswer(
  app: AppContext,
  actor: Actor,
  via: AuditVia,
  reference: string,
  text: string,
) {
  return await audited(
    app,
    {
      ...change(app, actor, via, "question.propose_answer", reference),
      after: (r) => ({ ...questionState(r.question), answerLength: text.trim().length }),
    },
    () => proposeAnswer(app, actor, reference, text),
  );
}
