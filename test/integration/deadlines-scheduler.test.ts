/**
 * The durable scheduler on a real database (SQLite file, or PostgreSQL: test/helpers/storage.ts): idempotent planning, run once with effects and
 * completion in one transaction, retries with backoff after a failure (effects rolled back),
 * deferral, catch-up of overdue jobs, and two real OS processes on one database.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv, PROJECT_ROOT } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import type { Db } from "../../src/db/client.ts";
import { openStore } from "../../src/db/open-store.ts";
import type { Repos, Store } from "../../src/db/port.ts";
import { createScheduler, type JobHandler, type Scheduler } from "../../src/delivery/scheduler.ts";
import { silentLogger } from "../../src/logger.ts";
import { benchDeadlineSweep } from "../bench/deadlines.ts";
import { createHarness, fileQuestion } from "../helpers/harness.ts";
import { onPostgres, sqliteOnly, sqlRow, sqlRows, storageEnv } from "../helpers/storage.ts";
import { addStaff, bogota } from "./deadlines-helpers.ts";

const T0 = bogota("2026-03-02", "10:00");

describe("scheduler", () => {
  let dir: string;
  let db: Db | null;
  let store: Store;
  let repos: Repos;
  let clock: ReturnType<typeof createManualClock>;
  const schedulers: Scheduler[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-scheduler-"));
    ({ store, db } = await openStore(loadEnv(storageEnv(join(dir, "rinde.db")))));
    repos = store.repos;
    clock = createManualClock(T0);
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A handler that queues one outbox row named after the job, so runs can be counted. */
  const echo: JobHandler = async (job, nowMs) => {
    await repos.outbox.enqueue(
      {
        idempotencyKey: `echo:${job.key}:${job.attempts}`,
        channel: "memory",
        address: "ops",
        payload: { text: job.key },
      },
      nowMs,
    );
    return { kind: "done" };
  };
  const make = (handlers: Record<string, JobHandler>, workerId = "w1") => {
    const scheduler = createScheduler({
      store,
      repos,
      clock,
      logger: silentLogger,
      workerId,
      handlers,
      maxAttempts: 3,
    });
    schedulers.push(scheduler);
    return scheduler;
  };
  const echoes = async () =>
    (await sqlRows<{ k: string }>({ db, store }, "select idempotency_key k from outbox order by id")).map((r) => r.k);

  it("plans a key once, revives a cancelled job, never a done one", async () => {
    const scheduler = make({ echo });
    expect(await repos.jobs.plan({ key: "a", kind: "echo", runAtMs: T0 + 1000 }, T0)).toBeTypeOf("number");
    expect(await repos.jobs.plan({ key: "a", kind: "echo", runAtMs: T0 + 5000 }, T0)).toBeUndefined();
    expect(await scheduler.tick()).toBe(0); // not due yet
    clock.advanceMs(1000);
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    expect(await repos.jobs.plan({ key: "a", kind: "echo", runAtMs: T0 }, clock.nowMs())).toBeUndefined(); // done: never again
    await repos.jobs.plan({ key: "b", kind: "echo", runAtMs: T0 + 9000 }, T0);
    await sqlRows({ db, store }, "update jobs set status = 'cancelled' where key = 'b'");
    expect(await repos.jobs.plan({ key: "b", kind: "echo", runAtMs: T0 + 2000 }, clock.nowMs())).toBeTypeOf("number");
    clock.advanceMs(1000);
    expect(await scheduler.tick()).toBe(1);
    expect(await echoes()).toEqual(["echo:a:0", "echo:b:0"]);
  });

  it("catches up every job that fell due while no process ran, in time order", async () => {
    for (const [key, offsetMs] of [
      ["late", 3000],
      ["early", 1000],
      ["middle", 2000],
    ] as const)
      await repos.jobs.plan({ key, kind: "echo", runAtMs: T0 + offsetMs }, T0);
    clock.advanceMs(86_400_000);
    expect(await make({ echo }).tick()).toBe(3);
    expect(await echoes()).toEqual(["echo:early:0", "echo:middle:0", "echo:late:0"]);
  });

  it("rolls back a failed job's effects and retries with backoff, then marks it failed", async () => {
    let calls = 0;
    const flaky: JobHandler = async (job, nowMs) => {
      calls++;
      await echo(job, nowMs);
      throw new Error("downstream unavailable");
    };
    const scheduler = make({ flaky });
    await repos.jobs.plan({ key: "f", kind: "flaky", runAtMs: T0 }, T0);
    expect(await scheduler.tick()).toBe(0);
    expect(await echoes()).toEqual([]); // the row the handler wrote was rolled back
    expect(await repos.jobs.byKey("f")).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "downstream unavailable",
      claimedBy: null,
    });
    const retryAt = (await repos.jobs.byKey("f"))!.runAtMs;
    expect(retryAt).toBeGreaterThan(T0 + 1000);
    expect(await scheduler.tick()).toBe(0);
    expect(calls).toBe(1); // not before the backoff
    clock.setMs(retryAt);
    await scheduler.tick();
    clock.advanceMs(3_600_000);
    await scheduler.tick();
    expect(calls).toBe(3);
    expect(await repos.jobs.byKey("f")).toMatchObject({ status: "failed", attempts: 3 });
    clock.advanceMs(3_600_000);
    await scheduler.tick();
    expect(calls).toBe(3);
  });

  it("defers a job without counting an attempt, and claims only the kinds it handles", async () => {
    let deferred = false;
    const office: JobHandler = async (job, nowMs) => {
      if (!deferred) {
        deferred = true;
        return { kind: "later", runAtMs: nowMs + 60_000 };
      }
      return await echo(job, nowMs);
    };
    const scheduler = make({ office });
    await repos.jobs.plan({ key: "o", kind: "office", runAtMs: T0 }, T0);
    await repos.jobs.plan({ key: "x", kind: "someone-else", runAtMs: T0 }, T0);
    expect(await scheduler.tick()).toBe(0);
    expect(await repos.jobs.byKey("o")).toMatchObject({ status: "pending", attempts: 0, runAtMs: T0 + 60_000 });
    clock.advanceMs(60_000);
    expect(await scheduler.tick()).toBe(1);
    expect(await repos.jobs.byKey("x")).toMatchObject({ status: "pending", claimedBy: null });
  });

  it("keeps ticking after a pass that found nothing (a pass that ends at once still clears itself)", async () => {
    const scheduler = make({ echo });
    expect(await scheduler.tick()).toBe(0);
    expect(await scheduler.tick()).toBe(0);
    await repos.jobs.plan({ key: "later", kind: "echo", runAtMs: T0 }, T0);
    expect(await scheduler.tick()).toBe(1);
  });
});

