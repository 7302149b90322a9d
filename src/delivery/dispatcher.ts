/**
 * Delivers outbox rows through the channels this process runs: claims due rows atomically, keeps
 * each chat's order, respects each channel's rate limits, retries with backoff, pauses a channel
 * whose flood control says so (without counting that as an attempt), records permanent failures
 * and unreachable citizens. Rows written by another process (the CLI) are picked up by
 * polling; rows written here are sent at once through `wake()`.
 */
import type { Logger } from "pino";
import type { Channel, SendResult } from "../channels/channel.ts";
import type { Clock } from "../core/clock.ts";
import type { Repos } from "../db/repositories/index.ts";
import type { OutboxPayload, OutboxRow } from "../db/repositories/outbox.ts";
import { createPollLoop } from "./poll-loop.ts";
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
  /**
   * True while bulk rows (priority 1, announcements) must wait, e.g. the profile's quiet hours:
   * only replies are claimed then, and bulk resumes by itself when it turns false.
   */
  holdBulk?: (nowMs: number) => boolean;
}

const MIN_PASS_GAP_MS = 5;
/** The shortest wait after a rate-limit refusal that named no time, so it cannot spin. */
const MIN_RATE_LIMIT_WAIT_MS = 1000;

export function createDispatcher(options: DispatcherOptions) {
  const { repos, clock, logger, workerId } = options;
  const channels = new Map(options.channels.map((c) => [c.id as string, c]));
  const limiters = new Map(options.channels.map((c) => [c.id as string, createRateLimiter(c.capabilities, clock)]));
  const channelIds = [...channels.keys()];
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const claimMs = options.claimMs ?? 60_000;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 10;

  function maxPriorityAt(nowMs: number): 0 | undefined {
    return options.holdBulk?.(nowMs) ? 0 : undefined;
  }

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
    if (result.kind === "retry" && result.scope !== undefined) {
      // Flood control: the channel asked us to slow down, nothing is wrong with the row. Waiting is
      // the whole remedy, so it does not count toward maxAttempts (a long flood must not fail rows),
      // and a channel-wide limit stops every send of the channel, not only this chat's.
      const delayMs = Math.max(MIN_RATE_LIMIT_WAIT_MS, result.retryAfterMs);
      if (result.scope === "channel") limiters.get(row.channel)!.pauseUntil(nowMs + delayMs);
      repos.outbox.markRetry(row.id, workerId, nowMs + delayMs, result.reason, { countAttempt: false });
      logger.warn({ outboxId: row.id, channel: row.channel, scope: result.scope, delayMs }, "outbox.rate_limited");
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

  /**
   * One pass: per channel, claims at most as many rows as its global rate limit lets through now
   * (none while the window is full, so a 100,000-row broadcast is not claimed and released over
   * and over) and sends them. Resolves to the number of rows sent.
   */
  async function pass(): Promise<number> {
    const nowMs = clock.nowMs();
    const maxPriority = maxPriorityAt(nowMs);
    let sent = 0;
    for (const channelId of channelIds) {
      const free = limiters.get(channelId)!.freeSlots();
      if (free <= 0) continue;
      const rows = repos.outbox.claim({ channels: [channelId], workerId, nowMs, claimMs, limit: Math.min(batchSize, free), maxPriority });
      for (const row of rows) if (await deliver(row)) sent++;
    }
    return sent;
  }

  /** Runs passes until a pass sends nothing. */
  async function passes(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const sent = await pass();
        total += sent;
        if (sent === 0) break;
      }
    } catch (error) {
      logger.error({ err: error }, "dispatcher.pass_failed");
    }
    return total;
  }

  /** Until the next row a channel can send: due, and its global rate limit open again. */
  function nextDelayMs(): number {
    const nowMs = clock.nowMs();
    // A full window waits for its first free slot instead of polling.
    let untilDueMs = pollIntervalMs;
    for (const channelId of channelIds) {
      const nextDueMs = repos.outbox.nextDueMs([channelId], maxPriorityAt(nowMs));
      if (nextDueMs !== undefined) untilDueMs = Math.min(untilDueMs, Math.max(0, nextDueMs - nowMs, limiters.get(channelId)!.globalWaitMs()));
    }
    // At least a few ms between passes: a row due "now" that cannot be claimed yet must not spin the CPU.
    return Math.max(MIN_PASS_GAP_MS, untilDueMs);
  }

  const loop = createPollLoop(passes, nextDelayMs);
  return {
    /** Runs passes until one sends nothing (never two at once); resolves to the rows sent. */
    tick: loop.tick,
    /** Sends what is due now, then keeps polling. */
    start: loop.start,
    /** Something was just queued: send it now rather than at the next poll. */
    wake: loop.wake,
    /** Waits for the pass in progress and stops polling. Claimed rows not sent stay claimed until they expire. */
    stop: loop.stop,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
