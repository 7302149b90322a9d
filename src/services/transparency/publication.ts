/**
 * What staff publish on the public pages (issue 15), each change recorded with who, when, before
 * and after: whether a question's answer is published and the office's edited summary of the
 * question (in the question's append-only history), an event's minutes and recording links, and
 * whether a survey's aggregated results are public (in `publication_log`).
 *
 * Ley 1757 de 2015: answers to dialogue-space questions are published (default on); ordinary
 * petitions are the citizen's, so their answer is published only when the office decides to
 * (default off). The citizen's own text is never published: only the office's summary. A recorded
 * answer is published only when no personal data is found in it (answer-screening.ts), or in the
 * version the office writes or confirms for publication.
 */
import { actorLabel, canActOnQuestion, type Actor } from "../../core/authorization.ts";
import { canManageEvents, canReviewEventQuestions, isHttpUrl } from "../../core/events.ts";
import { canSendSurveys } from "../../core/surveys/index.ts";
import { parseReference } from "../../core/reference.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { AppContext } from "../context.ts";
import { MAX_ANSWER_LENGTH, questionForUpdate } from "../questions/questions.ts";
import { personalDataIn, type PersonalDataKind } from "../../core/transparency/personal-data.ts";
import { answerFindings, knownIdentifiers } from "./answer-screening.ts";

export const MAX_SUMMARY_LENGTH = 1000;
export const MAX_LINK_LENGTH = 500;
/** The history entry a publication change writes on a question. */
export const PUBLICATION_EVENT = "publication_changed";

export type PublicationError =
  | "question_not_found"
  | "event_not_found"
  | "survey_not_found"
  | "not_allowed"
  | "summary_too_long"
  | "answer_too_long"
  | "not_answered"
  | "answer_has_personal_data"
  | "invalid_url"
  | "nothing_to_change";
export type PublicationOutcome<T> =
  ({ ok: true } & T) | { ok: false; error: PublicationError; personalData?: PersonalDataKind[] };

/** Whether the question's answer is published, given the office's choice (null = default by type). */
export function isAnswerPublished(question: Pick<QuestionRow, "publishAnswer" | "requestType">): boolean {
  return question.publishAnswer ?? question.requestType === "dialogue";
}

export interface QuestionPublicationChange {
  /** true/false sets the office's choice; null goes back to the default by type; undefined leaves it. */
  publishAnswer?: boolean | null;
  /** The edited summary (empty string removes it); undefined leaves it. */
  summary?: string;
  /**
   * The answer as it goes on the public pages: the office's version without personal data, or the
   * recorded answer confirmed as it is (empty string removes it: the recorded answer is then shown
   * only if no personal data is found in it); undefined leaves it. Needs a recorded answer.
   */
  answer?: string;
  /**
   * The office checked `answer` and it has no one's personal data: it is saved even if the check
   * finds something (a contract number taken for a cédula, the office's own phone line).
   */
  confirmed?: boolean;
}

/** The office (or an admin, or the CLI operator) sets what of a question is published. */
export async function setQuestionPublication(
  app: AppContext,
  actor: Actor,
  reference: string,
  change: QuestionPublicationChange,
): Promise<PublicationOutcome<{ question: QuestionRow }>> {
  const summary = change.summary === undefined ? undefined : change.summary.trim() || null;
  if (summary && summary.length > MAX_SUMMARY_LENGTH) return { ok: false, error: "summary_too_long" };
  const answer = change.answer === undefined ? undefined : change.answer.trim() || null;
  if (answer && answer.length > MAX_ANSWER_LENGTH) return { ok: false, error: "answer_too_long" };
  return await app.store.withTransaction(async () => {
    const canonical = parseReference(reference);
    // Locked: two changes at once each record the other's result as their `before`, not a lost one.
    const question = canonical ? await questionForUpdate(app, canonical) : undefined;
    if (!question) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "answer", question.officeKey)) return { ok: false, error: "not_allowed" };
    if (answer && question.answerText === null) return { ok: false, error: "not_answered" };
    if (answer && !change.confirmed) {
      const found = personalDataIn(answer, (await knownIdentifiers(app, [question.id])).get(question.id));
      if (found.length) return { ok: false, error: "answer_has_personal_data", personalData: found };
    }
    const before = {
      publishAnswer: question.publishAnswer,
      summary: question.publishedSummary,
      answer: question.publishedAnswer,
    };
    const after = {
      publishAnswer: change.publishAnswer === undefined ? before.publishAnswer : change.publishAnswer,
      summary: summary === undefined ? before.summary : summary,
      answer: answer === undefined ? before.answer : answer,
    };
    if (
      after.publishAnswer === before.publishAnswer &&
      after.summary === before.summary &&
      after.answer === before.answer
    )
      return { ok: false, error: "nothing_to_change" };
    const nowMs = app.clock.nowMs();
    await app.repos.questions.update(question.id, {
      publishAnswer: after.publishAnswer,
      publishedSummary: after.summary,
      publishedAnswer: after.answer,
      updatedAtMs: nowMs,
    });
    // The summary and the answer's public version are the office's own texts, written or confirmed
    // for publication: they may go in the history.
    await app.repos.questions.addEvent(question.id, PUBLICATION_EVENT, actorLabel(actor), nowMs, { before, after });
    return { ok: true, question: (await app.repos.questions.byId(question.id))! };
  });
}

