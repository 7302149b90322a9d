/**
 * What of a question the public pages show (issue 15), on the back-office question page: whether
 * the answer is published, the office's summary of the question, and the answer's public version.
 * When the recorded answer may hold personal data (src/core/transparency/personal-data.ts) the page
 * says so and what was found, and the office writes or confirms a version for publication; until
 * then the public pages say the answer is under review. Actions go through
 * src/services/transparency/publication.ts, audited, once per form key.
 */
import { canActOnQuestion, type Actor } from "../../core/authorization.ts";
import { parseReference } from "../../core/reference.ts";
import type { PersonalDataKind } from "../../core/transparency/personal-data.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import type { AppContext } from "../context.ts";
import {
  isAnswerPublished,
  publishedAnswerFindings,
  setQuestionPublication,
  type PublicationError,
  type QuestionPublicationChange,
} from "../transparency/publication.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

export interface QuestionPublication {
  /** The answer goes on the public pages (once there is one). */
  answerPublished: boolean;
  /** `answerPublished` is the default for the question's type (the office has not chosen). */
  byDefault: boolean;
  summary: string | null;
  /** The office's version of the answer for the public pages, or null. */
  publicAnswer: string | null;
  /** Personal data found in the recorded answer (checked only when it is published without a version). */
  findings: PersonalDataKind[];
  /** The public pages hold the answer back until the office writes or confirms a version. */
  underReview: boolean;
  /** The viewer may change what is published. */
  may: boolean;
}

export async function publicationOf(
  app: AppContext,
  actor: Actor,
  question: QuestionRow,
): Promise<QuestionPublication> {
  const answerPublished = isAnswerPublished(question);
  const findings = await publishedAnswerFindings(app, question);
  return {
    answerPublished,
    byDefault: question.publishAnswer === null,
    summary: question.publishedSummary,
    publicAnswer: question.publishedAnswer,
    findings,
    underReview: findings.length > 0,
    may: canActOnQuestion(actor, "answer", question.officeKey),
  };
}

export type PublicationFormError = PublicationError;

/** Changes what is published of a question from the back-office (audited: before → after). */
export async function webPublication(
  app: AppContext,
  actor: Actor,
  reference: string,
  change: QuestionPublicationChange,
  form: FormContext,
): Promise<FormOutcome<PublicationFormError>> {
  return await runFormAction(app, actor, "question.publication", reference, form, async () => {
    const canonical = parseReference(reference);
    const before = canonical ? await app.repos.questions.byReference(canonical) : undefined;
    const result = await setQuestionPublication(app, actor, reference, change);
    if (!result.ok) return { ok: false, error: result.error };
    const state = (q: QuestionRow) => ({
      publishAnswer: q.publishAnswer,
      summary: q.publishedSummary,
      publicAnswer: q.publishedAnswer,
    });
    return { ok: true, before: before ? state(before) : null, after: state(result.question) };
  });
}
