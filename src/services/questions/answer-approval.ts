/**
 * Head approval of answers (issue 14), when the profile sets `answerApproval`: an official's
 * answer is recorded as a proposal in the question's history (append-only), the office's heads
 * are told, and a head (or admin) approves it — then it goes out as any answer — or returns it with
 * a comment. Nothing reaches the citizen before the approval.
 */
import { isClosedStatus } from "../../core/deadlines.ts";
import { actorLabel, canActOnQuestion, canApproveAnswer, type Actor } from "../../core/authorization.ts";
import { parseReference } from "../../core/reference.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { render, type AppContext } from "../context.ts";
import { sendToTargets, uniqueTargets } from "../staff/office-targets.ts";
import { answerQuestion, MAX_ANSWER_LENGTH, questionForUpdate, type Outcome, type QuestionError } from "./questions.ts";

export type ApprovalError = QuestionError | "no_pending_answer" | "comment_required";

export interface PendingAnswer {
  /** The `answer_proposed` history event. */
  eventId: number;
  text: string;
  /** Who proposed it (`official:<id>`). */
  by: string;
  atMs: number;
}

/** The proposal waiting for approval: the latest one not yet approved, returned or overtaken by an answer. */
export async function pendingAnswer(app: AppContext, question: QuestionRow): Promise<PendingAnswer | undefined> {
  if (isClosedStatus(question.status)) return undefined;
  const history = await app.repos.questions.history(question.id);
  const proposal = history.filter((e) => e.kind === "answer_proposed").at(-1);
  if (!proposal) return undefined;
  if (
    history.some(
      (e) =>
        e.id > proposal.id && (e.kind === "answer_returned" || e.kind === "answer_approved" || e.kind === "answered"),
    )
  )
    return undefined;
  return {
    eventId: proposal.id,
    text: (JSON.parse(proposal.data) as { text: string }).text,
    by: proposal.actor,
    atMs: proposal.atMs,
  };
}

/**
 * The question to propose, approve or return an answer for, its row locked (`questionForUpdate`):
 * a head approving while another returns, or an answer arriving meanwhile, is checked after it.
 */
async function load(app: AppContext, reference: string): Promise<QuestionRow | undefined> {
  const canonical = parseReference(reference);
  return canonical ? await questionForUpdate(app, canonical) : undefined;
}

/** Records an official's answer as a proposal (a newer one replaces the pending one) and tells the office's heads. */
export async function proposeAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
  text: string,
): Promise<Outcome<{ question: QuestionRow }>> {
  if (!text.trim()) return { ok: false, error: "empty_text" };
  if (text.length > MAX_ANSWER_LENGTH) return { ok: false, error: "text_too_long" };
  return await app.store.withTransaction(async () => {
    const question = await load(app, reference);
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "answer", question.officeKey)) return { ok: false, error: "not_allowed" };
    if (isClosedStatus(question.status)) return { ok: false, error: "already_closed" };
    const nowMs = app.clock.nowMs();
    await app.repos.questions.addEvent(question.id, "answer_proposed", actorLabel(actor), nowMs, { text: text.trim() });
    const heads = (await app.repos.officials.list({ officeKey: question.officeKey })).filter((o) => o.role === "head");
    const targets = uniqueTargets([
      ...heads
        .filter((o) => o.channel && o.address)
        .map((o) => ({ channel: o.channel!, address: o.address!, id: `official-${o.id}` })),
      ...(app.emailNotices
        ? heads
            .filter((o) => o.email)
            .map((o) => ({ channel: "email", address: o.email!, id: `official-${o.id}-email` }))
        : []),
    ]);
    const notice = render(app, DEFAULT_LOCALE, "staff.approval.requested", { reference: question.reference });
    await sendToTargets(app, targets, `q:${question.id}:proposal:${nowMs}`, notice, nowMs);
    return { ok: true, question };
  });
}

/** Approves the pending proposal: it is sent to the citizen as the answer, by the approving head. */
export async function approveAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
): Promise<{ ok: true; question: QuestionRow; proposal: PendingAnswer } | { ok: false; error: ApprovalError }> {
  return await app.store.withTransaction(async () => {
    const question = await load(app, reference);
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canApproveAnswer(actor, question.officeKey)) return { ok: false, error: "not_allowed" };
    const proposal = await pendingAnswer(app, question);
    if (!proposal) return { ok: false, error: "no_pending_answer" };
    await app.repos.questions.addEvent(question.id, "answer_approved", actorLabel(actor), app.clock.nowMs(), {
      proposal: proposal.eventId,
      proposedBy: proposal.by,
    });
    const answered = await answerQuestion(app, actor, reference, proposal.text);
    if (!answered.ok) throw new Error(`an approved answer was refused: ${answered.error}`);
    return { ok: true, question: answered.question, proposal };
  });
}

/** Returns the pending proposal to its author with a comment (never sent to the citizen). */
export async function returnAnswer(
  app: AppContext,
  actor: Actor,
  reference: string,
  reason: string,
): Promise<{ ok: true; question: QuestionRow; proposal: PendingAnswer } | { ok: false; error: ApprovalError }> {
  if (!reason.trim()) return { ok: false, error: "comment_required" };
  return await app.store.withTransaction(async () => {
    const question = await load(app, reference);
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canApproveAnswer(actor, question.officeKey)) return { ok: false, error: "not_allowed" };
    const proposal = await pendingAnswer(app, question);
    if (!proposal) return { ok: false, error: "no_pending_answer" };
    await app.repos.questions.addEvent(question.id, "answer_returned", actorLabel(actor), app.clock.nowMs(), {
      proposal: proposal.eventId,
      reason: reason.trim(),
    });
    return { ok: true, question, proposal };
  });
}
