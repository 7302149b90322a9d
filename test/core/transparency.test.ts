import { describe, expect, it } from "vitest";
import { median, medianOfCounts, publicShare, wilsonInterval } from "../../src/core/transparency/stats.ts";
import { suppressTable } from "../../src/core/transparency/suppression.ts";
import { trendChartSvg } from "../../src/core/transparency/trend-chart.ts";

const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

describe("Wilson 95 % interval", () => {
  it("matches published values", () => {
    // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 → 0.2553–0.3662; 0/10 → 0–0.2775.
    expect([r4(wilsonInterval(81, 263).low), r4(wilsonInterval(81, 263).high)]).toEqual([0.2553, 0.3662]);
    expect([r4(wilsonInterval(0, 10).low), r4(wilsonInterval(0, 10).high)]).toEqual([0, 0.2775]);
    expect([r4(wilsonInterval(10, 10).low), r4(wilsonInterval(10, 10).high)]).toEqual([0.7225, 1]);
    expect([r4(wilsonInterval(5, 10).low), r4(wilsonInterval(5, 10).high)]).toEqual([0.2366, 0.7634]);
  });
  it("refuses impossible counts", () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError);
  });
  it("gives a percentage only from the minimum count", () => {
    expect(publicShare(8, 9, 10)).toEqual({ kind: "few", count: 8, total: 9 });
    expect(publicShare(9, 12, 10)).toEqual({ kind: "share", count: 9, total: 12, percent: 75, low: 46.8, high: 91.1 });
  });
});

describe("medians", () => {
  it("of lists and histograms agree", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(
      medianOfCounts(
        new Map([
          [1, 1],
          [2, 1],
          [3, 1],
          [4, 1],
        ]),
      ),
    ).toBe(2.5);
    expect(
      medianOfCounts(
        new Map([
          [10, 3],
          [2, 1],
        ]),
      ),
    ).toBe(10);
    expect(medianOfCounts(new Map())).toBeNull();
  });
});

describe("cell suppression", () => {
  it("hides cells under 5 and a complement so the total does not reveal them", () => {
    expect(suppressTable([[3, 10, 12]]).cells).toEqual([[null, null, 12]]);
    expect(suppressTable([[30, 10, 12]]).cells).toEqual([[30, 10, 12]]);
    // Two small cells adding up to under 5 need a third.
    expect(suppressTable([[1, 2, 12, 40]]).cells).toEqual([[null, null, null, 40]]);
    // Zeros count nobody and stay visible.
    expect(suppressTable([[0, 7, 8]]).cells).toEqual([[0, 7, 8]]);
  });
  it("protects rows and columns together", () => {
    const table = suppressTable([
      [2, 10, 20],
      [8, 9, 30],
      [10, 19, 50],
    ]);
    expect(table.cells[0]).toEqual([null, null, 20]);
    // Column 1 has 2 hidden in row 0: row 1 hides one more in that column so the column total keeps it safe.
    expect(table.cells.map((r) => r[0]).filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    expect(table.cells.map((r) => r[1]).filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    for (const line of [...table.cells, ...[0, 1, 2].map((c) => table.cells.map((r) => r[c]))]) {
      const hidden = line.filter((v) => v === null).length;
      expect(hidden === 0 || hidden >= 2).toBe(true);
    }
    expect(table.rowTotals).toEqual([32, 47, 79]);
    expect(table.total).toBe(158);
  });
});

describe("trend chart", () => {
  it("escapes text and skips months without a percentage", () => {
    const svg = trendChartSvg(
      [
        { month: "2026-01", received: 10, onTimePercent: 80 },
        { month: "2026-02", received: 3, onTimePercent: null },
      ],
      { title: "A <b>", description: "d & e", monthLabel: (m) => m.slice(5) },
      "t",
    );
    expect(svg).toContain('<title id="t-t">A &lt;b&gt;</title>');
    expect(svg).toContain("d &amp; e");
    expect(svg.match(/<rect/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(1);
  });
});
