/**
 * The management report on questions (informe de PQRSD para control interno): per office and
 * period, how many questions came in and where each stands against its legal term. Pure: the rows
 * come from one indexed repository query (src/db/repositories/questions-report.ts), the figures
 * are computed here, and every figure can be traced back to its questions ({@link figureOf}), so
 * the CLI, the back-office "Informes" page and the public transparency pages show the same numbers.
 *
 * Definitions (also in the CLI help, locales/<lang>/report.json):
 * - A question belongs to the period when its filing date (radicación, local date in the profile's
 *   time zone) is within [from, to], both included.
 * - Its state is taken as of the report's `asOf` date (the day it is run): answered on time (the
 *   answer's local date is on or before the due date, which already counts an extension, a term
 *   restarted by the citizen's information and calendar corrections), answered late, open within
 *   term (due date today or later), overdue (open, due date passed), waiting for the citizen (term
 *   paused, Ley 1755 de 2015 art. 17), withdrawn (desistida) or transferred (trasladada: sent to the
 *   competent entity, art. 21, which answers it within its own term; the alcaldía's term ends
 *   there). These seven add up to `received`; a transferred question is neither answered nor
 *   overdue here, whether it was sent within the 5 business days or late (the question's history
 *   and page say which).
 * - Per office: the office now responsible for the question (for a transferred one, the office that
 *   sent it). `reassigned` counts, for the office that gave it away, the questions reassigned from
 *   it to another office of the alcaldía (an internal move: the term goes on); a question moved
 *   twice counts once in the total.
 * - `extended`: questions given an extension (prórroga, art. 14 parágrafo).
 * - Business days to answer: business days after the start of the legal term in force up to the
 *   answer's date (an answer the same day is 0), over the answered questions; median (mean of the
 *   two middle values for an even count) and 90th percentile (nearest rank). The term in force
 *   starts at the filing, at the citizen's answer to an info request (art. 17: the days spent
 *   waiting for the citizen are not the office's) or at the end of the dialogue space the question
 *   was sent for (Ley 1757 de 2015: 15 days after the space), as the due date itself counts.
 * - On-time rate: answered on time ÷ (answered + overdue): an overdue question already missed its
 *   term (art. 14), so it counts against the office before it is answered.
 *
 * The public pages and open data (issue 15) use these same definitions through the same code
 * (src/core/answer-tally.ts), per filing month.
 * - Satisfaction: the answer surveys about these questions: mean of the survey's first 1–5
 *   question, share of "yes" in its first yes/no question, and how many answered.
 */
import type { BusinessCalendar, LocalDate } from "./calendar/index.ts";
import { toLocalDate } from "./calendar/index.ts";
import {
  COUNT_FIGURES,
  questionState,
  STATE_FIGURE,
  type CountFigure,
  type ReportQuestion,
  type ReportReassignment,
} from "./question-state.ts";
import {
  ALL_OFFICES,
  emptyTotals,
  judgedOf,
  medianOfHistogram,
  percentileOfHistogram,
  tallyAnswers,
  type AnswerTotals,
} from "./answer-tally.ts";

export {
  COUNT_FIGURES,
  questionState,
  STATE_FIGURE,
  type CountFigure,
  type QuestionState,
  type ReportQuestion,
  type ReportReassignment,
} from "./question-state.ts";

/** One answer to the headline question of an answer survey (its first scale or yes/no question). */
export interface ReportSurveyAnswer {
  questionId: number;
  surveyId: string;
  type: "scale" | "yes_no";
  value: string;
}

export interface SurveyFigure {
  surveyId: string;
  /** Citizens who answered the survey's headline question. */
  responses: number;
  /** Mean of the 1–5 answers, rounded to 2 decimals; null when it is a yes/no survey or nobody answered. */
  mean: number | null;
  /** Share of "yes" in [0, 1], rounded to 3 decimals; null when it is a scale survey or nobody answered. */
  yesShare: number | null;
}

export type OfficeFigures = Record<CountFigure, number> & {
  officeKey: string;
  officeName: string;
  /** answeredOnTime ÷ (answered + overdue), rounded to 3 decimals; null when both are 0. */
  onTimeRate: number | null;
  medianBusinessDaysToAnswer: number | null;
  p90BusinessDaysToAnswer: number | null;
  satisfaction: SurveyFigure[];
};

export interface QuestionsReport {
  from: LocalDate;
  to: LocalDate;
  asOf: LocalDate;
  offices: OfficeFigures[];
  /** All offices together; `reassigned` counts each question once. */
  total: OfficeFigures;
}

