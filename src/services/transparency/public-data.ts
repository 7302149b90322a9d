/**
 * What the public pages and the open data show (issue 15), shared: the answer figures, dialogue
 * questions with their published parts, events, commitments and published surveys. Nothing here
 * publishes a citizen's identity or text: an answer is checked against them before it is shown.
 *
 * The answer figures are the stored monthly totals (src/services/transparency/answers.ts): read
 * once (a few rows per office and month) and brought up to date at most once per `refreshMs`, by
 * recomputing only the months that changed. Everything else is a handful of indexed reads.
 */
import { toLocalDate } from "../../core/calendar/index.ts";
import { OPEN_COMMITMENT_STATUSES, type CommitmentStatus } from "../../core/commitments.ts";
import { publicShare, type PublicShare } from "../../core/transparency/stats.ts";
import {
  addTotals,
  ALL_OFFICES,
  answeredOf,
  emptyTotals,
  judgedOf,
  medianOfHistogram,
  type AnswerTotals,
} from "../../core/answer-tally.ts";
import type { CommitmentFilter, CommitmentRow, CommitmentUpdateRow } from "../../db/repositories/commitments.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import { screenAnswers, type Screened, type ScreenedQuestion } from "./answer-screening.ts";
import type { PublicPetition } from "../../db/repositories/transparency.ts";
import {
  ANSWER_TOTALS_STATE_KEY,
  figuresByOffice,
  monthlySeries,
  refreshAnswerTotals,
  storedAnswerStats,
  type AnswerStats,
} from "./answers.ts";
import { officeName, type AppContext } from "../context.ts";

export interface OfficeRow {
  officeKey: string;
  officeName: string;
  figures: AnswerFigures;
  medianDays: number | null;
  /** Answered on time, of those answered or overdue (the report's on-time rate). */
  onTime: PublicShare;
  /** Overdue without answer, of those received. */
  overdue: PublicShare;
}

/** An office's (or all offices') figures with the two sums the pages show. */
export type AnswerFigures = AnswerTotals & { answered: number; inProgress: number };

export function withSums(t: AnswerTotals): AnswerFigures {
  return { ...t, answered: answeredOf(t), inProgress: t.openWithinTerm + t.waitingForCitizen };
}

export interface PublicData {
  /** The data version plus the local date: changes whenever a page may change. */
  version(): Promise<string>;
  answerStats(): Promise<AnswerStats & { computedAtMs: number }>;
  officeRows(period: string): Promise<{ rows: OfficeRow[]; total: OfficeRow }>;
  /** The 12 months up to the current one, oldest first. */
  lastMonths(count?: number): string[];
  officeRow(officeKey: string, figures: AnswerTotals): OfficeRow;
  years(): Promise<string[]>;
  /**
   * The events' questions as published, all or the slice `range`, with how many there are in all:
   * answers with personal data are held back (answer-screening.ts), checking only the slice.
   */
  dialogueQuestions(
    eventIds: readonly number[],
    range?: { offset: number; limit: number },
  ): Promise<{ total: number; questions: ScreenedQuestion[] }>;
  /** Ordinary petitions whose office published the answer, newest first (screened like the above). */
  publishedPetitions(range: {
    offset: number;
    limit: number;
  }): Promise<{ total: number; questions: Screened<PublicPetition>[] }>;
  /** Upcoming (not ended, not held; a cancelled one too, shown marked) soonest first; past newest first. */
  events(): Promise<{ upcoming: EventRecord[]; past: EventRecord[] }>;
  commitments(filter: CommitmentFilter): Promise<CommitmentRow[]>;
  isOverdue(c: Pick<CommitmentRow, "status" | "dueDate">): boolean;
  commitmentHistory(commitmentId: number): Promise<CommitmentUpdateRow[]>;
  today(): string;
}

export interface PublicDataOptions {
  /** Least time between two updates of the answer figures. */
  refreshMs?: number;
  /**
   * Update in the background (the web server): once figures are loaded, a request never waits for
   * an update; it gets the figures of the last one, at most `refreshMs` plus one update old. An
   * update that fails is rethrown to the next caller. Off: the caller waits (CLI, tests).
   */
  background?: boolean;
}

