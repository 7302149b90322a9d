/**
 * Extension of a question's legal term (prórroga, Ley 1755 de 2015, art. 14, parágrafo): an
 * official of the office, before the term ends, sets a new date no later than twice the initial
 * term and gives the reason; the citizen is told both, in their language, through the outbox.
 */
import { isClosedStatus } from "../../core/deadlines.ts";
import { isLongerThan } from "../../core/text-length.ts";
import { actorLabel, canActOnQuestion, type Actor } from "../../core/authorization.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { checkExtension, EXTENSION_RULE, extensionLimitDate, type ExtensionRefusal } from "../../core/extension.ts";
import { parseReference } from "../../core/reference.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, render, type AppContext } from "../context.ts";
import { replanAlerts } from "./jobs.ts";
import { termStartMs } from "./deadlines.ts";
import { notifyCitizen } from "../questions/notify-citizen.ts";
import { dueDateFrom, questionForUpdate, type QuestionError } from "../questions/questions.ts";

export const MAX_EXTENSION_REASON_LENGTH = 2000;

/** Why an extension was refused: the question's state, the actor's rights, or a rule of art. 14. */
export type ExtendError =
  | Extract<QuestionError, "question_not_found" | "not_allowed" | "already_closed" | "text_too_long">
  | "paused"
  | ExtensionRefusal;

export type ExtendOutcome =
  | { ok: true; question: QuestionRow; limitDate: LocalDate }
  | { ok: false; error: ExtendError; dueDate?: LocalDate; limitDate?: LocalDate };

/** The latest date an extension of this question may set (twice the initial term of its current term). */
export async function extensionLimitOf(app: AppContext, question: QuestionRow): Promise<LocalDate> {
  const initial = dueDateFrom(app, await termStartMs(app, question), question.termBusinessDays);
  return extensionLimitDate(initial.effectiveFilingDate, question.termBusinessDays, app.calendar);
}

/**
 * Extends the term of the question `reference` to `newDate` (`YYYY-MM-DD`). Whoever may answer
 * the question may extend it (its office's officials and head, an admin, the CLI operator).
 */
export async function extendQuestion(
  app: AppContext,
  actor: Actor,
  reference: string,
  newDate: string,
  reason: string,
): Promise<ExtendOutcome> {
  if (isLongerThan(reason, MAX_EXTENSION_REASON_LENGTH)) return { ok: false, error: "text_too_long" };
  return await app.store.withTransaction(async (): Promise<ExtendOutcome> => {
    const canonical = parseReference(reference);
    // Locked: an answer or a second extension at the same moment is checked after this one commits.
    const question = canonical ? await questionForUpdate(app, canonical) : undefined;
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "answer", question.officeKey)) return { ok: false, error: "not_allowed" };
    if (isClosedStatus(question.status)) return { ok: false, error: "already_closed" };
    // While the citizen completes the petition the term is stopped; it restarts in full (art. 17).
    if (question.status === "info_requested") return { ok: false, error: "paused" };
    const nowMs = app.clock.nowMs();
    const limitDate = await extensionLimitOf(app, question);
    const check = checkExtension({
      today: toLocalDate(new Date(nowMs), app.profile.timezone),
      dueDate: question.dueDate,
      newDate: newDate.trim(),
      limitDate,
      alreadyExtended: question.extendedTo !== null,
      reason,
      calendar: app.calendar,
    });
    if (!check.ok) return { ok: false, error: check.error, dueDate: question.dueDate, limitDate };
    const to = newDate.trim();
    await app.repos.questions.update(question.id, { dueDate: to, extendedTo: to, updatedAtMs: nowMs });
    await app.repos.questions.addEvent(question.id, "extended", actorLabel(actor), nowMs, {
      from: question.dueDate,
      to,
      reason: reason.trim(),
      limit: limitDate,
    });
    const updated = (await app.repos.questions.byId(question.id))!;
    await notifyCitizen(
      app,
      updated,
      `q:${question.id}:extended:${to}`,
      "deadlines.notify.extended",
      { reason: reason.trim() },
      { legal: true },
    );
    await replanAlerts(app, updated, nowMs);
    return { ok: true, question: updated, limitDate };
  });
}

/** The reply to an official in a chat, in Spanish (officials' language), quoting the rule on refusal. */
export function extensionReplyText(app: AppContext, outcome: ExtendOutcome, reference: string): string {
  const t = (key: string, vars: Record<string, unknown> = {}) => render(app, DEFAULT_LOCALE, key, vars);
  if (outcome.ok)
    return t("deadlines.staff.extended", {
      reference: outcome.question.reference,
      dueDateText: dueDateText(outcome.question.dueDate, DEFAULT_LOCALE),
    });
  if (
    outcome.error === "question_not_found" ||
    outcome.error === "not_allowed" ||
    outcome.error === "already_closed" ||
    outcome.error === "text_too_long"
  ) {
    return t(`staff.errors.${outcome.error}`);
  }
  return t(`deadlines.errors.${outcome.error}`, {
    reference,
    dueDateText: outcome.dueDate ? dueDateText(outcome.dueDate, DEFAULT_LOCALE) : "",
    limitDateText: outcome.limitDate ? dueDateText(outcome.limitDate, DEFAULT_LOCALE) : "",
  });
}

/** One line for the CLI (English, like the rest of the CLI), quoting the rule on refusal. */
export function extensionErrorLine(outcome: Extract<ExtendOutcome, { ok: false }>): string {
  const rule = ` (${EXTENSION_RULE})`;
  switch (outcome.error) {
    case "question_not_found":
      return "no question with that radicado";
    case "not_allowed":
      return "that official may not act on this question (it belongs to another office, or the role does not allow it)";
    case "already_closed":
      return "the question is already answered or closed";
    case "text_too_long":
      return `the reason is too long (at most ${MAX_EXTENSION_REASON_LENGTH} characters)`;
    case "paused":
      return "the term is paused while the citizen completes the petition; it restarts in full when they answer (Ley 1755 de 2015, art. 17)";
    case "term_expired":
      return `refused: the term ended on ${outcome.dueDate}; an extension must be announced before the term ends${rule}`;
    case "beyond_limit":
      return `refused: the new date may not be later than ${outcome.limitDate}, twice the initial term${rule}`;
    case "not_later":
      return `refused: the new date must be after the current due date ${outcome.dueDate}`;
    case "not_business_day":
      return "refused: the new date is not a business day (weekend, holiday or local non-working day); see 'rinde calendar holidays <year>'";
    case "invalid_date":
      return "refused: --until must be an existing date as YYYY-MM-DD";
    case "already_extended":
      return `refused: this question was already extended once${rule}`;
    case "reason_required":
      return `a reason is required (--reason): the citizen must be told why${rule}`;
  }
}
