/**
 * Delivers outbox rows through the channels this process runs: claims due rows atomically, keeps
 * each chat's order, respects each channel's rate limits, retries with backoff, records permanent
 * failures and unreachable citizens. Rows written by another process (the CLI) are picked up by
 * polling; rows written here are sent at once through `wake()`.
 */
import type { Logger } from "pino";
import type { Channel, SendResult } from "../channels/channel.ts";
import type { Clock } from "../core/clock.ts";
import type { Repos } from "../db/repositories/index.ts";
import type { OutboxPayload, OutboxRow } from "../db/repositories/outbox.ts";
import { backoffMs, createRateLimiter } from "./rate-limit.ts";

export interface DispatcherOptions {
  repos: Repos;
  channels: readonly Channel[];
  clock: Clock;
  logger: Logger;
  /** Unique per process; claims carry it. */
  workerId: string;
  /** How often to look for rows written by other processes. */
  pollIntervalMs?: number;
  /** How long a claim holds before another dispatcher may take the row (after a crash). */
  claimMs?: number;
  batchSize?: number;
  /** Attempts before a retryable failure becomes permanent. */
  maxAttempts?: number;
}

export function createDispatcher(options: DispatcherOptions) {
  const { repos, clock, logger, workerId } = options;
  const channels = new Map(options.channels.map((c) => [c.id as string, c]));
  const limiters = new Map(options.channels.map((c) => [c.id as string, createRateLimiter(c.capabilities, clock)]));
  const channelIds = [...channels.keys()];
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const claimMs = options.claimMs ?? 60_000;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 10;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  async function deliver(row: OutboxRow): Promise<boolean> {
    const channel = channels.get(row.channel)!;
    const waitMs = limiters.get(row.channel)!.take(row.address);
    if (waitMs > 0) {
      repos.outbox.release(row.id, workerId, clock.nowMs() + waitMs);
      return false;
    }
    const payload = JSON.parse(row.payload) as OutboxPayload;
    let result: SendResult;
    try {
      result = await channel.send({ address: row.address, ...payload });
    } catch (error) {
      result = { ok: false, kind: "retry", retryAfterMs: 0, reason: `adapter threw: ${(error as Error).message}` };
    }
    record(row, result);
    return result.ok;
  }

  function record(row: OutboxRow, result: SendResult): void {
    const nowMs = clock.nowMs();
    if (result.ok) {
      repos.outbox.markSent(row.id, workerId, result.channelMessageId, nowMs);
      return;
    }
    if (result.kind === "permanent" || row.attempts + 1 >= maxAttempts) {
      const unreachable = result.kind === "permanent" && result.unreachable;
      repos.outbox.markFailed(row.id, workerId, unreachable ? "unreachable" : "failed", result.reason);
      if (unreachable) repos.citizens.markUnreachable(row.channel, row.address, nowMs);
      logger.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, reason: result.reason }, "outbox.failed");
      return;
    }
    const delayMs = Math.max(result.retryAfterMs, backoffMs(row.attempts + 1, row.id));
    repos.outbox.markRetry(row.id, workerId, nowMs + delayMs, result.reason);
    logger.info({ outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, delayMs }, "outbox.retry");
  }

  /** One pass: claims a batch and sends it. Resolves to the number of rows sent. */
  async function pass(): Promise<number> {
    const rows = repos.outbox.claim({ channels: channelIds, workerId, nowMs: clock.nowMs(), claimMs, limit: batchSize });
    let sent = 0;
    for (const row of rows) if (await deliver(row)) sent++;
    return sent;
  }

  /** Runs passes until a pass sends nothing. Never runs two at once. */
  function tick(): Promise<number> {
    if (running) return running;
    running = (async () => {
      let total = 0;
      try {
        for (;;) {
          const sent = await pass();
          total += sent;
          if (sent === 0) break;
        }
      } catch (error) {
        logger.error({ err: error }, "dispatcher.pass_failed");
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    const nextDueMs = repos.outbox.nextDueMs(channelIds);
    const untilDueMs = nextDueMs === undefined ? pollIntervalMs : Math.max(0, nextDueMs - clock.nowMs());
    timer = setTimeout(() => void tick().finally(schedule), Math.min(pollIntervalMs, untilDueMs));
  }

  return {
    tick,
    /** Sends what is due now, then keeps polling. */
    start(): void {
      stopped = false;
      void tick().finally(schedule);
    },
    /** Something was just queued: send it now rather than at the next poll. */
    wake(): void {
      if (!stopped) void tick().finally(schedule);
    },
    /** Waits for the pass in progress and stops polling. Claimed rows not sent stay claimed until they expire. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
