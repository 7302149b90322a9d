/**
 * The evaluation report as a spreadsheet, one row per activity — the same file from
 * `rinde plan report --csv` and the back-office's download: UTF-8 with a byte-order mark and `;`
 * with decimal commas (Excel in Colombia) unless `,` is asked for; cells that a spreadsheet would
 * take for a formula are neutralised. Texts come from `plan.*` in the reader's language.
 */
import { stringify } from "csv-stringify/sync";
import { escapeFormulaCell } from "../../core/csv-cells.ts";
import { officeName, type AppContext } from "../context.ts";
import type { Evidence } from "./measure.ts";
import type { PlanReport } from "./report.ts";

/** Plan texts in one language: `t("state.done")` is `plan.state.done`. */
export interface PlanTexts {
  t(key: string, vars?: Record<string, unknown>): string;
  number(value: number): string;
}

/** One line of evidence: an event held, a progress report with its link, a report published, a count. */
export function evidenceText(texts: PlanTexts, e: Evidence): string {
  switch (e.kind) {
    case "event":
      return `#${e.eventId} ${e.date} ${e.title}${e.districts.length ? ` [${e.districts.join(", ")}]` : ""}`;
    case "progress":
      return `${e.date} ${texts.number(e.value)} ${e.url}`;
    case "answer_report":
      return `#${e.eventId} ${e.date} ${e.url}`;
    case "count":
      return `${texts.t(`evidence.${e.what}`)}: ${texts.number(e.value)}`;
  }
  return texts.t("cli.none");
}

export const REPORT_CSV_COLUMNS = [
  "component",
  "subcomponent",
  "id",
  "activity",
  "product",
  "goal_text",
  "goal",
  "unit",
  "achieved",
  "achieved_by_end",
  "state",
  "on_time",
  "start",
  "end",
  "offices",
  "measured_by",
  "evidence",
] as const;

export function planReportCsv(app: AppContext, texts: PlanTexts, report: PlanReport, delimiter: ";" | ","): string {
  const { t } = texts;
  const rows = report.components.flatMap((c) =>
    c.activities.map((a) => ({
      component: t(`component.${c.kind}`),
      subcomponent: c.name,
      id: a.id,
      activity: a.activity,
      product: a.product,
      goal_text: a.goal.text,
      goal: a.goal.value,
      unit: t(`csv.unit.${a.goal.unit}`),
      achieved: a.value ?? "",
      achieved_by_end: a.valueByEnd ?? "",
      state: t(`state.${a.state}`),
      on_time: a.onTime === null ? "" : t(a.onTime ? "cli.yes" : "cli.no"),
      start: a.start,
      end: a.end,
      offices: a.offices.map((o) => officeName(app, o)).join(" / "),
      measured_by: t(`indicator.${a.indicator}`),
      evidence: a.evidence.map((e) => evidenceText(texts, e)).join(" | "),
    })),
  );
  const csv = stringify(rows, {
    header: true,
    // Headers in the reader's language, like every other staff export (the keys stay for the code).
    columns: REPORT_CSV_COLUMNS.map((key) => ({ key, header: t(`csv.columns.${key}`) })),
    delimiter,
    cast: {
      string: (v) => escapeFormulaCell(v),
      number: (n) => (delimiter === ";" ? String(n).replace(".", ",") : String(n)),
    },
  });
  return `\uFEFF${csv}`;
}
