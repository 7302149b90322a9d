/**
 * Figures for the public pages (issue 15): proportions with a 95 % Wilson score interval, shown
 * only from a minimum number of cases, and medians. Pure.
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval of `successes` out of `total` (Wilson 1927; Newcombe 1998 method 3), as
 * fractions 0..1. Unlike the normal approximation it stays inside [0, 1] and behaves with small
 * counts and proportions near 0 or 1. `total` must be ≥ 1 and `successes` in [0, total].
 */
export function wilsonInterval(successes: number, total: number, z = Z_95): Interval {
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(successes) || successes < 0 || successes > total) {
    throw new RangeError(`wilsonInterval: need integers 0 ≤ successes ≤ total, total ≥ 1 (got ${successes}/${total})`);
  }
  const p = successes / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** A share the public pages may print: the percentage and its interval, or "pocos casos". */
export type PublicShare =
  | { kind: "share"; count: number; total: number; percent: number; low: number; high: number }
  | { kind: "few"; count: number; total: number };

/**
 * `count` of `total` as a percentage (one decimal) with its 95 % interval, only when `total`
 * reaches `minCount` (the profile's minimum); below it the page says "pocos casos".
 */
export function publicShare(count: number, total: number, minCount: number): PublicShare {
  if (total < minCount || total === 0) return { kind: "few", count, total };
  const { low, high } = wilsonInterval(count, total);
  return {
    kind: "share",
    count,
    total,
    percent: round1((100 * count) / total),
    low: round1(100 * low),
    high: round1(100 * high),
  };
}

// One median for every figure (src/core/answer-tally.ts computes them all).
export { median } from "../questions-report.ts";
export { medianOfHistogram as medianOfCounts } from "../answer-tally.ts";

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
