/**
 * Broadcast bench (issue 6): enqueue one announcement to 100,000 subscribers (one transaction,
 * one INSERT … SELECT; target under 2 s), then dispatch it through a fake channel limited to
 * `ratePerSecond` for a few real seconds with the real dispatcher and its timers, and report the
 * rate achieved as a fraction of the limit (target ≥ 0.95) and any recipient sent twice (target 0).
 *
 *   npx tsx test/bench/broadcast.ts [--subscribers=100000] [--rate=1000] [--seconds=3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Channel, OutboundMessage, SendResult } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import type { Clock } from "../../src/core/clock.ts";
import { createDispatcher } from "../../src/delivery/dispatcher.ts";
import { silentLogger } from "../../src/logger.ts";
import { createRuntime } from "../../src/runtime.ts";
import { createAnnouncement } from "../../src/services/events/announcements.ts";
import { seedCitizensSqlite as seedCitizens } from "../helpers/seed-citizens.ts";

export interface BroadcastOptions {
  subscribers?: number;
  /** The fake channel's limit, sends per second over all chats. */
  ratePerSecond?: number;
  /** Real seconds of dispatch measured. */
  seconds?: number;
}

/** A fake channel that counts sends per address and notes when each happened; it answers at once. */
function countingChannel(ratePerSecond: number): Channel & { perAddress: Map<string, number>; sentAtMs: number[] } {
  const perAddress = new Map<string, number>();
  const sentAtMs: number[] = [];
  return {
    id: "memory",
    capabilities: { nativeOptions: false, maxTextLength: 4096, ratePerSecond, ratePerChatPerSecond: 1 },
    perAddress,
    sentAtMs,
    async start() {},
    async stop() {},
    async send(message: OutboundMessage): Promise<SendResult> {
      perAddress.set(message.address, (perAddress.get(message.address) ?? 0) + 1);
      sentAtMs.push(performance.now());
      return { ok: true, channelMessageId: String(sentAtMs.length) };
    },
  };
}

export async function benchBroadcast(
  options: BroadcastOptions = {},
): Promise<{ recipients: number; enqueueMs: number; dispatchRateFraction: number; duplicates: number }> {
  const subscribers = options.subscribers ?? 100_000;
  const ratePerSecond = options.ratePerSecond ?? 1000;
  const seconds = options.seconds ?? 3;
  const dir = mkdtempSync(join(tmpdir(), "rinde-bench-broadcast-"));
  // Real time, shifted to a Tuesday 10:00 in Bogotá, so the run never falls in quiet hours.
  const offsetMs = Date.parse("2026-03-03T10:00:00-05:00") - Date.now();
  const clock: Clock = { nowMs: () => Date.now() + offsetMs };
  const runtime = await createRuntime({
    env: loadEnv({ RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" }),
    clock,
  });
  try {
    seedCitizens(runtime.db!, { count: subscribers, channel: "memory", nowMs: clock.nowMs(), mixLocales: true });

    const started = performance.now();
    const created = await createAnnouncement(
      runtime.app,
      { kind: "cli" },
      {
        text: "Audiencia pública de rendición de cuentas: martes 10 de marzo, 9:00 a. m., Coliseo Municipal.",
        segment: { kind: "everyone" },
      },
    );
    const enqueueMs = performance.now() - started;
    if (!created.ok) throw new Error(`announcement refused: ${JSON.stringify(created.error)}`);

    const channel = countingChannel(ratePerSecond);
    const dispatcher = createDispatcher({
      repos: runtime.app.repos,
      channels: [channel],
      clock,
      logger: silentLogger,
      workerId: "bench",
      pollIntervalMs: 250,
    });
    await dispatcher.start();
    // A little longer than measured, so the window [first send, first send + seconds) is complete.
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 500));
    await dispatcher.stop();
    // The limit allows at most ratePerSecond × seconds sends in any window of that length.
    const first = channel.sentAtMs[0] ?? 0;
    const inWindow = channel.sentAtMs.filter((t) => t < first + seconds * 1000).length;
    let duplicates = 0;
    for (const count of channel.perAddress.values()) if (count > 1) duplicates += count - 1;
    return {
      recipients: created.recipients,
      enqueueMs,
      dispatchRateFraction: inWindow / (ratePerSecond * seconds),
      duplicates,
    };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const arg = (name: string) =>
    Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? Number.NaN);
  const options: BroadcastOptions = {};
  if (Number.isFinite(arg("subscribers"))) options.subscribers = arg("subscribers");
  if (Number.isFinite(arg("rate"))) options.ratePerSecond = arg("rate");
  if (Number.isFinite(arg("seconds"))) options.seconds = arg("seconds");
  const result = await benchBroadcast(options);
  console.log(JSON.stringify(result, null, 2));
}
