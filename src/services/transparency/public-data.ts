/**
 * What the public pages and the open data show (issue 15), computed once and shared: the
 * answer figures, dialogue questions with their published parts, events, commitments and
 * published surveys. Nothing here reads a citizen's identity or text.
 *
 * Caching: the answer figures cost one pass over the covering index, so they are kept in memory
 * and recomputed only when the data version changes (a max over primary keys, microseconds) or the
 * local date changes (overdue depends on it), and at most once per `refreshMs` (pages say when
 * the figures were computed). Everything else is a handful of indexed reads.
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
  version(): string;
  answerStats(): AnswerStats & { computedAtMs: number };
  officeRows(period: string): { rows: OfficeRow[]; total: OfficeRow };
  /** The 12 months up to the current one, oldest first. */
  lastMonths(count?: number): string[];
  officeRow(officeKey: string, figures: AnswerFigures): OfficeRow;
  years(): string[];
  dialogueQuestions(eventIds: readonly number[]): PublicDialogueQuestion[];
  events(): { upcoming: EventRecord[]; past: EventRecord[] };
  commitments(filter: CommitmentFilter): CommitmentRow[];
  isOverdue(c: Pick<CommitmentRow, "status" | "dueDate">): boolean;
  commitmentHistory(commitmentId: number): CommitmentUpdateRow[];
  today(): string;
}

export interface PublicDataOptions {
  /** Least time between two recomputations of the answer figures. */
  refreshMs?: number;
}

export function createPublicData(app: AppContext, options: PublicDataOptions = {}): PublicData {
  const refreshMs = options.refreshMs ?? 60_000;
  let cached: { key: string; atMs: number; stats: AnswerStats & { computedAtMs: number } } | undefined;
  const today = () => toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const minCount = app.profile.transparency.minCount;

  const answerStats = () => {
    const nowMs = app.clock.nowMs();
    const key = `${app.repos.transparency.dataVersion()}@${today()}`;
    const fresh = cached && (cached.key === key || (nowMs - cached.atMs < refreshMs && cached.stats.today === today()));
    if (!fresh) {
      const first = app.repos.transparency.firstFiledAtMs() ?? nowMs;
      // Whole months from the first filing's month (a day early: any zone's local month start is after it).
      const from = Date.UTC(new Date(first).getUTCFullYear(), new Date(first).getUTCMonth(), 1) - 86_400_000;
      cached = { key, atMs: nowMs, stats: { ...computeAnswerStats(app, from, nowMs + 1), computedAtMs: nowMs } };
    }
    return cached!.stats;
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
    version: () => `${app.repos.transparency.dataVersion()}@${today()}`,
    answerStats,
    officeRow,
    officeRows(period) {
      const byOffice = figuresByOffice(answerStats(), period);
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
    years() {
      const years = new Set([...answerStats().byMonth.keys()].map((m) => m.slice(0, 4)));
      years.add(today().slice(0, 4));
      return [...years].sort().reverse();
    },
    dialogueQuestions: (eventIds) => app.repos.transparency.dialogueQuestions(eventIds),
    events() {
      const nowMs = app.clock.nowMs();
      const all = app.repos.events.list({ limit: 500 });
      const upcoming = all.filter((e) => e.endsAtMs > nowMs && e.status !== "cancelled" && e.status !== "held").sort((a, b) => a.startsAtMs - b.startsAtMs);
      const past = all.filter((e) => !upcoming.includes(e)).sort((a, b) => b.startsAtMs - a.startsAtMs);
      return { upcoming, past };
    },
    commitments: (filter) => app.repos.commitments.list(filter),
    isOverdue: (c) => c.status === "overdue" || (OPEN_COMMITMENT_STATUSES.includes(c.status as CommitmentStatus) && c.dueDate < today()),
    commitmentHistory: (id) => app.repos.commitments.history(id),
    today,
  };
}

export { monthlySeries };
