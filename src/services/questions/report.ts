/**
 * The management report on questions for internal control (`rinde questions report`, later the
 * back-office "Informes" page and the public transparency pages): reads one period's rows through
 * the report repository and computes the figures in src/core/questions-report.ts.
 */
import { addCalendarDays, isLocalDate, toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { definitionOf } from "../../core/surveys/index.ts";
import {
  buildQuestionsReport,
  figureOf,
  type CountFigure,
  type QuestionsReport,
  type ReportInput,
  type ReportQuestion,
  type ReportSurveyAnswer,
} from "../../core/questions-report.ts";
import type { RawSurveyAnswer } from "../../db/repositories/questions-report.ts";
import { officeName, type AppContext } from "../context.ts";

export interface ReportPeriod {
  /** First filing date included (YYYY-MM-DD, local). Default: the first day of the current month. */
  from?: string;
  /** Last filing date included. Default: today. */
  to?: string;
  /** Only this office's row (the total then covers it alone). */
  officeKey?: string;
}

export type ReportError = "invalid_date" | "from_after_to" | "unknown_office";

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ReportError };

const DAY_MS = 86_400_000;

/** Today and the period's dates, checked. */
async function resolvePeriod(
  app: AppContext,
  period: ReportPeriod,
): Promise<Outcome<{ from: LocalDate; to: LocalDate; asOf: LocalDate }>> {
  const asOf = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const from = period.from ?? `${asOf.slice(0, 8)}01`;
  const to = period.to ?? asOf;
  if (!isLocalDate(from) || !isLocalDate(to)) return { ok: false, error: "invalid_date" };
  if (from > to) return { ok: false, error: "from_after_to" };
  if (period.officeKey && !(await app.repos.offices.get(period.officeKey)))
    return { ok: false, error: "unknown_office" };
  return { ok: true, value: { from, to, asOf } };
}

/** The headline question (first scale, else first yes/no) of each distinct definition snapshot. */
function headlineAnswers(raw: readonly RawSurveyAnswer[]): ReportSurveyAnswer[] {
  const headlines = new Map<string, { key: string; type: "scale" | "yes_no" } | null>();
  const headlineOf = (definition: string) => {
    if (!headlines.has(definition)) {
      const questions = definitionOf({ definition }).questions;
      const q = questions.find((x) => x.type === "scale") ?? questions.find((x) => x.type === "yes_no");
      headlines.set(definition, q ? { key: q.id, type: q.type as "scale" | "yes_no" } : null);
    }
    return headlines.get(definition);
  };
  return raw.flatMap((a) => {
    const headline = headlineOf(a.definition);
    return headline && headline.key === a.questionKey
      ? [{ questionId: a.questionId, surveyId: a.surveyId, type: headline.type, value: a.value }]
      : [];
  });
}

async function reportInput(
  app: AppContext,
  dates: { from: LocalDate; to: LocalDate; asOf: LocalDate },
  officeKey?: string,
): Promise<ReportInput> {
  // Instants a day wider than the local dates on each side (any time zone); core keeps the exact dates.
  const fromMs = Date.parse(`${dates.from}T00:00:00Z`) - DAY_MS;
  const toMs = Date.parse(`${addCalendarDays(dates.to, 1)}T00:00:00Z`) + DAY_MS;
  const repo = app.repos.questionsReport;
  const offices = app.profile.offices
    .filter((o) => !officeKey || o.key === officeKey)
    .map((o) => ({ key: o.key, name: officeName(app, o.key) }));
  return {
    ...dates,
    timeZone: app.profile.timezone,
    calendar: app.calendar,
    offices,
    // Every office's questions: a reassignment counts for the office that gave the question away.
    questions: await repo.questionsFiled(fromMs, toMs),
    reassignments: await repo.reassignmentsOfQuestionsFiled(fromMs, toMs),
    surveyAnswers: headlineAnswers(await repo.surveyAnswersOfQuestionsFiled(fromMs, toMs)),
  };
}

/** The report for a period (see src/core/questions-report.ts for what each figure counts). */
export async function questionsReport(app: AppContext, period: ReportPeriod = {}): Promise<Outcome<QuestionsReport>> {
  const dates = await resolvePeriod(app, period);
  if (!dates.ok) return dates;
  const report = buildQuestionsReport(await reportInput(app, dates.value, period.officeKey));
  // One office asked for: its row is the total.
  return {
    ok: true,
    value: period.officeKey ? { ...report, total: { ...report.offices[0]!, officeKey: "*", officeName: "*" } } : report,
  };
}

/** The questions behind one figure of the report (`officeKey` "*" for the total): the drill-down. */
export async function questionsReportFigure(
  app: AppContext,
  period: ReportPeriod,
  officeKey: string,
  figure: CountFigure,
): Promise<Outcome<ReportQuestion[]>> {
  const dates = await resolvePeriod(app, officeKey === "*" ? period : { ...period, officeKey });
  if (!dates.ok) return dates;
  return { ok: true, value: figureOf(await reportInput(app, dates.value))(officeKey, figure) };
}
