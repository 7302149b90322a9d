/**
 * `rinde plan import FILE.csv`: the seeds' spreadsheet layout turned into a plan YAML for review
 * (every activity `manual` until staff declare what Rinde measures), checked like a loaded plan.
 */
import { createRequire } from "node:module";
import { importPlanCsv, importPlanTable, type CsvProblem } from "../../core/plan/import-csv.ts";
import { decodeSpreadsheetText } from "../../core/text-decoding.ts";
import { planProblem, type PlanDefinition, type PlanProblem } from "../../core/plan/index.ts";
import type { AppContext } from "../context.ts";
import { MAX_PLAN_FILE_BYTES, parsePlan, planContextOf } from "./load.ts";

// `yaml` is loaded only by this command, not by every start of the bot and the CLI.
function stringify(value: unknown, options: { lineWidth: number }): string {
  return (createRequire(import.meta.url)("yaml") as typeof import("yaml")).stringify(value, options);
}

export type CsvImportOutcome =
  { ok: true; plan: PlanDefinition; yaml: string } | { ok: false; problems: PlanProblem[] };

export interface ImportFileOptions {
  source: string;
  surveyIds: Iterable<string>;
  year?: number;
  title?: string;
  defaultOffice?: string;
}

/** A file too big, or a default office the profile does not have: refused before anything is read. */
function refusedBeforeReading(
  app: AppContext,
  bytes: number,
  options: ImportFileOptions,
): CsvImportOutcome | undefined {
  if (bytes > MAX_PLAN_FILE_BYTES)
    return {
      ok: false,
      problems: [planProblem("file_too_big", { sizeKb: Math.ceil(bytes / 1024), maxKb: MAX_PLAN_FILE_BYTES / 1024 })],
    };
  if (options.defaultOffice && !app.profile.offices.some((o) => o.key === options.defaultOffice))
    return { ok: false, problems: [planProblem("default_office_unknown", { office: options.defaultOffice })] };
  return undefined;
}

/** Whether `bytes` are an Excel workbook of today (.xlsx: a zip) or of Excel 97–2003 (.xls: an OLE file). */
function workbookKind(bytes: Uint8Array): "xlsx" | "xls" | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "xlsx";
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return "xls";
  return undefined;
}

/** A worksheet cell as the CSV would have it: dates as yyyy-mm-dd (Excel keeps them as UTC days). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  return String(value);
}

/**
 * `rinde plan import FILE`: the plan table as the planning office keeps it — an Excel workbook
 * (.xlsx, the first sheet with the table's header; title rows above it are skipped) or any CSV
 * Excel saves (UTF-8 or Windows-1252, `;`, `,` or tab separated).
 */
export async function importPlanFromFile(
  app: AppContext,
  bytes: Uint8Array,
  options: ImportFileOptions,
): Promise<CsvImportOutcome> {
  const refused = refusedBeforeReading(app, bytes.length, options);
  if (refused) return refused;
  const kind = workbookKind(bytes);
  if (kind === "xls") return { ok: false, problems: [planProblem("csv_workbook_xls")] };
  if (kind === undefined) return importPlanFromCsv(app, decodeSpreadsheetText(Buffer.from(bytes)), options);
  // Loaded only by this command, not by every start.
  const { default: readXlsxFile } = await import("read-excel-file/node");
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = await readXlsxFile(Buffer.from(bytes));
  } catch (error) {
    return { ok: false, problems: [planProblem("csv_workbook_unreadable", { detail: (error as Error).message })] };
  }
  let first: CsvProblem[] | undefined;
  for (const { sheet, data } of sheets) {
    const rows = data.map((row) => row.map(cellText));
    const read = importPlanTable(rows, importOptions(app, options), (line, columns) => ({
      ...planProblem("csv_missing_columns_sheet", { columns, sheet }),
      line,
    }));
    if (read.ok) return checked(app, read.plan, options);
    // The first sheet with the table's header is the plan; its problems are the ones to fix.
    if (!read.problems.some((p) => p.key.endsWith("csv_missing_columns_sheet"))) return read;
    first ??= read.problems;
  }
  return { ok: false, problems: first ?? [planProblem("csv_no_activities")] };
}

const importOptions = (app: AppContext, options: ImportFileOptions) => ({
  profileId: app.profile.id,
  offices: app.profile.offices,
  year: options.year,
  title: options.title,
  source: options.source,
  defaultOffice: options.defaultOffice,
});

function checked(app: AppContext, plan: PlanDefinition, options: ImportFileOptions): CsvImportOutcome {
  const parsed = parsePlan(plan, planContextOf(app, options.surveyIds));
  if (!parsed.ok) return parsed;
  return { ok: true, plan: parsed.plan, yaml: yamlOfImport(parsed.plan, options.source) };
}

export function importPlanFromCsv(app: AppContext, text: string, options: ImportFileOptions): CsvImportOutcome {
  const refused = refusedBeforeReading(app, Buffer.byteLength(text, "utf8"), options);
  if (refused) return refused;
  const read = importPlanCsv(text, importOptions(app, options));
  return read.ok ? checked(app, read.plan, options) : read;
}

/** The YAML of an imported plan, with a header saying what to review. */
export function yamlOfImport(plan: PlanDefinition, source: string): string {
  const header = `# Importado de ${source}. Revise los indicadores: todas las actividades quedan "manual"\n# hasta declarar lo que Rinde mide (events, survey_responses, event_questions, ...).\n`;
  return header + stringify(plan, { lineWidth: 0 });
}
