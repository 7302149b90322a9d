/** Questions (peticiones), their radicado counter and their append-only history. */
import { and, asc, desc, eq, inArray, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { citizens, questionEvents, questions, referenceCounters } from "../schema.ts";

export type QuestionRow = typeof questions.$inferSelect;
export type QuestionStatus = QuestionRow["status"];
export type QuestionEventRow = typeof questionEvents.$inferSelect;
export type NewQuestion = Omit<typeof questions.$inferInsert, "id">;

export interface QuestionFilter {
  officeKey?: string;
  status?: QuestionStatus;
  /** Open or info-requested questions whose due date is before this date. */
  overdueBefore?: string;
  citizenId?: number;
  limit?: number;
}

export type NewQuestionFiling = Pick<
  NewQuestion,
  | "reference"
  | "citizenId"
  | "officeKey"
  | "requestType"
  | "status"
  | "text"
  | "channel"
  | "filedAtMs"
  | "termBusinessDays"
  | "dueDate"
  | "termStartedAtMs"
  | "updatedAtMs"
  | "eventId"
>;

export function createQuestionsRepo(db: Db) {
  // Prepared once: drizzle's query building and SQLite's compile cost more than the insert itself.
  const insertFiling = db
    .insert(questions)
    .values({
      reference: sql.placeholder("reference"),
      citizenId: sql.placeholder("citizenId"),
      officeKey: sql.placeholder("officeKey"),
      requestType: sql.placeholder("requestType"),
      status: sql.placeholder("status"),
      text: sql.placeholder("text"),
      channel: sql.placeholder("channel"),
      filedAtMs: sql.placeholder("filedAtMs"),
      termBusinessDays: sql.placeholder("termBusinessDays"),
      dueDate: sql.placeholder("dueDate"),
      termStartedAtMs: sql.placeholder("termStartedAtMs"),
      updatedAtMs: sql.placeholder("updatedAtMs"),
      eventId: sql.placeholder("eventId"),
    })
    .returning()
    .prepare();
  /**
   * `list` prepared once per filter shape (which fields are set; at most 32 shapes): the citizen's
   * pending questions are listed on many inbound messages, and building the query cost more than
   * running it (issue 13 bench profile).
   */
  const listQuery = (filter: Record<keyof QuestionFilter, unknown>) => {
    const conditions: SQL[] = [];
    if (filter.officeKey !== undefined) conditions.push(eq(questions.officeKey, sql.placeholder("officeKey")));
    if (filter.status !== undefined) conditions.push(eq(questions.status, sql.placeholder("status")));
    if (filter.citizenId !== undefined) conditions.push(eq(questions.citizenId, sql.placeholder("citizenId")));
    if (filter.overdueBefore !== undefined) {
      conditions.push(inArray(questions.status, ["open"]), lt(questions.dueDate, sql.placeholder("overdueBefore")));
    }
    const query = db
      .select()
      .from(questions)
      .where(and(...conditions))
      .orderBy(desc(questions.id));
    return (filter.limit !== undefined ? query.limit(sql.placeholder("limit")) : query).prepare();
  };
  const listQueries = new Map<string, ReturnType<typeof listQuery>>();
  const reassignments = db
    .select({
      eventId: questionEvents.id,
      text: questions.text,
      officeKey: sql<string>`json_extract(${questionEvents.data}, '$.to')`,
    })
    .from(questionEvents)
    .innerJoin(questions, eq(questions.id, questionEvents.questionId))
    .innerJoin(citizens, eq(citizens.id, questions.citizenId))
    .where(
      and(
        sql`${questionEvents.id} > ${sql.placeholder("after")}`,
        eq(questionEvents.kind, "reassigned"),
        isNull(citizens.deletedAtMs),
      ),
    )
    .orderBy(questionEvents.id)
    .prepare();
  const bumpCounter = db
    .insert(referenceCounters)
    .values({ year: sql.placeholder("year"), lastSeq: 1 })
    .onConflictDoUpdate({ target: referenceCounters.year, set: { lastSeq: sql`${referenceCounters.lastSeq} + 1` } })
    .returning({ seq: referenceCounters.lastSeq })
    .prepare();
  const insertEvent = db
    .insert(questionEvents)
    .values({
      questionId: sql.placeholder("questionId"),
      kind: sql.placeholder("kind"),
      actor: sql.placeholder("actor"),
      atMs: sql.placeholder("at"),
      data: sql.placeholder("data"),
    })
    .prepare();

  return {
    /** Next sequence number of the year; call inside the filing transaction. */
    nextSequence(year: number): number {
      return bumpCounter.get({ year })!.seq;
    },
    /** Files a new question (the columns a filing sets; answers and extensions come later). */
    insert(row: NewQuestionFiling): QuestionRow {
      return insertFiling.get({ ...row, eventId: row.eventId ?? null });
    },
    addEvent(questionId: number, kind: string, actor: string, atMs: number, data: Record<string, unknown> = {}): void {
      insertEvent.run({ questionId, kind, actor, at: atMs, data: JSON.stringify(data) });
    },
    update(id: number, changes: Partial<NewQuestion>): void {
      db.update(questions).set(changes).where(eq(questions.id, id)).run();
    },
    byReference(reference: string): QuestionRow | undefined {
      return db.select().from(questions).where(eq(questions.reference, reference)).get();
    },
    byId(id: number): QuestionRow | undefined {
      return db.select().from(questions).where(eq(questions.id, id)).get();
    },
    /**
     * The question, read to be changed: call it inside `withTransaction` before checking the state a
     * change depends on (open, its office, its pending proposal), and check the row it returns.
     * PostgreSQL locks the row (`FOR UPDATE`) until the transaction ends, waiting for a concurrent
     * change of it to commit and returning the row as that change left it; here the transaction
     * already holds the database's write lock (BEGIN IMMEDIATE), so a plain read is enough. It
     * returns the row rather than only locking it so that a caller cannot check the row it read
     * before the lock.
     */
    byIdForUpdate(id: number): QuestionRow | undefined {
      return db.select().from(questions).where(eq(questions.id, id)).get();
    },
    list(filter: QuestionFilter = {}): QuestionRow[] {
      const params = {
        officeKey: filter.officeKey || undefined,
        status: filter.status || undefined,
        citizenId: filter.citizenId,
        overdueBefore: filter.overdueBefore || undefined,
        limit: filter.limit || undefined,
      };
      const shape = Object.entries(params)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key)
        .join(",");
      let query = listQueries.get(shape);
      if (!query) listQueries.set(shape, (query = listQuery(params)));
      return query.all(params);
    },
    /** Open questions of an office due on or before `throughDate`, earliest first (index questions_office_status_due). */
    dueThrough(officeKey: string, throughDate: string, limit: number): QuestionRow[] {
      return db
        .select()
        .from(questions)
        .where(
          and(eq(questions.officeKey, officeKey), eq(questions.status, "open"), lte(questions.dueDate, throughDate)),
        )
        .orderBy(asc(questions.dueDate), asc(questions.id))
        .limit(limit)
        .all();
    },
    /** Open questions of an office already overdue (due before `today`) and due in [today, throughDate]. */
    countDue(officeKey: string, today: string, throughDate: string): { overdue: number; dueSoon: number } {
      const row = db
        .select({
          overdue: sql<number>`coalesce(sum(case when ${questions.dueDate} < ${today} then 1 else 0 end), 0)`,
          dueSoon: sql<number>`coalesce(sum(case when ${questions.dueDate} >= ${today} then 1 else 0 end), 0)`,
        })
        .from(questions)
        .where(
          and(eq(questions.officeKey, officeKey), eq(questions.status, "open"), lte(questions.dueDate, throughDate)),
        )
        .get();
      return { overdue: row?.overdue ?? 0, dueSoon: row?.dueSoon ?? 0 };
    },
    /**
     * Routing corrections learned from reassignments after `afterEventId`: the question's text and
     * the office it was moved to. Questions of citizens who deleted their data are left out.
     */
    reassignmentsSince(afterEventId: number): { eventId: number; text: string; officeKey: string }[] {
      return reassignments.all({ after: afterEventId });
    },
    history(questionId: number): QuestionEventRow[] {
      return db
        .select()
        .from(questionEvents)
        .where(eq(questionEvents.questionId, questionId))
        .orderBy(questionEvents.id)
        .all();
    },
    /** The latest event of a kind (e.g. the pending info request). */
    lastEvent(questionId: number, kind: string): QuestionEventRow | undefined {
      return db
        .select()
        .from(questionEvents)
        .where(and(eq(questionEvents.questionId, questionId), eq(questionEvents.kind, kind)))
        .orderBy(desc(questionEvents.id))
        .limit(1)
        .get();
    },
  };
}

export type QuestionsRepo = ReturnType<typeof createQuestionsRepo>;
