/**
 * Paper surveys from a hearing, typed into a spreadsheet: one row per respondent, one column per
 * question id (header row). Every row is checked before anything is stored; each problem names
 * its line (1 = the header) so the file can be fixed and imported again.
 */
import { parse } from "csv-parse/sync";
import { interpretAnswer, type AnswerProblem, type AnswerWords } from "./answers.ts";
import type { SurveyQuestion } from "./definition.ts";

export interface PaperRow {
  /** Line where the row starts in the file. */
  line: number;
  /** Question id → value; `null` = left blank (optional question). Columns not in the file are absent. */
  answers: Record<string, string | null>;
}

export interface PaperProblem {
  line: number;
  message: string;
}

export type PaperParseResult = { ok: true; rows: PaperRow[] } | { ok: false; problems: PaperProblem[] };

/** Most rows one file may hold (a hearing's paper forms, with room to spare). */
export const MAX_PAPER_ROWS = 20_000;

interface RawRecord {
  record: string[];
  info: { lines: number };
  raw: string;
}

/** The line a record starts on: the line it ends on, minus the line breaks inside it. */
function startLine(r: RawRecord): number {
  const body = r.raw.replace(/^\n+/, "").replace(/\n$/, "");
  return r.info.lines - (body.match(/\n/g)?.length ?? 0);
}

function readRecords(text: string): { ok: true; records: RawRecord[] } | { ok: false; problem: PaperProblem } {
  const normalized = text.replace(/\r\n?/g, "\n");
  const firstLine = normalized.replace(/^\uFEFF/, "").split("\n", 1)[0] ?? "";
  // Spreadsheets in Colombia often save with ';'; the header decides, so a comment with ';' stays one cell.
  const delimiter = firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
  try {
    const records = parse(normalized, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, info: true, raw: true }) as unknown as RawRecord[];
    return { ok: true, records };
  } catch (error) {
    const e = error as { message: string; lines?: number };
    return { ok: false, problem: { line: e.lines ?? 1, message: `not valid CSV: ${e.message}` } };
  }
}

const PROBLEM_TEXT: Record<AnswerProblem, (q: SurveyQuestion, value: string) => string> = {
  required: (q) => `column '${q.id}': an answer is required (the question is not optional)`,
  not_an_option: (q, value) => `column '${q.id}': '${value}' is not ${allowed(q)}`,
  too_long: (q) => `column '${q.id}': longer than ${q.type === "text" ? q.maxLength : 0} characters`,
};

function allowed(q: SurveyQuestion): string {
  if (q.type === "scale") return "a number from 1 to 5";
  if (q.type === "yes_no") return "yes/no (sí/no, 1/0)";
  if (q.type === "choice") return `one of: ${q.options.map((o, i) => `${o.id} (${i + 1})`).join(", ")}`;
  return "valid";
}

/**
 * Parses and checks a paper-survey CSV against the run's questions. `labelsOf(q)` gives each
 * option's labels in every language, so a cell may hold the label as printed on the form.
 */
export function parsePaperCsv(text: string, questions: readonly SurveyQuestion[], words: AnswerWords, labelsOf: (q: SurveyQuestion) => string[][]): PaperParseResult {
  const read = readRecords(text);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const [header, ...rows] = read.records;
  if (!header) return { ok: false, problems: [{ line: 1, message: "the file is empty; the first line must name the question columns" }] };
  const problems: PaperProblem[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const columns = header.record.map((c) => c.trim().toLowerCase());
  columns.forEach((c, i) => {
    if (!byId.has(c)) problems.push({ line: 1, message: `unknown column '${c}'; the questions are: ${[...byId.keys()].join(", ")}` });
    else if (columns.indexOf(c) !== i) problems.push({ line: 1, message: `column '${c}' appears twice` });
  });
  for (const q of questions) if (!q.optional && !columns.includes(q.id)) problems.push({ line: 1, message: `missing column '${q.id}' (the question is not optional)` });
  if (problems.length) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: [{ line: 2, message: "no responses: add one row per respondent under the header" }] };
  if (rows.length > MAX_PAPER_ROWS) return { ok: false, problems: [{ line: MAX_PAPER_ROWS + 2, message: `more than ${MAX_PAPER_ROWS} rows; split the file` }] };
  const labels = new Map(questions.map((q) => [q.id, labelsOf(q)]));
  const parsed: PaperRow[] = [];
  for (const row of rows) {
    const line = startLine(row);
    if (row.record.length !== columns.length) {
      problems.push({ line, message: `expected ${columns.length} columns, found ${row.record.length} (a comment with a comma needs "quotes")` });
      continue;
    }
    if (row.record.every((cell) => !cell.trim())) {
      problems.push({ line, message: "the row has no answers (delete it)" });
      continue;
    }
    const answers: Record<string, string | null> = {};
    columns.forEach((column, i) => {
      const question = byId.get(column)!;
      const cell = row.record[i]!;
      const result = interpretAnswer(question, cell, words, labels.get(column));
      if (result.kind === "invalid") problems.push({ line, message: PROBLEM_TEXT[result.problem](question, cell) });
      else answers[column] = result.kind === "skip" ? null : result.value;
    });
    parsed.push({ line, answers });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows: parsed };
}
