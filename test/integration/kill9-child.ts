/**
 * A bot process for test/integration/kill9.test.ts: the real runtime and bot (createBot: lease,
 * dispatcher, scheduler) on the shared database, with a fast fake channel that appends every
 * delivery to a file before `send` returns (so a SIGKILL cannot lose a delivery the file does not
 * show). Citizens' messages arrive as JSON lines on stdin; each is acknowledged on stdout ("ACK
 * <id>") once handled, as Telegram's offset would be. Environment:
 *   RINDE_DB, KILL9_OUT (deliveries file), KILL9_BASE_MS (the clock's start, a daytime instant),
 *   KILL9_BULK_TEXT (the announcement's text, to tell bulk from replies),
 *   KILL9_WORKER, KILL9_SELF_KILL ("bulk:<n>" or "reply:<n>": after delivering the n-th message of
 *   that kind in this run, and before recording it as sent, the process sends itself SIGKILL).
 *   KILL9_RATE (sends per second).
 * Prints "STANDBY" once loaded; the line "GO" on stdin starts the bot, then it prints "READY".
 */
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Channel, InboundMessage, OutboundMessage, SendResult } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import type { Clock } from "../../src/core/clock.ts";
import { createBot } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";

/** Text that marks the announcement (bulk) among deliveries. */
const BULK_TEXT = process.env.KILL9_BULK_TEXT!;

const out = process.env.KILL9_OUT!;
const [killKind, killAt] = (process.env.KILL9_SELF_KILL ?? ":").split(":");
const offsetMs = Number(process.env.KILL9_BASE_MS) - Date.now();
const clock: Clock = { nowMs: () => Date.now() + offsetMs };
const counts = { bulk: 0, reply: 0 };

const channel: Channel = {
  id: "memory",
  capabilities: {
    nativeOptions: false,
    maxTextLength: 4096,
    ratePerSecond: Number(process.env.KILL9_RATE ?? 500),
    ratePerChatPerSecond: 1,
  },
  async start() {},
  async stop() {},
  async send(message: OutboundMessage): Promise<SendResult> {
    // A real channel waits for the network: let other events (citizens' messages) in between sends.
    await new Promise((resolve) => setImmediate(resolve));
    const kind = message.text.includes(BULK_TEXT) ? "bulk" : "reply";
    const text = createHash("sha1").update(message.text).digest("hex").slice(0, 16);
    appendFileSync(out, `${JSON.stringify({ a: message.address, k: kind, t: text, at: Date.now() })}\n`);
    counts[kind]++;
    // Killed after the channel delivered and before "sent" is recorded: the window of issue 19.
    if (kind === killKind && counts[kind] === Number(killAt)) process.kill(process.pid, "SIGKILL");
    return { ok: true, channelMessageId: `${process.pid}-${counts.bulk + counts.reply}` };
  },
};

const runtime = await createRuntime({ env: loadEnv(), clock });
// The conversations here never route a question: no routing model to build at each start.
const bot = createBot(runtime, [channel], {
  workerId: process.env.KILL9_WORKER ?? `kill9-${process.pid}`,
  pollIntervalMs: 20,
  schedulerIntervalMs: 200,
  warmRouting: false,
});
process.stdout.write("STANDBY\n");

// Loaded and waiting, as a supervisor's standby: "GO" starts the bot (the restart).
let chain = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "GO") {
    chain = chain.then(async () => {
      await bot.start();
      process.stdout.write("READY\n");
    });
    return;
  }
  // One message at a time, in order, as a channel adapter delivers them.
  const message = JSON.parse(line) as InboundMessage;
  chain = chain.then(async () => {
    const t0 = Date.now();
    await bot.onInbound({ ...message, receivedAtMs: clock.nowMs() });
    if (process.env.KILL9_DEBUG)
      process.stderr.write(`inbound ${message.channelMessageId} handled in ${Date.now() - t0} ms\n`);
    process.stdout.write(`ACK ${message.channelMessageId}\n`);
  });
});
process.on("SIGTERM", () => {
  void bot.stop().then(async () => {
    await runtime.close();
    process.exit(0);
  });
});
