import { describe, expect, it } from "vitest";
import { createManualClock } from "../../src/core/clock.ts";
import { backoffMs, createRateLimiter } from "../../src/delivery/rate-limit.ts";

const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);
const FIFTEEN_MINUTES_MS = 15 * 60_000;

describe("createRateLimiter: sliding window over all chats", () => {
  it("lets `rate` sends go at once, then none until the window has passed", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 5, ratePerChatPerSecond: 0 }, clock);

    for (let i = 0; i < 5; i++) expect(limiter.take(`chat-${i}`)).toBe(0);
    // Sliding window: the sixth send waits until the first is a full second old.
    expect(limiter.take("chat-5")).toBe(1000);
    clock.advanceMs(950);
    expect(limiter.take("chat-5")).toBe(50);
    clock.advanceMs(50);
    expect(limiter.take("chat-5")).toBe(0);
    expect(limiter.take("chat-6")).toBe(0);
    expect(limiter.take("chat-7")).toBe(0);
  });

  it("never refills beyond its capacity, however long it idles", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 3, ratePerChatPerSecond: 0 }, clock);
    clock.advanceMs(60 * 60_000);
    let granted = 0;
    for (let i = 0; i < 20; i++) if (limiter.take(`chat-${i}`) === 0) granted++;
    expect(granted).toBe(3);
  });

  it("a refused take costs no token", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 2, ratePerChatPerSecond: 0 }, clock);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("b")).toBe(0);
    // Ten refusals in a row…
    for (let i = 0; i < 10; i++) expect(limiter.take(`c-${i}`)).toBeGreaterThan(0);
    // …do not push the next slot further away: it still comes 1 s after the first send.
    clock.advanceMs(1000);
    expect(limiter.take("z")).toBe(0);
  });

  it("a rate below one per second still lets one message through, then waits the full interval", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 0.5, ratePerChatPerSecond: 0 }, clock);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("b")).toBe(2000);
    clock.advanceMs(1999);
    expect(limiter.take("b")).toBe(1);
    clock.advanceMs(1);
    expect(limiter.take("b")).toBe(0);
  });

  it("over a long run, sends stay at the rate plus the initial burst", () => {
    const clock = createManualClock(T0);
    const rate = 30;
    const limiter = createRateLimiter({ ratePerSecond: rate, ratePerChatPerSecond: 0 }, clock);
    let sent = 0;
    // Try 100 sends every 10 ms for 20 simulated seconds.
    for (let step = 0; step < 2000; step++) {
      for (let i = 0; i < 100; i++) if (limiter.take(`chat-${i}`) === 0) sent++;
      clock.advanceMs(10);
    }
    expect(sent).toBeLessThanOrEqual(rate * 20 + rate);
    expect(sent).toBeGreaterThanOrEqual(rate * 20 - 1);
  });

  it("an infinite rate with no per-chat limit never waits", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: Infinity, ratePerChatPerSecond: 0 }, clock);
    for (let i = 0; i < 10_000; i++) expect(limiter.take("same-chat")).toBe(0);
  });
});

describe("createRateLimiter: pause (flood control)", () => {
  it("lets nothing through until the pause ends, with or without a global limit", () => {
    for (const ratePerSecond of [30, Infinity]) {
      const clock = createManualClock(T0);
      const limiter = createRateLimiter({ ratePerSecond, ratePerChatPerSecond: 0 }, clock);
      limiter.pauseUntil(T0 + 5000);
      limiter.pauseUntil(T0 + 1000); // an earlier pause does not shorten it
      expect(limiter.freeSlots()).toBe(0);
      expect(limiter.globalWaitMs()).toBe(5000);
      expect(limiter.take("chat-1")).toBe(5000);
      clock.advanceMs(4999);
      expect(limiter.take("chat-2")).toBe(1);
      clock.advanceMs(1);
      expect(limiter.freeSlots()).toBeGreaterThan(0);
      expect(limiter.globalWaitMs()).toBe(0);
      expect(limiter.take("chat-1")).toBe(0);
    }
  });
});

