/**
 * Questions on PostgreSQL: the port of src/db/repositories/questions.ts (the specification).
 * The radicado counter is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`: the conflicting
 * row is locked until the filing transaction ends, so two processes never get the same number.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { QuestionFilter } from "../../repositories/questions.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { preparedStatement } from "../prepared.ts";
import { citizens, questionEvents, questions, referenceCounters } from "../schema.ts";

export function createPgQuestionsRepo(q: () => PgDb): Port<SyncRepos["questions"]> {
  /**
   * `list` as a named prepared statement per filter shape (which fields are set; at most 32, as on
   * SQLite): a citizen's pending questions are listed on many inbound messages.
   */
  const listQuery = (shape: string, filter: Record<keyof QuestionFilter, unknown>) =>
    preparedStatement(q, `questions_list_${shape.replaceAll(",", "_") || "all"}`, (db, name) => {
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
      return (filter.limit !== undefined ? query.limit(sql.placeholder("limit")) : query).prepare(name);
    });
  const listQueries = new Map<string, ReturnType<typeof listQuery>>();
  return {
    async nextSequence(year) {
      const [row] = await q()
        .insert(referenceCounters)
        .values({ year, lastSeq: 1 })
        .onConflictDoUpdate({ target: referenceCounters.year, set: { lastSeq: sql`${referenceCounters.lastSeq} + 1` } })
        .returning({ seq: referenceCounters.lastSeq });
      return row!.seq;
    },
    async insert(row) {
      // Exactly the columns a filing sets (the SQLite statement is prepared with these placeholders).
      const [inserted] = await q()
        .insert(questions)
        .values({
          reference: row.reference,
          citizenId: row.citizenId,
          officeKey: row.officeKey,
          requestType: row.requestType,
          status: row.status,
          text: row.text,
          channel: row.channel,
          filedAtMs: row.filedAtMs,
          termBusinessDays: row.termBusinessDays,
          dueDate: row.dueDate,
          termStartedAtMs: row.termStartedAtMs ?? null,
          updatedAtMs: row.updatedAtMs,
          eventId: row.eventId ?? null,
        })
        .returning();
      return inserted!;
    },
    async addEvent(questionId, kind, actor, atMs, data = {}) {
      await q()
        .insert(questionEvents)
        .values({ questionId, kind, actor, atMs, data: JSON.stringify(data) });
    },
    async update(id, changes) {
      await q().update(questions).set(changes).where(eq(questions.id, id));
    },
    async byReference(reference) {
      const [row] = await q().select().from(questions).where(eq(questions.reference, reference)).limit(1);
      return row;
    },
    async byId(id) {
      const [row] = await q().select().from(questions).where(eq(questions.id, id));
      return row;
    },
    async byIdForUpdate(id) {
      // READ COMMITTED: a row changed by a transaction still open is waited for, then read again as
      // committed, so the caller's checks see the concurrent answer, reassignment or closing.
      const [row] = await q().select().from(questions).where(eq(questions.id, id)).for("update");
      return row;
    },
    async list(filter = {}) {
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
      if (!query) listQueries.set(shape, (query = listQuery(shape, params)));
      return await query(params);
    },
    async dueThrough(officeKey, throughDate, limit) {
      return q()
        .select()
        .from(questions)
        .where(
          and(eq(questions.officeKey, officeKey), eq(questions.status, "open"), lte(questions.dueDate, throughDate)),
        )
        .orderBy(asc(questions.dueDate), asc(questions.id))
        .limit(limit);
    },
    async countDue(officeKey, today, throughDate) {
      const [row] = await q()
        .select({
          overdue: sql<number>`coalesce(sum(case when ${questions.dueDate} < ${today} then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
          dueSoon: sql<number>`coalesce(sum(case when ${questions.dueDate} >= ${today} then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
        })
        .from(questions)
        .where(
          and(eq(questions.officeKey, officeKey), eq(questions.status, "open"), lte(questions.dueDate, throughDate)),
        );
      return { overdue: row?.overdue ?? 0, dueSoon: row?.dueSoon ?? 0 };
    },
    async reassignmentsSince(afterEventId) {
      return q()
        .select({
          eventId: questionEvents.id,
          text: questions.text,
          officeKey: sql<string>`(${questionEvents.data})::jsonb ->> 'to'`,
        })
        .from(questionEvents)
        .innerJoin(questions, eq(questions.id, questionEvents.questionId))
        .innerJoin(citizens, eq(citizens.id, questions.citizenId))
        .where(
          and(gt(questionEvents.id, afterEventId), eq(questionEvents.kind, "reassigned"), isNull(citizens.deletedAtMs)),
        )
        .orderBy(questionEvents.id);
    },
    async history(questionId) {
      return q()
        .select()
        .from(questionEvents)
        .where(eq(questionEvents.questionId, questionId))
        .orderBy(questionEvents.id);
    },
    async lastEvent(questionId, kind) {
      const [row] = await q()
        .select()
        .from(questionEvents)
        .where(and(eq(questionEvents.questionId, questionId), eq(questionEvents.kind, kind)))
        .orderBy(desc(questionEvents.id))
        .limit(1);
      return row;
    },
  };
}
