/**
 * "Respuestas a la ciudadanía" (issue 15): per filing month and office, the answer figures of
 * `rinde questions report` (same definitions, same code: src/core/answer-tally.ts), stored in
 * `answer_totals` so a page or a restart never recomputes every question.
 *
 * Keeping them current ({@link refreshAnswerTotals}): every change to a question appends a history
 * entry (DESIGN.md invariant 7), so the months to recompute are those of the questions with entries
 * after the last one seen (a primary-key range), plus, when the local date turns, those of open
 * questions that just became overdue (index questions_status_due). A month is recomputed whole
 * from the covering index `questions_public_stats` (a few thousand rows even at a million
 * questions). When the calendar (time zone, local non-working days, holiday laws) or the
 * definitions change, business days and due dates change everywhere: everything is rebuilt.
 *
 * The state (calendar fingerprint, last history entry, date of the figures) is one `app_state`
 * row, written in the same transaction as the rows and only if no other process moved it in the
 * meantime (compare and set), so several processes sharing PostgreSQL never store stale months.
 */
import { createHash } from "node:crypto";
import { NATIONAL_CALENDAR_VERSION } from "../../core/calendar/holiday-laws.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { addTotals, ALL_OFFICES, emptyTotals, tallyAnswers, type AnswerTotals } from "../../core/answer-tally.ts";
import { COUNT_FIGURES, type CountFigure } from "../../core/questions-report.ts";
import type { AnswerTotalsRow } from "../../db/repositories/transparency.ts";
import type { AppContext } from "../context.ts";

export type { AnswerTotals };

export interface AnswerStats {
  /** Local date the figures hold for (overdue depends on it). */
  today: LocalDate;
  /** `YYYY-MM` → office key ({@link ALL_OFFICES} for all) → figures. */
  byMonth: Map<string, Map<string, AnswerTotals>>;
}

/** Bump when a definition in src/core/answer-tally.ts changes: the stored figures are rebuilt. */
const DEFINITIONS_VERSION = 3; // 3: `transferred` = traslado art. 21, `reassigned` = between offices
export const ANSWER_TOTALS_STATE_KEY = "answer_totals.state";
const DAY_MS = 86_400_000;

interface TotalsState {
  fingerprint: string;
  /** Last question history entry the stored figures include. */
  lastEventId: number;
  /** Local date the stored figures hold for. */
  asOf: LocalDate;
}

/** What the stored figures depend on besides the questions: the calendar and the definitions. */
export function answerTotalsFingerprint(app: AppContext): string {
  const { timezone, nonWorkingDays } = app.profile;
  const doc = JSON.stringify({
    timezone,
    local: [...nonWorkingDays].sort(),
    laws: NATIONAL_CALENDAR_VERSION,
    definitions: DEFINITIONS_VERSION,
  });
  return createHash("sha256").update(doc).digest("hex").slice(0, 32);
}

/**
 * A window of filing instants that holds the whole local month `YYYY-MM` (two days of margin on
 * each side cover any zone's offset); the tally keeps only the month asked for.
 */
function monthWindow(month: string): { fromMs: number; toMs: number } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { fromMs: Date.UTC(y, m - 1, 1) - 2 * DAY_MS, toMs: Date.UTC(y, m, 1) + 2 * DAY_MS };
}

/** The months from `first` to `last` (`YYYY-MM`), both included. */
function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (
    let [y, m] = first.split("-").map(Number) as [number, number];
    `${y}-${String(m).padStart(2, "0")}` <= last;
    m === 12 ? ((m = 1), y++) : m++
  ) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
  }
  return out;
}

/** Recomputes the figures of filing instants in [fromMs, toMs), grouped by the months `groupOf` keeps. */
async function tallyWindow(
  app: AppContext,
  asOf: LocalDate,
  fromMs: number,
  toMs: number,
  groupOf: (filedOn: LocalDate) => string | null,
) {
  const questions = await app.repos.transparency.statRows(fromMs, toMs);
  const reassignments = await app.repos.questionsReport.reassignmentsOfQuestionsFiled(fromMs, toMs);
  return tallyAnswers({
    asOf,
    timeZone: app.profile.timezone,
    calendar: app.calendar,
    questions,
    reassignments,
    groupOf,
  });
}

/** Every month's figures in one pass over every question (what the stored figures must equal). */
export async function computeAnswerStats(app: AppContext): Promise<AnswerStats> {
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  return {
    today,
    byMonth: await tallyWindow(app, today, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (filedOn) =>
      filedOn.slice(0, 7),
    ),
  };
}

