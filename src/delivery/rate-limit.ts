/**
 * Send-rate limits on an injected clock: a token bucket over all chats of a channel and a minimum
 * interval per chat. Written here (not a package) because the common limiters read Date.now()
 * themselves, and delivery must be testable on a fake clock.
 */
import type { Clock } from "../core/clock.ts";

export interface RateLimits {
  ratePerSecond: number;
  ratePerChatPerSecond: number;
}

export function createRateLimiter(limits: RateLimits, clock: Clock) {
  const capacity = Math.max(1, limits.ratePerSecond);
  let tokens = capacity;
  let refilledAtMs = clock.nowMs();
  const perChatIntervalMs = limits.ratePerChatPerSecond > 0 ? 1000 / limits.ratePerChatPerSecond : 0;
  const lastSentByChat = new Map<string, number>();

  function refill(nowMs: number): void {
    tokens = Math.min(capacity, tokens + ((nowMs - refilledAtMs) * limits.ratePerSecond) / 1000);
    refilledAtMs = nowMs;
  }

  return {
    /** 0 if a message to `chat` may go now (and takes the slot), else how long to wait, in ms. */
    take(chat: string): number {
      if (!Number.isFinite(limits.ratePerSecond)) return 0;
      const nowMs = clock.nowMs();
      refill(nowMs);
      const chatWaitMs = perChatIntervalMs - (nowMs - (lastSentByChat.get(chat) ?? -Infinity));
      if (chatWaitMs > 0) return Math.ceil(chatWaitMs);
      if (tokens < 1) return Math.ceil(((1 - tokens) * 1000) / limits.ratePerSecond);
      tokens -= 1;
      lastSentByChat.set(chat, nowMs);
      if (lastSentByChat.size > 50_000) pruneOlderThan(nowMs - 60_000);
      return 0;
    },
  };

  function pruneOlderThan(limitMs: number): void {
    for (const [chat, at] of lastSentByChat) if (at < limitMs) lastSentByChat.delete(chat);
  }
}

/** Exponential backoff with deterministic jitter: 2 s, 4 s, 8 s … capped at 15 min. */
export function backoffMs(attempt: number, seed: number): number {
  const base = Math.min(15 * 60_000, 2000 * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.75 + ((seed * 2654435761) % 1000) / 4000;
  return Math.round(base * jitter);
}
