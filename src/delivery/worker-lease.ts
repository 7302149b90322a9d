/**
 * A worker's lease (issue 19): the dispatcher and the scheduler of one process claim outbox rows
 * and jobs under one worker id, and the claims last as long as the lease, which is renewed every
 * few seconds while the process lives, never a fixed minute. Another process takes a dead worker's
 * claims over when the lease lapses (a few seconds); a process on the same machine does it at once
 * when the dead worker's pid is gone, so a bot restarted after a kill -9 resumes every chat at once.
 *
 * The renewal runs on a real-time timer (unref'd), apart from the delivery loop, so a slow send
 * does not let the lease lapse. Lease times are on the injected clock, like the claims.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.ts";
import type { Repos } from "../db/port.ts";

export interface WorkerLeaseOptions {
  repos: Pick<Repos, "workers">;
  clock: Clock;
  logger: Logger;
  workerId: string;
  /** How long a claim lasts without renewal. Default 10 s. */
  leaseMs?: number;
  /** Real-time interval of renewals. Default a third of the lease. */
  renewEveryMs?: number;
  /** This machine (host name and boot id) and this process's pid; injectable for tests. */
  host?: string;
  pid?: number;
  /** Whether a pid of this machine is alive; injectable for tests. */
  isAlive?: (pid: number) => boolean;
}

export interface WorkerLease {
  readonly workerId: string;
  /** The instant claims taken now last until. */
  untilMs(): number;
  /** Registers the worker, takes over dead workers' claims, and starts renewing. Idempotent. */
  start(): Promise<void>;
  /** Renews now and takes over the claims of workers found dead. */
  renew(): Promise<void>;
  /** Stops renewing and gives back what was claimed and not started. */
  stop(): Promise<void>;
}

/** The machine's identity: host name and, on Linux, the kernel boot id (pids repeat across boots). */
export function machineId(): string {
  let boot = "";
  try {
    boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    // Not Linux: the host name alone.
  }
  return boot ? `${hostname()}/${boot}` : hostname();
}

/** kill(pid, 0): ESRCH means no such process; EPERM means it exists under another user. */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Workers started by this process and not stopped: a worker with our pid outside this set is a previous incarnation. */
const liveHere = new Set<string>();

export function createWorkerLease(options: WorkerLeaseOptions): WorkerLease {
  const { repos, clock, logger, workerId } = options;
  const leaseMs = options.leaseMs ?? 10_000;
  const renewEveryMs = options.renewEveryMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const host = options.host ?? machineId();
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? pidIsAlive;
  let timer: NodeJS.Timeout | undefined;
  let started = false;

  /**
   * Workers of this machine that cannot be alive: their pid is gone, or it is ours but not one of
   * this process's workers (a previous incarnation with the same pid, as a container's pid 1).
   */
  async function takeOverDead(): Promise<void> {
    const dead = (await repos.workers.onHost(host, workerId))
      .filter((w) => (w.pid === pid ? !liveHere.has(w.id) : !isAlive(w.pid)))
      .map((w) => w.id);
    if (dead.length === 0) return;
    const freed = await repos.workers.expire(dead);
    logger.info({ workers: dead.length, rows: freed.rows, jobs: freed.jobs }, "delivery.dead_workers_taken_over");
  }

  const lease: WorkerLease = {
    workerId,
    untilMs: () => clock.nowMs() + leaseMs,
    async start() {
      if (started) return;
      started = true;
      liveHere.add(workerId);
      const nowMs = clock.nowMs();
      await repos.workers.register({ id: workerId, host, pid }, nowMs, nowMs + leaseMs);
      await takeOverDead();
      timer = setInterval(() => {
        lease.renew().catch((error: unknown) => {
          // Busy or closing database: the next renewal tries again; claims last leaseMs meanwhile.
          logger.warn({ err: { message: (error as Error).message } }, "delivery.lease_renew_failed");
        });
      }, renewEveryMs);
      timer.unref();
    },
    async renew() {
      const nowMs = clock.nowMs();
      await repos.workers.renew(workerId, nowMs + leaseMs);
      await takeOverDead();
      // Rows of workers whose lease lapsed long ago (other machines) hold nothing any more.
      await repos.workers.forgetLapsed(nowMs - 60 * leaseMs);
    },
    async stop() {
      if (!started) return;
      started = false;
      liveHere.delete(workerId);
      clearInterval(timer);
      try {
        await repos.workers.unregister(workerId);
      } catch {
        // Database closed first: the lease lapses by itself.
      }
    },
  };
  return lease;
}
