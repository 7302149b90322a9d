/**
 * `rinde questions report`: the management report on questions (src/services/questions-report.ts)
 * as a table, JSON or CSV, and the drill-down from a figure to its radicados (`--figure`). A thin
 * renderer: the figures and their definitions live in the domain; the texts in locales/<lang>/report.json.
 */
import { COUNT_FIGURES, type CountFigure, type OfficeFigures, type QuestionsReport } from "../../core/questions-report.ts";
import type { Runtime } from "../../runtime.ts";
import { officeName } from "../../services/context.ts";
import { questionsReport, questionsReportFigure, type ReportError } from "../../services/questions-report.ts";
import { parse } from "../args.ts";
import { toCsv, writeExport } from "../csv.ts";
import { CliError, printJson, table } from "../output.ts";

const LOCALE = "es";

const COLUMNS = [...COUNT_FIGURES, "onTimeRate", "medianBusinessDaysToAnswer", "p90BusinessDaysToAnswer"] as const;

function texts(runtime: Runtime) {
  return (key: string, vars?: Record<string, unknown>) => runtime.app.translator.t(LOCALE, `report.${key}`, vars);
}

function fail(runtime: Runtime, error: ReportError | "unknown_figure" | "figure_needs_office" | "csv_and_json"): never {
  throw new CliError(texts(runtime)(`errors.${error}`, { figures: COUNT_FIGURES.join(", ") }));
}

function satisfactionText(runtime: Runtime, row: OfficeFigures): string {
  const t = texts(runtime);
  const parts = row.satisfaction.map((s) =>
    s.mean !== null
      ? t("satisfaction_mean", { survey: s.surveyId, mean: s.mean.toFixed(1), n: s.responses })
      : t("satisfaction_yes", { survey: s.surveyId, share: Math.round((s.yesShare ?? 0) * 100), n: s.responses }),
  );
  return parts.length ? parts.join("; ") : t("no_data");
}

/** One office's row with the locale's column names, as the table and the CSV show it. */
function displayRow(runtime: Runtime, row: OfficeFigures): Record<string, unknown> {
  const t = texts(runtime);
  const out: Record<string, unknown> = { [t("columns.office")]: row.officeKey === "*" ? t("office_total") : row.officeName };
  for (const column of COLUMNS) {
    const value = row[column];
    out[t(`columns.${column}`)] = value === null ? t("no_data") : column === "onTimeRate" ? Math.round((value as number) * 100) : value;
  }
  out[t("columns.satisfaction")] = satisfactionText(runtime, row);
  return out;
}

function render(runtime: Runtime, report: QuestionsReport, values: { csv?: boolean; out?: string; force?: boolean }): void {
  const t = texts(runtime);
  const rows = [...report.offices, report.total].map((row) => displayRow(runtime, row));
  const columns = Object.keys(rows[0]!);
  if (values.csv) {
    const csv = toCsv(rows, columns);
    if (!values.out) return void process.stdout.write(csv);
    writeExport(values.out, csv, values.force);
    return void process.stdout.write(`${t("written", { path: values.out })}\n`);
  }
  process.stdout.write(`${t("title", { from: report.from, to: report.to, asOf: report.asOf })}\n\n${table(rows, columns)}\n\n${t("more_help")}\n`);
}

function drillDown(runtime: Runtime, values: { from?: string; to?: string; office?: string; figure: string; json?: boolean }): void {
  const figure = values.figure as CountFigure;
  if (!COUNT_FIGURES.includes(figure)) fail(runtime, "unknown_figure");
  if (!values.office) fail(runtime, "figure_needs_office");
  const result = questionsReportFigure(runtime.app, { from: values.from, to: values.to }, values.office, figure);
  if (!result.ok) fail(runtime, result.error);
  const rows = result.value.map((q) => ({ reference: q.reference, office: q.officeKey, status: q.status, filedAt: new Date(q.filedAtMs).toISOString(), dueDate: q.dueDate }));
  if (values.json) return printJson(rows);
  const t = texts(runtime);
  const dates = questionsReport(runtime.app, { from: values.from, to: values.to });
  const period = dates.ok ? dates.value : { from: values.from, to: values.to, asOf: "" };
  const office = values.office === "*" ? t("office_total") : officeName(runtime.app, values.office);
  process.stdout.write(`${t("figure_title", { ...period, figure: t(`columns.${figure}`), office, count: rows.length })}\n\n${table(rows, ["reference", "office", "status", "filedAt", "dueDate"])}\n`);
}

export function runQuestionsReport(runtime: Runtime, args: string[]): void {
  const { values } = parse(args, {
    from: { type: "string" },
    to: { type: "string" },
    office: { type: "string" },
    figure: { type: "string" },
    json: { type: "boolean" },
    csv: { type: "boolean" },
    out: { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) return void process.stdout.write(`${texts(runtime)("help", { figures: COUNT_FIGURES.join(", ") })}\n`);
  if (values.json && values.csv) fail(runtime, "csv_and_json");
  if (values.figure !== undefined) return drillDown(runtime, { ...values, figure: values.figure });
  const result = questionsReport(runtime.app, { from: values.from, to: values.to, officeKey: values.office });
  if (!result.ok) fail(runtime, result.error);
  if (values.json) return printJson(result.value);
  render(runtime, result.value, values);
}
