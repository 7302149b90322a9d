import type { Clock } from "../core/clock.ts";

/** The real clock, for the composition roots (bot, CLI). */
export const systemClock: Clock = { nowMs: () => Date.now() };
