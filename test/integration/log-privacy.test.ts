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
});
