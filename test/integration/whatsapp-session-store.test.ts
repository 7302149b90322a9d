/**
 * The WhatsApp (Baileys) session store behind the channel, now asynchronous: writes land in the
 * order Baileys asked for them (a logout's delete after every earlier save), a failed write or load
 * is logged and never thrown into Baileys' emitter, a session that cannot be loaded on reconnect
 * is retried with backoff, and stopping waits for the last save. Then the real wiring on PostgreSQL
 * (createWhatsApp over a DATABASE_URL runtime): pairing stored, reloaded on reconnect, visible to
 * another process sharing the database, and deleted on logout. PostgreSQL runs with
 * RINDE_TEST_DATABASE_URL.
 */
import { DisconnectReason, initAuthCreds, type AuthenticationCreds } from "@whiskeysockets/baileys";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWhatsAppChannel,
  type ReconnectTimers,
  type WhatsAppAuthStore,
  type WhatsAppChannel,
} from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { createPgWhatsAppAuthRepo } from "../../src/db/postgres/repositories/whatsapp-auth.ts";
import type { PostgresStore } from "../../src/db/postgres/store.ts";
import { createWhatsApp } from "../../src/main.ts";
import { createFakeSocketFactory, type FakeSocketFactory } from "../fakes/baileys-socket.ts";
import { postgresAvailable } from "../helpers/postgres.ts";
import { processesOnOneSchema } from "../helpers/processes-on-postgres.ts";

const ME = "573000000000:3@s.whatsapp.net";

/** Reconnect timers fired by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; delayMs: number }>();
  let next = 0;
  return {
    set: (callback: () => void, delayMs: number) => (pending.set(++next, { callback, delayMs }), next),
    clear: (handle: unknown) => void pending.delete(handle as number),
    delays: () => [...pending.values()].map((t) => t.delayMs),
    fire() {
      for (const [handle, timer] of [...pending]) {
        pending.delete(handle);
        timer.callback();
      }
    },
  } satisfies ReconnectTimers & Record<string, unknown>;
}

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: { msg: string; err?: { message: string } }[] = [];
  const logger = pino(
    { level: "debug", base: undefined },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  return { logger, messages: () => lines.map((l) => `${l.msg}${l.err ? `: ${l.err.message}` : ""}`) };
}

/** A session store in memory whose calls take a few event-loop turns each, as a database's do, and can fail on demand. */
function slowStore() {
  let stored: AuthenticationCreds | undefined;
  const log: string[] = [];
  const failNext = { save: 0, load: 0 };
  const later = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
  const store: WhatsAppAuthStore = {
    async load() {
      await later();
      if (failNext.load > 0 && failNext.load--) throw new Error("connection terminated");
      log.push(`load ${stored?.me?.id ?? "fresh"}`);
      const creds = stored ? structuredClone(stored) : initAuthCreds();
      return {
        state: { creds, keys: { get: async () => ({}), set: async () => {} } },
        async saveCreds() {
          const snapshot = structuredClone(creds);
          await later();
          if (failNext.save > 0 && failNext.save--) throw new Error("deadlock detected");
          stored = snapshot;
          log.push(`save ${snapshot.me?.id ?? "unpaired"}`);
        },
      };
    },
    async clear() {
      await later();
      stored = undefined;
      log.push("clear");
    },
  };
  return { store, log, failNext, stored: () => stored };
}

