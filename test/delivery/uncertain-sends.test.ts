/**
 * Issue 19, delivery: the window between a send and "sent" is explicit. An attempt is recorded
 * before the channel is called; a row found with that mark after its worker died, or whose send
 * ended in an ambiguous network failure, is sent again when it must arrive (replies, answers, legal
 * notices) and left `uncertain` when it is bulk (announcements, reminders, surveys). Claims carry a
 * worker lease renewed while the worker lives; a dead worker of the same machine is taken over at
 * once, so its chats do not stall. Rows for a chat known unreachable are not tried.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SendResult } from "../../src/channels/channel.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { loadEnv } from "../../src/config/env.ts";
import { openStore, type OpenedStore } from "../../src/db/open-store.ts";
import type { Repos } from "../../src/db/port.ts";
import { createDispatcher, type Dispatcher } from "../../src/delivery/dispatcher.ts";
import { createWorkerLease, type WorkerLease } from "../../src/delivery/worker-lease.ts";
import { silentLogger } from "../../src/logger.ts";
import { createMemoryChannel, type MemoryChannel } from "../fakes/memory-channel.ts";
import { sqlRow, sqlRows, storageEnv } from "../helpers/storage.ts";

const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);
const HOST = "test-host/boot-1";
const DEAD_PID = 999_999_1;

let dir: string;
let clock: ReturnType<typeof createManualClock>;
let db: OpenedStore;
let repos: Repos;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "rinde-uncertain-"));
  clock = createManualClock(T0);
  db = await openStore(loadEnv(storageEnv(join(dir, "rinde.db"))));
  repos = db.store.repos;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await db.store.close();
  rmSync(dir, { recursive: true, force: true });
});

function lease(
  workerId: string,
  options: { pid?: number; alive?: (pid: number) => boolean; leaseMs?: number } = {},
): WorkerLease {
  const created = createWorkerLease({
    repos,
    clock,
    logger: silentLogger,
    workerId,
    host: HOST,
    pid: options.pid ?? process.pid,
    isAlive: options.alive ?? (() => true),
    leaseMs: options.leaseMs ?? 10_000,
  });
  cleanups.push(async () => await created.stop());
  return created;
}

function dispatcher(channel: MemoryChannel, workerLease: WorkerLease): Dispatcher {
  const created = createDispatcher({
    repos,
    channels: [channel],
    clock,
    logger: silentLogger,
    workerId: workerLease.workerId,
    lease: workerLease,
    pollIntervalMs: 5,
  });
  cleanups.push(() => created.stop());
  return created;
}

async function enqueue(
  key: string,
  address: string,
  extra: { priority?: 0 | 1; guarantee?: "at_least_once" | "at_most_once" } = {},
): Promise<number> {
  return (await repos.outbox.enqueue(
    { idempotencyKey: key, channel: "memory", address, payload: { text: key }, ...extra },
    clock.nowMs(),
  ))!;
}

const status = async (id: number) => (await repos.outbox.findById(id))!.status;
const ambiguous: Exclude<SendResult, { ok: true }> = {
  ok: false,
  kind: "retry",
  retryAfterMs: 0,
  reason: "network error (ECONNRESET), outcome unknown",
  ambiguous: true,
};

/** A worker on this machine that claimed rows, marked the first as being sent, and was killed. */
async function killedMidSend(ids: number[]): Promise<void> {
  const dead = lease("dead-worker", { pid: DEAD_PID });
  await dead.start();
  const claimed = await repos.outbox.claim({
    channels: ["memory"],
    workerId: "dead-worker",
    nowMs: clock.nowMs(),
    claimMs: 10_000,
    limit: 100,
  });
  expect(claimed.map((r) => r.id).sort()).toEqual([...ids].sort());
  for (const id of ids) expect(await repos.outbox.markAttempt(id, "dead-worker", clock.nowMs())).toBe(true);
  // SIGKILL: no renewal, no unregister. (Stopping the timer without unregistering.)
  cleanups.pop();
  (dead as unknown as { stop(): Promise<void> }).stop = async () => {};
}

