/**
 * The seeds' spreadsheet layout → a plan: one row per activity with the columns subcomponente,
 * actividad, producto, meta, responsable, fecha inicio, fecha final (headers matched without case
 * or accents), `,` or `;` separated, UTF-8 with or without BOM — what a planning office exports
 * from Excel. Merged cells come out of Excel as blank cells: a blank subcomponent continues the
 * previous one, and a row with no activity, product or goal continues the previous activity —
 * another responsible office (1.6 of Pasto 2022 lists four, one per row) or another period (1.7,
 * July and November). Every activity gets `indicator: manual`; staff then declare what Rinde
 * measures in the YAML. Pure: the profile's offices are a parameter. All problems are reported,
 * by line, and nothing is returned when there is one.
 */
import { parse } from "csv-parse/sync";
import { addCalendarDays, isLocalDate, type LocalDate } from "../calendar/index.ts";
import type { PlanActivity, PlanComponent, PlanComponentKind, PlanDefinition } from "./definition.ts";
import { planProblem, type PlanProblem } from "./problems.ts";

/** A problem of the CSV, on its line (1 is the header). */
export type CsvProblem = PlanProblem & { line: number };
const csvProblem = (line: number, code: string, vars: Record<string, string | number> = {}): CsvProblem => ({
  ...planProblem(`csv_${code}`, vars),
  line,
});

export interface ImportOptions {
  profileId: string;
  offices: readonly { key: string; name: string }[];
  /** The plan's year; inferred from the dates when absent. */
  year?: number;
  title?: string;
  source?: string;
  /** Office for responsible parties that name no office ("Equipo líder del proceso"); a problem otherwise. */
  defaultOffice?: string;
}

const COLUMNS = {
  subcomponent: ["subcomponente", "subcomponente / proceso", "subcomponente/proceso", "componente"],
  activity: ["actividad", "actividades"],
  product: ["producto"],
  goal: ["meta", "meta de producto", "meta de producto - indicador", "meta o producto"],
  responsible: ["responsable"],
  start: ["fecha inicio", "fecha de inicio", "inicio"],
  end: ["fecha final", "fecha fin", "fecha de finalizacion", "fecha programada", "final"],
} as const;
type Column = keyof typeof COLUMNS;

export function normalizeText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The separator the header line uses most: a tab (cells copied from Excel and pasted), `;` (Excel in
 * Spanish saves so) or `,`.
 */
export function detectDelimiter(text: string): Delimiter {
  const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const count = (d: string) => header.split(d).length - 1;
  if (count("\t") > 0 && count("\t") >= count(";") && count("\t") >= count(",")) return "\t";
  return count(";") > count(",") ? ";" : ",";
}

type Delimiter = "\t" | ";" | ",";

function componentKind(name: string): PlanComponentKind | undefined {
  const n = normalizeText(name);
  if (/evaluaci|retroaliment|seguimiento/.test(n)) return "evaluation";
  if (/informaci/.test(n)) return "information";
  if (/dialogo/.test(n)) return "dialogue";
  if (/responsabilidad|incentivo/.test(n)) return "responsibility";
  return undefined;
}

/** The goal's number and unit: "Al menos 50 encuestas" → 50; "100% líderes" → 100 percent; "15.000 ejemplares" → 15000. */
export function parseGoal(text: string): { value: number; unit: "count" | "percent" } | undefined {
  const match = /(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)\s*(%)?/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]!.replace(/\./g, "").replace(",", "."));
  if (!(value > 0)) return undefined;
  return { value, unit: match[2] ? "percent" : "count" };
}

