/**
 * What several processes on one PostgreSQL database coordinate through (issue 13), with two pools
 * standing for two processes: the ingress lock (a session advisory lock on a connection of its
 * own, taken over when the holder's connection dies) and LISTEN/NOTIFY wake-ups after commit.
 * Skipped without RINDE_TEST_DATABASE_URL.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres, type Postgres } from "../../src/db/postgres/client.ts";
import { createPgIngressLock } from "../../src/db/postgres/ingress-lock.ts";
import { createPgRepos } from "../../src/db/postgres/repositories/index.ts";
import { createPostgresStore, type PostgresStore } from "../../src/db/postgres/store.ts";
import { openFreshPostgres, postgresAvailable, url } from "../helpers/postgres.ts";

describe.skipIf(!postgresAvailable)("PostgreSQL coordination between processes", () => {
  let pg1: Awaited<ReturnType<typeof openFreshPostgres>>;
  let pg2: Postgres;
  let one: PostgresStore;
  let two: PostgresStore;
  const secret = randomBytes(32);

  beforeAll(async () => {
    pg1 = await openFreshPostgres();
    pg2 = await pg1.reopen();
    one = createPostgresStore(pg1, (q) => createPgRepos(q, { secret }));
    two = createPostgresStore(pg2, (q) => createPgRepos(q, { secret }));
  });
  afterAll(async () => {
    await pg1?.close();
  });

  /** The backend pids holding this schema's ingress lock `name` (a bigint key: its low 32 bits are `objid`). */
  async function lockHolders(name = "telegram"): Promise<number[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        "select pid from pg_locks where locktype = 'advisory' and granted and objid = ((hashtext($1)::bigint) & 4294967295)::oid and database = (select oid from pg_database where datname = current_database())",
        [`rinde.ingress:${pg1.schema}:${name}`],
      );
      return rows.map((r) => r.pid);
    } finally {
      await client.end();
    }
  }

  it("one holder at a time; released, or its connection killed, the other takes it; other names and schemas are separate locks", async () => {
    const a = one.ingressLock("telegram");
    const b = two.ingressLock("telegram");
    const lost = vi.fn();
    a.onLost(lost);
    expect(await a.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await lockHolders()).toHaveLength(1);
    // Another ingress, and the same name in another schema, are not held by it.
    const whatsapp = two.ingressLock("whatsapp");
    expect(await whatsapp.tryAcquire()).toBe(true);
    const elsewhere = await openFreshPostgres();
    const otherSchema = createPgIngressLock(elsewhere.pool.options, "telegram");
    try {
      expect(await otherSchema.tryAcquire()).toBe(true);
    } finally {
      await otherSchema.release();
      await elsewhere.close();
    }
    await whatsapp.release();

    await a.release();
    expect(a.held()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    expect(lost).not.toHaveBeenCalled();

    // The holder's session ends as a killed process's would: the server frees the lock at once,
    // and the holder, once it notices, calls its lost listeners.
    const lostB = vi.fn();
    b.onLost(lostB);
    const holders = await lockHolders();
    expect(holders).toHaveLength(1);
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    await killer.query("select pg_terminate_backend($1)", [holders[0]]);
    await killer.end();
    await vi.waitFor(() => expect(lostB).toHaveBeenCalledOnce(), { timeout: 5000 });
    expect(b.held()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    // The old holder tries again on a new connection and finds it taken.
    expect(await b.tryAcquire()).toBe(false);
    await a.release();
    await b.release();
    expect(await lockHolders()).toEqual([]);
  });

  it("a claim right after a broadcast queued 5,000 rows (before any statistics) takes well under a second, not half a minute", async () => {
    await pg1.pool.query(
      "insert into outbox (idempotency_key, channel, address, priority, payload, not_before_ms, guarantee, created_at_ms) select 'bulk:' || g, 'memory', 'c' || g, 1, '{}', 1000, 'at_most_once', 1000 from generate_series(1, 5000) g",
    );
    const startedAt = Date.now();
    const claimed = await one.repos.outbox.claim({
      channels: ["memory"],
      workerId: "w",
      nowMs: 2000,
      claimMs: 10_000,
      limit: 100,
    });
    const tookMs = Date.now() - startedAt;
    expect(claimed.map((r) => r.idempotencyKey)).toEqual(Array.from({ length: 100 }, (_, i) => `bulk:${i + 1}`));
    // 30 s with the anti-join plan; about 50 ms as a subplan per candidate.
    expect(tookMs).toBeLessThan(5000);
    await pg1.pool.query("delete from outbox where idempotency_key like 'bulk:%'");
  });

  it("server settings in the URL's options are kept beside the schema", async () => {
    const withOptions = new URL(url!);
    withOptions.searchParams.set("options", "-c synchronous_commit=off");
    const opened = await openPostgres(withOptions.toString(), { schema: pg1.schema, max: 1 });
    try {
      const { rows } = await opened.pool.query<{ sync: string; schema: string }>(
        "select current_setting('synchronous_commit') as sync, current_schema() as schema",
      );
      expect(rows).toEqual([{ sync: "off", schema: pg1.schema }]);
    } finally {
      await opened.close();
    }
  });

  it("committed outbox rows and planned jobs wake the other process's listener; a rolled-back insert does not", async () => {
    const heard: string[] = [];
    const stop = await two.listenForWork((table) => heard.push(table));
    try {
      await one.withTransaction(async (tx) => {
        for (let i = 0; i < 50; i++)
          await tx.outbox.enqueue(
            { idempotencyKey: `k${i}`, channel: "memory", address: `a${i}`, payload: { text: "hola" } },
            1000,
          );
        // Nothing is announced before the commit.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(heard).toEqual([]);
      });
      await vi.waitFor(() => expect(heard).toEqual(["outbox"]));

      await one
        .withTransaction(async (tx) => {
          await tx.outbox.enqueue(
            { idempotencyKey: "rolled-back", channel: "memory", address: "x", payload: { text: "hola" } },
            1000,
          );
          throw new Error("rollback");
        })
        .catch(() => {});
      await one.repos.jobs.plan({ key: "job-1", kind: "probe", runAtMs: 2000 }, 1000);
      await vi.waitFor(() => expect(heard).toEqual(["outbox", "jobs"]));
    } finally {
      await stop();
    }
    await one.repos.jobs.plan({ key: "job-2", kind: "probe", runAtMs: 2000 }, 1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual(["outbox", "jobs"]);
  });

  it("a listener whose connection is killed reconnects and reports both tables once, for what it may have missed", async () => {
    const heard: string[] = [];
    const errors: Error[] = [];
    // The store's own listener with a short retry, on the second pool's settings.
    const { listenForWork } = await import("../../src/db/postgres/wake-listener.ts");
    const stop = await listenForWork(pg2.pool.options, (table) => heard.push(table), {
      retryMs: 50,
      onError: (error) => errors.push(error),
    });
    try {
      const killer = new pg.Client({ connectionString: url });
      await killer.connect();
      await killer.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen rinde_wake' and pid <> pg_backend_pid()",
      );
      await killer.end();
      await vi.waitFor(() => expect(heard.sort()).toEqual(["jobs", "outbox"]), { timeout: 5000 });
      expect(errors.length).toBeGreaterThan(0);
      await one.repos.outbox.enqueue(
        { idempotencyKey: "after-reconnect", channel: "memory", address: "a", payload: { text: "hola" } },
        1000,
      );
      await vi.waitFor(() => expect(heard.filter((t) => t === "outbox")).toHaveLength(2));
    } finally {
      await stop();
    }
  });
});
