/**
 * Monthly trend as a small inline SVG (issue 15): bars for questions received, a line for the
 * share answered on time where there are enough cases. Server-rendered, no script, no inline
 * style (presentation attributes and classes only, so a strict CSP allows it). Pure: returns
 * markup with every text escaped.
 */

export interface TrendPoint {
  /** `YYYY-MM`. */
  month: string;
  received: number;
  /** Percentage answered on time, or null where there are too few cases. */
  onTimePercent: number | null;
}

export interface TrendLabels {
  /** The chart's accessible name. */
  title: string;
  /** A sentence describing what it shows (the table below has the numbers). */
  description: string;
  /** Short month label for the axis, e.g. "ene". */
  monthLabel(month: string): string;
}

const WIDTH = 320;
const HEIGHT = 140;
const PAD = { top: 10, right: 8, bottom: 22, left: 8 };

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );
}

/** The SVG markup; `id` must be unique in the page (it links the title and description). */
export function trendChartSvg(points: readonly TrendPoint[], labels: TrendLabels, id: string): string {
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const maxReceived = Math.max(1, ...points.map((p) => p.received));
  const step = points.length ? innerWidth / points.length : innerWidth;
  const barWidth = Math.max(2, step * 0.6);
  const x = (i: number) => PAD.left + i * step + (step - barWidth) / 2;
  const yBar = (n: number) => PAD.top + innerHeight - (n / maxReceived) * innerHeight;
  const yPct = (pct: number) => PAD.top + innerHeight - (pct / 100) * innerHeight;
  const bars = points
    .map(
      (p, i) =>
        `<rect class="bar" x="${fmt(x(i))}" y="${fmt(yBar(p.received))}" width="${fmt(barWidth)}" height="${fmt(PAD.top + innerHeight - yBar(p.received))}"/>`,
    )
    .join("");
  const segments: string[][] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.onTimePercent === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    current.push(`${fmt(x(i) + barWidth / 2)},${fmt(yPct(p.onTimePercent))}`);
  });
  if (current.length) segments.push(current);
  const lines = segments
    .map(
      (s) =>
        (s.length > 1 ? `<polyline class="line" fill="none" points="${s.join(" ")}"/>` : "") +
        s.map((pt) => `<circle class="dot" r="2.5" cx="${pt.split(",")[0]}" cy="${pt.split(",")[1]}"/>`).join(""),
    )
    .join("");
  const every = Math.ceil(points.length / 12);
  const axis = points
    .map((p, i) =>
      i % every === 0
        ? `<text class="axis" x="${fmt(x(i) + barWidth / 2)}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(labels.monthLabel(p.month))}</text>`
        : "",
    )
    .join("");
  return (
    `<svg class="trend" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeXml(labels.title)}</title><desc id="${id}-d">${escapeXml(labels.description)}</desc>` +
    `<line class="base" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + innerHeight}" y2="${PAD.top + innerHeight}"/>` +
    bars +
    lines +
    axis +
    `</svg>`
  );
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}
