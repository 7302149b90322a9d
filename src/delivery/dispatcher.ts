/**
 * Delivers outbox rows through the channels this process runs: claims due rows atomically, keeps
 * each chat's order, respects each channel's rate limits, retries with backoff, pauses a channel
 * whose flood control says so (without counting that as an attempt), records permanent failures
 * and unreachable citizens. Rows written by another process (the CLI) are picked up by
 * polling; rows written here are sent at once through `wake()`.
 *
 * The window between "sent" at the channel and "sent" in the database is explicit (issue 19): each
 * attempt is recorded before the channel is called. When the outcome is unknown (the process died
 * mid-send, found later by the attempt mark; or the connection dropped after the request), the
 * row's guarantee decides: `at_least_once` rows (replies, answers, legal notices) are sent again,
 * `at_most_once` rows (announcements, reminders, surveys) become `uncertain` and are not.
 * Rows for a chat already known unreachable are settled without calling the channel.
 *
 * Several processes may share the database (issue 13): claims never overlap (the repository's
 * claim), and a channel-wide pause one process is told (Telegram's 429) is written to
 * `channel_pauses` and read by every dispatcher at least every `pauseRefreshMs`.
 */
import type { Logger } from "pino";
import type { Channel, MessageOrigin, SendResult } from "../channels/channel.ts";
import type { Clock } from "../core/clock.ts";
import type { Repos } from "../db/port.ts";
import type { OutboxPayload, OutboxRow } from "../db/repositories/outbox.ts";
import { createPollLoop } from "./poll-loop.ts";
import { backoffMs, createRateLimiter } from "./rate-limit.ts";
import { createWorkerLease, type WorkerLease } from "./worker-lease.ts";

export interface DispatcherOptions {
  repos: Repos;
  channels: readonly Channel[];
  clock: Clock;
  logger: Logger;
  /** Unique per process; claims carry it. */
  workerId: string;
  /** How often to look for rows written by other processes. */
  pollIntervalMs?: number;
  /**
   * The worker lease claims are taken under (shared with the scheduler in a bot process); without
   * one the dispatcher keeps its own, `claimMs` long, started and stopped with it.
   */
  lease?: WorkerLease;
  /** Length of the dispatcher's own lease (without `lease`): how long claims last unrenewed. Default 10 s. */
  claimMs?: number;
  /** Longest wait for one send before its outcome counts as unknown. Real time. Default 60 s. */
  sendTimeoutMs?: number;
  /** Longest round of passes `tick()` waits for, in real time. Default 500 ms. */
  maxRoundMs?: number;
  /** How often, in real time, to read the channel pauses other processes were told. Default 500 ms. */
  pauseRefreshMs?: number;
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
  const ownLease = options.lease === undefined;
  const lease =
    options.lease ?? createWorkerLease({ repos, clock, logger, workerId, leaseMs: options.claimMs ?? 10_000 });
  const sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
  const maxRoundMs = options.maxRoundMs ?? 500;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 10;
  const pauseRefreshMs = options.pauseRefreshMs ?? 500;
  let pausesReadAtMs = -Infinity;

  /** Applies the pauses stored by any process (this one included), at most every pauseRefreshMs. */
  async function refreshPauses(): Promise<void> {
    if (Date.now() - pausesReadAtMs < pauseRefreshMs) return;
    pausesReadAtMs = Date.now();
    for (const pause of await repos.channelPauses.active(channelIds, clock.nowMs()))
      limiters.get(pause.channel)?.pauseUntil(pause.pausedUntilMs);
  }

  function maxPriorityAt(nowMs: number): 0 | undefined {
    return options.holdBulk?.(nowMs) ? 0 : undefined;
  }