export interface ReportInput {
  from: LocalDate;
  to: LocalDate;
  asOf: LocalDate;
  timeZone: string;
  calendar: BusinessCalendar;
  /** The offices to show, in order; questions of other offices count only in the total. */
  offices: readonly { key: string; name: string }[];
  /** Candidate questions; those filed outside [from, to] (local dates) are left out here. */
  questions: readonly ReportQuestion[];
  reassignments: readonly ReportReassignment[];
  surveyAnswers: readonly ReportSurveyAnswer[];
}

/** Median (mean of the two middle values for an even count) of `values`; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** The questions filed in [from, to] (local dates). */
function inPeriod(input: ReportInput): ReportQuestion[] {
  return input.questions.filter((q) => {
    const filedOn = toLocalDate(new Date(q.filedAtMs), input.timeZone);
    return filedOn >= input.from && filedOn <= input.to;
  });
}

/**
 * Which questions each figure counts, per office (`*` = all offices): the drill-down behind every
 * number of the report. Ids in filing order.
 */
export function figureOf(input: ReportInput): (officeKey: string, figure: CountFigure) => ReportQuestion[] {
  const questions = inPeriod(input).sort((a, b) => a.filedAtMs - b.filedAtMs || a.id - b.id);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const reassignedFrom = new Map<string, Set<number>>();
  for (const t of input.reassignments) {
    if (!byId.has(t.questionId) || t.fromOfficeKey === t.toOfficeKey) continue;
    const set = reassignedFrom.get(t.fromOfficeKey) ?? new Set<number>();
    set.add(t.questionId);
    reassignedFrom.set(t.fromOfficeKey, set);
  }
  return (officeKey, figure) => {
    if (figure === "reassigned") {
      const ids =
        officeKey === "*"
          ? new Set([...reassignedFrom.values()].flatMap((s) => [...s]))
          : (reassignedFrom.get(officeKey) ?? new Set());
      return questions.filter((q) => ids.has(q.id));
    }
    const mine = officeKey === "*" ? questions : questions.filter((q) => q.officeKey === officeKey);
    if (figure === "received") return mine;
    if (figure === "extended") return mine.filter((q) => q.extendedTo !== null);
    return mine.filter((q) => STATE_FIGURE[questionState(q, input.asOf, input.timeZone)] === figure);
  };
}

function satisfactionOf(answers: readonly ReportSurveyAnswer[], questionIds: ReadonlySet<number>): SurveyFigure[] {
  const bySurvey = new Map<string, ReportSurveyAnswer[]>();
  for (const a of answers)
    if (questionIds.has(a.questionId)) bySurvey.set(a.surveyId, [...(bySurvey.get(a.surveyId) ?? []), a]);
  return [...bySurvey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([surveyId, list]) => {
      const scale = list
        .filter((a) => a.type === "scale")
        .map((a) => Number(a.value))
        .filter(Number.isFinite);
      const yesNo = list.filter((a) => a.type === "yes_no");
      return {
        surveyId,
        responses: list.length,
        mean: scale.length ? round(scale.reduce((s, v) => s + v, 0) / scale.length, 2) : null,
        yesShare: yesNo.length ? round(yesNo.filter((a) => a.value === "yes").length / yesNo.length, 3) : null,
      };
    });
}

/** An office's row from its totals (see the module's definitions). */
export function officeFigures(
  officeKey: string,
  officeName: string,
  totals: AnswerTotals,
  satisfaction: SurveyFigure[] = [],
): OfficeFigures {
  const counts = Object.fromEntries(COUNT_FIGURES.map((f) => [f, totals[f]])) as Record<CountFigure, number>;
  const judged = judgedOf(totals);
  return {
    officeKey,
    officeName,
    ...counts,
    onTimeRate: judged ? round(totals.answeredOnTime / judged, 3) : null,
    medianBusinessDaysToAnswer: medianOfHistogram(totals.daysHistogram),
    p90BusinessDaysToAnswer: percentileOfHistogram(totals.daysHistogram, 90),
    satisfaction,
  };
}

/** The report: one row per office in `offices`, and the total. */
export function buildQuestionsReport(input: ReportInput): QuestionsReport {
  const questionsOf = figureOf(input);
  const period = "period";
  const tally =
    tallyAnswers({
      ...input,
      groupOf: (filedOn) => (filedOn >= input.from && filedOn <= input.to ? period : null),
    }).get(period) ?? new Map<string, AnswerTotals>();
  const row = (officeKey: string, officeName: string): OfficeFigures =>
    officeFigures(
      officeKey,
      officeName,
      tally.get(officeKey === "*" ? ALL_OFFICES : officeKey) ?? emptyTotals(),
      satisfactionOf(input.surveyAnswers, new Set(questionsOf(officeKey, "received").map((q) => q.id))),
    );
  return {
    from: input.from,
    to: input.to,
    asOf: input.asOf,
    offices: input.offices.map((o) => row(o.key, o.name)),
    total: row("*", "*"),
  };
}
