/**
 * What the public pages and the open data show (issue 15), computed once and shared: the
 * answer figures, dialogue questions with their published parts, events, commitments and
 * published surveys. Nothing here reads a citizen's identity or text.
 *
 * Maintained aggregates: the answer figures are computed once (one pass over the covering index
 * `questions_public_stats`) and kept in memory per filing month. Afterwards only the months that
 * changed are recomputed: those of the questions with new history entries (every change to a
 * question appends one, DESIGN.md invariant 7; found by primary-key range) and, when the local date
 * turns, those of open questions that just became overdue (index questions_status_due). A month is
 * a few thousand rows even at a million questions. At most one update per `refreshMs`.
 * Everything else is a handful of indexed reads.
 */
import { toLocalDate } from "../../core/calendar/index.ts";
import { OPEN_COMMITMENT_STATUSES, type CommitmentStatus } from "../../core/commitments.ts";
import { publicShare, type PublicShare } from "../../core/transparency/stats.ts";
import type { CommitmentFilter, CommitmentRow, CommitmentUpdateRow } from "../../db/repositories/commitments.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { PublicDialogueQuestion } from "../../db/repositories/transparency.ts";
import { computeAnswerStats, emptyFigures, figuresByOffice, medianDays, monthlySeries, addFigures, type AnswerFigures, type AnswerStats } from "./answers.ts";
import { officeName, type AppContext } from "../context.ts";

export interface OfficeRow {
  officeKey: string;
  officeName: string;
  figures: AnswerFigures;
  medianDays: number | null;
  /** Answered on time, of those answered. */
  onTime: PublicShare;
  /** Overdue without answer, of those received. */
  overdue: PublicShare;
}

export interface PublicData {
  /** The data version plus the local date: changes whenever a page may change. */
  version(): Promise<string>;
  answerStats(): Promise<AnswerStats & { computedAtMs: number }>;
  officeRows(period: string): Promise<{ rows: OfficeRow[]; total: OfficeRow }>;
  /** The 12 months up to the current one, oldest first. */
  lastMonths(count?: number): string[];
  officeRow(officeKey: string, figures: AnswerFigures): OfficeRow;
  years(): Promise<string[]>;
  dialogueQuestions(eventIds: readonly number[]): Promise<PublicDialogueQuestion[]>;
  events(): Promise<{ upcoming: EventRecord[]; past: EventRecord[] }>;
  commitments(filter: CommitmentFilter): Promise<CommitmentRow[]>;
  isOverdue(c: Pick<CommitmentRow, "status" | "dueDate">): boolean;
  commitmentHistory(commitmentId: number): Promise<CommitmentUpdateRow[]>;
  today(): string;
}

