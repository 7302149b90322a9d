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
import { announcementProgress } from "../../src/services/events/announcements.ts";

const out = process.env.BROADCAST_OUT!;
const stallAfter = process.env.BROADCAST_STALL_AFTER ? Number(process.env.BROADCAST_STALL_AFTER) : Infinity;
const offsetMs = Number(process.env.BROADCAST_BASE_MS) - Date.now();
const clock: Clock = { nowMs: () => Date.now() + offsetMs };

let delivered = 0;
const channel: Channel = {
  id: "memory",
  capabilities: {
    nativeOptions: false,
    maxTextLength: 4096,
    ratePerSecond: Number(process.env.BROADCAST_RATE ?? 1000),
    ratePerChatPerSecond: 1,
  },
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

const runtime = await createRuntime({ env: loadEnv(), clock });
const bot = createBot(runtime, [channel], {
  workerId: process.env.BROADCAST_WORKER ?? `child-${process.pid}`,
  pollIntervalMs: 20,
  schedulerIntervalMs: 20,
  claimMs: Number(process.env.BROADCAST_CLAIM_MS ?? 60_000),
});
await bot.start();

const finished = async (): Promise<boolean> => {
  const all = await runtime.app.repos.announcements.list({ limit: 1000 });
  if (all.length === 0) return false;
  for (const a of all)
    if (a.status !== "released" || (await announcementProgress(runtime.app, a.id)).queued !== 0) return false;
  return true;
};
/** Every 25 ms, one look at a time; a failed look ends the process (exit 1) rather than leave the test waiting. */
const look = async (): Promise<void> => {
  if (!(await finished())) return void setTimeout(poll, 25);
  await bot.stop();
  await runtime.close();
  process.exit(0);
};
function poll(): void {
  look().catch((error: unknown) => {
    process.stderr.write(`broadcast-child: ${String(error)}\n`);
    process.exit(1);
  });
}
setTimeout(poll, 25);