describe("two bot processes on one database", () => {
  it("run every due job exactly once", async () => {
    const h = await createHarness();
    try {
      await addStaff(h);
      const refs: string[] = [];
      for (let i = 0; i < 12; i++) refs.push(await fileQuestion(h, `citizen-${i}`));
      await h.bot.stop(); // from here only the two worker processes run jobs
      const nowMs = bogota("2026-03-16", "08:00");
      const tsx = join(PROJECT_ROOT, "node_modules/.bin/tsx");
      const worker = join(PROJECT_ROOT, "test/integration/deadlines-worker.ts");
      // Both processes open the database, then start together (a barrier on stdin, not a sleep).
      const workers = ["proc-a", "proc-b"].map((id) => {
        const child = spawn(tsx, [worker, h.dbPath, String(nowMs), id], {
          stdio: ["pipe", "pipe", "pipe"],
          env: { ...process.env, ...storageEnv(h.dbPath) },
        });
        let out = "";
        let err = "";
        child.stderr.on("data", (c: Buffer) => (err += c.toString()));
        const exited = new Promise<number>((resolve, reject) =>
          child.on("exit", (code) =>
            code === 0 ? resolve(Number(out.split("\n")[1])) : reject(new Error(`worker ${id} exited ${code}: ${err}`)),
          ),
        );
        // Ready once it printed "ready"; a worker that dies first fails the test instead of hanging it.
        const ready = Promise.race([
          new Promise<void>((resolve) =>
            child.stdout.on("data", (c: Buffer) => ((out += c.toString()), out.includes("ready\n") && resolve())),
          ),
          exited.then(() => undefined),
        ]);
        return { child, ready, exited };
      });
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.child.stdin.end("go\n");
      const done = await Promise.all(workers.map((w) => w.exited));
      const alerts = await sqlRows(
        h.runtime,
        "select status, attempts, count(*) n from jobs where kind = 'deadline.alert' and key like '%:r5' group by status, attempts",
      );
      expect(alerts).toEqual([{ status: "done", attempts: 1, n: 12 }]);
      const due = (await sqlRow<{ n: number }>(
        h.runtime,
        "select count(*) n from jobs where status = 'done' and finished_at_ms = ?",
        [nowMs],
      ))!;
      expect(done[0]! + done[1]!).toBe(due.n);
      const reminders = await sqlRow(
        h.runtime,
        "select count(*) n, count(distinct idempotency_key) k from outbox where idempotency_key like 'deadline:q%:r5:%'",
      );
      expect(reminders).toEqual({ n: 24, k: 24 }); // 12 questions × (official + head), each once
      expect(refs).toHaveLength(12);
    } finally {
      await h.close();
    }
  }, 60_000);
});

describe.skipIf(onPostgres)(sqliteOnly("the deadline sweep", "it checks SQLite's query plans"), () => {
  it("finds due jobs and each office's due-soon and overdue questions through indexes only", async () => {
    const result = await benchDeadlineSweep({ questions: 20_000 });
    expect(result.usesIndexes, result.plans.join("\n")).toBe(true);
    expect(result.plans.some((p) => p.includes("USING INDEX jobs_due"))).toBe(true);
    expect(result.plans.some((p) => p.includes("questions_office_status_due"))).toBe(true);
    expect(result.claimedPerSweep).toBe(100);
    expect(result.overdue).toBeGreaterThan(0);
    expect(result.dueSoon).toBeGreaterThan(0);
  });
});
