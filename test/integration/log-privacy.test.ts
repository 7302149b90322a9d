/**
 * Issue 19, point 10: no identifier of a citizen in logs at any level. A redelivered Telegram
 * message (its channel message id embeds the user's id) logged `inbound.duplicate` with the raw id
 * at debug level; now the line names only the channel.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { InboundMedia } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";
import { MONDAY_10AM_BOGOTA_MS } from "../helpers/harness.ts";
import { storageEnv } from "../helpers/storage.ts";

const USER_ID = "987654321";

describe("logs carry no citizen identifier", () => {
  it("a duplicate update at trace level logs neither the chat nor the message id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rinde-logs-"));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ level: "trace", base: undefined }, sink);
    const runtime = await createRuntime({
      env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" }),
      clock: createManualClock(MONDAY_10AM_BOGOTA_MS),
      logger,
    });
    const bot = createBot(runtime, [createMemoryChannel({ id: "telegram" })], { workerId: "logs", pollIntervalMs: 5 });
    await bot.start();
    try {
      const message = {
        channel: "telegram" as const,
        channelMessageId: `${USER_ID}:42`,
        address: USER_ID,
        chatKind: "private" as const,
        text: "hola",
        receivedAtMs: MONDAY_10AM_BOGOTA_MS,
      };
      for (let i = 0; i < 3; i++) await bot.onInbound(message);
    } finally {
      await bot.stop();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(lines.filter((l) => l.includes("inbound.duplicate"))).toHaveLength(2);
    expect(lines.filter((l) => l.includes(USER_ID))).toEqual([]);
  });

  it("a shared location, kept and passed on to the office (retried once), leaves no coordinates or place in logs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rinde-logs-"));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ level: "trace", base: undefined }, sink);
    const clock = createManualClock(MONDAY_10AM_BOGOTA_MS);
    const runtime = await createRuntime({
      env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" }),
      clock,
      logger,
    });
    const channel = createMemoryChannel({ id: "telegram" });
    const bot = createBot(runtime, [channel], { workerId: "logs", pollIntervalMs: 5 });
    await bot.start();
    try {
      for (const office of await runtime.app.repos.offices.list())
        await runtime.app.repos.offices.bind(office.key, { telegramChatId: "-100777" }, MONDAY_10AM_BOGOTA_MS);
      let n = 0;
      const say = async (text: string, media?: InboundMedia) =>
        await bot.onInbound({
          channel: "telegram",
          channelMessageId: `${USER_ID}:${++n}`,
          address: USER_ID,
          chatKind: "private",
          ...(text ? { text } : {}),
          ...(media ? { media } : {}),
          receivedAtMs: MONDAY_10AM_BOGOTA_MS,
        });
      await say("hola");
      await say("1");
      await say("", { kind: "location", fileRef: "geo:4.6097102,-74.0817534", placeName: "Parque Santander" });
      await say("Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses");
      await say("1");
      channel.failNext({ ok: false, kind: "retry", retryAfterMs: 0, reason: "network error (TypeError)" });
      await say("1");
      for (let i = 0; i < 10; i++) {
        clock.advanceMs(60_000);
        await bot.dispatcher.tick();
      }
      expect(channel.sent.some((m) => m.location?.latitude === 4.6097102)).toBe(true);
    } finally {
      await bot.stop();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(lines.filter((l) => l.includes("outbox.retry"))).not.toEqual([]);
    expect(lines.filter((l) => /4\.6097|74\.0817|Parque Santander/.test(l))).toEqual([]);
  });
});
