/**
 * Scheduled jobs on PostgreSQL: the port of src/db/repositories/jobs.ts (the specification).
 * Planning is idempotent by key (a cancelled job comes back), a claim locks the rows it picks with
 * `FOR UPDATE SKIP LOCKED` so two schedulers never claim the same job, and finishing is conditional
 * on still holding the claim.
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { NewJob } from "../../repositories/jobs.ts";
import type { PgDb } from "../client.ts";
import { jobs } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgJobsRepo(q: () => PgDb): Port<SyncRepos["jobs"]> {
  const heldPending = (id: number, workerId: string) =>
    and(eq(jobs.id, id), eq(jobs.claimedBy, workerId), eq(jobs.status, "pending"));

  return {
    async plan(job: NewJob, nowMs: number) {
      const planned = await q()
        .insert(jobs)
        .values({
          key: job.key,
          kind: job.kind,
          payload: JSON.stringify(job.payload ?? {}),
          runAtMs: job.runAtMs,
          questionId: job.questionId ?? null,
          createdAtMs: nowMs,
        })
        // A cancelled job planned again comes back; a done or failed one never runs again. With
        // the WHERE false, ON CONFLICT DO UPDATE returns no row, as on SQLite.
        .onConflictDoUpdate({
          target: jobs.key,
          set: {
            status: "pending",
            runAtMs: sql`excluded.run_at_ms`,
            payload: sql`excluded.payload`,
            attempts: 0,
            claimedBy: null,
            claimedUntilMs: null,
            lastError: null,
          },
          setWhere: sql`${jobs.status} = 'cancelled'`,
        })
        .returning({ id: jobs.id });
      return planned[0]?.id;
    },

    async cancelForQuestion(questionId, kinds, nowMs) {
      const conditions = [eq(jobs.questionId, questionId), eq(jobs.status, "pending")];
      if (kinds) conditions.push(inArray(jobs.kind, [...kinds]));
      const result = await q()
        .update(jobs)
        .set({ status: "cancelled", finishedAtMs: nowMs, claimedBy: null, claimedUntilMs: null })
        .where(and(...conditions));
      return result.rowCount ?? 0;
    },

    async claim(input) {
      if (input.kinds.length === 0) return [];
      const { nowMs } = input;
      const claimable = and(
        eq(jobs.status, "pending"),
        sql`${jobs.runAtMs} <= ${nowMs}`,
        sql`(${jobs.claimedUntilMs} is null or ${jobs.claimedUntilMs} < ${nowMs})`,
      );
      const due = q()
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(claimable, inArray(jobs.kind, [...input.kinds])))
        .orderBy(asc(jobs.runAtMs), asc(jobs.id))
        .limit(input.limit)
        // Jobs another scheduler is claiming right now are skipped, not waited for; one it claimed
        // after this statement's snapshot is re-read by FOR UPDATE and re-tested, and the outer
        // WHERE repeats the test (PostgreSQL manual, 13.2.1 Read Committed).
        .for("update", { skipLocked: true });
      // `= any(array(…))`, not `in (…)`: the array is an init plan, run once. Planned as a join, the
      // subquery may be scanned again for later rows, and each scan locks up to `limit` more rows
      // (the test's claim of 2 claimed 3).
      const claimed = await q()
        .update(jobs)
        .set({ claimedBy: input.workerId, claimedUntilMs: nowMs + input.claimMs })
        .where(and(sql`${jobs.id} = any(array(${due}))`, claimable))
        .returning();
      return claimed.sort((a, b) => a.runAtMs - b.runAtMs || a.id - b.id);
    },

    async holdsClaim(id, workerId) {
      const rows = await q().select({ id: jobs.id }).from(jobs).where(heldPending(id, workerId)).limit(1);
      return rows.length > 0;
    },

    async complete(id, workerId, nowMs) {
      const result = await q()
        .update(jobs)
        .set({
          status: "done",
          finishedAtMs: nowMs,
          attempts: sql`${jobs.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
        })
        .where(heldPending(id, workerId));
      return (result.rowCount ?? 0) > 0;
    },

    async reschedule(id, workerId, runAtMs, error) {
      await q()
        .update(jobs)
        .set({
          runAtMs,
          claimedBy: null,
          claimedUntilMs: null,
          ...(error ? { lastError: error.message, attempts: sql`${jobs.attempts} + 1` } : {}),
        })
        .where(heldPending(id, workerId));
    },

    async markFailed(id, workerId, error, nowMs) {
      await q()
        .update(jobs)
        .set({
          status: "failed",
          lastError: error,
          finishedAtMs: nowMs,
          attempts: sql`${jobs.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
        })
        .where(heldPending(id, workerId));
    },

    async nextDueMs(kinds) {
      if (kinds.length === 0) return undefined;
      const rows = await q()
        .select({ at: jobs.runAtMs })
        .from(jobs)
        .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, [...kinds]), isNull(jobs.claimedUntilMs)))
        .orderBy(asc(jobs.runAtMs))
        .limit(1);
      return rows[0]?.at;
    },

    async byKey(key) {
      return (await q().select().from(jobs).where(eq(jobs.key, key)).limit(1))[0];
    },

    async forQuestion(questionId) {
      return q().select().from(jobs).where(eq(jobs.questionId, questionId)).orderBy(asc(jobs.id));
    },

    async stats() {
      return q()
        .select({ kind: jobs.kind, status: jobs.status, count: sql<number>`count(*)`.mapWith(Number) })
        .from(jobs)
        .groupBy(jobs.kind, jobs.status)
        .orderBy(sql`${jobs.kind} collate "C"`, sql`${jobs.status} collate "C"`);
    },
  };
}
