/**
 * Reads and writes behind the public pages and open data (issue 15). The figures read only
 * indexed columns (the covering index `questions_public_stats`); nothing published is a
 * citizen's text or identity: published text is the office's summary and answer, and only when
 * the question is publishable. One read, `askerIdentifiers`, selects the asking citizen's text
 * and addresses, solely to hold back an answer that repeats them.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, lte, max, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
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

/** The columns of a question the public figures need (no text, no citizen). */
export interface QuestionStatRow {
  id: number;
  officeKey: string;
  status: "open" | "info_requested" | "answered" | "withdrawn" | "transferred";
  filedAtMs: number;
  dueDate: string;
  answeredAtMs: number | null;
  termStartedAtMs: number | null;
  extendedTo: string | null;
}

/**
 * What a publication-log entry is about: an event's links, a survey's results, or an event's
 * answer report (recorded with the plan's `answer_reports` row, in the same transaction).
 */
export type PublicationSubject = "event" | "survey" | "answer_report";

export type AnswerTotalsRow = typeof answerTotals.$inferSelect;

/** A dialogue-space question as the public may see it: only what the office published. */
export interface PublicDialogueQuestion {
  id: number;
  reference: string;
  eventId: number;
  officeKey: string;
  status: QuestionStatRow["status"];
  filedAtMs: number;
  dueDate: string;
  answeredAtMs: number | null;
  /** The office's summary of the question, or null (the citizen's own text is never read here). */
  summary: string | null;
  /**
   * The answer, only when the office marked it publishable (dialogue questions: unless unmarked):
   * the office's version for publication when there is one, else the recorded answer.
   */
  answer: string | null;
  /** `answer` is the office's version for publication (written or confirmed), not the recorded answer. */
  answerByOffice: boolean;
  answeredAtEvent: boolean;
}

/** An ordinary petition whose answer the office published (issue 15): only its publishable parts. */
export interface PublicPetition {
  id: number;
  reference: string;
  officeKey: string;
  requestType: string;
  answeredAtMs: number;
  /** The office's summary of the question, or null. */
  summary: string | null;
  /** The office's version for publication, else the recorded answer. */
  answer: string;
  answerByOffice: boolean;
}

/**
 * What the asking citizen wrote and their chat addresses, read only to check an answer for their
 * personal data before it is published (src/services/transparency/answer-screening.ts). Never rendered.
 */
export interface AskerIdentifiers {
  questionId: number;
  text: string;
  addresses: string[];
}

/** Whether a question's answer is published: the office's choice, else on for dialogue questions only. */
export const publishedAnswerSql = sql<number>`coalesce(${questions.publishAnswer}, ${questions.requestType} = 'dialogue')`;

