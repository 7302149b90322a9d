/**
 * Delivery workers (the `delivery_workers` table) and the claims they hold on outbox rows and jobs.
 * A worker renews its lease while it lives and renews, with it, the claims it holds; a worker known
 * to be dead gives its claims up at once (see src/delivery/worker-lease.ts). Plain SQL through
 * drizzle, portable to PostgreSQL.
 */
import { and, asc, eq, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { deliveryWorkers, jobs, outbox } from "../schema.ts";

export type WorkerRow = typeof deliveryWorkers.$inferSelect;

export function createWorkersRepo(db: Db) {
  return {
    /** Registers (or re-registers) a worker with a lease until `leaseUntilMs`. */
    register(worker: { id: string; host: string; pid: number }, nowMs: number, leaseUntilMs: number): void {
      db.insert(deliveryWorkers)
        .values({ ...worker, leaseUntilMs, startedAtMs: nowMs })
        .onConflictDoUpdate({ target: deliveryWorkers.id, set: { leaseUntilMs } })
        .run();
    },

    /**
     * Extends the worker's lease and the claims it holds (pending outbox rows and jobs) to
     * `leaseUntilMs`. Claims already taken over by another worker are not touched.
     */
    renew(workerId: string, leaseUntilMs: number): void {
      db.update(deliveryWorkers).set({ leaseUntilMs }).where(eq(deliveryWorkers.id, workerId)).run();
      db.update(outbox)
        .set({ claimedUntilMs: leaseUntilMs })
        .where(and(eq(outbox.claimedBy, workerId), eq(outbox.status, "pending")))
        .run();
      db.update(jobs)
        .set({ claimedUntilMs: leaseUntilMs })
        .where(and(eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")))
        .run();
    },

    /** Every registered worker (a running Rinde process), oldest first: `rinde status`. */
    list(): WorkerRow[] {
      return db.select().from(deliveryWorkers).orderBy(asc(deliveryWorkers.startedAtMs), asc(deliveryWorkers.id)).all();
    },

    /** The other workers registered from `host`. */
    onHost(host: string, exceptId: string): WorkerRow[] {
      return db
        .select()
        .from(deliveryWorkers)
        .where(and(eq(deliveryWorkers.host, host), ne(deliveryWorkers.id, exceptId)))
        .all();
    },

    /**
     * Ends the claims of dead workers at once (their rows and jobs become claimable now, an
     * interrupted send keeps its mark so the next claimer applies the uncertain-send rule) and forgets
     * them. Returns how many outbox rows and jobs were freed.
     */
    expire(workerIds: readonly string[]): { rows: number; jobs: number } {
      if (workerIds.length === 0) return { rows: 0, jobs: 0 };
      const ids = [...workerIds];
      const rows = db
        .update(outbox)
        .set({ claimedUntilMs: 0 })
        .where(and(inArray(outbox.claimedBy, ids), isNotNull(outbox.claimedUntilMs)))
        .run().changes;
      const freedJobs = db
        .update(jobs)
        .set({ claimedUntilMs: 0 })
        .where(and(inArray(jobs.claimedBy, ids), isNotNull(jobs.claimedUntilMs)))
        .run().changes;
      db.delete(deliveryWorkers).where(inArray(deliveryWorkers.id, ids)).run();
      return { rows, jobs: freedJobs };
    },

    /** Forgets workers whose lease lapsed before `beforeMs` (their claims lapsed with it). */
    forgetLapsed(beforeMs: number): number {
      return db.delete(deliveryWorkers).where(lt(deliveryWorkers.leaseUntilMs, beforeMs)).run().changes;
    },

    /**
     * A worker stopping cleanly: rows it claimed but never started sending and its jobs go back at
     * once; then it is forgotten.
     */
    unregister(workerId: string): void {
      db.update(outbox)
        .set({ claimedBy: null, claimedUntilMs: null })
        .where(
          and(eq(outbox.claimedBy, workerId), eq(outbox.status, "pending"), sql`${outbox.attemptStartedAtMs} is null`),
        )
        .run();
      db.update(jobs)
        .set({ claimedBy: null, claimedUntilMs: null })
        .where(and(eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")))
        .run();
      db.delete(deliveryWorkers).where(eq(deliveryWorkers.id, workerId)).run();
    },
  };
}

export type WorkersRepo = ReturnType<typeof createWorkersRepo>;
