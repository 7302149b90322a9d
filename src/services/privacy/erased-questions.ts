/**
 * Questions whose citizen erased their data (issue 18, point 10). The petition was filed and the
 * entity must still answer it within its term (Ley 1755 de 2015, arts. 14 and 31): erasing personal
 * data (Ley 1581 de 2012, arts. 8 and 15) does not withdraw a petition, and the entity keeps the
 * anonymized record it is legally bound to keep (Decreto 1377 de 2013, art. 11; Ley 594 de 2000).
 * What changes is delivery: with no chat left the answer is recorded but cannot be sent, so staff
 * are told that, instead of "the citizen will receive the answer", and cannot ask them for more
 * information. See README, "Decisiones".
 */
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { dueDateText, staffText, type AppContext, type TextContext } from "../context.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { officeTargets, sendToTargets } from "../staff/office-targets.ts";

/** Whether the question's citizen erased their data: nothing can be delivered to them any more. */
export async function citizenErased(
  app: Pick<AppContext, "repos">,
  question: Pick<QuestionRow, "citizenId">,
): Promise<boolean> {
  const citizen = await app.repos.citizens.get(question.citizenId);
  return citizen !== undefined && citizen.deletedAtMs !== null;
}

/**
 * After an erasure: each question still open records it in its history and its office is told
 * that the term still runs but the answer cannot be delivered by chat. Call in the erasure's
 * transaction, after the data is erased (the notice carries no personal data).
 */
export async function noticeErasureToOffices(
  app: Pick<AppContext, "repos" | "emailNotices"> & TextContext,
  openQuestions: readonly QuestionRow[],
  nowMs: number,
): Promise<void> {
  for (const question of openQuestions) {
    await app.repos.questions.addEvent(question.id, "contact_erased", "system", nowMs, {});
    const text = staffText(app, "erased_citizen.office_notice", {
      reference: question.reference,
      dueDateText: dueDateText(question.dueDate, DEFAULT_LOCALE),
    });
    await sendToTargets(
      app,
      await officeTargets(app, question.officeKey),
      `q:${question.id}:contact_erased`,
      text,
      nowMs,
    );
  }
}

/** Questions not yet closed: those the office still has to answer. */
export function stillOpen(questions: readonly QuestionRow[]): QuestionRow[] {
  return questions.filter((q) => q.status === "open" || q.status === "info_requested");
}