export interface PublicDataOptions {
  /** Least time between two recomputations of the answer figures. */
  refreshMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * A window of filing instants that holds the whole local month `YYYY-MM` (two days of margin on
 * each side cover any zone's offset); callers keep only the month they asked for.
 */
function monthWindow(month: string): { fromMs: number; toMs: number } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { fromMs: Date.UTC(y, m - 1, 1) - 2 * DAY_MS, toMs: Date.UTC(y, m, 1) + 2 * DAY_MS };
}

export function createPublicData(app: AppContext, options: PublicDataOptions = {}): PublicData {
  const refreshMs = options.refreshMs ?? 60_000;
  let cached: { lastEventId: number; atMs: number; stats: AnswerStats & { computedAtMs: number } } | undefined;
  const today = () => toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const minCount = app.profile.transparency.minCount;

  // One computation at a time: concurrent page requests share it.
  let computing: Promise<AnswerStats & { computedAtMs: number }> | undefined;
  const answerStats = (): Promise<AnswerStats & { computedAtMs: number }> =>
    (computing ??= computeStats().finally(() => {
      computing = undefined;
    }));
  const computeStats = async () => {
    const nowMs = app.clock.nowMs();
    const lastEventId = await app.repos.transparency.lastQuestionEventId();
    const date = today();
    if (!cached) {
      const first = await app.repos.transparency.firstFiledAtMs() ?? nowMs;
      cached = { lastEventId, atMs: nowMs, stats: { ...await computeAnswerStats(app, monthWindow(toLocalDate(new Date(first), app.profile.timezone).slice(0, 7)).fromMs, nowMs + DAY_MS), computedAtMs: nowMs } };
    } else if ((lastEventId !== cached.lastEventId || date !== cached.stats.today) && (nowMs - cached.atMs >= refreshMs || date !== cached.stats.today)) {
      const touched = await app.repos.transparency.filedAtOfChangedSince(cached.lastEventId, lastEventId);
      if (date !== cached.stats.today) touched.push(...await app.repos.transparency.filedAtOfOpenDueBetween(cached.stats.today, date));
      const months = new Set(touched.map((ms) => toLocalDate(new Date(ms), app.profile.timezone).slice(0, 7)));
      const byMonth = new Map(cached.stats.byMonth);
      for (const month of months) {
        const { fromMs, toMs } = monthWindow(month);
        const fresh = (await computeAnswerStats(app, fromMs, toMs)).byMonth.get(month);
        if (fresh) byMonth.set(month, fresh);
        else byMonth.delete(month);
      }
      cached = { lastEventId, atMs: nowMs, stats: { today: date, byMonth, computedAtMs: nowMs } };
    }
    return cached.stats;
  };

  const officeRow = (officeKey: string, figures: AnswerFigures): OfficeRow => ({
    officeKey,
    officeName: officeKey ? officeName(app, officeKey) : "",
    figures,
    medianDays: medianDays(figures),
    onTime: publicShare(figures.answeredOnTime, figures.answered, minCount),
    overdue: publicShare(figures.overdue, figures.received, minCount),
  });

  return {
    version: async () => `${await app.repos.transparency.dataVersion()}@${today()}`,
    answerStats,
    officeRow,
    async officeRows(period) {
      const byOffice = figuresByOffice(await answerStats(), period);
      const keys = [...new Set([...app.profile.offices.map((o) => o.key), ...byOffice.keys()])].filter((k) => byOffice.has(k));
      const rows = keys.map((k) => officeRow(k, byOffice.get(k)!)).sort((a, b) => b.figures.received - a.figures.received || a.officeName.localeCompare(b.officeName));
      const total = rows.reduce((sum, r) => addFigures(sum, r.figures), emptyFigures());
      return { rows, total: officeRow("", total) };
    },
    lastMonths(count = 12) {
      const [y, m] = today().split("-").map(Number) as [number, number];
      return Array.from({ length: count }, (_, i) => {
        const index = y * 12 + (m - 1) - (count - 1 - i);
        return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
      });
    },
    async years() {
      const years = new Set([...(await answerStats()).byMonth.keys()].map((m) => m.slice(0, 4)));
      years.add(today().slice(0, 4));
      return [...years].sort().reverse();
    },
    dialogueQuestions: async (eventIds) => await app.repos.transparency.dialogueQuestions(eventIds),
    async events() {
      const nowMs = app.clock.nowMs();
      const all = await app.repos.events.list({ limit: 500 });
      const upcoming = all.filter((e) => e.endsAtMs > nowMs && e.status !== "cancelled" && e.status !== "held").sort((a, b) => a.startsAtMs - b.startsAtMs);
      const past = all.filter((e) => !upcoming.includes(e)).sort((a, b) => b.startsAtMs - a.startsAtMs);
      return { upcoming, past };
    },
    commitments: async (filter) => await app.repos.commitments.list(filter),
    isOverdue: (c) => c.status === "overdue" || (OPEN_COMMITMENT_STATUSES.includes(c.status as CommitmentStatus) && c.dueDate < today()),
    commitmentHistory: async (id) => await app.repos.commitments.history(id),
    today,
  };
}

export { monthlySeries };
