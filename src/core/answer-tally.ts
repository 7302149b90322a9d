/**
 * The one computation of the answer figures (issue 15 item 2, issue 12 item 5): questions are
 * classified by {@link questionState} (src/core/question-state.ts) and {@link businessDaysToAnswer} (definitions in
 * src/core/questions-report.ts) and added up per group (a report period, or a filing month) and
 * per office. The management report (`rinde questions report`), the stored monthly totals behind
 * the public pages and the open data all come from {@link tallyAnswers}, so they cannot disagree.
 * Pure.
 */
import { addCalendarDays, toLocalDate, type BusinessCalendar, type LocalDate } from "./calendar/index.ts";
import {
  COUNT_FIGURES,
  questionState,
  STATE_FIGURE,
  type CountFigure,
  type ReportQuestion,
  type ReportReassignment,
} from "./question-state.ts";

/** A question as the tally needs it (no text, no citizen, no radicado). */
export type TallyQuestion = Omit<ReportQuestion, "reference">;

/** The office key of the all-offices total: a question moved twice counts once there. */
export const ALL_OFFICES = "*";

/** An office's (or all offices') counts in one group, and the business days to answer as a histogram. */
export type AnswerTotals = Record<CountFigure, number> & {
  /** Business days to answer → how many answered questions. */
  daysHistogram: Map<number, number>;
};

export function emptyTotals(): AnswerTotals {
  return {
    received: 0,
    answeredOnTime: 0,
    answeredLate: 0,
    openWithinTerm: 0,
    overdue: 0,
    waitingForCitizen: 0,
    withdrawn: 0,
    extended: 0,
    transferred: 0,
    reassigned: 0,
    daysHistogram: new Map(),
  };
}

export function addTotals(into: AnswerTotals, from: AnswerTotals): AnswerTotals {
  for (const f of COUNT_FIGURES) into[f] += from[f];
  for (const [days, n] of from.daysHistogram) into.daysHistogram.set(days, (into.daysHistogram.get(days) ?? 0) + n);
  return into;
}

export const answeredOf = (t: AnswerTotals): number => t.answeredOnTime + t.answeredLate;

/**
 * Answered on time out of those whose term is judged: answered (on time or late) plus overdue. An
 * open question past its due date has already missed the term (Ley 1755 de 2015, art. 14), so
 * leaving it out would make an office that stops answering look better.
 */
export const judgedOf = (t: AnswerTotals): number => answeredOf(t) + t.overdue;

/** Median of a histogram (value → how many), mean of the two middle values for an even count; null when empty. */
export function medianOfHistogram(counts: ReadonlyMap<number, number>): number | null {
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  return total % 2 === 1
    ? rankOf(counts, (total + 1) / 2)
    : (rankOf(counts, total / 2) + rankOf(counts, total / 2 + 1)) / 2;
}

/** Nearest-rank percentile of a histogram: the smallest value with at least p % at or below it. */
export function percentileOfHistogram(counts: ReadonlyMap<number, number>, p: number): number | null {
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  return total === 0 ? null : rankOf(counts, Math.max(1, Math.ceil((p / 100) * total)));
}

/** The value at 1-based rank `rank` of the sorted expansion of `counts`. */
function rankOf(counts: ReadonlyMap<number, number>, rank: number): number {
  let seen = 0;
  const entries = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  for (const [value, n] of entries) {
    seen += n;
    if (rank <= seen) return value;
  }
  return entries.at(-1)![0];
}

/**
 * Local dates of instants, memoized by hour: every real time zone changes offset on an hour
 * boundary, and a million questions fall in a few thousand hours.
 */
