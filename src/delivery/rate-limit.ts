/**
 * Send-rate limits on an injected clock: at most `ratePerSecond` sends in any sliding 1-second
 * window over all chats of a channel (a token bucket would let a burst of almost 2× through in the
 * first second), and a minimum interval per chat. Written here (not a package) because the common
 * limiters read Date.now() themselves, and delivery must be testable on a fake clock.
 */
import type { Clock } from "../core/clock.ts";

export interface RateLimits {
  /** Sends per second over all chats; Infinity for no global limit. Must be > 0. */
  ratePerSecond: number;
  /** Sends per second to one chat; 0 for no per-chat limit. */
  ratePerChatPerSecond: number;
}

const WINDOW_MS = 1000;

export function createRateLimiter(limits: RateLimits, clock: Clock) {
  if (!(limits.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0 (got ${limits.ratePerSecond})`);
  const globalLimited = Number.isFinite(limits.ratePerSecond);
  // Ring of the last `capacity` send times: a send is allowed when the oldest is a window old.
  const capacity = globalLimited ? Math.max(1, Math.floor(limits.ratePerSecond)) : 0;
  const windowMs = globalLimited && limits.ratePerSecond < 1 ? WINDOW_MS / limits.ratePerSecond : WINDOW_MS;
  const ring = new Array<number>(capacity).fill(-Infinity);
  let head = 0;
  const perChatIntervalMs = limits.ratePerChatPerSecond > 0 ? 1000 / limits.ratePerChatPerSecond : 0;
  const lastSentByChat = new Map<string, number>();

  function pruneOlderThan(limitMs: number): void {
    for (const [chat, at] of lastSentByChat) if (at < limitMs) lastSentByChat.delete(chat);
  }

  return {
    /** 0 if a message to `chat` may go now (and takes the slot), else how long to wait, in ms. */
    take(chat: string): number {
      const nowMs = clock.nowMs();
      if (perChatIntervalMs > 0) {
        const chatWaitMs = perChatIntervalMs - (nowMs - (lastSentByChat.get(chat) ?? -Infinity));
        if (chatWaitMs > 0) return Math.ceil(chatWaitMs);
      }
      if (globalLimited) {
        const globalWaitMs = ring[head]! + windowMs - nowMs;
        if (globalWaitMs > 0) return Math.ceil(globalWaitMs);
        ring[head] = nowMs;
        head = (head + 1) % capacity;
      }
      if (perChatIntervalMs > 0) {
        lastSentByChat.set(chat, nowMs);
        if (lastSentByChat.size > 50_000) pruneOlderThan(nowMs - perChatIntervalMs);
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