  async function deliver(row: OutboxRow): Promise<boolean> {
    if (row.attemptStartedAtMs !== null) {
      // A send of this row started under a claim that lapsed: its process died mid-send.
      if (row.guarantee === "at_most_once") {
        await repos.outbox.markUncertain(row.id, workerId, "interrupted: the process stopped during the send");
        logger.warn({ outboxId: row.id, channel: row.channel }, "outbox.uncertain");
        return false;
      }
      logger.info({ outboxId: row.id, channel: row.channel }, "outbox.resend_interrupted");
    }
    if (await repos.citizens.isUnreachable(row.channel, row.address)) {
      await repos.outbox.markFailed(row.id, workerId, "unreachable", "chat unreachable: not attempted", {
        countAttempt: false,
      });
      await repos.outbox.settleUnreachableChat(
        row.channel,
        row.address,
        "chat unreachable: not attempted",
        clock.nowMs(),
      );
      return false;
    }
    const channel = channels.get(row.channel)!;
    const waitMs = limiters.get(row.channel)!.take(row.address);
    if (waitMs > 0) {
      await repos.outbox.release(row.id, workerId, clock.nowMs() + waitMs);
      return false;
    }
    if (!(await repos.outbox.markAttempt(row.id, workerId, clock.nowMs()))) return false;
    const payload = JSON.parse(row.payload) as OutboxPayload;
    const result = await sendBounded(channel, { address: row.address, ...payload }, originOf(row));
    await record(row, result);
    return result.ok;
  }