export interface EventLinksChange {
  /** A link (empty string removes it); undefined leaves it. */
  minutesUrl?: string;
  recordingUrl?: string;
}

/** Event managers and the event's office record the minutes (acta) and recording links after an event. */
export async function setEventLinks(
  app: AppContext,
  actor: Actor,
  eventId: number,
  change: EventLinksChange,
): Promise<PublicationOutcome<{ event: EventRecord }>> {
  const clean = (url: string | undefined) => (url === undefined ? undefined : url.trim() || null);
  const minutesUrl = clean(change.minutesUrl);
  const recordingUrl = clean(change.recordingUrl);
  for (const url of [minutesUrl, recordingUrl])
    if (url && (url.length > MAX_LINK_LENGTH || !isHttpUrl(url))) return { ok: false, error: "invalid_url" };
  return await app.store.withTransaction(async () => {
    const event = await app.repos.events.get(eventId);
    if (!event) return { ok: false, error: "event_not_found" };
    if (!canReviewEventQuestions(actor, event.officeKey) && !canManageEvents(actor))
      return { ok: false, error: "not_allowed" };
    const before = { minutesUrl: event.minutesUrl, recordingUrl: event.recordingUrl };
    const after = {
      minutesUrl: minutesUrl === undefined ? before.minutesUrl : minutesUrl,
      recordingUrl: recordingUrl === undefined ? before.recordingUrl : recordingUrl,
    };
    if (after.minutesUrl === before.minutesUrl && after.recordingUrl === before.recordingUrl)
      return { ok: false, error: "nothing_to_change" };
    const nowMs = app.clock.nowMs();
    await app.repos.events.update(eventId, { ...after, updatedAtMs: nowMs });
    await app.repos.transparency.logChange({
      subjectKind: "event",
      subjectId: String(eventId),
      before,
      after,
      actor: actorLabel(actor),
      atMs: nowMs,
    });
    return { ok: true, event: (await app.repos.events.get(eventId))! };
  });
}

/** Publishes (or withdraws) a survey's aggregated results. Staff who manage surveys decide. */
export async function setSurveyPublished(
  app: AppContext,
  actor: Actor,
  surveyId: string,
  published: boolean,
): Promise<PublicationOutcome<{ surveyId: string; published: boolean }>> {
  if (!canSendSurveys(actor)) return { ok: false, error: "not_allowed" };
  return await app.store.withTransaction(async () => {
    if ((await app.repos.surveys.listRuns({ surveyId })).length === 0) return { ok: false, error: "survey_not_found" };
    const before = (await app.repos.transparency.publishedSurveys()).some((s) => s.surveyId === surveyId);
    if (before === published) return { ok: false, error: "nothing_to_change" };
    const nowMs = app.clock.nowMs();
    await app.repos.transparency.setSurveyPublished(surveyId, published, actorLabel(actor), nowMs);
    await app.repos.transparency.logChange({
      subjectKind: "survey",
      subjectId: surveyId,
      before: { published: before },
      after: { published },
      actor: actorLabel(actor),
      atMs: nowMs,
    });
    return { ok: true, surveyId, published };
  });
}

/**
 * What keeps a just-recorded answer off the public pages although it is to be published there
 * (empty: not published, the office's own version stands, or nothing found), and the address of
 * its back-office page (null when the back-office is off): told at once to the official who wrote it, so the office writes the
 * version for publication instead of finding out later that the answer never appeared.
 */
export async function heldBackAnswer(
  app: Pick<AppContext, "repos" | "profile" | "backOfficeUrl">,
  question: QuestionRow,
): Promise<{ findings: PersonalDataKind[]; link: string | null }> {
  const link =
    app.backOfficeUrl === null
      ? null
      : `${app.backOfficeUrl}/admin/preguntas/${encodeURIComponent(question.reference)}`;
  return { findings: question.status === "answered" ? await publishedAnswerFindings(app, question) : [], link };
}

/**
 * The personal data that holds back a question's recorded answer from the public pages: none when
 * the answer is not published or the office's own version stands in for it.
 */
export async function publishedAnswerFindings(
  app: Pick<AppContext, "repos" | "profile">,
  question: QuestionRow,
): Promise<PersonalDataKind[]> {
  return isAnswerPublished(question) && question.publishedAnswer === null ? await answerFindings(app, question) : [];
}

/** The kinds of personal data found, in the reader's language ("número de teléfono, nombre de una persona"). */
export function personalDataText(
  tr: (key: string, vars?: Record<string, unknown>) => string,
  kinds: readonly PersonalDataKind[],
): string {
  return kinds.map((kind) => tr(`publico.personal_data.${kind}`)).join(", ");
}