/** Every date in a cell: dd/mm/yyyy, d/m/yy or yyyy-mm-dd. Undefined when something else is there. */
export function parseDates(cell: string): LocalDate[] | undefined {
  const dates: LocalDate[] = [];
  const rest = cell.replace(
    /(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\b|(\d{4})-(\d{2})-(\d{2})/g,
    (all, d, m, y, iy, im, id) => {
      const date = d
        ? `${y.length === 2 ? `20${y}` : y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`
        : `${iy}-${im}-${id}`;
      dates.push(date);
      return " ";
    },
  );
  if (rest.trim() !== "" || dates.some((d) => !isLocalDate(d))) return undefined;
  return dates;
}

const STOP_WORDS = new Set(["de", "del", "la", "las", "el", "los", "y", "e", "para", "municipal", "municipio"]);
const tokens = (text: string) =>
  normalizeText(text)
    .replace(/[()]/g, " ")
    .split(/[^a-z0-9]+/)
    .filter((t) => t && !STOP_WORDS.has(t));

/** The office a responsible party names: by key, by name, or by all its words (acronyms included), if exactly one matches. */
export function matchOffice(part: string, offices: readonly { key: string; name: string }[]): string | undefined {
  const wanted = normalizeText(part);
  const exact = offices.find((o) => o.key === wanted || normalizeText(o.name) === wanted);
  if (exact) return exact.key;
  const words = tokens(part);
  if (words.length === 0) return undefined;
  const candidates = offices.filter((o) => {
    const have = new Set([...tokens(o.name), o.key]);
    return words.every((w) => have.has(w));
  });
  return candidates.length === 1 ? candidates[0]!.key : undefined;
}

function headerIndex(header: readonly string[]): { index: Partial<Record<Column, number>>; missing: Column[] } {
  const index: Partial<Record<Column, number>> = {};
  header.forEach((cell, i) => {
    const name = normalizeText(cell);
    for (const [column, names] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
      if (index[column] === undefined && names.includes(name)) index[column] = i;
    }
  });
  const missing = (Object.keys(COLUMNS) as Column[]).filter((c) => index[c] === undefined && c !== "start");
  return { index, missing };
}

/**
 * The offices a responsible cell names (split on `/`, `;` and line breaks), and the parts that
 * name none; with a default office, that office stands for the unmatched parts.
 */
function responsibleOf(text: string, options: ImportOptions): { offices: string[]; unmatched: string[] } {
  const offices: string[] = [];
  const unmatched: string[] = [];
  for (const part of text
    .split(/[/\n;]+/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const key = matchOffice(part, options.offices);
    if (!key) unmatched.push(part);
    else if (!offices.includes(key)) offices.push(key);
  }
  if (unmatched.length && options.defaultOffice && !offices.includes(options.defaultOffice))
    offices.push(options.defaultOffice);
  return { offices, unmatched };
}

/** A row Excel wrote for merged cells: no activity, product nor goal, but a responsible or dates. */
function isContinuation(cell: (c: Column) => string): boolean {
  return (
    !cell("activity") &&
    !cell("product") &&
    !cell("goal") &&
    (cell("responsible") !== "" || cell("start") !== "" || cell("end") !== "")
  );
}

/**
 * Adds a continuation row to the activity above it: its responsible offices and its periods (a
 * period's start is the row's start date, else the day after the previous period ends).
 */
function continueRow(
  draft: RowDraft,
  cell: (c: Column) => string,
  line: number,
  options: ImportOptions,
  problems: CsvProblem[],
): void {
  const before = problems.length;
  const problem = (code: string, vars: Record<string, string | number> = {}) =>
    problems.push(csvProblem(line, code, vars));
  const { offices, unmatched } = responsibleOf(cell("responsible"), options);
  if (unmatched.length && !options.defaultOffice) problem("responsible_unknown", { names: unmatched.join("», «") });
  const starts = parseDates(cell("start"));
  const ends = parseDates(cell("end"));
  if (!starts) problem("start_date", { value: cell("start") });
  if (!ends || (ends.length === 0 && starts && starts.length > 0)) problem("end_date", { value: cell("end") });
  if (problems.length > before) return;
  const activity = draft.activity;
  for (const office of offices) if (!activity.offices.includes(office)) activity.offices.push(office);
  if (unmatched.length) {
    const text = cell("responsible").replace(/\s+/g, " ");
    activity.responsibleText = activity.responsibleText ? `${activity.responsibleText} / ${text}` : text;
  }
  ends!.forEach((end, i) => {
    const previousEnd = activity.periods.at(-1)!.end;
    activity.periods.push({ start: starts![i] ?? starts![0] ?? addCalendarDays(previousEnd, 1), end });
  });
}

interface RowDraft {
  line: number;
  component: string;
  activity: PlanActivity;
}

function readRow(
  cells: readonly string[],
  at: Partial<Record<Column, number>>,
  line: number,
  options: ImportOptions,
  problems: CsvProblem[],
): Omit<RowDraft, "component"> | undefined {
  const cell = (c: Column) => (at[c] === undefined ? "" : (cells[at[c]!] ?? "").trim());
  const before = problems.length;
  const problem = (code: string, vars: Record<string, string | number> = {}) =>
    problems.push(csvProblem(line, code, vars));
  const activityText = cell("activity");
  const idMatch = /^(\d+(?:\.\d+)*)\.?\s+(.*)$/s.exec(activityText);
  const goal = parseGoal(cell("goal"));
  if (!goal) problem("goal_no_number", { value: cell("goal") });
  const { offices, unmatched } = responsibleOf(cell("responsible"), options);
  if (unmatched.length && !options.defaultOffice) problem("responsible_unknown", { names: unmatched.join("», «") });
  if (offices.length === 0 && !unmatched.length) problem("responsible_empty");
  const starts = parseDates(cell("start"));
  const ends = parseDates(cell("end"));
  if (!starts) problem("start_date", { value: cell("start") });
  if (!ends || ends.length === 0) problem("end_date", { value: cell("end") });
  if (activityText.length < 3) problem("activity_empty");
  if (problems.length > before) return undefined;
  const year = options.year ?? Number(ends![0]!.slice(0, 4));
  const periods = ends!.map((end, i) => ({ start: starts![i] ?? starts![0] ?? `${year}-01-01`, end }));
  return {
    line,
    activity: {
      id: idMatch?.[1] ?? "",
      activity: (idMatch?.[2] ?? activityText).trim(),
      product: cell("product") || (idMatch?.[2] ?? activityText).trim(),
      goal: { text: cell("goal"), value: goal!.value, unit: goal!.unit },
      offices,
      ...(unmatched.length ? { responsibleText: cell("responsible").replace(/\s+/g, " ") } : {}),
      periods,
      indicator: { type: "manual" },
    },
  };
}

export type TableImport = { ok: true; plan: PlanDefinition } | { ok: false; problems: CsvProblem[] };

/** Reads the CSV; `{ plan }` when every row is good, else every problem by line. */
export function importPlanCsv(text: string, options: ImportOptions): TableImport {
  // A workbook is a zip (.xlsx) or an OLE file (.xls), not text: `rinde plan import` reads the
  // file itself (src/services/plan/import.ts); pasted, it can only be refused.
  if (text.startsWith("PK\u0003\u0004") || text.startsWith("\u00d0\u00cf\u0011\u00e0"))
    return { ok: false, problems: [csvProblem(0, "workbook")] };
  // The header line's separator first; when title lines sit above the header, the others too.
  const first = detectDelimiter(text);
  const candidates = [first, ...(["\t", ";", ","] as const).filter((d) => d !== first)];
  let chosen: { delimiter: Delimiter; records: string[][] } | undefined;
  for (const delimiter of candidates) {
    let records: string[][];
    try {
      records = parse(text.replace(/^\uFEFF/, ""), {
        delimiter,
        relax_column_count: true,
        skip_empty_lines: false,
        bom: true,
      });
    } catch (error) {
      if (delimiter !== first) continue;
      return {
        ok: false,
        problems: [
          csvProblem((error as { lines?: number }).lines ?? 1, "invalid", { detail: (error as Error).message }),
        ],
      };
    }
    chosen ??= { delimiter, records };
    if (findHeader(records).missing.length === 0) {
      chosen = { delimiter, records };
      break;
    }
  }
  const { delimiter, records } = chosen!;
  return importPlanTable(records, options, (line, columns) => {
    const other = delimiter === ";" ? "," : ";";
    return csvProblem(line, "missing_columns", { columns, delimiter: delimiter === "\t" ? "tab" : delimiter, other });
  });
}

/** How many rows above the header a table may have (a title, the entity, the year). */
const MAX_ROWS_ABOVE_HEADER = 10;

/** Where the header is: the first of the top rows naming every needed column, else the closest one. */
function findHeader(records: readonly (readonly string[])[]): {
  row: number;
  index: Partial<Record<Column, number>>;
  missing: Column[];
} {
  let best: { row: number; index: Partial<Record<Column, number>>; missing: Column[] } | undefined;
  for (let row = 0; row < Math.min(records.length, MAX_ROWS_ABOVE_HEADER + 1); row++) {
    const found = { row, ...headerIndex(records[row] ?? []) };
    if (found.missing.length === 0) return found;
    if (!best || found.missing.length < best.missing.length) best = found;
  }
  return best ?? { row: 0, ...headerIndex([]) };
}

/** The names of missing columns as the header should spell them. */
const missingColumnNames = (missing: readonly Column[]) => missing.map((c) => COLUMNS[c][0]).join(", ");

/**
 * A table of cells (a CSV's records or a worksheet's rows, as text) → a plan. `missingColumns` words
 * the problem of a table without the needed header (it depends on where the table came from).
 */
export function importPlanTable(
  records: readonly (readonly string[])[],
  options: ImportOptions,
  missingColumns: (line: number, columns: string) => CsvProblem,
): TableImport {
  const header = findHeader(records);
  if (header.missing.length)
    return { ok: false, problems: [missingColumns(header.row + 1, missingColumnNames(header.missing))] };
  const { index } = header;
  const problems: CsvProblem[] = [];
  const rows: RowDraft[] = [];
  let component = "";
  // The activity a continuation row belongs to; "refused" when that row had problems (already reported).
  let last: RowDraft | "refused" | undefined;
  records.slice(header.row + 1).forEach((cells, i) => {
    const line = header.row + i + 2;
    if (cells.every((c) => !c.trim())) return;
    const cell = (c: Column) => (index[c] === undefined ? "" : (cells[index[c]!] ?? "").trim());
    if (isContinuation(cell)) {
      if (last === undefined) problems.push(csvProblem(line, "continuation_first"));
      else if (last !== "refused") continueRow(last, cell, line, options, problems);
      return;
    }
    component = cell("subcomponent") || component;
    if (!component) problems.push(csvProblem(line, "subcomponent_empty"));
    else if (!componentKind(component)) problems.push(csvProblem(line, "subcomponent_unknown", { name: component }));
    const row = readRow(cells, index, line, options, problems);
    last = row ? { ...row, component } : "refused";
    if (row) rows.push(last as RowDraft);
  });
  if (rows.length === 0 && problems.length === 0) problems.push(csvProblem(header.row + 2, "no_activities"));
  if (problems.length) return { ok: false, problems };
  return { ok: true, plan: assemble(rows, options) };
}

function assemble(rows: readonly RowDraft[], options: ImportOptions): PlanDefinition {
  const components: PlanComponent[] = [];
  for (const row of rows) {
    let component = components.find((c) => c.name === row.component);
    if (!component) {
      const kind = componentKind(row.component)!;
      const sameKind = components.filter((c) => c.kind === kind).length;
      component = { key: sameKind ? `${kind}-${sameKind + 1}` : kind, kind, name: row.component, activities: [] };
      components.push(component);
    }
    const id = row.activity.id || `${components.indexOf(component) + 1}.${component.activities.length + 1}`;
    component.activities.push({ ...row.activity, id });
  }
  const year = options.year ?? Number(rows[0]!.activity.periods[0]!.end.slice(0, 4));
  return {
    profile: options.profileId,
    year,
    title: options.title ?? `Estrategia de rendición de cuentas ${year}`,
    ...(options.source ? { source: options.source } : {}),
    components,
  };
}