describe("a send interrupted by a crash", () => {
  it("after a restart on the same machine: the bulk row is uncertain and not repeated, the reply is sent again, and the chat does not wait for the old claim", async () => {
    const bulk = await enqueue("ann:1:7", "chat-bulk", { priority: 1 });
    const reply = await enqueue("in:1", "chat-reply");
    await killedMidSend([reply, bulk]);
    const later = await enqueue("in:2", "chat-bulk");

    const restarted = lease("restarted", { alive: (pid) => pid !== DEAD_PID });
    const channel = createMemoryChannel();
    const d = dispatcher(channel, restarted);
    await restarted.start();
    // No time passes: the dead worker's claims are taken over at once, not after a lease or a minute.
    await d.tick();
    await d.tick();

    expect(channel.sent.map((m) => m.text).sort()).toEqual(["in:1", "in:2"]);
    expect(await status(bulk)).toBe("uncertain");
    expect((await repos.outbox.findById(bulk))!.lastError).toMatch(/interrupted/);
    expect(await status(reply)).toBe("sent");
    expect(await status(later)).toBe("sent");
    expect(await repos.outbox.countByKeyPrefix("ann:1:")).toMatchObject({ uncertain: 1, sent: 0, pending: 0 });
  });

  it("another machine's dead worker: its claims lapse with its lease (seconds), not after a fixed minute", async () => {
    const reply = await enqueue("in:1", "chat-a");
    const other = createWorkerLease({
      repos,
      clock,
      logger: silentLogger,
      workerId: "other-machine",
      host: "elsewhere/boot-9",
      pid: 12,
      isAlive: () => true,
      leaseMs: 3_000,
    });
    await other.start();
    other.stop = async () => {}; // killed: never renews, never unregisters
    await repos.outbox.claim({
      channels: ["memory"],
      workerId: "other-machine",
      nowMs: clock.nowMs(),
      claimMs: 3_000,
      limit: 10,
    });
    await repos.outbox.markAttempt(reply, "other-machine", clock.nowMs());

    const mine = lease("mine");
    await mine.start();
    const channel = createMemoryChannel();
    const d = dispatcher(channel, mine);
    await d.tick();
    expect(channel.sent).toHaveLength(0);
    clock.advanceMs(3_001);
    await d.tick();
    expect(channel.sent.map((m) => m.text)).toEqual(["in:1"]);
  });

  it("a live worker's claims are renewed with its lease: nobody takes them over while it lives", async () => {
    const id = await enqueue("in:1", "chat-a");
    const holder = lease("holder", { leaseMs: 3_000 });
    await holder.start();
    await repos.outbox.claim({
      channels: ["memory"],
      workerId: "holder",
      nowMs: clock.nowMs(),
      claimMs: 3_000,
      limit: 10,
    });
    const channel = createMemoryChannel();
    const other = lease("other", { leaseMs: 3_000 });
    const d = dispatcher(channel, other);
    for (let i = 0; i < 5; i++) {
      clock.advanceMs(2_000);
      await holder.renew();
      await d.tick();
    }
    expect(channel.sent).toHaveLength(0);
    expect((await repos.outbox.findById(id))!.claimedBy).toBe("holder");
  });
});

describe("an ambiguous network failure (the connection dropped after the request)", () => {
  it("a bulk row is not retried (uncertain); a reply is retried and arrives", async () => {
    const channel = createMemoryChannel();
    const l = lease("w");
    const d = dispatcher(channel, l);
    const bulk = await enqueue("ann:2:1", "chat-1", { priority: 1 });
    const survey = await enqueue("survey:i1:start", "chat-2", { guarantee: "at_most_once" });
    const reply = await enqueue("in:5", "chat-3");
    channel.failNext(ambiguous, ambiguous, ambiguous);
    await d.tick();
    expect([await status(bulk), await status(survey), await status(reply)]).toEqual([
      "uncertain",
      "uncertain",
      "pending",
    ]);
    clock.advanceMs(10_000);
    await d.tick();
    expect(await status(reply)).toBe("sent");
    expect(channel.sent.map((m) => m.text)).toEqual(["in:5"]);
  });

  it("a failure that proves nothing was sent (connection refused) is retried even for bulk", async () => {
    const channel = createMemoryChannel();
    const d = dispatcher(channel, lease("w"));
    const bulk = await enqueue("ann:3:1", "chat-1", { priority: 1 });
    channel.failNext({ ok: false, kind: "retry", retryAfterMs: 0, reason: "network error (ECONNREFUSED)" });
    await d.tick();
    expect(await status(bulk)).toBe("pending");
    clock.advanceMs(10_000);
    await d.tick();
    expect(await status(bulk)).toBe("sent");
  });

  it("a send that never answers ends after sendTimeoutMs as an unknown outcome", async () => {
    const channel = createMemoryChannel();
    const hanging = { ...channel, send: () => new Promise<SendResult>(() => {}) };
    const d = createDispatcher({
      repos,
      channels: [hanging],
      clock,
      logger: silentLogger,
      workerId: "w",
      pollIntervalMs: 5,
      sendTimeoutMs: 30,
    });
    cleanups.push(() => d.stop());
    const bulk = await enqueue("ann:4:1", "chat-1", { priority: 1 });
    await d.tick();
    expect(await status(bulk)).toBe("uncertain");
    expect((await repos.outbox.findById(bulk))!.lastError).toMatch(/no answer within 30 ms/);
  });
});

describe("unreachable chats", () => {
  it("rows for a chat already marked unreachable are settled without calling the channel; a 403 settles the chat's queue", async () => {
    const citizen = (await sqlRow<{ id: number }>(db, "insert into citizens (created_at_ms) values (?) returning id", [
      T0,
    ]))!.id;
    await sqlRows(
      db,
      "insert into channel_identities (citizen_id, channel, address, created_at_ms) values (?, 'memory', 'blocked', ?)",
      [citizen, T0],
    );
    const channel = createMemoryChannel();
    const d = dispatcher(channel, lease("w"));
    const first = await enqueue("in:1", "blocked");
    channel.failNext({
      ok: false,
      kind: "permanent",
      reason: "403 Forbidden: bot was blocked by the user",
      unreachable: true,
    });
    await d.tick();
    expect(await status(first)).toBe("unreachable");

    let calls = 0;
    const counting = { ...channel, send: async (m: Parameters<typeof channel.send>[0]) => (calls++, channel.send(m)) };
    const d2 = createDispatcher({
      repos,
      channels: [counting],
      clock,
      logger: silentLogger,
      workerId: "w2",
      pollIntervalMs: 5,
    });
    cleanups.push(() => d2.stop());
    const queued: number[] = [];
    for (let i = 0; i < 5; i++) queued.push(await enqueue(`ann:9:${i}`, "blocked", { priority: 1 }));
    await d2.tick();
    expect(calls).toBe(0);
    expect(await Promise.all(queued.map(status))).toEqual(Array(5).fill("unreachable"));
    expect(await Promise.all(queued.map(async (id) => (await repos.outbox.findById(id))!.attempts))).toEqual(
      Array(5).fill(0),
    );
  });
});
