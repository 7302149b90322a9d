/**
 * Statistical disclosure control for published survey tables (issue 15): a cell that counts
 * people by a personal trait (district, age, answer by segment) below a threshold is suppressed
 * (primary suppression), and further cells are suppressed (complementary suppression) so that no
 * suppressed value can be worked out from the row and column totals that stay visible.
 *
 * The rule, per row and per column with a visible total: if any cell in the line is suppressed,
 * the suppressed cells of the line must be at least two and add up to at least the threshold;
 * otherwise the smallest visible non-zero cell is suppressed too, and the check repeats over all
 * lines until nothing changes. Zero cells count nobody and are always shown. A line whose only
 * people are in one small cell (e.g. a row total under 5) cannot be protected by cells: callers
 * pool such rows (src/services/transparency/surveys.ts). Pure.
 *
 * A table whose last row is the column sums of the others (everyone, under the segments) is
 * protected the same way: each column line then holds the segments and their sum.
 */

/** Threshold of the issue: any cell under 5 people is suppressed. */
export const MIN_CELL = 5;

export interface SuppressedTable {
  /** Cell values, or null where suppressed. */
  cells: (number | null)[][];
  rowTotals: number[];
  columnTotals: number[];
  total: number;
}

/**
 * Suppresses a table of counts (rows × columns, all rows the same length) whose row totals,
 * column totals and grand total are published. `minCell` is the smallest count shown (1..minCell-1
 * are suppressed).
 */
export function suppressTable(counts: readonly (readonly number[])[], minCell = MIN_CELL): SuppressedTable {
  const rows = counts.length;
  const columns = rows ? counts[0]!.length : 0;
  for (const row of counts) {
    if (row.length !== columns) throw new RangeError("suppressTable: every row needs the same number of columns");
    for (const v of row)
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`suppressTable: counts are whole numbers ≥ 0 (got ${v})`);
  }
  const hidden = counts.map((row) => row.map((v) => v > 0 && v < minCell));
  const lines: [number, number][][] = [
    ...counts.map((_, r) => Array.from({ length: columns }, (_, c) => [r, c] as [number, number])),
    // A column with a single row is the row itself: checking it again adds nothing.
    ...(rows > 1
      ? Array.from({ length: columns }, (_, c) => Array.from({ length: rows }, (_, r) => [r, c] as [number, number]))
      : []),
  ];
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      if (protectLine(line, counts, hidden, minCell)) changed = true;
    }
  }
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = Array.from({ length: columns }, (_, c) => counts.reduce((sum, row) => sum + row[c]!, 0));
  return {
    cells: counts.map((row, r) => row.map((v, c) => (hidden[r]![c] ? null : v))),
    rowTotals,
    columnTotals,
    total: rowTotals.reduce((a, b) => a + b, 0),
  };
}

/** Suppresses one more cell of the line if its suppressed cells could be recovered or are too small together. */
function protectLine(
  line: readonly [number, number][],
  counts: readonly (readonly number[])[],
  hidden: boolean[][],
  minCell: number,
): boolean {
  const suppressed = line.filter(([r, c]) => hidden[r]![c]);
  if (suppressed.length === 0) return false;
  const sum = suppressed.reduce((s, [r, c]) => s + counts[r]![c]!, 0);
  if (suppressed.length >= 2 && sum >= minCell) return false;
  const value = ([r, c]: [number, number]) => counts[r]![c]!;
  // Zeros are never hidden: a zero counts nobody, and hiding one starts a cascade through its other line.
  const candidates = line.filter((cell) => !hidden[cell[0]]![cell[1]] && value(cell) > 0);
  if (candidates.length === 0) return false;
  candidates.sort((a, b) => value(a) - value(b));
  const [r, c] = candidates[0]!;
  hidden[r]![c] = true;
  return true;
}
