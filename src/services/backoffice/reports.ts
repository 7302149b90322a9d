/**
 * Informes and Encuestas of the back-office (issue 14): the management report of
 * `rinde questions report` (the same service, so the same figures) per office and period, the
 * questions behind each figure, and the survey results, each limited to what the actor may read
 * (heads their office; internal control and admins every office; see core/authorization).
 */
import { reportScope, surveyResultsScope, type Actor, type ReportScope } from "../../core/authorization.ts";
import type { CountFigure, QuestionsReport, ReportQuestion } from "../../core/questions-report.ts";
import type { AppContext } from "../context.ts";
import { questionsReport, questionsReportFigure, type ReportError, type ReportPeriod } from "../questions/report.ts";
import { surveyResults, type SurveyResultBlock } from "../surveys/results.ts";

export type ReportPageError = ReportError | "not_allowed";
type Outcome<T> = ({ ok: true } & T) | { ok: false; error: ReportPageError };

export interface ReportRequest {
  from?: string;
  to?: string;
  /** An office key; undefined for every office the actor may read. */
  officeKey?: string;
}

/** The offices an actor may pick in the report's filter. */
async function officeChoices(app: AppContext, scope: Exclude<ReportScope, null>) {
  return (await app.repos.offices.list())
    .filter((o) => o.active && (scope.all || o.key === scope.officeKey))
    .map((o) => ({ key: o.key, name: o.name }));
}

/** The office the request may read: a head's own office whatever was asked; `not_allowed` for another. */
function officeFor(
  scope: Exclude<ReportScope, null>,
  asked: string | undefined,
): { ok: true; officeKey: string | undefined } | { ok: false } {
  if (scope.all) return { ok: true, officeKey: asked };
  if (asked !== undefined && asked !== "*" && asked !== scope.officeKey) return { ok: false };
  return { ok: true, officeKey: scope.officeKey };
}

export async function managementReport(
  app: AppContext,
  actor: Actor,
  request: ReportRequest,
): Promise<
  Outcome<{
    report: QuestionsReport;
    offices: { key: string; name: string }[];
    officeKey: string | undefined;
    wholeEntity: boolean;
  }>
> {
  const scope = reportScope(actor);
  if (!scope) return { ok: false, error: "not_allowed" };
  const office = officeFor(scope, request.officeKey);
  if (!office.ok) return { ok: false, error: "not_allowed" };
  const period: ReportPeriod = { from: request.from, to: request.to, officeKey: office.officeKey };
  const result = await questionsReport(app, period);
  if (!result.ok) return result;
  return {
    ok: true,
    report: result.value,
    offices: await officeChoices(app, scope),
    officeKey: office.officeKey,
    wholeEntity: scope.all && office.officeKey === undefined,
  };
}

/** The questions behind one figure (`officeKey` "*": the total of every office, for those who see them all). */
export async function managementReportFigure(
  app: AppContext,
  actor: Actor,
  request: ReportRequest & { officeKey: string },
  figure: CountFigure,
): Promise<Outcome<{ questions: ReportQuestion[]; report: QuestionsReport }>> {
  const scope = reportScope(actor);
  if (!scope) return { ok: false, error: "not_allowed" };
  if (!scope.all && request.officeKey !== scope.officeKey) return { ok: false, error: "not_allowed" };
  const period = { from: request.from, to: request.to };
  const questions = await questionsReportFigure(app, period, request.officeKey, figure);
  if (!questions.ok) return questions;
  const report = await questionsReport(
    app,
    request.officeKey === "*" ? period : { ...period, officeKey: request.officeKey },
  );
  if (!report.ok) return report;
  return { ok: true, questions: questions.value, report: report.value };
}

export interface SurveyRequest {
  officeKey?: string;
  surveyId?: string;
}

/** Survey results (chat and paper together), per survey, for the offices the actor may read. */
export async function surveyResultsPage(
  app: AppContext,
  actor: Actor,
  request: SurveyRequest,
): Promise<
  Outcome<{
    blocks: SurveyResultBlock[];
    offices: { key: string; name: string }[];
    surveyIds: string[];
    officeKey: string | undefined;
  }>
> {
  const scope = surveyResultsScope(actor);
  if (!scope) return { ok: false, error: "not_allowed" };
  const office = officeFor(scope, request.officeKey);
  if (!office.ok) return { ok: false, error: "not_allowed" };
  const everySurvey = await surveyResults(app, { officeKey: office.officeKey });
  const blocks = request.surveyId ? everySurvey.filter((b) => b.surveyId === request.surveyId) : everySurvey;
  return {
    ok: true,
    blocks,
    offices: await officeChoices(app, scope),
    surveyIds: everySurvey.map((b) => b.surveyId),
    officeKey: office.officeKey,
  };
}
