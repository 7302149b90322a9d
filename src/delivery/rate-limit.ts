/**
 * Send-rate limits on an injected clock: at most `ratePerSecond` sends in any sliding 1-second
 * window over all chats of a channel (a token bucket would let a burst of almost 2× through in the
 * first second), a minimum interval per chat (after an optional burst), and optionally at most N sends per sliding minute to
 * a group chat (Telegram's 20 per minute per group), and a pause of the whole channel when its flood
 * control asks for one (`pauseUntil`). Written here (not a package) because the common
 * limiters read Date.now() themselves, and delivery must be testable on a fake clock.
 */
import type { Clock } from "../core/clock.ts";

export interface RateLimits {
  /** Sends per second over all chats; Infinity for no global limit. Must be > 0. */
  ratePerSecond: number;
  /** Sends per second to one chat; 0 for no per-chat limit. */
  ratePerChatPerSecond: number;
  /** Sends to one chat let through at once before `ratePerChatPerSecond` applies (WhatsApp Cloud's pair rate); default 1. */
  ratePerChatBurst?: number;
  /** Sends in any sliding minute to one group chat (Telegram: 20); needs `isGroupAddress`. */
  ratePerGroupPerMinute?: number;
  isGroupAddress?: (chat: string) => boolean;
  /** Up to this many extra milliseconds, drawn from `random`, added after each send before the next global slot. */
  sendJitterMs?: number;
}

const WINDOW_MS = 1000;
const GROUP_WINDOW_MS = 60_000;

export function createRateLimiter(limits: RateLimits, clock: Clock, random: () => number = Math.random) {
  if (!(limits.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0 (got ${limits.ratePerSecond})`);
  const globalLimited = Number.isFinite(limits.ratePerSecond);
  // Ring of the last `capacity` send times: a send is allowed when the oldest is a window old.
  const capacity = globalLimited ? Math.max(1, Math.floor(limits.ratePerSecond)) : 0;
  const windowMs = globalLimited && limits.ratePerSecond < 1 ? WINDOW_MS / limits.ratePerSecond : WINDOW_MS;
  const ring = new Array<number>(capacity).fill(-Infinity);
  let head = 0;
  const perChatIntervalMs = limits.ratePerChatPerSecond > 0 ? 1000 / limits.ratePerChatPerSecond : 0;
  const chatBurst = Math.max(1, Math.floor(limits.ratePerChatBurst ?? 1));
  // Per chat, when its budget is whole again (GCRA's "theoretical arrival time"): with a burst of 1,
  // the time of the last send plus the interval.
  const chatFullAtMs = new Map<string, number>();
  const groupCapacity =
    limits.ratePerGroupPerMinute && limits.isGroupAddress ? Math.max(1, Math.floor(limits.ratePerGroupPerMinute)) : 0;
  // Per group, the times of its last `groupCapacity` sends, oldest first.
  const sentByGroup = new Map<string, number[]>();
  // No send at all before this instant (the channel's flood control asked us to stop).
  let pausedUntilMs = -Infinity;

  function pauseWaitMs(nowMs: number): number {
    return Math.max(0, Math.ceil(pausedUntilMs - nowMs));
  }

  function groupWaitMs(chat: string, nowMs: number): number {
    if (groupCapacity === 0 || !limits.isGroupAddress!(chat)) return 0;
    const times = sentByGroup.get(chat);
    if (!times || times.length < groupCapacity) return 0;
    return Math.max(0, times[0]! + GROUP_WINDOW_MS - nowMs);
  }

  function recordGroupSend(chat: string, nowMs: number): void {
    if (groupCapacity === 0 || !limits.isGroupAddress!(chat)) return;
    const times = sentByGroup.get(chat) ?? [];
    times.push(nowMs);
    if (times.length > groupCapacity) times.shift();
    sentByGroup.set(chat, times);
  }

  function pruneBefore(nowMs: number): void {
    for (const [chat, at] of chatFullAtMs) if (at < nowMs) chatFullAtMs.delete(chat);
  }

  return {
    /**
     * How many sends the global limit lets through now, before any waits (Infinity without a global
     * limit). The dispatcher claims no more rows than this, so a full window costs no claims.
     */
    freeSlots(): number {
      const nowMs = clock.nowMs();
      if (pauseWaitMs(nowMs) > 0) return 0;
      if (!globalLimited) return Infinity;
      let free = 0;
      while (free < capacity && ring[(head + free) % capacity]! + windowMs <= nowMs) free++;
      return free;
    },
    /** Milliseconds until the global limit lets the next send through (0 when it would now). */
    globalWaitMs(): number {
      const nowMs = clock.nowMs();
      if (!globalLimited) return pauseWaitMs(nowMs);
      return Math.max(pauseWaitMs(nowMs), Math.ceil(ring[head]! + windowMs - nowMs));
    },
    /**
     * Lets nothing through before `untilMs` (the channel said it is flooded and when to resume);
     * an earlier pause than one already set changes nothing.
     */
    pauseUntil(untilMs: number): void {
      pausedUntilMs = Math.max(pausedUntilMs, untilMs);
    },
    /** 0 if a message to `chat` may go now (and takes the slot), else how long to wait, in ms. */
    take(chat: string): number {
      const nowMs = clock.nowMs();
      const pauseWait = pauseWaitMs(nowMs);
      if (pauseWait > 0) return pauseWait;
      if (perChatIntervalMs > 0) {
        const chatWaitMs = (chatFullAtMs.get(chat) ?? -Infinity) - nowMs - (chatBurst - 1) * perChatIntervalMs;
        if (chatWaitMs > 0) return Math.ceil(chatWaitMs);
      }
      const groupWait = groupWaitMs(chat, nowMs);
      if (groupWait > 0) return Math.ceil(groupWait);
      if (globalLimited) {
        const globalWaitMs = ring[head]! + windowMs - nowMs;
        if (globalWaitMs > 0) return Math.ceil(globalWaitMs);
        ring[head] = nowMs + (limits.sendJitterMs ? Math.floor(random() * limits.sendJitterMs) : 0);
        head = (head + 1) % capacity;
      }
      recordGroupSend(chat, nowMs);
      if (perChatIntervalMs > 0) {
        chatFullAtMs.set(chat, Math.max(chatFullAtMs.get(chat) ?? -Infinity, nowMs) + perChatIntervalMs);
        if (chatFullAtMs.size > 50_000) pruneBefore(nowMs);
      }
      return 0;
    },
  };
}

/** Exponential backoff with deterministic jitter: 2 s, 4 s, 8 s … capped at 15 min. */
export function backoffMs(attempt: number, seed: number): number {
  const base = Math.min(15 * 60_000, 2000 * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.75 + ((seed * 2654435761) % 1000) / 4000;
  return Math.round(base * jitter);
}
