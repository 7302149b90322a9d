/**
 * Rows for the management report on PostgreSQL: the port of
 * src/db/repositories/questions-report.ts (the specification). Each query is driven by the range on
 * filed_at_ms (index `questions_public_stats`). SQLite returns rows in that index's order without
 * saying so; here the order is explicit (filing time, then id), which is what the report sorts by.
 */
import { and, asc, eq, gte, isNotNull, lt } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { RawSurveyAnswer } from "../../repositories/questions-report.ts";
import type { PgDb } from "../client.ts";
import { questionEvents, questions, surveyAnswers, surveyResponses, surveyRuns } from "../schema.ts";

export function createPgQuestionsReportRepo(q: () => PgDb): Port<SyncRepos["questionsReport"]> {
  const filedIn = (fromMs: number, toMs: number) =>
    and(gte(questions.filedAtMs, fromMs), lt(questions.filedAtMs, toMs));
  return {
    async questionsFiled(fromMs, toMs) {
      return q()
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
        .orderBy(asc(questions.filedAtMs), asc(questions.id));
    },
    async reassignmentsOfQuestionsFiled(fromMs, toMs) {
      const rows = await q()
        .select({ questionId: questionEvents.questionId, data: questionEvents.data })
        .from(questions)
        .innerJoin(questionEvents, eq(questionEvents.questionId, questions.id))
        .where(and(filedIn(fromMs, toMs), eq(questionEvents.kind, "reassigned")))
        .orderBy(asc(questions.filedAtMs), asc(questions.id), asc(questionEvents.id));
      return rows.flatMap((row) => {
        const data = JSON.parse(row.data) as { from?: unknown; to?: unknown };
        return typeof data.from === "string" && typeof data.to === "string"
          ? [{ questionId: row.questionId, fromOfficeKey: data.from, toOfficeKey: data.to }]
          : [];
      });
    },
    async surveyAnswersOfQuestionsFiled(fromMs, toMs) {
      return (await q()
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
        .orderBy(asc(questions.filedAtMs), asc(questions.id), asc(surveyAnswers.id))) as RawSurveyAnswer[];
    },
  };
}
