/**
 * A bot process for test/integration/broadcast-crash.test.ts: the real runtime, bot, dispatcher and
 * scheduler (createBot) on the shared database, with a channel that appends each delivered
 * address to a file (the write reaches the kernel before `send` returns, so a SIGKILL cannot lose
 * a delivery the file does not show). Environment:
 *   RINDE_DB, BROADCAST_OUT (file), BROADCAST_BASE_MS (the clock's start, a daytime instant),
 *   BROADCAST_WORKER, BROADCAST_RATE (sends/s), BROADCAST_CLAIM_MS,
 *   BROADCAST_STALL_AFTER (optional: after this many deliveries the next send never returns and
 *   the file gets a line "STALLED", as if the network hung; the test then kills the process).
 * Exits 0 once every announcement is released and nothing of them is left queued.
 */
import { appendFileSync } from "node:fs";
import type { Channel, OutboundMessage, SendResult } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import type { Clock } from "../../src/core/clock.ts";
import { createBot } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";
import { announcementProgress } from "../../src/services/announcements.ts";

const out = process.env.BROADCAST_OUT!;
const stallAfter = process.env.BROADCAST_STALL_AFTER ? Number(process.env.BROADCAST_STALL_AFTER) : Infinity;
const offsetMs = Number(process.env.BROADCAST_BASE_MS) - Date.now();
const clock: Clock = { nowMs: () => Date.now() + offsetMs };

let delivered = 0;
const channel: Channel = {
  id: "memory",
  capabilities: { nativeOptions: false, maxTextLength: 4096, ratePerSecond: Number(process.env.BROADCAST_RATE ?? 1000), ratePerChatPerSecond: 1 },
  async start() {},
  async stop() {},
  async send(message: OutboundMessage): Promise<SendResult> {
    if (delivered >= stallAfter) {
      appendFileSync(out, "STALLED\n");
      return new Promise<SendResult>(() => {});
    }
    appendFileSync(out, `${message.address}\n`);
    delivered++;
    return { ok: true, channelMessageId: `${process.pid}-${delivered}` };
  },
};

const runtime = createRuntime({ env: loadEnv(), clock });
const bot = createBot(runtime, [channel], {
  workerId: process.env.BROADCAST_WORKER ?? `child-${process.pid}`,
  pollIntervalMs: 20,
  schedulerIntervalMs: 20,
  claimMs: Number(process.env.BROADCAST_CLAIM_MS ?? 60_000),
});
await bot.start();

const finished = () => {
  const all = runtime.app.repos.announcements.list({ limit: 1000 });
  return all.length > 0 && all.every((a) => a.status === "released" && announcementProgress(runtime.app, a.id).queued === 0);
};
const timer = setInterval(() => {
  if (!finished()) return;
  clearInterval(timer);
  void bot.stop().then(() => {
    runtime.close();
    process.exit(0);
  });
}, 25);