export function createTransparencyRepo(db: Db) {
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
  const statRows = db
    .select(statColumns)
    .from(questions)
    .where(and(gte(questions.filedAtMs, sql.placeholder("from")), lt(questions.filedAtMs, sql.placeholder("to"))))
    .prepare();
  const version = db
    .select({
      q: sql<number>`(select coalesce(max(${questionEvents.id}), 0) from ${questionEvents})`,
      c: sql<number>`(select coalesce(max(${commitmentUpdates.id}), 0) from ${commitmentUpdates})`,
      p: sql<number>`(select coalesce(max(${publicationLog.id}), 0) from ${publicationLog})`,
      r: sql<number>`(select coalesce(max(${surveyResponses.id}), 0) from ${surveyResponses})`,
      e: sql<number>`(select coalesce(max(${events.updatedAtMs}), 0) from ${events})`,
      k: sql<number>`(select coalesce(max(${commitments.updatedAtMs}), 0) from ${commitments})`,
      // The accountability plan's public page (issue 16): a plan loaded, progress reported, a report published.
      l: sql<number>`(select coalesce(max(${plans.loadedAtMs}), 0) from ${plans})`,
      g: sql<number>`(select coalesce(max(${planProgress.id}), 0) from ${planProgress})`,
      a: sql<number>`(select coalesce(max(${answerReports.id}), 0) from ${answerReports})`,
    })
    .from(sql`(select 1)`)
    .prepare();

  return {
    /**
     * A string that changes whenever anything public may have changed: the last question history
     * entry, commitment update, publication change, survey response, event or commitment edit.
     * Each part is a max over a primary key or a small table, so it costs microseconds.
     */
    dataVersion(): string {
      const v = version.get()!;
      return `${v.q}.${v.c}.${v.p}.${v.r}.${v.e}.${v.k}.${v.l}.${v.g}.${v.a}`;
    },
    /** Questions filed in [fromMs, toMs), the stat columns only (covering index `questions_public_stats`). */
    statRows(fromMs: number, toMs: number): QuestionStatRow[] {
      return statRows.all({ from: fromMs, to: toMs });
    },
    /** The first filing instant, to list the periods that have data. */
    firstFiledAtMs(): number | null {
      return (
        db
          .select({ at: sql<number | null>`min(${questions.filedAtMs})` })
          .from(questions)
          .get()?.at ?? null
      );
    },
    /** The stored answer figures (table `answer_totals`: a few rows per office and month). */
    answerTotals(): AnswerTotalsRow[] {
      return db.select().from(answerTotals).orderBy(asc(answerTotals.month), asc(answerTotals.officeKey)).all();
    },
    /** Replaces the stored figures of `months` (null: of every month) with `rows`. */
    replaceAnswerTotals(months: readonly string[] | null, rows: readonly AnswerTotalsRow[]): void {
      if (months === null) db.delete(answerTotals).run();
      else if (months.length)
        db.delete(answerTotals)
          .where(inArray(answerTotals.month, [...months]))
          .run();
      for (let i = 0; i < rows.length; i += 500)
        db.insert(answerTotals)
          .values(rows.slice(i, i + 500))
          .run();
    },
    /** The dialogue questions of events (index questions_event), with only their publishable parts. */
    dialogueQuestions(eventIds: readonly number[]): PublicDialogueQuestion[] {
      if (eventIds.length === 0) return [];
      const rows = db
        .select({
          id: questions.id,
          reference: questions.reference,
          eventId: sql<number>`${questions.eventId}`,
          officeKey: questions.officeKey,
          status: questions.status,
          filedAtMs: questions.filedAtMs,
          dueDate: questions.dueDate,
          answeredAtMs: questions.answeredAtMs,
          summary: questions.publishedSummary,
          answer: sql<
            string | null
          >`case when ${publishedAnswerSql} then coalesce(${questions.publishedAnswer}, ${questions.answerText}) end`,
          answerByOffice: sql<number>`${questions.publishedAnswer} is not null`,
          answeredAtEvent: sql<number>`exists (select 1 from ${questionEvents} qe where qe.question_id = ${questions.id} and qe.kind = 'answered_at_event')`,
        })
        .from(questions)
        .where(and(inArray(questions.eventId, [...eventIds]), isNotNull(questions.eventId)))
        .orderBy(asc(questions.eventId), asc(questions.id))
        .all();
      return rows.map((r) => ({
        ...r,
        answerByOffice: Boolean(r.answerByOffice),
        answeredAtEvent: Boolean(r.answeredAtEvent),
      }));
    },
    /** The asking citizens' texts and chat addresses of `questionIds` (indexed by primary key and citizen). */
    askerIdentifiers(questionIds: readonly number[]): AskerIdentifiers[] {
      if (questionIds.length === 0) return [];
      const rows = db
        .select({ questionId: questions.id, text: questions.text, address: channelIdentities.address })
        .from(questions)
        .leftJoin(channelIdentities, eq(channelIdentities.citizenId, questions.citizenId))
        .where(inArray(questions.id, [...questionIds]))
        .orderBy(asc(questions.id), asc(channelIdentities.id))
        .all();
      return groupAskers(rows);
    },
    /**
     * Ordinary petitions whose office published the answer, newest answer first, the slice
     * [offset, offset + limit), with how many there are (partial index questions_published_petitions).
     */
    publishedPetitions(offset: number, limit: number): { total: number; rows: PublicPetition[] } {
      // Literal, not bound: SQLite uses a partial index only when the query's terms match its WHERE;
      // the unary + keeps it from taking questions_event (event_id is null for most questions).
      const where = sql`${questions.publishAnswer} = 1 and +${questions.eventId} is null and +${questions.status} = 'answered'`;
      const total =
        db
          .select({ n: sql<number>`count(*)` })
          .from(questions)
          .where(where)
          .get()?.n ?? 0;
      const rows = db
        .select({
          id: questions.id,
          reference: questions.reference,
          officeKey: questions.officeKey,
          requestType: questions.requestType,
          answeredAtMs: sql<number>`${questions.answeredAtMs}`,
          summary: questions.publishedSummary,
          answer: sql<string>`coalesce(${questions.publishedAnswer}, ${questions.answerText}, '')`,
          answerByOffice: sql<number>`${questions.publishedAnswer} is not null`,
        })
        .from(questions)
        .where(where)
        .orderBy(desc(questions.answeredAtMs), desc(questions.id))
        .limit(limit)
        .offset(offset)
        .all();
      return { total, rows: rows.map((r) => ({ ...r, answerByOffice: Boolean(r.answerByOffice) })) };
    },
    /** Per event: questions received and answered (index questions_event). */
    questionCountsByEvent(): Map<number, { received: number; answered: number }> {
      const rows = db
        .select({
          eventId: sql<number>`${questions.eventId}`,
          received: sql<number>`count(*)`,
          answered: sql<number>`sum(${questions.status} = 'answered')`,
        })
        .from(questions)
        .where(isNotNull(questions.eventId))
        .groupBy(questions.eventId)
        .all();
      return new Map(rows.map((r) => [r.eventId, { received: r.received, answered: r.answered }]));
    },
    /** Survey ids whose results are public. */
    publishedSurveys(): { surveyId: string; publishedAtMs: number }[] {
      return db
        .select({ surveyId: surveyPublications.surveyId, publishedAtMs: surveyPublications.publishedAtMs })
        .from(surveyPublications)
        .orderBy(desc(surveyPublications.publishedAtMs))
        .all();
    },
    setSurveyPublished(surveyId: string, published: boolean, actor: string, nowMs: number): void {
      if (published)
        db.insert(surveyPublications)
          .values({ surveyId, publishedAtMs: nowMs, publishedBy: actor })
          .onConflictDoNothing()
          .run();
      else db.delete(surveyPublications).where(eq(surveyPublications.surveyId, surveyId)).run();
    },
    logChange(entry: {
      subjectKind: PublicationSubject;
      subjectId: string;
      before: unknown;
      after: unknown;
      actor: string;
      atMs: number;
    }): void {
      db.insert(publicationLog)
        .values({ ...entry, before: JSON.stringify(entry.before), after: JSON.stringify(entry.after) })
        .run();
    },
    changes(subjectKind: PublicationSubject, subjectId: string) {
      return db
        .select()
        .from(publicationLog)
        .where(and(eq(publicationLog.subjectKind, subjectKind), eq(publicationLog.subjectId, subjectId)))
        .orderBy(asc(publicationLog.id))
        .all();
    },
    /** The last question history entry: every change to a question appends one (DESIGN.md invariant 7). */
    lastQuestionEventId(): number {
      return (
        db
          .select({ id: max(questionEvents.id) })
          .from(questionEvents)
          .get()?.id ?? 0
      );
    },
    /** Filing instants of the questions changed after history entry `afterId`, up to `throughId` (primary key range). */
    filedAtOfChangedSince(afterId: number, throughId: number): number[] {
      return db
        .selectDistinct({ at: questions.filedAtMs })
        .from(questionEvents)
        .innerJoin(questions, eq(questions.id, questionEvents.questionId))
        .where(and(gt(questionEvents.id, afterId), lte(questionEvents.id, throughId)))
        .all()
        .map((r) => r.at);
    },
    /** Filing instants of open questions whose due date is in [from, to): they became overdue (index questions_status_due). */
    filedAtOfOpenDueBetween(from: string, to: string): number[] {
      return db
        .selectDistinct({ at: questions.filedAtMs })
        .from(questions)
        .where(and(eq(questions.status, "open"), gte(questions.dueDate, from), lt(questions.dueDate, to)))
        .all()
        .map((r) => r.at);
    },
  };
}

/** One entry per question from (question, address) rows ordered by question. */
export function groupAskers(rows: readonly { questionId: number; text: string; address: string | null }[]) {
  const byQuestion = new Map<number, AskerIdentifiers>();
  for (const r of rows) {
    let entry = byQuestion.get(r.questionId);
    if (!entry) byQuestion.set(r.questionId, (entry = { questionId: r.questionId, text: r.text, addresses: [] }));
    if (r.address !== null) entry.addresses.push(r.address);
  }
  return [...byQuestion.values()];
}

export type TransparencyRepo = ReturnType<typeof createTransparencyRepo>;
