/**
 * Reads and writes behind the public pages and open data (issue 15) on PostgreSQL: the port of
 * src/db/repositories/transparency.ts (the specification). As there, only `askerIdentifiers`
 * selects a citizen's text or addresses, to hold back an answer that repeats them.
 */
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, lt, lte, max, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import { groupAskers } from "../../repositories/transparency.ts";
import type { PgDb } from "../client.ts";
import {
  answerReports,
  answerTotals,
  channelIdentities,
  commitments,
  commitmentUpdates,
  events,
  planProgress,
  plans,
  publicationLog,
  questionEvents,
  questions,
  surveyPublications,
  surveyResponses,
} from "../schema.ts";

/** Whether a question's answer is published: the office's choice, else on for dialogue questions only. */
export const publishedAnswerSql = sql<boolean>`coalesce(${questions.publishAnswer}, ${questions.requestType} = 'dialogue')`;

const statColumns = {
  id: questions.id,
  officeKey: questions.officeKey,
  status: questions.status,
  filedAtMs: questions.filedAtMs,
  dueDate: questions.dueDate,
  answeredAtMs: questions.answeredAtMs,
  termStartedAtMs: questions.termStartedAtMs,
  extendedTo: questions.extendedTo,
};

/** `coalesce(max(column), 0)` over a whole table, as a number. */
const maxOf = (column: AnyPgColumn, table: PgTable) =>
  sql<number>`(select coalesce(max(${column}), 0) from ${table})`.mapWith(Number);

