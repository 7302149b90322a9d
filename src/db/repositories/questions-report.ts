/**
 * Rows for the management report (src/core/questions-report.ts): the questions filed in a time
 * range with their reassignments and the answers to their answer surveys. Three queries, each
 * driven by the range on filed_at_ms (index `questions_public_stats`, which starts with it), so the cost follows the questions of the
 * period, not the size of the database or the number of offices.
 */
import { and, eq, gte, isNotNull, lt } from "drizzle-orm";
import type { ReportQuestion, ReportReassignment } from "../../core/questions-report.ts";
import type { Db } from "../client.ts";
import { questionEvents, questions, surveyAnswers, surveyResponses, surveyRuns } from "../schema.ts";

/** An answer to an answer survey, with the definition snapshot of its run (to find the headline question). */
export interface RawSurveyAnswer {
  questionId: number;
  surveyId: string;
  definition: string;
  questionKey: string;
  value: string;
}

export function createQuestionsReportRepo(db: Db) {
  const filedIn = (fromMs: number, toMs: number) =>
    and(gte(questions.filedAtMs, fromMs), lt(questions.filedAtMs, toMs));
  return {
    /** Questions filed in [fromMs, toMs). */
    questionsFiled(fromMs: number, toMs: number): ReportQuestion[] {
      return db
        .select({
          id: questions.id,
          reference: questions.reference,
          officeKey: questions.officeKey,
          status: questions.status,
          filedAtMs: questions.filedAtMs,
          dueDate: questions.dueDate,
          answeredAtMs: questions.answeredAtMs,
          termStartedAtMs: questions.termStartedAtMs,
          extendedTo: questions.extendedTo,
        })
        .from(questions)
        .where(filedIn(fromMs, toMs))
        .all();
    },
    /** Reassignments of the questions filed in [fromMs, toMs): from which office to which. */
    reassignmentsOfQuestionsFiled(fromMs: number, toMs: number): ReportReassignment[] {
      const rows = db
        .select({ questionId: questionEvents.questionId, data: questionEvents.data })
        .from(questions)
        .innerJoin(questionEvents, eq(questionEvents.questionId, questions.id))
        .where(and(filedIn(fromMs, toMs), eq(questionEvents.kind, "reassigned")))
        .all();
      return rows.flatMap((row) => {
        const data = JSON.parse(row.data) as { from?: unknown; to?: unknown };
        return typeof data.from === "string" && typeof data.to === "string"
          ? [{ questionId: row.questionId, fromOfficeKey: data.from, toOfficeKey: data.to }]
          : [];
      });
    },
    /** Answers (not skipped) to the surveys triggered by answering the questions filed in [fromMs, toMs). */
    surveyAnswersOfQuestionsFiled(fromMs: number, toMs: number): RawSurveyAnswer[] {
      return db
        .select({
          questionId: questions.id,
          surveyId: surveyRuns.surveyId,
          definition: surveyRuns.definition,
          questionKey: surveyAnswers.questionKey,
          value: surveyAnswers.value,
        })
        .from(questions)
        .innerJoin(
          surveyRuns,
          and(eq(surveyRuns.questionId, questions.id), eq(surveyRuns.trigger, "question_answered")),
        )
        .innerJoin(surveyResponses, eq(surveyResponses.runId, surveyRuns.id))
        .innerJoin(surveyAnswers, eq(surveyAnswers.responseId, surveyResponses.id))
        .where(and(filedIn(fromMs, toMs), isNotNull(surveyAnswers.value)))
        .all() as RawSurveyAnswer[];
    },
  };
}

export type QuestionsReportRepo = ReturnType<typeof createQuestionsReportRepo>;
