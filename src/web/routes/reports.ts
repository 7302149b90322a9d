/**
 * Informes: the management report per office and period, each figure a link to its questions, and
 * CSV of the current view. Encuestas: survey results with SVG bars and small-sample warnings.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { COUNT_FIGURES, type CountFigure, type OfficeFigures } from "../../core/questions-report.ts";
import {
  managementReport,
  managementReportFigure,
  surveyResultsPage,
  type ReportPageError,
} from "../../services/backoffice/reports.ts";
import type { SurveyResultBlock } from "../../services/surveys/results.ts";
import type { SurveySet } from "../../core/surveys/index.ts";
import { mayImportPaperForms } from "../../services/backoffice/survey-import.ts";
import { optionLabelKeys } from "../../services/surveys/definitions.ts";
import { sendCsv } from "../csv.ts";
import { localeOf, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const office = z.string().regex(/^(\*|[a-z0-9_-]{1,64})$/);
const reportQuery = z.object({
  desde: date.optional().or(z.literal("").transform(() => undefined)),
  hasta: date.optional().or(z.literal("").transform(() => undefined)),
  oficina: office.optional().or(z.literal("").transform(() => undefined)),
});
const figureQuery = reportQuery.extend({ oficina: office, cifra: z.enum(COUNT_FIGURES) });
const surveyQuery = z.object({
  oficina: office.optional().or(z.literal("").transform(() => undefined)),
  encuesta: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/)
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** The value columns after the office name, in the CLI's order. */
const VALUE_COLUMNS = [
  ...COUNT_FIGURES,
  "onTimeRate",
  "medianBusinessDaysToAnswer",
  "p90BusinessDaysToAnswer",
] as const;
/** Below this many responses a figure says little: the page says so beside it. */
export const SMALL_SAMPLE = 10;

