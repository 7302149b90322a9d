/**
 * Scheduled jobs (the `jobs` table). Planning is idempotent by key; claiming is one atomic
 * statement; finishing is conditional on still holding the claim, and the scheduler does it in the
 * same transaction as the job's effects (see src/delivery/scheduler.ts).
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { jobs } from "../schema.ts";

export type JobRow = typeof jobs.$inferSelect;

export interface NewJob {
  /** Names the logical job: planning the same key again does nothing (unless it was cancelled). */
  key: string;
  kind: string;
  runAtMs: number;
  payload?: Record<string, unknown>;
  questionId?: number | null;
}

export function createJobsRepo(db: Db) {
  const insert = db
    .insert(jobs)
    .values({
      key: sql.placeholder("key"),
      kind: sql.placeholder("kind"),
      payload: sql.placeholder("payload"),
      runAtMs: sql.placeholder("runAt"),
      questionId: sql.placeholder("questionId"),
      createdAtMs: sql.placeholder("now"),
    })
    // A cancelled job planned again comes back (a pause then a restart with the same due date);
    // a done or failed one never runs again.
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
    .returning({ id: jobs.id })
    .prepare();

  return {
    /** Plans a job; returns its id when planned (or revived), undefined when the key already exists. */
    plan(job: NewJob, nowMs: number): number | undefined {
      return insert.get({
        key: job.key,
        kind: job.kind,
        payload: JSON.stringify(job.payload ?? {}),
        runAt: job.runAtMs,
        questionId: job.questionId ?? null,
        now: nowMs,
      })?.id;
    },

    /** Cancels the pending jobs of a question, of the given kinds (all kinds when omitted). */
    cancelForQuestion(questionId: number, kinds: readonly string[] | undefined, nowMs: number): number {
      const conditions = [eq(jobs.questionId, questionId), eq(jobs.status, "pending")];
      if (kinds) conditions.push(inArray(jobs.kind, [...kinds]));
      return db
        .update(jobs)
        .set({ status: "cancelled", finishedAtMs: nowMs, claimedBy: null, claimedUntilMs: null })
        .where(and(...conditions))
        .run().changes;
    },

    /**
     * Claims up to `limit` due jobs of the given kinds for `workerId` until `claimMs` from now, in
     * one statement: two processes never get the same row, and an expired claim is taken over.
     */
    claim(input: {
      kinds: readonly string[];
      workerId: string;
      nowMs: number;
      claimMs: number;
      limit: number;
    }): JobRow[] {
      if (input.kinds.length === 0) return [];
      const { nowMs } = input;
      // A job is claimable while pending, due and not under a live claim. `{ recheck }` is the form
      // for the outer UPDATE (see below): `status || ''` is the same test, written as an expression so
      // SQLite keeps looking rows up by the subquery's ids instead of scanning the status index.
      const claimable = ({ recheck }: { recheck: boolean }) =>
        and(
          recheck ? sql`(${jobs.status} || '') = 'pending'` : eq(jobs.status, "pending"),
          sql`${jobs.runAtMs} <= ${nowMs}`,
          sql`(${jobs.claimedUntilMs} is null or ${jobs.claimedUntilMs} < ${nowMs})`,
        );
      const due = db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(claimable({ recheck: false }), inArray(jobs.kind, [...input.kinds])))
        .orderBy(asc(jobs.runAtMs), asc(jobs.id))
        .limit(input.limit);
      // The outer WHERE repeats the claimability test: on PostgreSQL (READ COMMITTED) two processes'
      // subqueries may pick the same ids, and the second UPDATE, once the first commits, re-evaluates
      // only its own WHERE on the updated row ("the second updater … will re-evaluate its search
      // condition to see if the updated version of the row still matches", PostgreSQL manual,
      // 13.2.1), so a job claimed meanwhile is skipped. SQLite (one writer at a time) plans it as
      // before: rowid lookups from the id list, the subquery served by jobs_due.
      return db
        .update(jobs)
        .set({ claimedBy: input.workerId, claimedUntilMs: nowMs + input.claimMs })
        .where(and(inArray(jobs.id, due), claimable({ recheck: true })))
        .returning()
        .all()
        .sort((a, b) => a.runAtMs - b.runAtMs || a.id - b.id);
    },

    /** Whether `workerId` still holds the claim on a pending job (nobody took it over). */
    holdsClaim(id: number, workerId: string): boolean {
      return (
        db
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.id, id), eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")))
          .get() !== undefined
      );
    },

    complete(id: number, workerId: string, nowMs: number): boolean {
      return (
        db
          .update(jobs)
          .set({
            status: "done",
            finishedAtMs: nowMs,
            attempts: sql`${jobs.attempts} + 1`,
            claimedBy: null,
            claimedUntilMs: null,
          })
          .where(and(eq(jobs.id, id), eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")))
          .run().changes > 0
      );
    },

    /** Gives a claimed job back to run at `runAtMs` (deferred, or retried after an error). */
    reschedule(id: number, workerId: string, runAtMs: number, error?: { message: string }): void {
      db.update(jobs)
        .set({
          runAtMs,
          claimedBy: null,
          claimedUntilMs: null,
          ...(error ? { lastError: error.message, attempts: sql`${jobs.attempts} + 1` } : {}),
        })
        .where(and(eq(jobs.id, id), eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")))
        .run();
    },

    markFailed(id: number, workerId: string, error: string, nowMs: number): void {
      db.update(jobs)
        .set({
          status: "failed",
          lastError: error,
          finishedAtMs: nowMs,
          attempts: sql`${jobs.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
        })
        .where(and(eq(jobs.id, id), eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")))
        .run();
    },

    /**
     * The run time of the earliest unclaimed pending job of these kinds, if any. One step down the
     * `jobs_due` index (pending jobs are many: one per open question). Jobs claimed by a process
     * that died are not seen here; the scheduler's poll picks them up once the claim expires.
     */
    nextDueMs(kinds: readonly string[]): number | undefined {
      if (kinds.length === 0) return undefined;
      const row = db
        .select({ at: jobs.runAtMs })
        .from(jobs)
        .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, [...kinds]), isNull(jobs.claimedUntilMs)))
        .orderBy(asc(jobs.runAtMs))
        .limit(1)
        .get();
      return row?.at;
    },

    byKey(key: string): JobRow | undefined {
      return db.select().from(jobs).where(eq(jobs.key, key)).get();
    },

    /** Jobs of a question (all statuses), oldest first: for tests and `rinde questions show`. */
    forQuestion(questionId: number): JobRow[] {
      return db.select().from(jobs).where(eq(jobs.questionId, questionId)).orderBy(asc(jobs.id)).all();
    },

    /** Counts by kind and status, for `rinde status`. */
    stats() {
      return db
        .select({ kind: jobs.kind, status: jobs.status, count: sql<number>`count(*)` })
        .from(jobs)
        .groupBy(jobs.kind, jobs.status)
        .all();
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
