/**
 * `rinde questions report`: the management report on questions (src/services/questions/report.ts)
 * as a table, JSON or CSV, and the drill-down from a figure to its radicados (`--figure`). A thin
 * renderer: the figures and their definitions live in the domain; the texts in locales/<lang>/report.json.
 */
import {
  COUNT_FIGURES,
  type CountFigure,
  type OfficeFigures,
  type QuestionsReport,
} from "../../core/questions-report.ts";
import type { Cli } from "../context.ts";
import { officeName } from "../../services/context.ts";
import { questionsReport, questionsReportFigure, type ReportError } from "../../services/questions/report.ts";
import { parse } from "../args.ts";
import { EXPORT_OPTIONS, staffCsv, writeExport } from "../csv.ts";
import { CliError, table } from "../output.ts";

const COLUMNS = [...COUNT_FIGURES, "onTimeRate", "medianBusinessDaysToAnswer", "p90BusinessDaysToAnswer"] as const;

/** Texts of `report.<key>` in the operator's language (`--lang`, RINDE_LANG; Spanish by default). */
function texts(cli: Cli) {
  return (key: string, vars?: Record<string, unknown>) => cli.tr(`report.${key}`, vars);
}

function fail(cli: Cli, error: ReportError | "unknown_figure" | "figure_needs_office" | "csv_and_json"): never {
  throw new CliError(texts(cli)(`errors.${error}`, { figures: COUNT_FIGURES.join(", ") }));
}

function satisfactionText(cli: Cli, row: OfficeFigures): string {
  const t = texts(cli);
  const parts = row.satisfaction.map((s) =>
    s.mean !== null
      ? t("satisfaction_mean", { survey: s.surveyId, mean: s.mean.toFixed(1), n: s.responses })
      : t("satisfaction_yes", { survey: s.surveyId, share: Math.round((s.yesShare ?? 0) * 100), n: s.responses }),
  );
  return parts.length ? parts.join("; ") : t("no_data");
}

/** One office's row with the locale's column names, as the table and the CSV show it. */
function displayRow(cli: Cli, row: OfficeFigures): Record<string, unknown> {
  const t = texts(cli);
  const out: Record<string, unknown> = {
    [t("columns.office")]: row.officeKey === "*" ? t("office_total") : row.officeName,
  };
  for (const column of COLUMNS) {
    const value = row[column];
    out[t(`columns.${column}`)] =
      value === null ? t("no_data") : column === "onTimeRate" ? Math.round((value as number) * 100) : value;
  }
  out[t("columns.satisfaction")] = satisfactionText(cli, row);
  return out;
}

function render(
  cli: Cli,
  report: QuestionsReport,
  values: { csv?: boolean; out?: string; force?: boolean; separator?: string },
): void {
  const t = texts(cli);
  const rows = [...report.offices, report.total].map((row) => displayRow(cli, row));
  const columns = Object.keys(rows[0]!);
  if (values.csv) {
    const csv = staffCsv(rows, columns, values);
    if (!values.out) return void cli.io.stdout.write(csv);
    writeExport(values.out, csv, values.force);
    return void cli.io.stdout.write(`${t("written", { path: values.out })}\n`);
  }
  cli.io.stdout.write(
    `${t("title", { from: report.from, to: report.to, asOf: report.asOf })}\n\n${table(rows, columns)}\n\n${t("more_help")}\n`,
  );
}

async function drillDown(
  cli: Cli,
  values: { from?: string; to?: string; office?: string; figure: string; json?: boolean },
): Promise<void> {
  const figure = values.figure as CountFigure;
  if (!COUNT_FIGURES.includes(figure)) fail(cli, "unknown_figure");
  if (!values.office) fail(cli, "figure_needs_office");
  const result = await questionsReportFigure(
    cli.runtime.app,
    { from: values.from, to: values.to },
    values.office,
    figure,
  );
  if (!result.ok) fail(cli, result.error);
  const rows = result.value.map((q) => ({
    reference: q.reference,
    office: q.officeKey,
    status: q.status,
    filedAt: new Date(q.filedAtMs).toISOString(),
    dueDate: q.dueDate,
  }));
  if (values.json) return cli.json(rows);
  const t = texts(cli);
  const dates = await questionsReport(cli.runtime.app, { from: values.from, to: values.to });
  const period = dates.ok ? dates.value : { from: values.from, to: values.to, asOf: "" };
  const office = values.office === "*" ? t("office_total") : officeName(cli.runtime.app, values.office);
  cli.io.stdout.write(
    `${t("figure_title", { ...period, figure: t(`columns.${figure}`), office, count: rows.length })}\n\n${table(rows, ["reference", "office", "status", "filedAt", "dueDate"])}\n`,
  );
}

export async function runQuestionsReport(cli: Cli, args: string[]): Promise<void> {
  if (args.includes("--help") || args.includes("-h"))
    return void cli.io.stdout.write(`${texts(cli)("help", { figures: COUNT_FIGURES.join(", ") })}\n`);
  const { values } = parse(args, {
    from: { type: "string" },
    to: { type: "string" },
    office: { type: "string" },
    figure: { type: "string" },
    json: { type: "boolean" },
    csv: { type: "boolean" },
    ...EXPORT_OPTIONS,
    help: { type: "boolean" },
  });
  if (values.help) return void cli.io.stdout.write(`${texts(cli)("help", { figures: COUNT_FIGURES.join(", ") })}\n`);
  if (values.json && values.csv) fail(cli, "csv_and_json");
  if (values.figure !== undefined) return await drillDown(cli, { ...values, figure: values.figure });
  const result = await questionsReport(cli.runtime.app, { from: values.from, to: values.to, officeKey: values.office });
  if (!result.ok) fail(cli, result.error);
  if (values.json) return cli.json(result.value);
  render(cli, result.value, values);
}
