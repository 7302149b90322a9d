/**
 * Delivery workers on PostgreSQL: the port of src/db/repositories/workers.ts (the specification).
 * A worker renews its lease and, with it, the claims it holds on outbox rows and jobs; a worker known
 * to be dead gives its claims up at once (src/delivery/worker-lease.ts).
 */
import { and, asc, eq, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { deliveryWorkers, jobs, outbox } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgWorkersRepo(q: () => PgDb): Port<SyncRepos["workers"]> {
  return {
    async register(worker, nowMs, leaseUntilMs) {
      await q()
        .insert(deliveryWorkers)
        .values({ ...worker, leaseUntilMs, startedAtMs: nowMs })
        .onConflictDoUpdate({ target: deliveryWorkers.id, set: { leaseUntilMs } });
    },

    async renew(workerId, leaseUntilMs) {
      await q().update(deliveryWorkers).set({ leaseUntilMs }).where(eq(deliveryWorkers.id, workerId));
      await q()
        .update(outbox)
        .set({ claimedUntilMs: leaseUntilMs })
        .where(and(eq(outbox.claimedBy, workerId), eq(outbox.status, "pending")));
      await q()
        .update(jobs)
        .set({ claimedUntilMs: leaseUntilMs })
        .where(and(eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")));
    },

    async list() {
      return q().select().from(deliveryWorkers).orderBy(asc(deliveryWorkers.startedAtMs), asc(deliveryWorkers.id));
    },

    async onHost(host, exceptId) {
      return q()
        .select()
        .from(deliveryWorkers)
        .where(and(eq(deliveryWorkers.host, host), ne(deliveryWorkers.id, exceptId)));
    },

    async expire(workerIds) {
      if (workerIds.length === 0) return { rows: 0, jobs: 0 };
      const ids = [...workerIds];
      const rows = await q()
        .update(outbox)
        .set({ claimedUntilMs: 0 })
        .where(and(inArray(outbox.claimedBy, ids), isNotNull(outbox.claimedUntilMs)));
      const freedJobs = await q()
        .update(jobs)
        .set({ claimedUntilMs: 0 })
        .where(and(inArray(jobs.claimedBy, ids), isNotNull(jobs.claimedUntilMs)));
      await q().delete(deliveryWorkers).where(inArray(deliveryWorkers.id, ids));
      return { rows: rows.rowCount ?? 0, jobs: freedJobs.rowCount ?? 0 };
    },

    async forgetLapsed(beforeMs) {
      const result = await q().delete(deliveryWorkers).where(lt(deliveryWorkers.leaseUntilMs, beforeMs));
      return result.rowCount ?? 0;
    },

    async unregister(workerId) {
      await q()
        .update(outbox)
        .set({ claimedBy: null, claimedUntilMs: null })
        .where(
          and(eq(outbox.claimedBy, workerId), eq(outbox.status, "pending"), sql`${outbox.attemptStartedAtMs} is null`),
        );
      await q()
        .update(jobs)
        .set({ claimedBy: null, claimedUntilMs: null })
        .where(and(eq(jobs.claimedBy, workerId), eq(jobs.status, "pending")));
      await q().delete(deliveryWorkers).where(eq(deliveryWorkers.id, workerId));
    },
  };
}