describe("WhatsApp session store, asynchronous", () => {
  let channel: WhatsAppChannel | undefined;
  afterEach(async () => {
    await channel?.stop();
    channel = undefined;
  });

  async function started(store: WhatsAppAuthStore) {
    const fake = createFakeSocketFactory({ nowMs: () => 0 });
    const timers = manualTimers();
    const { logger, messages } = capturedLogger();
    channel = createWhatsAppChannel({
      socketFactory: fake.factory,
      auth: store,
      nowMs: () => 0,
      logger,
      ratePerMinute: 60,
      sendJitterMs: 0,
      timers,
      random: () => 0.5,
    });
    await channel.start(async () => {});
    return { fake, timers, messages, channel };
  }

  it("saves in the order Baileys reported, deletes after them on logout, and loads only after the delete", async () => {
    const s = slowStore();
    const { fake, timers, channel } = await started(s.store);
    fake.current.ev.emit("creds.update", { platform: "android" });
    fake.current.ev.emit("creds.update", { me: { id: ME } });
    fake.current.open();
    await fake.current.logout();
    await channel.idle();
    // Each save writes the whole credentials as they are when it runs: both saves carry the pairing.
    expect(s.log).toEqual(["load fresh", `save ${ME}`, `save ${ME}`, "clear"]);
    expect(s.stored()).toBeUndefined();
    timers.fire();
    await channel.idle();
    expect(s.log.at(-1)).toBe("load fresh");
    expect(fake.sockets).toHaveLength(2);
    expect(fake.current.auth.creds.me).toBeUndefined();
  });

  it("logs a failed save without throwing into Baileys, and the next save stores the whole credentials", async () => {
    const s = slowStore();
    const { fake, messages, channel } = await started(s.store);
    s.failNext.save = 1;
    expect(() => fake.current.ev.emit("creds.update", { me: { id: ME } })).not.toThrow();
    await channel.idle();
    expect(s.stored()).toBeUndefined();
    expect(messages()).toContain("whatsapp.creds_save_failed: deadlock detected");
    fake.current.ev.emit("creds.update", { platform: "android" });
    await channel.idle();
    expect(s.stored()).toMatchObject({ me: { id: ME }, platform: "android" });
  });

  it("retries a session that cannot be loaded on reconnect, with backoff, and says so", async () => {
    const s = slowStore();
    const { fake, timers, messages, channel } = await started(s.store);
    fake.current.close(DisconnectReason.connectionLost);
    s.failNext.load = 1;
    timers.fire();
    await channel.idle();
    expect(fake.sockets).toHaveLength(1);
    expect(messages()).toContain("whatsapp.session_load_failed: connection terminated");
    expect(channel.state).toBe("reconnecting");
    expect(timers.delays()).toEqual([4000]);
    timers.fire();
    await channel.idle();
    expect(fake.sockets).toHaveLength(2);
  });

  it("stores the last credentials before stop returns", async () => {
    const s = slowStore();
    const { fake, channel: ch } = await started(s.store);
    fake.current.ev.emit("creds.update", { me: { id: ME } });
    await ch.stop();
    channel = undefined;
    expect(s.stored()?.me?.id).toBe(ME);
  });

  it("fails the start when the session cannot be loaded", async () => {
    const s = slowStore();
    s.failNext.load = 1;
    await expect(started(s.store)).rejects.toThrow("connection terminated");
  });
});

describe.skipIf(!postgresAvailable)("WhatsApp (Baileys) on PostgreSQL", () => {
  const processes = processesOnOneSchema("rinde-wa-pg-");

  it("stores the pairing in the database, reloads it on reconnect, shares it with another process and deletes it on logout", async () => {
    const { clock, open } = await processes();
    const runtime = await open();
    expect(runtime.db).toBeNull();
    const fake: FakeSocketFactory = createFakeSocketFactory({ nowMs: () => clock.nowMs() });
    const timers = manualTimers();
    const channel = await createWhatsApp(runtime, {
      socketFactory: fake.factory,
      timers,
      onPairing: () => {},
      random: () => 0.5,
    });
    await channel.start(async () => {});
    try {
      fake.current.ev.emit("creds.update", { me: { id: ME }, platform: "android" });
      await channel.idle();
      // Another process on the same database sees the paired session.
      const other = createPgWhatsAppAuthRepo(((await open()).store as PostgresStore).q, { nowMs: () => clock.nowMs() });
      expect(await other.isPaired()).toBe(true);

      const pairedNoiseKey = Buffer.from(fake.current.auth.creds.noiseKey.public);
      fake.current.close(DisconnectReason.restartRequired);
      timers.fire();
      await channel.idle();
      expect(fake.sockets).toHaveLength(2);
      expect(fake.current.auth.creds.me?.id).toBe(ME);
      expect(Buffer.from(fake.current.auth.creds.noiseKey.public)).toEqual(pairedNoiseKey);
      await fake.current.auth.keys.set({
        "pre-key": { "1": { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } },
      });
      expect(Object.keys(await fake.current.auth.keys.get("pre-key", ["1"]))).toEqual(["1"]);

      fake.current.open();
      await fake.current.logout();
      await channel.idle();
      expect(await other.isPaired()).toBe(false);
      expect(Object.keys(await (await other.load()).state.keys.get("pre-key", ["1"]))).toEqual([]);
      timers.fire();
      await channel.idle();
      expect(fake.current.auth.creds.me).toBeUndefined();
      expect(Buffer.from(fake.current.auth.creds.noiseKey.public)).not.toEqual(pairedNoiseKey);
    } finally {
      await channel.stop();
    }
  });
});
