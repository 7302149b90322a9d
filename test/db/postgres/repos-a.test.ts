/**
 * Contract test of the PostgreSQL repositories for delivery and state (outbox, jobs, workers,
 * inbound, channel state and windows, app state, WhatsApp auth): the same calls against the SQLite
 * repositories (the specification) and the PostgreSQL ones give the same results, and on
 * PostgreSQL several processes (two pools) claiming at once never get the same outbox row or job
 * and never send a chat's messages out of order. Skipped unless RINDE_TEST_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addTransactionCapability,
  BufferJSON,
  DEFAULT_CONNECTION_CONFIG,
  generateSignalPubKey,
  getNextPreKeys,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  type AuthenticationState,
  type SignalDataSet,
  type SignalKeyStore,
} from "@whiskeysockets/baileys";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installationSecret, openDb, type Db } from "../../../src/db/client.ts";
import type { Port } from "../../../src/db/port.ts";
import type { PgDb, Postgres } from "../../../src/db/postgres/client.ts";
import { createPgAppStateRepo } from "../../../src/db/postgres/repositories/app-state.ts";
import { createPgChannelStateRepo } from "../../../src/db/postgres/repositories/channel-state.ts";
import { createPgChannelWindowsRepo } from "../../../src/db/postgres/repositories/channel-windows.ts";
import { createPgInboundRepo } from "../../../src/db/postgres/repositories/inbound.ts";
import { createPgJobsRepo } from "../../../src/db/postgres/repositories/jobs.ts";
import { createPgOutboxRepo } from "../../../src/db/postgres/repositories/outbox.ts";
import { createPgWhatsAppAuthRepo } from "../../../src/db/postgres/repositories/whatsapp-auth.ts";
import { createPgWorkersRepo } from "../../../src/db/postgres/repositories/workers.ts";
import * as pgSchema from "../../../src/db/postgres/schema.ts";
import { createSyncRepos, type SyncRepos } from "../../../src/db/repositories/index.ts";
import type { NewOutboxRow } from "../../../src/db/repositories/outbox.ts";
import { createWhatsAppAuthRepo } from "../../../src/db/repositories/whatsapp-auth.ts";
import * as sqliteSchema from "../../../src/db/schema.ts";
import { silentLogger } from "../../../src/logger.ts";
import { openFreshPostgres, postgresAvailable } from "../../helpers/postgres.ts";

const T = Date.UTC(2026, 2, 2, 15, 0, 0);
const MINUTE_MS = 60_000;

type Name = "outbox" | "jobs" | "workers" | "inbound" | "channelState" | "channelWindows" | "appState";
type Ports = { [K in Name]: Port<SyncRepos[K]> };

/** A synchronous SQLite repository as its port, for running one script against both engines. */
function toPort<T extends object>(repo: T): Port<T> {
  const entries = Object.entries(repo).map(([name, method]) => [
    name,
    async (...args: unknown[]) => (method as (...a: unknown[]) => unknown)(...args),
  ]);
  return Object.fromEntries(entries) as Port<T>;
}

function pgPorts(db: PgDb, secret: Buffer): Ports {
  const q = () => db;
  return {
    outbox: createPgOutboxRepo(q),
    jobs: createPgJobsRepo(q),
    workers: createPgWorkersRepo(q),
    inbound: createPgInboundRepo(q, { secret }),
    channelState: createPgChannelStateRepo(q),
    channelWindows: createPgChannelWindowsRepo(q, { secret }),
    appState: createPgAppStateRepo(q),
  };
}

/**
 * Replaces generated ids by their order of first appearance: PostgreSQL spends a sequence value on
 * an insert that conflicts (a duplicate enqueue), SQLite does not, so raw ids may differ while
 * meaning the same rows.
 */
function relabel(value: unknown, labels = new Map<number, string>()): unknown {
  if (Array.isArray(value)) return value.map((item) => relabel(item, labels));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if ((key === "id" || key === "outboxId") && typeof item === "number") {
        if (!labels.has(item)) labels.set(item, `#${labels.size + 1}`);
        return [key, labels.get(item)];
      }
      return [key, relabel(item, labels)];
    }),
  );
}

function message(key: string, address: string, extra: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return { idempotencyKey: key, channel: "telegram", address, payload: { text: `texto ${key}` }, ...extra };
}

