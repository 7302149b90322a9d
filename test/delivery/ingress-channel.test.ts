/**
 * A single-consumer channel behind its ingress lock (src/delivery/ingress-channel.ts): the holder
 * runs the channel, a process on standby retries and takes over when the lock frees, a lost lock
 * stops the channel, a failing start gives the lock back, and a standby process claims no rows of
 * a channel whose socket lives elsewhere. The lock is a fake here (one flag shared by "processes");
 * test/db/postgres-coordination.test.ts and test/integration/multiproc-chaos.test.ts use PostgreSQL's.
 */
import { describe, expect, it, vi } from "vitest";
import type { Channel } from "../../src/channels/channel.ts";
import type { IngressLock } from "../../src/db/ingress-lock.ts";
import { withIngressLock } from "../../src/delivery/ingress-channel.ts";
import { silentLogger } from "../../src/logger.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";

/** One lock several "processes" compete for: `holder` is who has it; `cut()` drops the holder's hold. */
function sharedLock() {
  const shared = { holder: undefined as string | undefined, down: false };
  const locks = new Map<string, { lost: (() => void)[] }>();
  return {
    shared,
    lockFor(process: string): IngressLock {
      const state = { lost: [] as (() => void)[] };
      locks.set(process, state);
      return {
        name: "telegram",
        async tryAcquire() {
          if (shared.down) throw Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" });
          shared.holder ??= process;
          return shared.holder === process;
        },
        held: () => shared.holder === process,
        onLost: (listener) => void state.lost.push(listener),
        async release() {
          if (shared.holder === process) shared.holder = undefined;
        },
      };
    },
    /** The holder's connection dies: the lock is free and the holder is told. */
    cut() {
      const holder = shared.holder!;
      shared.holder = undefined;
      for (const listener of locks.get(holder)!.lost) listener();
    },
  };
}

/** A memory channel that counts starts and stops and says whether it runs. */
function trackedChannel() {
  const inner = createMemoryChannel();
  const counts = { starts: 0, stops: 0, running: false };
  const channel: Channel = {
    ...inner,
    async start(handler) {
      counts.starts++;
      counts.running = true;
      await inner.start(handler);
    },
    async stop() {
      counts.stops++;
      counts.running = false;
    },
  };
  return { channel, counts };
}

const handler = async () => {};

describe("a channel behind its ingress lock", () => {
  it("the holder runs it; the other process stands by, retries, and takes over when the holder's lock is lost", async () => {
    const lock = sharedLock();
    const first = trackedChannel();
    const second = trackedChannel();
    const a = withIngressLock(first.channel, {
      lock: lock.lockFor("a"),
      logger: silentLogger,
      sendsNeedIngress: true,
      retryMs: 20,
    });
    const b = withIngressLock(second.channel, {
      lock: lock.lockFor("b"),
      logger: silentLogger,
      sendsNeedIngress: true,
      retryMs: 20,
    });
    await a.start(handler);
    await b.start(handler);
    expect([first.counts.running, second.counts.running]).toEqual([true, false]);
    expect([a.canSend?.(), b.canSend?.()]).toEqual([true, false]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(second.counts.starts).toBe(0);

    lock.cut();
    await vi.waitFor(() => expect(second.counts.running).toBe(true));
    expect(first.counts).toMatchObject({ running: false, stops: 1 });
    expect([a.canSend?.(), b.canSend?.()]).toEqual([false, true]);

    // The old holder stands by in turn, and gets it back when the new one stops.
    await b.stop();
    expect(lock.shared.holder).not.toBe("b");
    await vi.waitFor(() => expect(first.counts.running).toBe(true));
    expect(first.counts.starts).toBe(2);
    await a.stop();
    expect(lock.shared.holder).toBeUndefined();
  });

  it("a channel that sends from any process (Telegram's Bot API) can send on standby", async () => {
    const lock = sharedLock();
    lock.shared.holder = "elsewhere";
    const { channel, counts } = trackedChannel();
    const standby = withIngressLock(channel, {
      lock: lock.lockFor("a"),
      logger: silentLogger,
      sendsNeedIngress: false,
      retryMs: 20,
    });
    await standby.start(handler);
    expect(counts.running).toBe(false);
    expect(standby.canSend?.()).toBe(true);
    expect(await standby.send({ address: "chat-1", text: "hola" })).toMatchObject({ ok: true });
    await standby.stop();
  });

  it("a failing start of the holder fails start() and gives the lock back; a database that does not answer means standby", async () => {
    const lock = sharedLock();
    const failing: Channel = {
      ...createMemoryChannel(),
      start: async () => Promise.reject(new Error("token rejected")),
    };
    await expect(
      withIngressLock(failing, { lock: lock.lockFor("a"), logger: silentLogger, sendsNeedIngress: false }).start(
        handler,
      ),
    ).rejects.toThrow("token rejected");
    expect(lock.shared.holder).toBeUndefined();

    lock.shared.down = true;
    const { channel, counts } = trackedChannel();
    const waiting = withIngressLock(channel, {
      lock: lock.lockFor("b"),
      logger: silentLogger,
      sendsNeedIngress: false,
      retryMs: 20,
    });
    await waiting.start(handler);
    expect(counts.running).toBe(false);
    lock.shared.down = false;
    await vi.waitFor(() => expect(counts.running).toBe(true));
    await waiting.stop();
    expect(counts.running).toBe(false);
  });

  it("a lock lost while the channel was starting: the channel is stopped again and the process stands by", async () => {
    const lock = sharedLock();
    const { channel, counts } = trackedChannel();
    let cuts = 0;
    const slow: Channel = {
      ...channel,
      async start(handler) {
        await channel.start(handler);
        if (cuts++ === 0) lock.cut();
      },
    };
    const wrapped = withIngressLock(slow, {
      lock: lock.lockFor("a"),
      logger: silentLogger,
      sendsNeedIngress: true,
      retryMs: 20,
    });
    await wrapped.start(handler);
    expect(counts).toMatchObject({ starts: 1, stops: 1, running: false });
    expect(wrapped.canSend?.()).toBe(false);
    // Free again: the next try takes it (and this time keeps it).
    await vi.waitFor(() => expect(counts.running).toBe(true));
    expect(counts.starts).toBe(2);
    expect(wrapped.canSend?.()).toBe(true);
    await wrapped.stop();
  });

  it("stopped on standby, it never starts the channel afterwards", async () => {
    const lock = sharedLock();
    lock.shared.holder = "elsewhere";
    const { channel, counts } = trackedChannel();
    const standby = withIngressLock(channel, {
      lock: lock.lockFor("a"),
      logger: silentLogger,
      sendsNeedIngress: true,
      retryMs: 10,
    });
    await standby.start(handler);
    await standby.stop();
    lock.shared.holder = undefined;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(counts.starts).toBe(0);
    expect(lock.shared.holder).toBeUndefined();
  });
});