export function createPublicData(app: AppContext, options: PublicDataOptions = {}): PublicData {
  const refreshMs = options.refreshMs ?? 60_000;
  const today = () => toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const minCount = app.profile.transparency.minCount;
  let cached: { atMs: number; stats: AnswerStats & { computedAtMs: number }; state: string | undefined } | undefined;

  // One update at a time: concurrent page requests share it.
  let updating: Promise<AnswerStats & { computedAtMs: number }> | undefined;
  let failed: unknown;
  const due = () => !cached || app.clock.nowMs() - cached.atMs >= refreshMs || cached.stats.today !== today();
  const updateOnce = (): Promise<AnswerStats & { computedAtMs: number }> =>
    (updating ??= update().finally(() => {
      updating = undefined;
    }));
  const answerStats = async (): Promise<AnswerStats & { computedAtMs: number }> => {
    if (failed !== undefined) {
      const error = failed;
      failed = undefined;
      throw error;
    }
    if (!cached || !options.background) return await updateOnce();
    if (due() && !updating) updateOnce().catch((error: unknown) => (failed = error));
    return cached.stats;
  };
  const update = async () => {
    const nowMs = app.clock.nowMs();
    if (cached && !due()) return cached.stats;
    const { months } = await refreshAnswerTotals(app);
    // Read the stored rows again only when they moved (here or in another process).
    const state = await app.repos.appState.get(ANSWER_TOTALS_STATE_KEY);
    if (!cached || months.length || state !== cached.state) {
      const stored = await storedAnswerStats(app);
      cached = {
        atMs: nowMs,
        state: stored.state,
        stats: { today: stored.today, byMonth: stored.byMonth, computedAtMs: nowMs },
      };
    } else cached.atMs = nowMs;
    return cached.stats;
  };

  const officeRow = (officeKey: string, figures: AnswerTotals): OfficeRow => ({
    officeKey,
    officeName: officeKey ? officeName(app, officeKey) : "",
    figures: withSums(figures),
    medianDays: medianOfHistogram(figures.daysHistogram),
    onTime: publicShare(figures.answeredOnTime, judgedOf(figures), minCount),
    overdue: publicShare(figures.overdue, figures.received, minCount),
  });

  return {
    version: async () => `${await app.repos.transparency.dataVersion()}@${today()}`,
    answerStats,
    officeRow,
    async officeRows(period) {
      const byOffice = figuresByOffice(await answerStats(), period);
      const keys = [...new Set([...app.profile.offices.map((o) => o.key), ...byOffice.keys()])].filter(
        (k) => k !== ALL_OFFICES && byOffice.has(k),
      );
      const rows = keys
        .map((k) => officeRow(k, byOffice.get(k)!))
        .sort((a, b) => b.figures.received - a.figures.received || a.officeName.localeCompare(b.officeName));
      return { rows, total: officeRow("", addTotals(emptyTotals(), byOffice.get(ALL_OFFICES) ?? emptyTotals())) };
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
    async dialogueQuestions(eventIds, range) {
      const all = await app.repos.transparency.dialogueQuestions(eventIds);
      const shown = range ? all.slice(range.offset, range.offset + range.limit) : all;
      return { total: all.length, questions: await screenAnswers(app, shown) };
    },
    async publishedPetitions(range) {
      const { total, rows } = await app.repos.transparency.publishedPetitions(range.offset, range.limit);
      return { total, questions: await screenAnswers(app, rows) };
    },
    async events() {
      const nowMs = app.clock.nowMs();
      const all = await app.repos.events.list({ limit: 500 });
      // A cancelled event that has not happened yet stays among the upcoming ones, marked
      // cancelled: that is where the people who planned to go look for it (QA: it showed as past).
      const upcoming = all
        .filter((e) => e.endsAtMs > nowMs && e.status !== "held")
        .sort((a, b) => a.startsAtMs - b.startsAtMs);
      const past = all.filter((e) => !upcoming.includes(e)).sort((a, b) => b.startsAtMs - a.startsAtMs);
      return { upcoming, past };
    },
    commitments: async (filter) => await app.repos.commitments.list(filter),
    isOverdue: (c) =>
      c.status === "overdue" ||
      (OPEN_COMMITMENT_STATUSES.includes(c.status as CommitmentStatus) && c.dueDate < today()),
    commitmentHistory: async (id) => await app.repos.commitments.history(id),
    today,
  };
}

export { monthlySeries };