describe("createRateLimiter: minimum interval per chat", () => {
  it("one message per second to the same chat, others unaffected", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 100, ratePerChatPerSecond: 1 }, clock);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1000);
    expect(limiter.take("b")).toBe(0);
    clock.advanceMs(400);
    expect(limiter.take("a")).toBe(600);
    clock.advanceMs(599);
    expect(limiter.take("a")).toBe(1);
    clock.advanceMs(1);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1000);
  });

  it("a per-chat refusal costs no global token", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 2, ratePerChatPerSecond: 1 }, clock);
    expect(limiter.take("a")).toBe(0);
    for (let i = 0; i < 5; i++) expect(limiter.take("a")).toBe(1000);
    // One slot is left for another chat.
    expect(limiter.take("b")).toBe(0);
    expect(limiter.take("c")).toBe(1000);
  });

  it("the per-chat wait is asked before the global one (a chat never overtakes its own slot)", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 1, ratePerChatPerSecond: 0.5 }, clock);
    expect(limiter.take("a")).toBe(0);
    // Bucket empty (1000 ms) and chat busy (2000 ms): the longer, per-chat wait is reported.
    expect(limiter.take("a")).toBe(2000);
    expect(limiter.take("b")).toBe(1000);
  });

  it("keeps per-chat limits for recent chats when it prunes a large table", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 1_000_000, ratePerChatPerSecond: 1 }, clock);
    for (let i = 0; i < 50_000; i++) expect(limiter.take(`old-${i}`)).toBe(0);
    clock.advanceMs(61_000);
    // The 50 001st chat triggers the prune of chats idle for over a minute.
    expect(limiter.take("recent")).toBe(0);
    expect(limiter.take("recent")).toBe(1000);
    expect(limiter.take("old-0")).toBe(0);
    expect(limiter.take("old-0")).toBe(1000);
  });
});

describe("backoffMs", () => {
  it("starts near 2 s and doubles with each attempt (same seed, same jitter)", () => {
    for (const seed of [1, 2, 7, 42, 999, 123_456]) {
      const first = backoffMs(1, seed);
      expect(first).toBeGreaterThanOrEqual(1500);
      expect(first).toBeLessThanOrEqual(2000);
      let previous = first;
      for (let attempt = 2; attempt <= 9; attempt++) {
        const next = backoffMs(attempt, seed);
        expect(next).toBeGreaterThan(previous);
        expect(Math.abs(next - 2 * previous)).toBeLessThanOrEqual(1);
        previous = next;
      }
    }
  });

  it("is capped at 15 minutes, however many attempts", () => {
    for (const attempt of [10, 11, 12, 20, 50, 1000, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      for (const seed of [1, 3, 500, 65_537]) {
        const delay = backoffMs(attempt, seed);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeLessThanOrEqual(FIFTEEN_MINUTES_MS);
        expect(delay).toBeGreaterThanOrEqual(0.75 * FIFTEEN_MINUTES_MS);
      }
    }
  });

  it("jitter stays within [0.75, 1] of the base, varies between rows, and is deterministic", () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 5_000; seed++) {
      for (const [attempt, base] of [
        [1, 2000],
        [4, 16_000],
        [12, FIFTEEN_MINUTES_MS],
      ] as const) {
        const delay = backoffMs(attempt, seed);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(0.75 * base));
        expect(delay).toBeLessThanOrEqual(base);
        if (attempt === 1) seen.add(delay);
      }
      expect(backoffMs(3, seed)).toBe(backoffMs(3, seed));
    }
    // Rows retrying at the same moment spread out instead of retrying in lockstep.
    expect(seen.size).toBeGreaterThan(100);
  });

  it("stays bounded for ids far beyond 2^32 (float precision in the jitter hash)", () => {
    for (const seed of [2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffMs(1, seed);
      expect(delay).toBeGreaterThanOrEqual(1500);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it("treats attempt 0 or below as the first attempt", () => {
    expect(backoffMs(0, 5)).toBe(backoffMs(1, 5));
    expect(backoffMs(-3, 5)).toBe(backoffMs(1, 5));
  });
});

describe("createRateLimiter: per-chat limit without a global limit", () => {
  it("still spaces messages to one chat when the global rate is unlimited", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: Infinity, ratePerChatPerSecond: 1 }, clock);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1000);
    expect(limiter.take("b")).toBe(0);
  });

  it("rejects a zero rate instead of stalling forever", () => {
    expect(() => createRateLimiter({ ratePerSecond: 0, ratePerChatPerSecond: 0 }, createManualClock(T0))).toThrow(
      RangeError,
    );
  });
});

describe("createRateLimiter: per-chat burst (WhatsApp Cloud's pair rate)", () => {
  it("lets a short burst to one chat through, then one per interval, and refills while idle", () => {
    const clock = createManualClock(T0);
    const limiter = createRateLimiter({ ratePerSecond: 80, ratePerChatPerSecond: 1 / 6, ratePerChatBurst: 3 }, clock);
    expect([limiter.take("ana"), limiter.take("ana"), limiter.take("ana")]).toEqual([0, 0, 0]);
    expect(limiter.take("ana")).toBe(6000);
    expect(limiter.take("luis")).toBe(0); // other chats are not held
    clock.advanceMs(6000);
    expect(limiter.take("ana")).toBe(0);
    expect(limiter.take("ana")).toBe(6000);
    clock.advanceMs(60_000);
    expect([limiter.take("ana"), limiter.take("ana"), limiter.take("ana"), limiter.take("ana")]).toEqual([
      0, 0, 0, 6000,
    ]);
  });
});