export function registerReportRoutes(admin: FastifyInstance, deps: WebDeps & { surveys: () => SurveySet }): void {
  const { app } = deps;
  const tr = (request: FastifyRequest, key: string, vars?: Record<string, unknown>) =>
    app.translator.t(localeOf(request), key, vars);

  const refuse = (request: FastifyRequest, reply: FastifyReply, error: ReportPageError) =>
    error === "not_allowed"
      ? sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403)
      : sendPage(request, reply, deps, "error", { title: "errors.title", message: `reports.errors.${error}` }, 422);

  const displayRow = (request: FastifyRequest, row: OfficeFigures): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      office: row.officeKey === "*" ? tr(request, "report.office_total") : row.officeName,
    };
    for (const column of VALUE_COLUMNS) {
      const value = row[column];
      out[column] = value === null ? "" : column === "onTimeRate" ? Math.round(value * 100) : value;
    }
    out.satisfaction = row.satisfaction
      .map((s) =>
        s.mean !== null
          ? tr(request, "report.satisfaction_mean", { survey: s.surveyId, mean: s.mean.toFixed(1), n: s.responses })
          : tr(request, "report.satisfaction_yes", {
              survey: s.surveyId,
              share: Math.round((s.yesShare ?? 0) * 100),
              n: s.responses,
            }),
      )
      .join("; ");
    return out;
  };

  admin.get("/informes", async (request, reply) => {
    const query = reportQuery.safeParse(request.query);
    if (!query.success) return refuse(request, reply, "invalid_date");
    const result = await managementReport(app, staffOf(request).actor, {
      from: query.data.desde,
      to: query.data.hasta,
      officeKey: query.data.oficina,
    });
    if (!result.ok) return refuse(request, reply, result.error);
    const rows = [...result.report.offices, ...(result.report.offices.length > 1 ? [result.report.total] : [])];
    return sendPage(request, reply, deps, "reports", {
      title: "reports.title",
      result,
      rows,
      figures: COUNT_FIGURES,
      columns: VALUE_COLUMNS,
      display: (row: OfficeFigures) => displayRow(request, row),
    });
  });

  admin.get("/informes.csv", async (request, reply) => {
    const query = reportQuery.safeParse(request.query);
    if (!query.success) return refuse(request, reply, "invalid_date");
    const result = await managementReport(app, staffOf(request).actor, {
      from: query.data.desde,
      to: query.data.hasta,
      officeKey: query.data.oficina,
    });
    if (!result.ok) return refuse(request, reply, result.error);
    const rows = [...result.report.offices, result.report.total].map((row) => displayRow(request, row));
    const columns = ["office", ...VALUE_COLUMNS, "satisfaction"].map((key) => ({
      key,
      header: tr(request, `report.columns.${key}`),
    }));
    return sendCsv(reply, `informe-${result.report.from}-${result.report.to}.csv`, rows, columns);
  });

  const figurePage = async (request: FastifyRequest, reply: FastifyReply, csv: boolean) => {
    const query = figureQuery.safeParse(request.query);
    if (!query.success) return refuse(request, reply, "invalid_date");
    const figure: CountFigure = query.data.cifra;
    const result = await managementReportFigure(
      app,
      staffOf(request).actor,
      { from: query.data.desde, to: query.data.hasta, officeKey: query.data.oficina },
      figure,
    );
    if (!result.ok) return refuse(request, reply, result.error);
    const officeName =
      query.data.oficina === "*"
        ? tr(request, "report.office_total")
        : (app.officeNames.get(query.data.oficina) ?? query.data.oficina);
    if (csv) {
      const t = (key: string) => tr(request, `web.reports.${key}`);
      const rows = result.questions.map((q) => ({
        reference: q.reference,
        office: app.officeNames.get(q.officeKey) ?? q.officeKey,
        status: tr(request, `web.statuses.${q.status}`),
        filed: new Date(q.filedAtMs).toISOString().slice(0, 10),
        due: q.dueDate,
      }));
      const columns = ["reference", "office", "status", "filed", "due"].map((key) => ({
        key,
        header: t(`col_${key}`),
      }));
      return sendCsv(
        reply,
        `informe-${figure}-${query.data.oficina === "*" ? "total" : query.data.oficina}.csv`,
        rows,
        columns,
      );
    }
    return sendPage(request, reply, deps, "report-figure", {
      title: "reports.figure_title",
      result,
      figure,
      officeKey: query.data.oficina,
      officeName,
      officeNames: app.officeNames,
    });
  };
  admin.get("/informes/preguntas", async (request, reply) => figurePage(request, reply, false));
  admin.get("/informes/preguntas.csv", async (request, reply) => figurePage(request, reply, true));

  /** A block as the page shows it: texts in the page's language, one bar per option. */
  const surveyView = (request: FastifyRequest, block: SurveyResultBlock) => ({
    surveyId: block.surveyId,
    version: block.definition.version,
    title: tr(request, block.definition.title),
    runIds: block.runIds,
    results: block.results,
    questions: block.results.questions.map((q) => {
      const keys = optionLabelKeys(block.definition.questions.find((x) => x.id === q.id)!);
      const label = (value: string, i: number) => (keys[i] ? tr(request, keys[i]) : value);
      return {
        id: q.id,
        text: tr(request, q.text),
        type: q.type,
        answered: q.answered,
        skipped: q.skipped,
        mean: q.mean ?? null,
        bars: (q.distribution ?? []).map((d, i) => ({
          label: q.type === "scale" ? `${d.value} ${label(d.value, i)}` : label(d.value, i),
          count: d.count,
          share: d.share,
        })),
        comments: q.comments ?? null,
      };
    }),
  });

  admin.get("/encuestas", async (request, reply) => {
    const query = surveyQuery.safeParse(request.query);
    const filter = query.success ? query.data : {};
    const result = await surveyResultsPage(app, staffOf(request).actor, {
      officeKey: filter.oficina,
      surveyId: filter.encuesta,
    });
    if (!result.ok) return refuse(request, reply, result.error);
    const blocks = result.blocks.map((block) => surveyView(request, block));
    const definitions = deps.surveys();
    return sendPage(request, reply, deps, "surveys", {
      title: "surveys.title",
      // The filter names each survey by its title (its id when the definition is not at hand).
      surveyTitle: (id: string) => {
        const definition = definitions.get(id);
        return definition ? tr(request, definition.title) : id;
      },
      result,
      blocks,
      surveyId: filter.encuesta ?? "",
      smallSample: SMALL_SAMPLE,
      mayImportPaper: mayImportPaperForms(staffOf(request).actor),
    });
  });
}