export function createPgTransparencyRepo(q: () => PgDb): Port<SyncRepos["transparency"]> {
  return {
    async dataVersion() {
      const [v] = await q()
        .select({
          q: maxOf(questionEvents.id, questionEvents),
          c: maxOf(commitmentUpdates.id, commitmentUpdates),
          p: maxOf(publicationLog.id, publicationLog),
          r: maxOf(surveyResponses.id, surveyResponses),
          e: maxOf(events.updatedAtMs, events),
          k: maxOf(commitments.updatedAtMs, commitments),
          l: maxOf(plans.loadedAtMs, plans),
          g: maxOf(planProgress.id, planProgress),
          a: maxOf(answerReports.id, answerReports),
        })
        .from(sql`(select 1) as one`);
      return `${v!.q}.${v!.c}.${v!.p}.${v!.r}.${v!.e}.${v!.k}.${v!.l}.${v!.g}.${v!.a}`;
    },
    async statRows(fromMs, toMs) {
      // SQLite reads the covering index questions_public_stats, so its rows come by filing instant,
      // then office key: the months and offices of the figures are first seen in that order.
      return q()
        .select(statColumns)
        .from(questions)
        .where(and(gte(questions.filedAtMs, fromMs), lt(questions.filedAtMs, toMs)))
        .orderBy(asc(questions.filedAtMs), sql`${questions.officeKey} collate "C"`, asc(questions.id));
    },
    async firstFiledAtMs() {
      const [row] = await q()
        .select({ at: sql<number | null>`min(${questions.filedAtMs})`.mapWith(Number) })
        .from(questions);
      return row?.at ?? null;
    },
    async answerTotals() {
      return q()
        .select()
        .from(answerTotals)
        .orderBy(asc(answerTotals.month), sql`${answerTotals.officeKey} collate "C"`);
    },
    async replaceAnswerTotals(months, rows) {
      if (months === null) await q().delete(answerTotals);
      else if (months.length)
        await q()
          .delete(answerTotals)
          .where(inArray(answerTotals.month, [...months]));
      for (let i = 0; i < rows.length; i += 500)
        await q()
          .insert(answerTotals)
          .values(rows.slice(i, i + 500));
    },
    async dialogueQuestions(eventIds) {
      if (eventIds.length === 0) return [];
      const rows = await q()
        .select({
          id: questions.id,
          reference: questions.reference,
          eventId: sql<number>`${questions.eventId}`.mapWith(Number),
          officeKey: questions.officeKey,
          status: questions.status,
          filedAtMs: questions.filedAtMs,
          dueDate: questions.dueDate,
          answeredAtMs: questions.answeredAtMs,
          summary: questions.publishedSummary,
          answer: sql<
            string | null
          >`case when ${publishedAnswerSql} then coalesce(${questions.publishedAnswer}, ${questions.answerText}) end`,
          answerByOffice: sql<boolean>`${questions.publishedAnswer} is not null`,
          answeredAtEvent: sql<boolean>`exists (select 1 from ${questionEvents} qe where qe.question_id = ${questions.id} and qe.kind = 'answered_at_event')`,
        })
        .from(questions)
        .where(and(inArray(questions.eventId, [...eventIds]), isNotNull(questions.eventId)))
        .orderBy(asc(questions.eventId), asc(questions.id));
      return rows.map((r) => ({
        ...r,
        answerByOffice: Boolean(r.answerByOffice),
        answeredAtEvent: Boolean(r.answeredAtEvent),
      }));
    },
    async askerIdentifiers(questionIds) {
      if (questionIds.length === 0) return [];
      const rows = await q()
        .select({ questionId: questions.id, text: questions.text, address: channelIdentities.address })
        .from(questions)
        .leftJoin(channelIdentities, eq(channelIdentities.citizenId, questions.citizenId))
        .where(inArray(questions.id, [...questionIds]))
        .orderBy(asc(questions.id), asc(channelIdentities.id));
      return groupAskers(rows);
    },
    async publishedPetitions(offset, limit) {
      const where = sql`${questions.publishAnswer} and ${questions.eventId} is null and ${questions.status} = 'answered'`;
      const [counted] = await q().select({ n: count() }).from(questions).where(where);
      const rows = await q()
        .select({
          id: questions.id,
          reference: questions.reference,
          officeKey: questions.officeKey,
          requestType: questions.requestType,
          answeredAtMs: sql<number>`${questions.answeredAtMs}`.mapWith(Number),
          summary: questions.publishedSummary,
          answer: sql<string>`coalesce(${questions.publishedAnswer}, ${questions.answerText}, '')`,
          answerByOffice: sql<boolean>`${questions.publishedAnswer} is not null`,
        })
        .from(questions)
        .where(where)
        .orderBy(desc(questions.answeredAtMs), desc(questions.id))
        .limit(limit)
        .offset(offset);
      return { total: counted?.n ?? 0, rows: rows.map((r) => ({ ...r, answerByOffice: Boolean(r.answerByOffice) })) };
    },
    async questionCountsByEvent() {
      const rows = await q()
        .select({
          eventId: sql<number>`${questions.eventId}`.mapWith(Number),
          received: count(),
          // SQLite's sum(status = 'answered') over a non-empty group.
          answered: sql<number>`count(*) filter (where ${questions.status} = 'answered')`.mapWith(Number),
        })
        .from(questions)
        .where(isNotNull(questions.eventId))
        .groupBy(questions.eventId)
        .orderBy(asc(questions.eventId));
      return new Map(rows.map((r) => [r.eventId, { received: r.received, answered: r.answered }]));
    },
    async publishedSurveys() {
      return q()
        .select({ surveyId: surveyPublications.surveyId, publishedAtMs: surveyPublications.publishedAtMs })
        .from(surveyPublications)
        .orderBy(desc(surveyPublications.publishedAtMs));
    },
    async setSurveyPublished(surveyId, published, actor, nowMs) {
      if (published)
        await q()
          .insert(surveyPublications)
          .values({ surveyId, publishedAtMs: nowMs, publishedBy: actor })
          .onConflictDoNothing();
      else await q().delete(surveyPublications).where(eq(surveyPublications.surveyId, surveyId));
    },
    async logChange(entry) {
      await q()
        .insert(publicationLog)
        .values({ ...entry, before: JSON.stringify(entry.before), after: JSON.stringify(entry.after) });
    },
    async changes(subjectKind, subjectId) {
      return q()
        .select()
        .from(publicationLog)
        .where(and(eq(publicationLog.subjectKind, subjectKind), eq(publicationLog.subjectId, subjectId)))
        .orderBy(asc(publicationLog.id));
    },
    async lastQuestionEventId() {
      const [row] = await q()
        .select({ id: max(questionEvents.id) })
        .from(questionEvents);
      return row?.id ?? 0;
    },
    async filedAtOfChangedSince(afterId, throughId) {
      const rows = await q()
        .selectDistinct({ at: questions.filedAtMs })
        .from(questionEvents)
        .innerJoin(questions, eq(questions.id, questionEvents.questionId))
        .where(and(gt(questionEvents.id, afterId), lte(questionEvents.id, throughId)))
        .orderBy(asc(questions.filedAtMs));
      return rows.map((r) => r.at);
    },
    async filedAtOfOpenDueBetween(from, to) {
      const rows = await q()
        .selectDistinct({ at: questions.filedAtMs })
        .from(questions)
        .where(and(eq(questions.status, "open"), gte(questions.dueDate, from), lt(questions.dueDate, to)))
        .orderBy(asc(questions.filedAtMs));
      return rows.map((r) => r.at);
    },
  };
}