function toRows(month: string, offices: ReadonlyMap<string, AnswerTotals>): AnswerTotalsRow[] {
  return [...offices].map(([officeKey, t]) => ({
    month,
    officeKey,
    ...(Object.fromEntries(COUNT_FIGURES.map((f) => [f, t[f]])) as Record<CountFigure, number>),
    answerDays: [...t.daysHistogram].sort((a, b) => a[0] - b[0]),
  }));
}

function fromRow(row: AnswerTotalsRow): AnswerTotals {
  return {
    ...emptyTotals(),
    ...(Object.fromEntries(COUNT_FIGURES.map((f) => [f, row[f]])) as Record<CountFigure, number>),
    daysHistogram: new Map(row.answerDays),
  };
}

/** Reads the stored figures. */
export async function storedAnswerStats(app: AppContext): Promise<AnswerStats & { state: string | undefined }> {
  const state = await app.repos.appState.get(ANSWER_TOTALS_STATE_KEY);
  const byMonth = new Map<string, Map<string, AnswerTotals>>();
  for (const row of await app.repos.transparency.answerTotals()) {
    if (!byMonth.has(row.month)) byMonth.set(row.month, new Map());
    byMonth.get(row.month)!.set(row.officeKey, fromRow(row));
  }
  const asOf = state
    ? (JSON.parse(state) as TotalsState).asOf
    : toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  return { today: asOf, byMonth, state };
}

/**
 * Brings the stored figures up to date: recomputes the months that changed since the last call,
 * or rebuilds everything on a first run or a calendar change. Returns what it recomputed (empty
 * when nothing changed or another process got there first).
 */
export async function refreshAnswerTotals(app: AppContext): Promise<{ months: string[]; rebuilt: boolean }> {
  const stateText = await app.repos.appState.get(ANSWER_TOTALS_STATE_KEY);
  const state = stateText ? (JSON.parse(stateText) as TotalsState) : undefined;
  const fingerprint = answerTotalsFingerprint(app);
  // The history entry first, then the questions: rows read afterwards are at least this new.
  const lastEventId = await app.repos.transparency.lastQuestionEventId();
  const asOf = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const rebuilt = !state || state.fingerprint !== fingerprint;
  let months: string[];
  if (rebuilt) {
    const first = await app.repos.transparency.firstFiledAtMs();
    months =
      first === null
        ? []
        : monthsBetween(toLocalDate(new Date(first), app.profile.timezone).slice(0, 7), asOf.slice(0, 7));
  } else {
    if (state.lastEventId === lastEventId && state.asOf === asOf) return { months: [], rebuilt: false };
    const touched = await app.repos.transparency.filedAtOfChangedSince(state.lastEventId, lastEventId);
    if (asOf > state.asOf) touched.push(...(await app.repos.transparency.filedAtOfOpenDueBetween(state.asOf, asOf)));
    months = [...new Set(touched.map((ms) => toLocalDate(new Date(ms), app.profile.timezone).slice(0, 7)))].sort();
  }
  const rows: AnswerTotalsRow[] = [];
  for (const month of months) {
    const { fromMs, toMs } = monthWindow(month);
    const fresh = (
      await tallyWindow(app, asOf, fromMs, toMs, (filedOn) => (filedOn.startsWith(month) ? month : null))
    ).get(month);
    if (fresh) rows.push(...toRows(month, fresh));
  }
  const next: TotalsState = { fingerprint, lastEventId, asOf };
  const written = await app.store.withTransaction(async () => {
    if ((await app.repos.appState.get(ANSWER_TOTALS_STATE_KEY)) !== stateText) return false;
    await app.repos.transparency.replaceAnswerTotals(rebuilt ? null : months, rows);
    await app.repos.appState.set(ANSWER_TOTALS_STATE_KEY, JSON.stringify(next), app.clock.nowMs());
    return true;
  });
  return written ? { months, rebuilt } : { months: [], rebuilt: false };
}

/** Sums the months of `stats` that start with `prefix` (a year "2026", or a month "2026-03"), per office. */
export function figuresByOffice(stats: AnswerStats, prefix: string): Map<string, AnswerTotals> {
  const out = new Map<string, AnswerTotals>();
  for (const [month, offices] of stats.byMonth) {
    if (!month.startsWith(prefix)) continue;
    for (const [office, f] of offices) addTotals(out.get(office) ?? out.set(office, emptyTotals()).get(office)!, f);
  }
  return out;
}

/** One office's (or, without `officeKey`, all offices') figures per month, oldest first. */
export function monthlySeries(
  stats: AnswerStats,
  months: readonly string[],
  officeKey?: string,
): { month: string; figures: AnswerTotals }[] {
  return months.map((month) => ({
    month,
    figures: addTotals(emptyTotals(), stats.byMonth.get(month)?.get(officeKey ?? ALL_OFFICES) ?? emptyTotals()),
  }));
}
