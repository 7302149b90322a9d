/** The source of time. Domain code takes it as a parameter so tests can drive it. */
export interface Clock {
  /** Current instant, epoch milliseconds UTC. */
  nowMs(): number;
}

/** A clock that moves only when told to. */
export function createManualClock(
  startMs: number,
): Clock & { advanceMs(deltaMs: number): void; setMs(ms: number): void } {
  let current = startMs;
  return {
    nowMs: () => current,
    advanceMs: (deltaMs) => {
      current += deltaMs;
    },
    setMs: (ms) => {
      current = ms;
    },
  };
}
