/**
 * The durable scheduler: runs jobs stored in the `jobs` table when they fall due, catches up after
 * downtime (a job whose time passed while no process ran is due at once), and runs each job once,
 * even with several bot processes on one database:
 *
 * 1. A process claims due jobs in one statement (claimedBy/claimedUntilMs); another process skips
 *    claimed rows until the claim lapses. Under a worker lease (src/delivery/worker-lease.ts) the
 *    claim lasts as long as the lease: a crashed process's jobs are taken over within seconds, at
 *    once by a process restarted on the same machine.
 * 2. A job runs in one write transaction that first checks the claim is still ours, then applies the
 *    handler's effects (outbox rows, question updates, follow-up jobs) and marks the job done. A
 *    process that stalled past its claim while another took the job over finds the claim gone and
 *    changes nothing. Effects and "done" commit together or not at all.
 * 3. Handlers derive outbox idempotency keys from the job's key, so even a replanned copy of a
 *    logical message is sent once.
 *
 * Handlers are synchronous (better-sqlite3 transactions cannot span an await) and only write to
 * the database; delivery is the dispatcher's job (`onEffects` wakes it).
 */
import type { Logger } from "pino";
import type { Clock } from "../core/clock.ts";
import type { Repos, Store } from "../db/port.ts";
import type { JobRow } from "../db/repositories/jobs.ts";
import { createPollLoop } from "./poll-loop.ts";
import { backoffMs } from "./rate-limit.ts";
import type { WorkerLease } from "./worker-lease.ts";

/** What a handler decided: done, or run again at `runAtMs` (e.g. outside office hours). */
export type JobOutcome = { kind: "done" } | { kind: "later"; runAtMs: number };

/**
 * Runs one job inside the job's transaction. Return `later` to move the job (no attempt is
 * counted). Throw only for bugs or infrastructure failures: the transaction rolls back and the job
 * is retried with backoff, then marked `failed` after `maxAttempts`.
 */
export type JobHandler = (job: JobRow, nowMs: number) => JobOutcome | Promise<JobOutcome>;

/** How running one claimed job ended. */
export type JobRunResult = "done" | "deferred" | "lost_claim" | "retry" | "failed";

export interface SchedulerOptions {
  store: Store;
  repos: Repos;
  clock: Clock;
  logger: Logger;
  /** Unique per process; claims carry it. */
  workerId: string;
  /** Handlers by job kind; only these kinds are claimed (a newer process may know more). */
  handlers: Readonly<Record<string, JobHandler>>;
  /** Longest wait between looks for due jobs (jobs planned by other processes, e.g. the CLI). */
  pollIntervalMs?: number;
  /** How long a claim holds before another process may take the job over (without `lease`). */
  claimMs?: number;
  /** The worker lease claims are taken under (a bot process shares one with its dispatcher). */
  lease?: WorkerLease;
  batchSize?: number;
  /** Attempts before a failing job is marked `failed`. */
  maxAttempts?: number;
  /** Called after a pass that ran jobs (to wake the dispatcher for the outbox rows they wrote). */
  onEffects?: () => void;
}

export function createScheduler(options: SchedulerOptions) {
  const { store, repos, clock, logger, workerId, handlers } = options;
  const kinds = Object.keys(handlers);
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const claimMs = options.claimMs ?? 60_000;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 8;

  /** Claims the due jobs this process can run (at most one batch). */
  async function claimDue(): Promise<JobRow[]> {
    const nowMs = clock.nowMs();
    return await repos.jobs.claim({
      kinds,
      workerId,
      nowMs,
      claimMs: options.lease ? options.lease.untilMs() - nowMs : claimMs,
      limit: batchSize,
    });
  }

  /** Runs one job this process claimed: effects and completion in one transaction. */
  async function runClaimed(job: JobRow): Promise<JobRunResult> {
    const handler = handlers[job.kind]!;
    try {
      return await store.withTransaction(async () => {
        if (!(await repos.jobs.holdsClaim(job.id, workerId))) return "lost_claim";
        const nowMs = clock.nowMs();
        const outcome = await handler(job, nowMs);
        if (outcome.kind === "later") {
          await repos.jobs.reschedule(job.id, workerId, outcome.runAtMs);
          return "deferred";
        }
        await repos.jobs.complete(job.id, workerId, nowMs);
        return "done";
      });
    } catch (error) {
      // Rolled back: none of the job's effects happened. Record the attempt outside that transaction.
      const message = (error as Error).message;
      const attempts = job.attempts + 1;
      const nowMs = clock.nowMs();
      if (attempts >= maxAttempts) {
        await repos.jobs.markFailed(job.id, workerId, message, nowMs);
        logger.error(
          { jobId: job.id, kind: job.kind, attempts, err: { message, code: (error as { code?: string }).code } },
          "job.failed",
        );
        return "failed";
      }
      const delayMs = backoffMs(attempts, job.id);
      await repos.jobs.reschedule(job.id, workerId, nowMs + delayMs, { message });
      logger.warn({ jobId: job.id, kind: job.kind, attempts, delayMs, err: { message } }, "job.retry");
      return "retry";
    }
  }

  /** Claims and runs batches until nothing is due. Resolves to the number of jobs done. */
  async function pass(): Promise<number> {
    let done = 0;
    try {
      for (;;) {
        const batch = await claimDue();
        if (batch.length === 0) break;
        for (const job of batch) if ((await runClaimed(job)) === "done") done++;
        options.onEffects?.();
        // Let inbound messages through between batches of a long catch-up.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, "scheduler.pass_failed");
    }
    return done;
  }

  /** Until the next due job, at most the poll interval (jobs planned by other processes). */
  async function nextDelayMs(): Promise<number> {
    const nextDueMs = await repos.jobs.nextDueMs(kinds);
    const untilDueMs = nextDueMs === undefined ? pollIntervalMs : Math.max(0, nextDueMs - clock.nowMs());
    return Math.min(pollIntervalMs, untilDueMs);
  }

  const loop = createPollLoop(pass, nextDelayMs);
  return {
    /** Claims and runs batches until nothing is due (never two passes at once); resolves to the jobs done. */
    tick: loop.tick,
    claimDue,
    runClaimed,
    /** Runs what is due now (catch-up after downtime), then keeps polling. */
    start: loop.start,
    /** Jobs were planned or moved (by this process or, through LISTEN/NOTIFY, another): look now. */
    wake: loop.wake,
    /** Waits for the pass in progress and stops polling. */
    stop: loop.stop,
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