  /** The channel's send, bounded by sendTimeoutMs; a throw or a timeout is an unknown outcome. */
  async function sendBounded(
    channel: Channel,
    message: Parameters<Channel["send"]>[0],
    origin: MessageOrigin,
  ): Promise<SendResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SendResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            kind: "retry",
            retryAfterMs: 0,
            reason: `no answer within ${sendTimeoutMs} ms`,
            ambiguous: true,
          }),
        sendTimeoutMs,
      );
    });
    try {
      return await Promise.race([channel.send(message, origin), timeout]);
    } catch (error) {
      return {
        ok: false,
        kind: "retry",
        retryAfterMs: 0,
        reason: `adapter threw: ${(error as Error).message}`,
        ambiguous: true,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function record(row: OutboxRow, result: SendResult): Promise<void> {
    const nowMs = clock.nowMs();
    if (result.ok) {
      await repos.outbox.markSent(row.id, workerId, result.channelMessageId, nowMs);
      if (result.template !== undefined) await repos.outbox.recordTemplate(row.id, result.template);
      return;
    }
    if (result.kind === "retry" && result.ambiguous && row.guarantee === "at_most_once") {
      // The message may have arrived: a bulk message is not repeated (issue 19).
      await repos.outbox.markUncertain(row.id, workerId, result.reason);
      logger.warn({ outboxId: row.id, channel: row.channel }, "outbox.uncertain");
      return;
    }
    if (result.kind === "retry" && result.scope !== undefined) {
      // Flood control: the channel asked us to slow down, nothing is wrong with the row. Waiting is
      // the whole remedy, so it does not count toward maxAttempts (a long flood must not fail rows),
      // and a channel-wide limit stops every send of the channel, not only this chat's.
      const delayMs = Math.max(MIN_RATE_LIMIT_WAIT_MS, result.retryAfterMs);
      if (result.scope === "channel") {
        limiters.get(row.channel)!.pauseUntil(nowMs + delayMs);
        // Every process sending on this channel stops too, not only this one.
        await repos.channelPauses.pauseUntil(row.channel, nowMs + delayMs, result.reason, nowMs);
      }
      await repos.outbox.markRetry(row.id, workerId, nowMs + delayMs, result.reason, { countAttempt: false });
      logger.warn({ outboxId: row.id, channel: row.channel, scope: result.scope, delayMs }, "outbox.rate_limited");
      return;
    }
    if (result.kind === "permanent" || row.attempts + 1 >= maxAttempts) {
      const unreachable = result.kind === "permanent" && result.unreachable;
      await repos.outbox.markFailed(row.id, workerId, unreachable ? "unreachable" : "failed", result.reason);
      if (unreachable) {
        await repos.citizens.markUnreachable(row.channel, row.address, nowMs);
        await repos.outbox.settleUnreachableChat(row.channel, row.address, "chat unreachable: not attempted", nowMs);
      }
      logger.warn(
        { outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, reason: result.reason },
        "outbox.failed",
      );
      return;
    }
    const delayMs = Math.max(result.retryAfterMs, backoffMs(row.attempts + 1, row.id));
    await repos.outbox.markRetry(row.id, workerId, nowMs + delayMs, result.reason);
    logger.info({ outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, delayMs }, "outbox.retry");
  }

  /**
   * One pass: per channel, claims at most as many rows as its global rate limit lets through now
   * (none while the window is full, so a 100,000-row broadcast is not claimed and released over
   * and over) and sends them. Resolves to the rows sent and the replies (priority 0) among those claimed.
   */
  async function pass(): Promise<{ sent: number; replies: number }> {
    await refreshPauses();
    const nowMs = clock.nowMs();
    const maxPriority = maxPriorityAt(nowMs);
    let sent = 0;
    let replies = 0;
    for (const channelId of channelIds) {
      if (channels.get(channelId)!.canSend?.() === false) continue;
      const free = limiters.get(channelId)!.freeSlots();
      if (free <= 0) continue;
      const rows = await repos.outbox.claim({
        channels: [channelId],
        workerId,
        nowMs,
        claimMs: lease.untilMs() - nowMs,
        limit: Math.min(batchSize, free),
        maxPriority,
      });
      for (const row of rows) {
        if (row.priority === 0) replies++;
        if (await deliver(row)) sent++;
      }
    }
    return { sent, replies };
  }

  /**
   * Runs passes until a pass sends nothing, or, past maxRoundMs of real time, until a pass carries
   * no reply: during a long broadcast every pass sends something, and a caller awaiting `tick()`
   * (an inbound message's handler, which the Telegram poller awaits before fetching more updates)
   * must not wait for the whole broadcast. The poll loop starts the next round a few milliseconds later.
   */
  async function passes(): Promise<number> {
    let total = 0;
    const roundStartedAt = Date.now();
    try {
      for (;;) {
        const { sent, replies } = await pass();
        total += sent;
        // A round ends when nothing was sent, or past maxRoundMs once a pass carried only bulk
        // rows: a reply queued meanwhile is always claimed (replies first) before the round ends.
        if (sent === 0 || (replies === 0 && Date.now() - roundStartedAt >= maxRoundMs)) break;
      }
    } catch (error) {
      logger.error({ err: error }, "dispatcher.pass_failed");
    }
    return total;
  }

  /** Until the next row a channel can send: due, and its global rate limit open again. */
  async function nextDelayMs(): Promise<number> {
    await refreshPauses();
    const nowMs = clock.nowMs();
    // A full window waits for its first free slot instead of polling.
    let untilDueMs = pollIntervalMs;
    for (const channelId of channelIds) {
      if (channels.get(channelId)!.canSend?.() === false) continue;
      const nextDueMs = await repos.outbox.nextDueMs([channelId], maxPriorityAt(nowMs), nowMs);
      if (nextDueMs !== undefined)
        untilDueMs = Math.min(untilDueMs, Math.max(0, nextDueMs - nowMs, limiters.get(channelId)!.globalWaitMs()));
    }
    // At least a few ms between passes: a row due "now" that cannot be claimed yet must not spin the CPU.
    return Math.max(MIN_PASS_GAP_MS, untilDueMs);
  }

  const loop = createPollLoop(passes, nextDelayMs);
  return {
    /** Runs passes until one sends nothing (never two at once); resolves to the rows sent. */
    tick: loop.tick,
    /** Sends what was queued before this call, even when a pass is already running. */
    flush: loop.flush,
    /** Starts the lease (when the dispatcher owns it), sends what is due now, then keeps polling. */
    async start(): Promise<void> {
      if (ownLease) await lease.start();
      loop.start();
    },
    /** Something was just queued: send it now rather than at the next poll. */
    wake: loop.wake,
    /** Waits for the pass in progress and stops polling; its own lease gives back unsent claims. */
    async stop(): Promise<void> {
      await loop.stop();
      if (ownLease) await lease.stop();
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

function originOf(row: OutboxRow): MessageOrigin {
  return {
    outboxId: row.id,
    idempotencyKey: row.idempotencyKey,
    priority: row.priority,
    citizenId: row.citizenId,
    questionId: row.questionId,
  };
}
