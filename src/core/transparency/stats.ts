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
export type PublicShare = { kind: "share"; count: number; total: number; percent: number; low: number; high: number } | { kind: "few"; count: number; total: number };

/**
 * `count` of `total` as a percentage (one decimal) with its 95 % interval, only when `total`
 * reaches `minCount` (the profile's minimum); below it the page says "pocos casos".
 */
export function publicShare(count: number, total: number, minCount: number): PublicShare {
  if (total < minCount || total === 0) return { kind: "few", count, total };
  const { low, high } = wilsonInterval(count, total);
  return { kind: "share", count, total, percent: round1((100 * count) / total), low: round1(100 * low), high: round1(100 * high) };
}

/** Median of the values (mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of a histogram (value → how many times), as {@link median} would give on the expanded list. */
export function medianOfCounts(counts: ReadonlyMap<number, number>): number | null {
  const entries = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const at = (index: number): number => {
    let seen = 0;
    for (const [value, n] of entries) {
      seen += n;
      if (index < seen) return value;
    }
    return entries.at(-1)![0];
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
