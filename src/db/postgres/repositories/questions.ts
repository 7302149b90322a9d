/**
 * Questions on PostgreSQL: the port of src/db/repositories/questions.ts (the specification).
 * The radicado counter is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`: the conflicting
 * row is locked until the filing transaction ends, so two processes never get the same number.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { citizens, questionEvents, questions, referenceCounters } from "../schema.ts";

export function createPgQuestionsRepo(q: () => PgDb): Port<SyncRepos["questions"]> {
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
    async list(filter = {}) {
      const conditions: SQL[] = [];
      if (filter.officeKey) conditions.push(eq(questions.officeKey, filter.officeKey));
      if (filter.status) conditions.push(eq(questions.status, filter.status));
      if (filter.citizenId !== undefined) conditions.push(eq(questions.citizenId, filter.citizenId));
      if (filter.overdueBefore) {
        conditions.push(inArray(questions.status, ["open"]), lt(questions.dueDate, filter.overdueBefore));
      }
      const query = q()
        .select()
        .from(questions)
        .where(and(...conditions))
        .orderBy(desc(questions.id));
      return filter.limit ? await query.limit(filter.limit) : await query;
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