describe.skipIf(!postgresAvailable)("PostgreSQL repositories for delivery and state, against SQLite", () => {
  let dir: string;
  let sqlite: Db;
  let pgA: Awaited<ReturnType<typeof openFreshPostgres>>;
  let pgB: Postgres;
  let secret: Buffer;
  let engines: { name: string; ports: Ports }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-repos-a-"));
    sqlite = openDb(join(dir, "rinde.db"));
    secret = installationSecret(sqlite);
    // Two pools on one database: two Rinde processes.
    pgA = await openFreshPostgres({ max: 4 });
    pgB = await pgA.reopen();
    engines = [
      {
        name: "sqlite",
        ports: Object.fromEntries(
          Object.entries(createSyncRepos(sqlite)).map(([name, repo]) => [name, toPort(repo)]),
        ) as unknown as Ports,
      },
      { name: "postgres", ports: pgPorts(pgA.db, secret) },
    ];
  });

  afterAll(async () => {
    await pgA?.close();
    sqlite?.$client.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const TABLES = [
    "outbox",
    "jobs",
    "inbound_messages",
    "questions",
    "offices",
    "channel_identities",
    "citizens",
    "delivery_workers",
    "channel_state",
    "channel_windows",
    "app_state",
    "whatsapp_auth",
  ];
  beforeEach(async () => {
    for (const table of TABLES) sqlite.$client.prepare(`delete from ${table}`).run();
    sqlite.$client.prepare("delete from sqlite_sequence").run();
    await pgA.pool.query(`truncate ${TABLES.join(", ")} restart identity cascade`);
  });

  /** Runs `script` on both engines; PostgreSQL must give what SQLite gives. Returns SQLite's result. */
  async function both<T>(script: (ports: Ports, engine: string) => Promise<T>): Promise<T> {
    const [fromSqlite, fromPostgres] = [
      await script(engines[0]!.ports, "sqlite"),
      await script(engines[1]!.ports, "postgres"),
    ];
    expect(relabel(fromPostgres)).toEqual(relabel(fromSqlite));
    return fromSqlite;
  }

  /** One question (jobs and outbox rows may name it), the same on both engines. */
  async function seedQuestion(): Promise<{ questionId: number; citizenId: number }> {
    const citizen = { createdAtMs: T };
    const office = {
      key: "obras",
      category: "infraestructura",
      name: "Obras",
      head: "Secretaría",
      description: "Vías",
      updatedAtMs: T,
    };
    const question = {
      reference: "R-1",
      officeKey: "obras",
      requestType: "general" as const,
      status: "open" as const,
      text: "¿Cuándo?",
      channel: "telegram",
      filedAtMs: T,
      termBusinessDays: 15,
      dueDate: "2026-03-23",
      updatedAtMs: T,
    };
    const citizenId = sqlite.insert(sqliteSchema.citizens).values(citizen).returning().get().id;
    sqlite.insert(sqliteSchema.offices).values(office).run();
    const id = sqlite
      .insert(sqliteSchema.questions)
      .values({ ...question, citizenId })
      .returning()
      .get().id;
    const [pgCitizen] = await pgA.db.insert(pgSchema.citizens).values(citizen).returning();
    await pgA.db.insert(pgSchema.offices).values(office);
    const [pgQuestion] = await pgA.db
      .insert(pgSchema.questions)
      .values({ ...question, citizenId: pgCitizen!.id })
      .returning();
    expect([pgCitizen!.id, pgQuestion!.id]).toEqual([citizenId, id]);
    return { questionId: id, citizenId };
  }

  it("claims due rows by the SQLite rules: replies before bulk, earliest due first, one per chat, no live claim taken", async () => {
    const trace = await both(async ({ outbox }) => {
      const ids = {
        a1: await outbox.enqueue(message("a1", "A", { notBeforeMs: T - 10 }), T - 100),
        a2: await outbox.enqueue(message("a2", "A", { notBeforeMs: T - 20 }), T - 100),
        b1: await outbox.enqueue(message("b1", "B", { priority: 1, notBeforeMs: T - 30 }), T - 100),
        b2: await outbox.enqueue(message("b2", "B", { notBeforeMs: T }), T - 100),
        c1: await outbox.enqueue(message("c1", "C", { notBeforeMs: T + MINUTE_MS }), T - 100),
        d1: await outbox.enqueue(message("d1", "D", { channel: "whatsapp" }), T - 100),
        duplicate: await outbox.enqueue(message("a1", "Z"), T),
      };
      const firstTwo = await outbox.claim({
        channels: ["telegram"],
        workerId: "w1",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 2,
      });
      const rest = await outbox.claim({
        channels: ["telegram"],
        workerId: "w2",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 10,
      });
      const none = await outbox.claim({
        channels: ["telegram"],
        workerId: "w3",
        nowMs: T + 1,
        claimMs: MINUTE_MS,
        limit: 10,
      });
      const noChannels = await outbox.claim({ channels: [], workerId: "w3", nowMs: T, claimMs: MINUTE_MS, limit: 10 });
      const nextDue = {
        live: await outbox.nextDueMs(["telegram"], undefined, T + 1),
        repliesOnly: await outbox.nextDueMs(["telegram", "whatsapp"], 0, T + 1),
        none: await outbox.nextDueMs([], undefined, T),
      };
      // The claims lapse: w3 takes the rows over, and w1 may no longer send its own.
      const takenOver = await outbox.claim({
        channels: ["telegram"],
        workerId: "w3",
        nowMs: T + 2 * MINUTE_MS,
        claimMs: MINUTE_MS,
        limit: 10,
      });
      const attempts = {
        stale: await outbox.markAttempt(ids.a1!, "w1", T + 2 * MINUTE_MS),
        owner: await outbox.markAttempt(ids.a1!, "w3", T + 2 * MINUTE_MS),
      };
      await outbox.markSent(ids.a1!, "w3", "tg-1", T + 2 * MINUTE_MS);
      await outbox.markSent(ids.a1!, "w1", "tg-stale", T + 2 * MINUTE_MS);
      const afterSent = await outbox.claim({
        channels: ["telegram"],
        workerId: "w4",
        nowMs: T + 2 * MINUTE_MS,
        claimMs: MINUTE_MS,
        limit: 10,
      });
      const bulkHeld = await outbox.claim({
        channels: ["whatsapp"],
        workerId: "w4",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 10,
        maxPriority: 0,
      });
      return {
        ids,
        firstTwo,
        rest,
        none,
        noChannels,
        nextDue,
        takenOver: takenOver.map((row) => row.idempotencyKey),
        attempts,
        afterSent,
        bulkHeld: bulkHeld.map((row) => row.idempotencyKey),
        a1: await outbox.findById(ids.a1!),
        missing: await outbox.findById(999),
        byMessage: await outbox.findByChannelMessage("telegram", "tg-1"),
      };
    });
    expect(trace.ids.duplicate).toBeUndefined();
    expect(trace.firstTwo.map((row) => [row.idempotencyKey, row.claimedBy, row.claimedUntilMs])).toEqual([
      ["a1", "w1", T + MINUTE_MS],
      ["b2", "w1", T + MINUTE_MS],
    ]);
    expect(trace.rest.map((row) => row.idempotencyKey)).toEqual(["b1"]);
    expect(trace.none).toEqual([]);
    expect(trace.nextDue).toEqual({ live: T - 20, repliesOnly: T - 100, none: undefined });
    expect(trace.takenOver).toEqual(["a1", "b2", "c1", "b1"]);
    expect(trace.attempts).toEqual({ stale: false, owner: true });
    expect(trace.afterSent.map((row) => row.idempotencyKey)).toEqual(["a2"]);
    expect(trace.bulkHeld).toEqual(["d1"]);
    expect(trace.a1).toMatchObject({
      status: "sent",
      attempts: 1,
      channelMessageId: "tg-1",
      claimedBy: null,
      claimedUntilMs: null,
      attemptStartedAtMs: null,
      sentAtMs: T + 2 * MINUTE_MS,
    });
    expect(trace.missing).toBeUndefined();
    expect(trace.byMessage?.idempotencyKey).toBe("a1");
  });

  it("records retries, releases, failures and uncertain sends with the same attempts, due times and errors", async () => {
    const trace = await both(async ({ outbox }) => {
      const claim = (nowMs: number, workerId = "w1") =>
        outbox.claim({ channels: ["telegram"], workerId, nowMs, claimMs: MINUTE_MS, limit: 10 });
      const retry = (await outbox.enqueue(message("retry", "A"), T))!;
      const release = (await outbox.enqueue(message("release", "B"), T))!;
      const uncertain = (await outbox.enqueue(message("uncertain", "C", { priority: 1 }), T))!;
      const unreachable = (await outbox.enqueue(message("unreachable", "D"), T))!;
      await outbox.enqueue(message("d-later", "D", { legal: true }), T);
      await outbox.enqueue(message("d-bulk", "D", { priority: 1 }), T);
      const forget = (await outbox.enqueue(message("forget", "E", { forgetAddressWhenSent: true }), T))!;
      const claimed = (await claim(T)).map((row) => [row.idempotencyKey, row.guarantee, row.legal]);
      await outbox.markRetry(retry, "w1", T + 5_000, "timeout");
      await outbox.markRetry(retry, "w2", T + 9_000, "not mine");
      await outbox.release(release, "w1", T + 1_000);
      await outbox.markUncertain(uncertain, "w1", "connection dropped");
      await outbox.markFailed(unreachable, "w1", "unreachable", "blocked", { countAttempt: false });
      const settled = await outbox.settleUnreachableChat("telegram", "D", "blocked", T);
      await outbox.markSent(forget, "w1", "tg-9", T);
      const again = (await claim(T + 5_000, "w2")).map((row) => row.idempotencyKey);
      await outbox.markRetry(retry, "w2", T + 60_000, "rate limited", { countAttempt: false });
      await outbox.markFailed(release, "w2", "failed", "bad request");
      const redelivered = await outbox.redeliverLegal("telegram", "D", T + 10_000);
      const redeliveredAgain = await outbox.redeliverLegal("telegram", "D", T + 10_000);
      const rows = await Promise.all([retry, release, uncertain, unreachable, forget].map((id) => outbox.findById(id)));
      return {
        claimed,
        settled,
        again,
        redelivered,
        redeliveredAgain,
        rows,
        stats: await outbox.stats(),
        pending: await outbox.pendingByPriority(),
      };
    });
    const [retry, release, uncertain, unreachable, forget] = trace.rows;
    expect(trace.claimed).toEqual([
      ["retry", "at_least_once", false],
      ["release", "at_least_once", false],
      ["unreachable", "at_least_once", false],
      ["forget", "at_least_once", false],
      ["uncertain", "at_most_once", false],
    ]);
    expect(retry).toMatchObject({
      status: "pending",
      attempts: 1,
      notBeforeMs: T + 60_000,
      lastError: "rate limited",
      claimedBy: null,
    });
    expect(release).toMatchObject({ status: "failed", attempts: 1, notBeforeMs: T + 1_000, lastError: "bad request" });
    expect(uncertain).toMatchObject({ status: "uncertain", attempts: 1, lastError: "connection dropped" });
    expect(unreachable).toMatchObject({ status: "unreachable", attempts: 0, lastError: "blocked" });
    expect(forget).toMatchObject({ status: "sent", address: "", channelMessageId: null });
    expect(trace.settled).toBe(2);
    expect(trace.again).toEqual(["retry", "release"]);
    expect(trace.redelivered).toBe(1);
    expect(trace.redeliveredAgain).toBe(0);
    expect(trace.pending).toEqual([{ channel: "telegram", priority: 0, count: 2, oldestDueMs: T + 10_000 }]);
  });

  it("withdraws, scrubs, counts by key prefix and moves delivery statuses only forward", async () => {
    const { questionId } = await seedQuestion();
    const trace = await both(async ({ outbox }) => {
      const keys = ["ann:1:1", "ann:1:2", "ann:1:3", "ann:12:1", "ann:2:1", "q:7:answer", "q:70:answer", "other"];
      const ids: Record<string, number> = {};
      for (const [i, key] of keys.entries()) {
        const bulk = key.startsWith("ann:");
        // Replies become due after the first claim, so it takes a bulk row.
        ids[key] = (await outbox.enqueue(
          message(key, `chat-${i}`, {
            priority: bulk ? 1 : 0,
            notBeforeMs: bulk ? T : T + 1,
            questionId: key === "other" ? questionId : null,
          }),
          T,
        ))!;
      }
      await outbox.claim({ channels: ["telegram"], workerId: "w1", nowMs: T, claimMs: MINUTE_MS, limit: 1 });
      const withdrawn = {
        claimed: await outbox.withdrawPending(ids["ann:1:1"]!, "cancelled", T),
        free: await outbox.withdrawPending(ids["ann:1:2"]!, "cancelled", T),
      };
      const bulk = {
        byPrefix: await outbox.withdrawPendingBulk({ keyPrefix: "ann:1:" }, "cancelled", T),
        byChat: await outbox.withdrawPendingBulk({ channel: "telegram", address: "chat-4" }, "stop", T),
      };
      const counts = { ann1: await outbox.countByKeyPrefix("ann:1:"), ann12: await outbox.countByKeyPrefix("ann:12:") };
      // Sent, then statuses out of order.
      await outbox.claim({
        channels: ["telegram"],
        workerId: "w2",
        nowMs: T + 2 * MINUTE_MS,
        claimMs: MINUTE_MS,
        limit: 10,
      });
      await outbox.markSent(ids["q:7:answer"]!, "w2", "wamid.7", T);
      await outbox.markSent(ids["other"]!, "w2", "wamid.8", T);
      await outbox.recordTemplate(ids["q:7:answer"]!, "respuesta_v1");
      const statuses = [
        await outbox.recordDeliveryStatus("telegram", "wamid.7", { status: "delivered", atMs: T + 2 }),
        await outbox.recordDeliveryStatus("telegram", "wamid.7", { status: "sent", atMs: T + 1 }),
        await outbox.recordDeliveryStatus("telegram", "wamid.7", { status: "read", atMs: T + 3 }),
        await outbox.recordDeliveryStatus("telegram", "wamid.7", {
          status: "failed",
          atMs: T + 4,
          errorCode: "131026",
        }),
        await outbox.recordDeliveryStatus("telegram", "wamid.8", {
          status: "failed",
          atMs: T + 5,
          errorCode: "131026",
        }),
        await outbox.recordDeliveryStatus("telegram", "wamid.none", { status: "read", atMs: T + 6 }),
      ];
      const deliveries = await outbox.deliveriesForQuestion(7);
      const erasure = (
        await outbox.forErasure({
          citizenId: 1,
          addresses: [{ channel: "telegram", address: "chat-3" }],
          questionIds: [7, questionId],
        })
      ).map((row) => row.idempotencyKey);
      await outbox.scrub(ids["ann:12:1"]!, { payload: { text: "[borrado]" }, address: "", withdraw: true });
      await outbox.scrub(ids["q:7:answer"]!, { payload: { text: "[borrado]" }, withdraw: true });
      const scrubbed = [await outbox.findById(ids["ann:12:1"]!), await outbox.findById(ids["q:7:answer"]!)];
      return { withdrawn, bulk, counts, statuses, deliveries, erasure, scrubbed };
    });
    expect(trace.withdrawn).toEqual({ claimed: false, free: true });
    expect(trace.bulk).toEqual({ byPrefix: 1, byChat: 1 });
    expect(trace.counts.ann1).toEqual({ pending: 1, sent: 0, failed: 2, unreachable: 0, uncertain: 0 });
    expect(trace.counts.ann12).toEqual({ pending: 1, sent: 0, failed: 0, unreachable: 0, uncertain: 0 });
    expect(trace.statuses).toEqual([true, true, true, true, true, false]);
    expect(
      trace.deliveries.map((d) => [d.key, d.deliveryStatus, d.deliveryStatusAtMs, d.deliveryError, d.template]),
    ).toEqual([["q:7:answer", "read", T + 3, null, "respuesta_v1"]]);
    expect(trace.erasure).toEqual(["ann:12:1", "q:7:answer", "other"]);
    expect(trace.scrubbed.map((row) => [row?.status, row?.address, row?.payload, row?.channelMessageId])).toEqual([
      ["failed", "", JSON.stringify({ text: "[borrado]" }), null],
      ["sent", "chat-5", JSON.stringify({ text: "[borrado]" }), "wamid.7"],
    ]);
  });

  it("on PostgreSQL, dispatchers of two processes claiming at once send every row once, each chat in order", async () => {
    const chats = 40;
    const perChat = 3;
    const seed = createPgOutboxRepo(() => pgA.db);
    for (let n = 0; n < perChat; n++) {
      for (let c = 0; c < chats; c++)
        await seed.enqueue(message(`m:${c}:${n}`, `chat-${c}`, { priority: c % 4 === 0 ? 1 : 0 }), T);
    }
    const total = chats * perChat;
    const inFlight = new Map<string, number>();
    const sentOrder = new Map<string, number[]>();
    const claimedBy = new Map<number, string>();
    const violations: string[] = [];
    let sent = 0;
    const dispatcher = async (db: PgDb, workerId: string) => {
      const outbox = createPgOutboxRepo(() => db);
      const deadline = Date.now() + 30_000;
      while (sent < total && Date.now() < deadline) {
        const rows = await outbox.claim({
          channels: ["telegram"],
          workerId,
          nowMs: T,
          claimMs: 10 * MINUTE_MS,
          limit: 4,
        });
        if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        for (const row of rows) {
          if (claimedBy.has(row.id))
            violations.push(`row ${row.id} claimed by ${claimedBy.get(row.id)} and ${workerId}`);
          claimedBy.set(row.id, workerId);
          if (inFlight.has(row.address))
            violations.push(`${row.address}: ${row.id} claimed while ${inFlight.get(row.address)} in flight`);
          inFlight.set(row.address, row.id);
        }
        for (const row of rows) {
          expect(await outbox.markAttempt(row.id, workerId, T)).toBe(true);
          inFlight.delete(row.address);
          sentOrder.set(row.address, [...(sentOrder.get(row.address) ?? []), row.id]);
          await outbox.markSent(row.id, workerId, `tg-${row.id}`, T);
          sent++;
        }
      }
    };
    await Promise.all([pgA, pgB, pgA, pgB, pgA, pgB].map((pg, i) => dispatcher(pg.db, `w${i}`)));
    expect(violations).toEqual([]);
    expect(claimedBy.size).toBe(total);
    for (const ids of sentOrder.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const { rows } = await pgA.pool.query<{ status: string; attempts: number; n: string }>(
      "select status, attempts, count(*) as n from outbox group by status, attempts",
    );
    expect(rows).toEqual([{ status: "sent", attempts: 1, n: total }]);
    expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
  });

  it("on PostgreSQL, a burst of simultaneous claims from two processes never hands one row or job out twice", async () => {
    const outbox = createPgOutboxRepo(() => pgA.db);
    const jobs = createPgJobsRepo(() => pgA.db);
    for (let i = 0; i < 60; i++) {
      await outbox.enqueue(message(`burst:${i}`, `chat-${i}`), T);
      await jobs.plan({ key: `job:${i}`, kind: i % 2 === 0 ? "reminder" : "digest", runAtMs: T - i }, T);
    }
    const claimers = Array.from({ length: 8 }, (_, i) => ({
      ports: pgPorts((i % 2 === 0 ? pgA : pgB).db, secret),
      workerId: `w${i}`,
    }));
    const rowClaims = await Promise.all(
      claimers.map(({ ports, workerId }) =>
        ports.outbox.claim({ channels: ["telegram"], workerId, nowMs: T, claimMs: MINUTE_MS, limit: 10 }),
      ),
    );
    const jobClaims = await Promise.all(
      claimers.map(({ ports, workerId }) =>
        ports.jobs.claim({ kinds: ["reminder", "digest"], workerId, nowMs: T, claimMs: MINUTE_MS, limit: 10 }),
      ),
    );
    for (const claims of [rowClaims, jobClaims]) {
      const ids = claims.flat().map((row) => row.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Whatever a claim skipped is claimed by the next one; each job completes once, by its holder.
    const rowIds = new Set(
      [
        ...rowClaims.flat(),
        ...(await outbox.claim({ channels: ["telegram"], workerId: "late", nowMs: T, claimMs: MINUTE_MS, limit: 100 })),
      ].map((row) => row.id),
    );
    expect(rowIds.size).toBe(60);
    const allJobs = [
      ...jobClaims.flat(),
      ...(await jobs.claim({
        kinds: ["reminder", "digest"],
        workerId: "late",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 100,
      })),
    ];
    expect(new Set(allJobs.map((job) => job.id)).size).toBe(60);
    const completions = await Promise.all(
      allJobs.flatMap((job) => [jobs.complete(job.id, job.claimedBy!, T), jobs.complete(job.id, "someone-else", T)]),
    );
    expect(completions.filter(Boolean)).toHaveLength(60);
  });

  it("plans, claims, completes, reschedules and fails jobs alike", async () => {
    const { questionId } = await seedQuestion();
    const trace = await both(async ({ jobs }) => {
      const plan = (key: string, runAtMs: number, kind = "reminder") =>
        jobs.plan({ key, kind, runAtMs, payload: { n: key }, questionId }, T);
      const planned = [
        await plan("j1", T - 3),
        await plan("j2", T - 2),
        await plan("j3", T - 1, "digest"),
        await plan("j4", T + MINUTE_MS),
        await plan("j1", T - 99),
      ];
      const nextDue = [
        await jobs.nextDueMs(["reminder"]),
        await jobs.nextDueMs([]),
        await jobs.nextDueMs(["digest", "reminder"]),
      ];
      const claimed = await jobs.claim({
        kinds: ["reminder", "digest"],
        workerId: "w1",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 2,
      });
      const second = await jobs.claim({ kinds: ["reminder"], workerId: "w2", nowMs: T, claimMs: MINUTE_MS, limit: 5 });
      const holds = [await jobs.holdsClaim(claimed[0]!.id, "w1"), await jobs.holdsClaim(claimed[0]!.id, "w2")];
      const completed = [
        await jobs.complete(claimed[0]!.id, "w2", T),
        await jobs.complete(claimed[0]!.id, "w1", T + 1),
        await jobs.complete(claimed[0]!.id, "w1", T + 2),
      ];
      await jobs.reschedule(claimed[1]!.id, "w1", T + 30_000, { message: "boom" });
      await jobs.reschedule(claimed[1]!.id, "w1", T + 40_000);
      const takeover = await jobs.claim({
        kinds: ["digest", "reminder"],
        workerId: "w3",
        nowMs: T + 2 * MINUTE_MS,
        claimMs: MINUTE_MS,
        limit: 10,
      });
      await jobs.markFailed(takeover[0]!.id, "w3", "gave up", T + 2 * MINUTE_MS);
      await jobs.reschedule(takeover[1]!.id, "w3", T + 3 * MINUTE_MS);
      const cancelled = [
        await jobs.cancelForQuestion(questionId, ["digest"], T),
        await jobs.cancelForQuestion(questionId, undefined, T),
        await jobs.cancelForQuestion(questionId, undefined, T),
      ];
      const revived = [await plan("j2", T + 5 * MINUTE_MS), await plan("j1", T + 5 * MINUTE_MS)];
      return {
        planned,
        nextDue,
        claimed,
        second,
        holds,
        completed,
        takeover: takeover.map((job) => job.key),
        cancelled,
        revived,
        jobs: await jobs.forQuestion(questionId),
        byKey: await jobs.byKey("j2"),
        none: await jobs.byKey("nope"),
        stats: await jobs.stats(),
      };
    });
    expect(trace.planned.map((id) => id === undefined)).toEqual([false, false, false, false, true]);
    expect(trace.nextDue).toEqual([T - 3, undefined, T - 3]);
    expect(trace.claimed.map((job) => job.key)).toEqual(["j1", "j2"]);
    expect(trace.second).toEqual([]);
    expect(trace.holds).toEqual([true, false]);
    expect(trace.completed).toEqual([false, true, false]);
    expect(trace.takeover).toEqual(["j3", "j2", "j4"]);
    expect(trace.cancelled).toEqual([0, 2, 0]);
    expect(trace.revived.map((id) => id === undefined)).toEqual([false, true]);
    expect(
      trace.jobs.map((job) => [job.key, job.status, job.attempts, job.runAtMs, job.lastError, job.payload]),
    ).toEqual([
      ["j1", "done", 1, T - 3, null, JSON.stringify({ n: "j1" })],
      ["j2", "pending", 0, T + 5 * MINUTE_MS, null, JSON.stringify({ n: "j2" })],
      ["j3", "failed", 1, T - 1, "gave up", JSON.stringify({ n: "j3" })],
      ["j4", "cancelled", 0, T + MINUTE_MS, null, JSON.stringify({ n: "j4" })],
    ]);
    expect(trace.none).toBeUndefined();
  });

  it("renews, expires, forgets and unregisters workers with their claims", async () => {
    const trace = await both(async ({ workers, outbox, jobs }) => {
      await workers.register({ id: "w1", host: "h1", pid: 11 }, T, T + MINUTE_MS);
      await workers.register({ id: "w2", host: "h1", pid: 12 }, T, T + MINUTE_MS);
      await workers.register({ id: "w3", host: "h2", pid: 13 }, T, T + MINUTE_MS);
      await workers.register({ id: "w1", host: "h1", pid: 11 }, T + 5, T + 2 * MINUTE_MS);
      for (const chat of ["A", "B", "C"]) await outbox.enqueue(message(chat, chat), T);
      for (const key of ["j1", "j2"]) await jobs.plan({ key, kind: "reminder", runAtMs: T }, T);
      const rows1 = await outbox.claim({
        channels: ["telegram"],
        workerId: "w1",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 2,
      });
      const rows2 = await outbox.claim({
        channels: ["telegram"],
        workerId: "w2",
        nowMs: T,
        claimMs: MINUTE_MS,
        limit: 2,
      });
      await jobs.claim({ kinds: ["reminder"], workerId: "w1", nowMs: T, claimMs: MINUTE_MS, limit: 1 });
      await jobs.claim({ kinds: ["reminder"], workerId: "w2", nowMs: T, claimMs: MINUTE_MS, limit: 1 });
      await outbox.markAttempt(rows1[0]!.id, "w1", T);
      await workers.renew("w1", T + 3 * MINUTE_MS);
      const renewed = [await outbox.findById(rows1[0]!.id), await jobs.byKey("j1")].map((row) => [
        row?.claimedBy,
        row?.claimedUntilMs,
      ]);
      const onHost = (await workers.onHost("h1", "w2")).map((w) => [w.id, w.pid, w.leaseUntilMs, w.startedAtMs]);
      const listed = (await workers.list()).map((w) => [w.id, w.host, w.pid, w.startedAtMs, w.leaseUntilMs]);
      const expired = await workers.expire(["w2", "nobody"]);
      const expiredNone = await workers.expire([]);
      const afterExpire = [await outbox.findById(rows2[0]!.id), await jobs.byKey("j2")].map((row) => [
        row?.claimedBy,
        row?.claimedUntilMs,
      ]);
      const forgotten = [await workers.forgetLapsed(T + MINUTE_MS + 1), await workers.forgetLapsed(T)];
      await workers.unregister("w1");
      const afterUnregister = [
        await outbox.findById(rows1[0]!.id),
        await outbox.findById(rows1[1]!.id),
        await jobs.byKey("j1"),
      ].map((row) => [row?.claimedBy, row?.claimedUntilMs]);
      const left = [...(await workers.onHost("h1", "x")), ...(await workers.onHost("h2", "x"))].map((w) => w.id);
      return { renewed, onHost, listed, expired, expiredNone, afterExpire, forgotten, afterUnregister, left };
    });
    expect(trace.renewed).toEqual([
      ["w1", T + 3 * MINUTE_MS],
      ["w1", T + 3 * MINUTE_MS],
    ]);
    expect(trace.onHost).toEqual([["w1", 11, T + 3 * MINUTE_MS, T]]);
    // Every process registered, oldest first (re-registering keeps the start), for `rinde status`.
    expect(trace.listed).toEqual([
      ["w1", "h1", 11, T, T + 3 * MINUTE_MS],
      ["w2", "h1", 12, T, T + MINUTE_MS],
      ["w3", "h2", 13, T, T + MINUTE_MS],
    ]);
    expect(trace.expired).toEqual({ rows: 1, jobs: 1 });
    expect(trace.afterExpire).toEqual([
      ["w2", 0],
      ["w2", 0],
    ]);
    expect(trace.forgotten).toEqual([1, 0]);
    // The row with an attempt mark keeps its claim (the next claimer applies the uncertain-send rule).
    expect(trace.afterUnregister).toEqual([
      ["w1", T + 3 * MINUTE_MS],
      [null, null],
      [null, null],
    ]);
    expect(trace.left).toEqual([]);
  });

  it("drops a redelivered inbound message and stores the same keyed hash as SQLite, so a copied log keeps deduplicating", async () => {
    const trace = await both(async ({ inbound }) => {
      const first = await inbound.record("telegram", "123:456", T);
      const again = await inbound.record("telegram", "123:456", T + 1);
      const otherChannel = await inbound.record("whatsapp", "123:456", T);
      return { first, again, otherChannel };
    });
    expect(trace.first).toBeDefined();
    expect(trace.again).toBeUndefined();
    const stored = sqlite
      .select()
      .from(sqliteSchema.inboundMessages)
      .orderBy(asc(sqliteSchema.inboundMessages.id))
      .all();
    const pgStored = await pgA.db.select().from(pgSchema.inboundMessages).orderBy(asc(pgSchema.inboundMessages.id));
    expect(pgStored.map((row) => row.channelMessageId)).toEqual(stored.map((row) => row.channelMessageId));
    expect(stored[0]!.channelMessageId).not.toContain("123");
    // A row copied from SQLite as it is: PostgreSQL drops the redelivery.
    const copied = createPgInboundRepo(() => pgB.db, { secret });
    await pgA.db
      .insert(pgSchema.inboundMessages)
      .values({ channel: "whatsapp_cloud", channelMessageId: stored[0]!.channelMessageId, receivedAtMs: T });
    expect(await copied.record("whatsapp_cloud", "123:456", T)).toBeUndefined();
    expect(await copied.record("whatsapp_cloud", "123:457", T)).toBeDefined();
  });

  it("ties an inbound row to the citizen of the sender's chat as it records it, and leaves a stranger's untied", async () => {
    const { citizenId } = await seedQuestion();
    const identity = { citizenId, channel: "telegram", address: "555", createdAtMs: T };
    sqlite.insert(sqliteSchema.channelIdentities).values(identity).run();
    await pgA.db.insert(pgSchema.channelIdentities).values(identity);
    const trace = await both(async ({ inbound }) => ({
      known: (await inbound.record("telegram", "10", T, "555"))?.citizenId,
      stranger: (await inbound.record("telegram", "11", T, "556"))?.citizenId,
      otherChannel: (await inbound.record("whatsapp", "12", T, "555"))?.citizenId,
      noAddress: (await inbound.record("telegram", "13", T))?.citizenId,
    }));
    expect(trace).toEqual({ known: citizenId, stranger: null, otherChannel: null, noAddress: null });
  });

  it("forgets a citizen's inbound rows beyond the window, keeping newer ones unattached", async () => {
    const { citizenId } = await seedQuestion();
    const trace = await both(async ({ inbound }) => {
      const old = (await inbound.record("telegram", "1", T - 10 * MINUTE_MS))!;
      const recent = (await inbound.record("telegram", "2", T))!;
      await inbound.attach(old.id, citizenId);
      await inbound.attach(recent.id, citizenId);
      await inbound.forgetCitizen(citizenId, T - MINUTE_MS);
      return {
        again: [await inbound.record("telegram", "1", T), await inbound.record("telegram", "2", T)].map(
          (id) => id === undefined,
        ),
      };
    });
    expect(trace.again).toEqual([false, true]);
    const pgRows = await pgA.db
      .select({ citizenId: pgSchema.inboundMessages.citizenId })
      .from(pgSchema.inboundMessages);
    expect(pgRows.map((row) => row.citizenId)).toEqual([null, null]);
  });

  it("keeps app state, channel state and chat windows alike", async () => {
    const trace = await both(async ({ appState, channelState, channelWindows }) => {
      const app = [await appState.get("calendar")];
      await appState.set("calendar", "abc", T);
      app.push(await appState.get("calendar"));
      await appState.set("calendar", "def", T + 1);
      app.push(await appState.get("calendar"));
      await channelState.set("whatsapp", { state: "pairing", detail: null }, T);
      await channelState.set(
        "whatsapp",
        { state: "pairing", detail: null, pairingQr: "2@qr", pairingCode: null, pairingExpiresAtMs: T + 60_000 },
        T + 1,
      );
      const pairing = await channelState.get("whatsapp");
      await channelState.set("telegram", { state: "open", detail: "long polling", account: "@rinde_bot" }, T);
      await channelState.set(
        "telegram",
        { state: "reconnecting", detail: null, lastError: "502", lastErrorAtMs: T },
        T + 1,
      );
      await channelState.set(
        "whatsapp",
        { state: "open", detail: "ok", account: "+573001234567", pairingQr: null, pairingExpiresAtMs: null },
        T + 2,
      );
      await channelState.set("Whatsapp_cloud", { state: "open", detail: null }, T + 1);
      // An admin's unlink request: only while open, the first time kept, taken once.
      const unlink = [
        await channelState.requestUnlink("telegram", T + 3),
        await channelState.requestUnlink("whatsapp", T + 3),
        await channelState.requestUnlink("whatsapp", T + 4),
        (await channelState.get("whatsapp"))?.unlinkRequestedAtMs,
        await channelState.takeUnlinkRequest("whatsapp"),
        await channelState.takeUnlinkRequest("whatsapp"),
      ];
      const channels = {
        pairing,
        telegram: await channelState.get("telegram"),
        one: await channelState.get("whatsapp"),
        none: await channelState.get("console"),
        list: await channelState.list(),
      };
      await channelWindows.touch("whatsapp_cloud", "573001112233", T);
      await channelWindows.touch("whatsapp_cloud", "573001112233", T - 5);
      const windows = [
        await channelWindows.lastInboundMs("whatsapp_cloud", "573001112233"),
        await channelWindows.lastInboundMs("whatsapp_cloud", "573009999999"),
      ];
      await channelWindows.touch("whatsapp_cloud", "573001112233", T + 5);
      windows.push(await channelWindows.lastInboundMs("whatsapp_cloud", "573001112233"));
      await channelWindows.forget("whatsapp_cloud", "573001112233");
      windows.push(await channelWindows.lastInboundMs("whatsapp_cloud", "573001112233"));
      return { app, channels, windows, unlink };
    });
    expect(trace.unlink).toEqual([false, true, true, T + 3, true, false]);
    expect(trace.app).toEqual([undefined, "abc", "def"]);
    const empty = { account: null, lastError: null, lastErrorAtMs: null, pairingCode: null, unlinkRequestedAtMs: null };
    // A second report of the same state keeps its start.
    expect(trace.channels.pairing).toEqual({
      ...empty,
      channel: "whatsapp",
      state: "pairing",
      detail: null,
      updatedAtMs: T + 1,
      sinceMs: T,
      pairingQr: "2@qr",
      pairingExpiresAtMs: T + 60_000,
    });
    // Fields left out are kept (the account); a new state starts its own `since`.
    expect(trace.channels.telegram).toMatchObject({
      state: "reconnecting",
      account: "@rinde_bot",
      lastError: "502",
      lastErrorAtMs: T,
      sinceMs: T + 1,
    });
    expect(trace.channels.one).toEqual({
      ...empty,
      channel: "whatsapp",
      state: "open",
      detail: "ok",
      updatedAtMs: T + 2,
      sinceMs: T + 2,
      account: "+573001234567",
      pairingQr: null,
      pairingExpiresAtMs: null,
    });
    expect(trace.channels.none).toBeUndefined();
    expect(trace.channels.list.map((row) => row.channel)).toEqual(["Whatsapp_cloud", "telegram", "whatsapp"]);
    expect(trace.windows).toEqual([T, undefined, T + 5, undefined]);
  });

  it("handles late WhatsApp Cloud failures as SQLite does: a closed window forgotten, a row queued again or unreachable", async () => {
    const trace = await both(async ({ outbox, channelWindows }) => {
      await channelWindows.touch("whatsapp", "573001112233", T);
      await channelWindows.closeAt("whatsapp", "573001112233", T - 1); // wrote after then: kept
      const windows = [await channelWindows.lastInboundMs("whatsapp", "573001112233")];
      await channelWindows.closeAt("whatsapp", "573001112233", T + 1);
      windows.push(await channelWindows.lastInboundMs("whatsapp", "573001112233"));
      const ids: number[] = [];
      // One chat each: a chat's rows are claimed one at a time.
      for (const key of ["late", "templated", "gone"])
        ids.push((await outbox.enqueue({ ...message(key, `${key}@s.whatsapp.net`), channel: "whatsapp" }, T))!);
      await outbox.claim({ channels: ["whatsapp"], workerId: "w1", nowMs: T, claimMs: MINUTE_MS, limit: 10 });
      for (const [i, id] of ids.entries()) await outbox.markSent(id, "w1", `wamid.${i}`, T);
      await outbox.recordTemplate(ids[1]!, "rinde_mensaje");
      await outbox.recordDeliveryStatus("whatsapp", "wamid.0", { status: "failed", atMs: T + 1, errorCode: "131047" });
      const moves = [
        await outbox.requeueSent(ids[0]!, "131047 later", T + 2),
        await outbox.requeueSent(ids[0]!, "131047 later", T + 2), // repeated webhook
        await outbox.requeueSent(ids[1]!, "131047 later", T + 2), // already a template
        await outbox.markSentUnreachable(ids[2]!, "131026 later"),
        await outbox.markSentUnreachable(ids[0]!, "131026 later"), // pending again, not sent
      ];
      const rows = [];
      for (const id of ids) {
        const row = (await outbox.findById(id))!;
        rows.push([row.status, row.channelMessageId, row.sentAtMs, row.deliveryStatus, row.lastError, row.notBeforeMs]);
      }
      return { windows, moves, rows };
    });
    expect(trace.windows).toEqual([T, undefined]);
    expect(trace.moves).toEqual([true, false, false, true, false]);
    expect(trace.rows).toEqual([
      ["pending", null, null, null, "131047 later", T + 2],
      ["sent", "wamid.1", T, null, null, T],
      ["unreachable", "wamid.2", T, null, "131026 later", T],
    ]);
  });

  it("stores the WhatsApp auth state as SQLite does, so a copied session loads without a new pairing", async () => {
    const nowMs = () => T;
    const onSqlite = createWhatsAppAuthRepo(sqlite, { nowMs });
    const onPostgres = createPgWhatsAppAuthRepo(() => pgA.db, { nowMs });
    const fresh = await onPostgres.load();
    expect(await pgRows()).toEqual([]);
    await fresh.saveCreds();
    expect(await onPostgres.isPaired()).toBe(false);

    // The same credentials and keys written through both stores give the same rows.
    const auth = onSqlite.load();
    auth.state.creds.me = { id: "573000000000:12@s.whatsapp.net", name: "Alcaldía" };
    auth.state.creds.routingInfo = Buffer.from([8, 8, 0, 255]);
    auth.saveCreds();
    const loaded = await onPostgres.load();
    Object.assign(loaded.state.creds, auth.state.creds);
    await loaded.saveCreds();
    const keys: SignalDataSet = {
      "pre-key": {
        "1": { public: new Uint8Array([1, 2, 3]), private: new Uint8Array([4, 5, 6]) },
        "2": { public: Buffer.from([7]), private: Buffer.from([8]) },
      },
      session: { "573001112233.0": Buffer.from("session-bytes") },
      "app-state-sync-key": { AAA: { keyData: new Uint8Array([9, 9, 9]), timestamp: 1_772_463_600 } as never },
    };
    await auth.state.keys.set(keys);
    await loaded.state.keys.set(keys);
    await auth.state.keys.set({ "pre-key": { "2": null } });
    await loaded.state.keys.set({ "pre-key": { "2": null } });
    const sqliteRows = sqlite.select().from(sqliteSchema.whatsappAuth).all();
    expect(sortRows(await pgRows())).toEqual(sortRows(sqliteRows));
    expect(await onPostgres.isPaired()).toBe(true);

    // The values read back are the same, Buffers and protobuf objects included.
    const read = async (store: typeof auth.state.keys) =>
      JSON.stringify(
        [
          await store.get("pre-key", ["1", "2", "3"]),
          await store.get("session", ["573001112233.0"]),
          await store.get("app-state-sync-key", ["AAA"]),
        ],
        BufferJSON.replacer,
      );
    expect(await read(loaded.state.keys)).toBe(await read(auth.state.keys));
    const appStateKey = (await loaded.state.keys.get("app-state-sync-key", ["AAA"]))["AAA"];
    expect(appStateKey?.constructor.name).toBe(
      (await auth.state.keys.get("app-state-sync-key", ["AAA"]))["AAA"]?.constructor.name,
    );

    // A batch that fails halfway leaves nothing of it behind (one transaction).
    await expect(
      loaded.state.keys.set({ "pre-key": { "1": null, "9": { public: 1n, private: 1n } as never } }),
    ).rejects.toThrow();
    expect(Object.keys(await loaded.state.keys.get("pre-key", ["1", "9"]))).toEqual(["1"]);

    // A session copied from SQLite row by row loads the same credentials.
    await onPostgres.clear();
    expect(await pgRows()).toEqual([]);
    await pgA.db.insert(pgSchema.whatsappAuth).values(sqliteRows);
    const copied = await createPgWhatsAppAuthRepo(() => pgB.db, { nowMs }).load();
    expect(JSON.stringify(copied.state.creds, BufferJSON.replacer)).toBe(
      JSON.stringify(onSqlite.load().state.creds, BufferJSON.replacer),
    );
    expect(Buffer.isBuffer(copied.state.creds.noiseKey.private)).toBe(true);
    await copied.state.keys.clear!();
    expect((await pgRows()).map((row) => row.category)).toEqual(["creds"]);
  });

  it("keeps a Signal session through Baileys' cache and transactions over the async store, across a new pool", async () => {
    const ALICE = "573001112233@s.whatsapp.net";
    const BOB = "573004445566@s.whatsapp.net";
    const nowMs = () => T;
    const bob = signalParty({ creds: initAuthCreds(), keys: memoryKeys() });
    const alice = await createPgWhatsAppAuthRepo(() => pgA.db, { nowMs }).load();
    const { update, preKeys } = await getNextPreKeys(alice.state, 3);
    Object.assign(alice.state.creds, update);
    await alice.saveCreds();
    const [preKeyId, preKey] = Object.entries(preKeys)[0]!;
    // Another process loads the stored state.
    const reloaded = await createPgWhatsAppAuthRepo(() => pgB.db, { nowMs }).load();
    const { creds } = reloaded.state;
    await bob.repo.injectE2ESession({
      jid: ALICE,
      session: {
        registrationId: creds.registrationId,
        identityKey: generateSignalPubKey(creds.signedIdentityKey.public),
        signedPreKey: {
          keyId: creds.signedPreKey.keyId,
          publicKey: generateSignalPubKey(creds.signedPreKey.keyPair.public),
          signature: creds.signedPreKey.signature,
        },
        preKey: { keyId: Number(preKeyId), publicKey: generateSignalPubKey(preKey.public) },
      },
    });
    const first = await bob.repo.encryptMessage({ jid: ALICE, data: Buffer.from("hola 1") });
    expect(first.type).toBe("pkmsg");
    const decrypted = await signalParty(reloaded.state).repo.decryptMessage({ jid: BOB, ...first });
    expect(Buffer.from(decrypted).toString("utf8")).toBe("hola 1");
    expect(Object.keys(await reloaded.state.keys.get("pre-key", [preKeyId]))).toEqual([]);
    // A restart: the session stored through the async store decrypts what follows.
    const restarted = await createPgWhatsAppAuthRepo(() => pgA.db, { nowMs }).load();
    const second = await bob.repo.encryptMessage({ jid: ALICE, data: Buffer.from("hola 2") });
    expect(second.type).toBe("pkmsg");
    const again = await signalParty(restarted.state).repo.decryptMessage({ jid: BOB, ...second });
    expect(Buffer.from(again).toString("utf8")).toBe("hola 2");
  });

  async function pgRows() {
    return pgA.db.select().from(pgSchema.whatsappAuth);
  }
});

/** The Signal repository a socket builds over an auth state (the same wrappers as makeWASocket). */
function signalParty(state: AuthenticationState) {
  const keys = addTransactionCapability(makeCacheableSignalKeyStore(state.keys, silentLogger), silentLogger, {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 1,
  });
  return { repo: DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds: state.creds, keys }, silentLogger) };
}

/** Bob's side: keys in memory. */
function memoryKeys(): SignalKeyStore {
  const data: Record<string, Record<string, unknown>> = {};
  return {
    get: (type, ids) =>
      Object.fromEntries(ids.filter((id) => data[type]?.[id] != null).map((id) => [id, data[type]![id]])) as never,
    set: (set) => {
      for (const [type, values] of Object.entries(set)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          data[type] ??= {};
          if (value == null) delete data[type][id];
          else data[type][id] = value;
        }
      }
    },
  };
}

function sortRows<T extends { category: string; id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.category + "\0" + a.id < b.category + "\0" + b.id ? -1 : 1));
}