export function localDateOf(timeZone: string): (ms: number) => LocalDate {
  const HOUR_MS = 3_600_000;
  const memo = new Map<number, LocalDate>();
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
 * `calendar.businessDaysBetween` over the span of `dates`, as a difference of ordinals: one walk
 * over the calendar days from the earliest to the latest date instead of one calendar query per
 * question. Dates outside the span fall back to the calendar.
 */
export function businessDayCounter(
  calendar: BusinessCalendar,
  dates: Iterable<LocalDate>,
): (from: LocalDate, to: LocalDate) => number {
  const sorted = [...new Set(dates)].sort();
  const ordinal = new Map<LocalDate, number>();
  if (sorted.length) {
    let n = 0;
    for (let d = sorted[0]!; d <= sorted.at(-1)!; d = addCalendarDays(d, 1)) {
      if (calendar.isBusinessDay(d)) n++;
      ordinal.set(d, n);
    }
  }
  return (from, to) => {
    const a = ordinal.get(from);
    const b = ordinal.get(to);
    return a !== undefined && b !== undefined ? b - a : calendar.businessDaysBetween(from, to);
  };
}

/**
 * Business days an answered question took: from the start of the legal term in force (the filing,
 * the citizen's answer to an info request — art. 17 Ley 1755 de 2015 — or the end of the dialogue
 * space it was sent for, Ley 1757 de 2015) to the answer's local date; floored at 0 (an answer on
 * the day the term starts, or before it, is 0). Null when not answered.
 */
export function businessDaysToAnswer(
  q: TallyQuestion,
  localDate: (ms: number) => LocalDate,
  days: (from: LocalDate, to: LocalDate) => number,
): number | null {
  if (q.status !== "answered") return null;
  return Math.max(0, days(localDate(q.termStartedAtMs ?? q.filedAtMs), localDate(q.answeredAtMs ?? q.filedAtMs)));
}

export interface TallyInput {
  asOf: LocalDate;
  timeZone: string;
  calendar: BusinessCalendar;
  questions: readonly TallyQuestion[];
  reassignments: readonly ReportReassignment[];
  /** The group a question counts in, from its local filing date; null leaves it out. */
  groupOf: (filedOn: LocalDate) => string | null;
}

/**
 * group → office key (and {@link ALL_OFFICES}) → totals. A question counts for the office now
 * responsible for it (a transferred one, art. 21, for the office that sent it); `reassigned` counts
 * it for each office that gave it away to another office (once in the total). Offices with no
 * question in a group are absent.
 */
export function tallyAnswers(input: TallyInput): Map<string, Map<string, AnswerTotals>> {
  const localDate = localDateOf(input.timeZone);
  const days = businessDayCounter(
    input.calendar,
    input.questions.flatMap((q) =>
      q.status === "answered"
        ? [localDate(q.termStartedAtMs ?? q.filedAtMs), localDate(q.answeredAtMs ?? q.filedAtMs)]
        : [],
    ),
  );
  const out = new Map<string, Map<string, AnswerTotals>>();
  const totalsOf = (group: string, officeKey: string) => {
    let offices = out.get(group);
    if (!offices) out.set(group, (offices = new Map()));
    let t = offices.get(officeKey);
    if (!t) offices.set(officeKey, (t = emptyTotals()));
    return t;
  };
  const groupById = new Map<number, string>();
  for (const q of input.questions) {
    const group = input.groupOf(localDate(q.filedAtMs));
    if (group === null) continue;
    groupById.set(q.id, group);
    const figure = STATE_FIGURE[questionState(q, input.asOf, input.timeZone, localDate)];
    const d = businessDaysToAnswer(q, localDate, days);
    for (const t of [totalsOf(group, q.officeKey), totalsOf(group, ALL_OFFICES)]) {
      t.received++;
      t[figure]++;
      if (q.extendedTo !== null) t.extended++;
      if (d !== null) t.daysHistogram.set(d, (t.daysHistogram.get(d) ?? 0) + 1);
    }
  }
  const counted = new Set<string>();
  for (const tr of input.reassignments) {
    const group = groupById.get(tr.questionId);
    if (group === undefined || tr.fromOfficeKey === tr.toOfficeKey) continue;
    for (const office of [tr.fromOfficeKey, ALL_OFFICES]) {
      const key = `${tr.questionId}|${office}`;
      if (counted.has(key)) continue;
      counted.add(key);
      totalsOf(group, office).reassigned++;
    }
  }
  return out;
}
