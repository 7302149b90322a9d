/**
 * Test harness: a real database (a SQLite file in a temp dir, copied from the migrated template of
 * test/helpers/sqlite-template.ts, or a PostgreSQL schema named after it: test/helpers/storage.ts)
 * with the real migrations, the real flows and locales, an injected clock and an in-memory channel.
 * `reopen()` simulates a restart. `RINDE_TEST_LOG=debug` shows the bot's log while a test runs
 * (silent by default).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChannelId, InboundMessage, OutboundMessage } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createLogger, silentLogger } from "../../src/logger.ts";
import { createBot, type Bot } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { createMemoryChannel, type MemoryChannel } from "../fakes/memory-channel.ts";
import { sharedRouterFactory } from "./shared-router.ts";
import { startFromTemplate } from "./sqlite-template.ts";
import { onPostgres, storageEnv } from "./storage.ts";

/** 2026-03-02 10:00 Bogotá (15:00 UTC), a Monday and a business day. */
export const MONDAY_10AM_BOGOTA_MS = Date.UTC(2026, 2, 2, 15, 0, 0);

export interface Harness {
  dir: string;
  dbPath: string;
  clock: ReturnType<typeof createManualClock>;
  runtime: Runtime;
  bot: Bot;
  channel: MemoryChannel;
  /** Sends a citizen's text as a new message (unique id unless given) and waits for the replies. */
  say(address: string, text: string, extra?: Partial<InboundMessage>): Promise<OutboundMessage[]>;
  /** The last text sent to an address. */
  last(address: string): string;
  /** Closes the database and opens it again with fresh runtime objects (a restart). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  profile?: string;
  startMs?: number;
  env?: Record<string, string>;
  channelId?: ChannelId;
  /** "sqlite": a SQLite file even on PostgreSQL runs (a test whose subject is a SQLite database). */
  storage?: "sqlite";
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-test-"));
  const dbPath = join(dir, "rinde.db");
  const clock = createManualClock(options.startMs ?? MONDAY_10AM_BOGOTA_MS);
  const env = loadEnv({
    ...(options.storage === "sqlite" ? { RINDE_DB: dbPath } : storageEnv(dbPath)),
    RINDE_PROFILE: options.profile ?? "default",
    ...options.env,
  });
  if (options.storage === "sqlite" || !onPostgres) startFromTemplate(dbPath);
  let counter = 0;

  const build = async () => {
    const runtime = await createRuntime({
      routerFactory: sharedRouterFactory,
      env,
      clock,
      logger: process.env.RINDE_TEST_LOG ? createLogger(process.env.RINDE_TEST_LOG) : silentLogger,
    });
    const channel = createMemoryChannel({ id: options.channelId ?? "memory" });
    const bot = createBot(runtime, [channel], { pollIntervalMs: 5, workerId: `test-${counter}` });
    await bot.start();
    return { runtime, channel, bot };
  };
  let parts = await build();

  const harness: Harness = {
    dir,
    dbPath,
    clock,
    get runtime() {
      return parts.runtime;
    },
    get bot() {
      return parts.bot;
    },
    get channel() {
      return parts.channel;
    },
    async say(address, text, extra = {}) {
      const before = parts.channel.sent.length;
      counter++;
      await parts.bot.onInbound({
        channel: options.channelId ?? "memory",
        channelMessageId: `msg-${counter}`,
        address,
        chatKind: "private",
        text,
        receivedAtMs: clock.nowMs(),
        ...extra,
      });
      return parts.channel.sent.slice(before).filter((m) => m.address === address);
    },
    last(address) {
      return parts.channel.to(address).at(-1)?.text ?? "";
    },
    async reopen() {
      await parts.bot.stop();
      await parts.runtime.close();
      parts = await build();
    },
    async close() {
      await parts.bot.stop();
      await parts.runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Consents and files one question; returns its radicado. */
export async function fileQuestion(
  h: Harness,
  address: string,
  text = "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses",
): Promise<string> {
  await h.say(address, "hola");
  await h.say(address, "1");
  await h.say(address, text);
  const confirm = h.last(address);
  if (confirm.includes("¿Es correcto?")) await h.say(address, "1");
  else await h.say(address, "1");
  const receipt = (await h.say(address, "1")).at(-1)?.text ?? "";
  const reference = /RC-\d{4}-\d{6}/.exec(receipt)?.[0];
  if (!reference) throw new Error(`No radicado in: ${receipt}`);
  return reference;
}
