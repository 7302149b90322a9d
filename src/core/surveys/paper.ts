/**
 * Paper surveys from a hearing, typed into a spreadsheet: one row per respondent, one column per
 * question id (header row). Every row is checked before anything is stored; each problem names
 * its line (1 = the header) so the file can be fixed and imported again.
 */
import { parse } from "csv-parse/sync";
import { detectSeparator, otherSeparator, type CsvSeparator } from "../csv-separator.ts";
import { interpretAnswer, type AnswerProblem, type AnswerWords } from "./answers.ts";
import type { SurveyQuestion } from "./definition.ts";

export interface PaperRow {
  /** Line where the row starts in the file. */
  line: number;
  /** Question id → value; `null` = left blank (optional question). Columns not in the file are absent. */
  answers: Record<string, string | null>;
}

/** A problem of a line: a locale key (`cli.import.*`) and its variables, rendered by the caller. */
export interface PaperProblem {
  line: number;
  key: string;
  vars?: Record<string, unknown>;
}

const problem = (line: number, code: string, vars?: Record<string, unknown>): PaperProblem => ({
  line,
  key: `cli.import.${code}`,
  ...(vars ? { vars } : {}),
});

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

function readRecords(
  text: string,
): { ok: true; records: RawRecord[]; separator: CsvSeparator } | { ok: false; problem: PaperProblem } {
  const normalized = text.replace(/\r\n?/g, "\n");
  // Spreadsheets in Colombia often save with ';'; the header decides, so a comment with the other one stays one cell.
  const detected = detectSeparator(normalized);
  if (!detected.ok) return { ok: false, problem: problem(1, "wrong_separator", { found: detected.found }) };
  try {
    const records = parse(normalized, {
      bom: true,
      delimiter: detected.separator,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      raw: true,
    }) as unknown as RawRecord[];
    return { ok: true, records, separator: detected.separator };
  } catch (error) {
    const e = error as { message: string; lines?: number };
    return { ok: false, problem: problem(e.lines ?? 1, "not_csv", { detail: e.message.split("\n")[0] }) };
  }
}

function answerProblem(line: number, kind: AnswerProblem, q: SurveyQuestion, value: string): PaperProblem {
  if (kind === "required") return problem(line, "answer_required", { column: q.id });
  if (kind === "too_long")
    return problem(line, "answer_too_long", { column: q.id, max: q.type === "text" ? q.maxLength : 0 });
  if (q.type === "scale") return problem(line, "answer_not_scale", { column: q.id, value });
  if (q.type === "yes_no") return problem(line, "answer_not_yes_no", { column: q.id, value });
  return problem(line, "answer_not_choice", {
    column: q.id,
    value,
    options: q.type === "choice" ? q.options.map((o, i) => `${o.id} (${i + 1})`).join(", ") : "",
  });
}

/**
 * Parses and checks a paper-survey CSV against the run's questions. `labelsOf(q)` gives each
 * option's labels in every language, so a cell may hold the label as printed on the form.
 */
export function parsePaperCsv(
  text: string,
  questions: readonly SurveyQuestion[],
  words: AnswerWords,
  labelsOf: (q: SurveyQuestion) => string[][],
): PaperParseResult {
  const read = readRecords(text);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const [header, ...rows] = read.records;
  if (!header) return { ok: false, problems: [problem(1, "empty_survey_file")] };
  const problems: PaperProblem[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const columns = header.record.map((c) => c.trim().toLowerCase());
  columns.forEach((c, i) => {
    if (!byId.has(c))
      problems.push(problem(1, "unknown_survey_column", { name: c, list: [...byId.keys()].join(", ") }));
    else if (columns.indexOf(c) !== i) problems.push(problem(1, "repeated_column", { name: c }));
  });
  for (const q of questions)
    if (!q.optional && !columns.includes(q.id)) problems.push(problem(1, "missing_survey_column", { name: q.id }));
  if (problems.length) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: [problem(2, "no_responses")] };
  if (rows.length > MAX_PAPER_ROWS)
    return { ok: false, problems: [problem(MAX_PAPER_ROWS + 2, "too_many_rows", { max: MAX_PAPER_ROWS })] };
  const labels = new Map(questions.map((q) => [q.id, labelsOf(q)]));
  const parsed: PaperRow[] = [];
  for (const row of rows) {
    const line = startLine(row);
    if (row.record.length !== columns.length) {
      const other = otherSeparator(read.separator);
      const code =
        row.raw.includes(other) && row.record.length < columns.length ? "field_count_separator" : "field_count_quotes";
      problems.push(
        problem(line, code, { expected: columns.length, found: row.record.length, separator: read.separator, other }),
      );
      continue;
    }
    if (row.record.every((cell) => !cell.trim())) {
      problems.push(problem(line, "empty_row"));
      continue;
    }
    const answers: Record<string, string | null> = {};
    columns.forEach((column, i) => {
      const question = byId.get(column)!;
      const cell = row.record[i]!;
      const result = interpretAnswer(question, cell, words, labels.get(column));
      if (result.kind === "invalid") problems.push(answerProblem(line, result.problem, question, cell));
      else answers[column] = result.kind === "skip" ? null : result.value;
    });
    parsed.push({ line, answers });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows: parsed };
}
