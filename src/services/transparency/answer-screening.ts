/**
 * An answer goes on the public pages only without the asking citizen's personal data (issue 15).
 * Officials write answers to the citizen ("Señora María Pérez, su solicitud…"); the pages may
 * publish them (Ley 1757 de 2015 for dialogue-space questions, or when the office marks an ordinary
 * petition publishable), so before one is shown it is checked for generic personal data and for
 * what is known of the person who asked (src/core/transparency/personal-data.ts). An answer where
 * something is found is held back, the pages say it is under review, and the back-office question
 * page tells the office, who writes or confirms a version for publication (`publishedAnswer`).
 * That version is the office's own decision and is shown as written.
 */
import { personalDataIn, type KnownIdentifiers, type PersonalDataKind } from "../../core/transparency/personal-data.ts";
import type { PublicDialogueQuestion } from "../../db/repositories/transparency.ts";
import type { AppContext } from "../context.ts";

/** A question as published, with `answerUnderReview` when its answer is held back. */
export type Screened<Q> = Omit<Q, "answer"> & { answer: string | null; answerUnderReview: boolean };
export type ScreenedQuestion = Screened<PublicDialogueQuestion>;

/** What screening needs of a published question. */
interface Publishable {
  id: number;
  answer: string | null;
  answerByOffice: boolean;
}

/** Names that are public anyway, never taken for a citizen's name: municipality, entity, offices, districts. */
function publicWordsOf(app: Pick<AppContext, "profile">): string[] {
  const p = app.profile;
  return [p.name, p.municipality, ...p.offices.map((o) => o.name), ...p.districts.map((d) => d.name)];
}

/** What is known of each asker of `questionIds`, to check answers against. */
export async function knownIdentifiers(
  app: Pick<AppContext, "repos" | "profile">,
  questionIds: readonly number[],
): Promise<Map<number, KnownIdentifiers>> {
  const publicWords = publicWordsOf(app);
  const out = new Map<number, KnownIdentifiers>();
  for (let i = 0; i < questionIds.length; i += 500) {
    for (const a of await app.repos.transparency.askerIdentifiers(questionIds.slice(i, i + 500)))
      out.set(a.questionId, { addresses: a.addresses, texts: [a.text], publicWords });
  }
  return out;
}

/** The personal data found in a question's recorded answer (empty: none found, or no answer). */
export async function answerFindings(
  app: Pick<AppContext, "repos" | "profile">,
  question: { id: number; answerText: string | null },
): Promise<PersonalDataKind[]> {
  if (!question.answerText) return [];
  const known = (await knownIdentifiers(app, [question.id])).get(question.id);
  return personalDataIn(question.answerText, known);
}

/**
 * Holds back every published answer that is not the office's own version for publication and in
 * which personal data is found: `answer` becomes null and `answerUnderReview` true.
 */
export async function screenAnswers<Q extends Publishable>(
  app: Pick<AppContext, "repos" | "profile">,
  questions: readonly Q[],
): Promise<Screened<Q>[]> {
  const toCheck = questions.filter((q) => q.answer !== null && !q.answerByOffice).map((q) => q.id);
  const known = await knownIdentifiers(app, toCheck);
  return questions.map((q) => {
    if (q.answer === null || q.answerByOffice) return { ...q, answerUnderReview: false };
    const held = personalDataIn(q.answer, known.get(q.id)).length > 0;
    return held ? { ...q, answer: null, answerUnderReview: true } : { ...q, answerUnderReview: false };
  });
}
