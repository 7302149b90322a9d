/**
 * "Respuestas a la ciudadanía" (issue 15): per office and month, questions received, answered,
 * answered on time and late, overdue, in progress, extended, transferred and withdrawn, and the
 * median business days to answer. Counted by filing month in the profile's zone. Reads only the
 * stat columns (covering index `questions_public_stats`); never a question's text or citizen.
 *
 * On time: answered on or before the due date in force (which already follows an extension,
 * art. 14 parágrafo, and a restart after an info request, art. 17 Ley 1755 de 2015). Overdue: open
 * with its due date passed. Business days to answer: from the start of the term in force to the
 * answer's date, as the legal clock counts them (src/core/calendar).
 */
import { addCalendarDays, toLocalDate, type BusinessCalendar } from "../../core/calendar/index.ts";
import { medianOfCounts } from "../../core/transparency/stats.ts";
import type { QuestionStatRow } from "../../db/repositories/transparency.ts";
import type { AppContext } from "../context.ts";

export interface AnswerFigures {
  received: number;
  answered: number;
  answeredOnTime: number;
  answeredLate: number;
  overdue: number;
  /** Open within the term, or waiting for the citizen's information. */
  inProgress: number;
  withdrawn: number;
  extended: number;
  transferred: number;
  /** Business days from term start to answer → how many answers. */
  daysHistogram: Map<number, number>;
}

export interface AnswerStats {
  /** Local date the figures were computed for (overdue depends on it). */
  today: string;
  /** `YYYY-MM` → office key → figures. */
  byMonth: Map<string, Map<string, AnswerFigures>>;
}

export function emptyFigures(): AnswerFigures {
  return { received: 0, answered: 0, answeredOnTime: 0, answeredLate: 0, overdue: 0, inProgress: 0, withdrawn: 0, extended: 0, transferred: 0, daysHistogram: new Map() };
}

export function addFigures(into: AnswerFigures, from: AnswerFigures): AnswerFigures {
  for (const key of ["received", "answered", "answeredOnTime", "answeredLate", "overdue", "inProgress", "withdrawn", "extended", "transferred"] as const) into[key] += from[key];
  for (const [days, n] of from.daysHistogram) into.daysHistogram.set(days, (into.daysHistogram.get(days) ?? 0) + n);
  return into;
}

export function medianDays(figures: AnswerFigures): number | null {
  return medianOfCounts(figures.daysHistogram);
}

/**
 * Local dates of instants, memoized by hour: every real time zone changes offset on an hour
 * boundary, and a million questions fall in a few thousand hours.
 */
function localDates(timeZone: string): (ms: number) => string {
  const HOUR_MS = 3_600_000;
  const memo = new Map<number, string>();
  return (ms) => {
    const hour = Math.floor(ms / HOUR_MS);
    let date = memo.get(hour);
    if (date === undefined) {
      date = toLocalDate(new Date(hour * HOUR_MS), timeZone);
      memo.set(hour, date);
    }
    return date;
  };
}

/**
 * Business days in (from, to] as a difference of ordinals: one walk over the calendar days from
 * the earliest to the latest date (a few thousand days), instead of one calendar query per
 * question. Equal to `calendar.businessDaysBetween` (floored at 0).
 */
function businessDays(calendar: BusinessCalendar, dates: Iterable<string>): (from: string, to: string) => number {
  const sorted = [...new Set(dates)].sort();
  const ordinal = new Map<string, number>();
  if (sorted.length) {
    let n = 0;
    for (let d = sorted[0]!; d <= sorted.at(-1)!; d = addCalendarDays(d, 1)) {
      if (calendar.isBusinessDay(d)) n++;
      ordinal.set(d, n);
    }
  }
  return (from, to) => Math.max(0, ordinal.get(to)! - ordinal.get(from)!);
}

/** Adds one question to its month and office. */
function count(stats: AnswerStats, row: QuestionStatRow, transferred: boolean, localDate: (ms: number) => string, days: (a: string, b: string) => number): void {
  const month = localDate(row.filedAtMs).slice(0, 7);
  let offices = stats.byMonth.get(month);
  if (!offices) stats.byMonth.set(month, (offices = new Map()));
  let f = offices.get(row.officeKey);
  if (!f) offices.set(row.officeKey, (f = emptyFigures()));
  f.received++;
  if (row.extendedTo !== null) f.extended++;
  if (transferred) f.transferred++;
  if (row.status === "answered" && row.answeredAtMs !== null) {
    f.answered++;
    const answeredOn = localDate(row.answeredAtMs);
    if (answeredOn <= row.dueDate) f.answeredOnTime++;
    else f.answeredLate++;
    const d = days(localDate(row.termStartedAtMs ?? row.filedAtMs), answeredOn);
    f.daysHistogram.set(d, (f.daysHistogram.get(d) ?? 0) + 1);
  } else if (row.status === "withdrawn") f.withdrawn++;
  else if (row.status === "open" && row.dueDate < stats.today) f.overdue++;
  else f.inProgress++;
}

/** Figures of questions filed in [fromMs, toMs). */
export async function computeAnswerStats(app: AppContext, fromMs: number, toMs: number): Promise<AnswerStats> {
  const localDate = localDates(app.profile.timezone);
  const stats: AnswerStats = { today: toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone), byMonth: new Map() };
  const transferred = await app.repos.transparency.reassignedIds(fromMs, toMs);
  const rows = await app.repos.transparency.statRows(fromMs, toMs);
  const answerDates = function* () {
    for (const row of rows) {
      if (row.status !== "answered" || row.answeredAtMs === null) continue;
      yield localDate(row.termStartedAtMs ?? row.filedAtMs);
      yield localDate(row.answeredAtMs);
    }
  };
  const days = businessDays(app.calendar, answerDates());
  for (const row of rows) count(stats, row, transferred.has(row.id), localDate, days);
  return stats;
}

/** Sums the months of `stats` that start with `prefix` (a year "2026", or a month "2026-03"), per office. */
export function figuresByOffice(stats: AnswerStats, prefix: string): Map<string, AnswerFigures> {
  const out = new Map<string, AnswerFigures>();
  for (const [month, offices] of stats.byMonth) {
    if (!month.startsWith(prefix)) continue;
    for (const [office, f] of offices) addFigures(out.get(office) ?? out.set(office, emptyFigures()).get(office)!, f);
  }
  return out;
}

/** One office's (or, without `officeKey`, all offices') figures per month, oldest first. */
export function monthlySeries(stats: AnswerStats, months: readonly string[], officeKey?: string): { month: string; figures: AnswerFigures }[] {
  return months.map((month) => {
    const figures = emptyFigures();
    for (const [office, f] of stats.byMonth.get(month) ?? []) if (!officeKey || office === officeKey) addFigures(figures, f);
    return { month, figures };
  });
}
