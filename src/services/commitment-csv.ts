/**
 * Commitments to and from CSV: the minutes of a hearing typed in a spreadsheet, and the registry's
 * export. An export imported into another database (with the same offices and events) exports
 * identically: the public number, the dates and the whole history (in the `updates` column, JSON)
 * travel with each row. Followers do not: they are citizens' personal data.
 *
 * An import is all or nothing: every row is checked first, every problem is reported with its line
 * number, and only a file without problems is stored, in one transaction.
 */
import { parse } from "csv-parse/sync";
import { actorLabel, type Actor } from "../core/authorization.ts";
import { toLocalDate } from "../core/calendar/index.ts";
import { unescapeFormulaCell } from "../core/csv-cells.ts";
import {
  canActOnCommitment,
  checkEvidenceUrl,
  checkPercent,
  COMMITMENT_STATUSES,
  type CommitmentError,
  type CommitmentStatus,
} from "../core/commitments.ts";
import { parseDateInput } from "../core/commitment-commands.ts";
import { inTransaction } from "../db/client.ts";
import type { CommitmentFilter, CommitmentRow, CommitmentUpdateRow, NewCommitmentUpdate } from "../db/repositories/commitments.ts";
import { normalizeForMatch } from "../engine/match.ts";
import type { AppContext } from "./context.ts";
import { checkRecordInput, followFromEvent } from "./commitments.ts";

/** Export columns, in order. Import requires `text`, `office`, `due_date`; the rest are optional. */
export const CSV_COLUMNS = ["number", "text", "office", "due_date", "district", "event_id", "status", "progress", "status_reason", "made_at", "updates"] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ["text", "office", "due_date"];

/** Spanish headers officials use in minutes. */
const ALIASES: Record<string, Column> = {
  numero: "number",
  compromiso: "text",
  texto: "text",
  dependencia: "office",
  responsable: "office",
  oficina: "office",
  fecha_limite: "due_date",
  fecha: "due_date",
  plazo: "due_date",
  comuna: "district",
  zona: "district",
  evento: "event_id",
  estado: "status",
  avance: "progress",
  motivo: "status_reason",
};

const STATUS_WORDS: Record<string, CommitmentStatus> = {
  pendiente: "pending",
  en_ejecucion: "in_progress",
  en_progreso: "in_progress",
  en_curso: "in_progress",
  cumplido: "done",
  vencido: "overdue",
  cancelado: "cancelled",
};

export interface CsvRecord {
  /** Line of the file where the record starts (1 = the header). */
  line: number;
  values: Record<string, string>;
}

export interface ImportProblem {
  line: number;
  message: string;
}

export type ImportOutcome = { ok: true; created: CommitmentRow[] } | { ok: false; problems: ImportProblem[] };

/** A history entry as exported in the `updates` column. */
interface HistoryEntry {
  at: string;
  kind: CommitmentUpdateRow["kind"];
  status: CommitmentStatus;
  percent: number;
  note?: string;
  evidence?: string;
  by: string;
}

/** English texts of the registry's errors, for the CLI and import problems. */
export const COMMITMENT_ERROR_TEXT: Record<CommitmentError, string> = {
  commitment_not_found: "commitment not found",
  not_allowed: "that official may not do this: only the responsible office reports progress; communications or the office's head record and cancel commitments",
  empty_text: "text is empty or too short",
  text_too_long: "text is too long",
  unknown_office: "unknown or inactive office",
  unknown_event: "unknown event",
  unknown_district: "unknown district",
  invalid_due_date: "due_date is not a valid date (use YYYY-MM-DD or DD/MM/YYYY)",
  due_date_in_past: "due_date is before the day the commitment was made",
  progress_out_of_range: "progress must be a whole number from 0 to 100",
  progress_backwards: "progress cannot go down",
  note_required: "a note is required",
  note_too_long: "note is too long",
  invalid_evidence_url: "evidence must be an http(s) link",
  reason_required: "status_reason is required for a cancelled commitment",
  already_closed: "the commitment is already done or cancelled",
};

/** Maps header names (English or Spanish, any case) to columns; reports unknown and missing ones. */
export function mapHeader(header: readonly string[]): { ok: true; columns: Map<string, Column> } | { ok: false; problems: ImportProblem[] } {
  const columns = new Map<string, Column>();
  const problems: ImportProblem[] = [];
  for (const name of header) {
    const key = normalizeForMatch(name).replace(/ /g, "_");
    const column = (CSV_COLUMNS as readonly string[]).includes(key) ? (key as Column) : ALIASES[key];
    if (!column) problems.push({ line: 1, message: `unknown column '${name}' (expected: ${CSV_COLUMNS.join(", ")})` });
    else columns.set(name, column);
  }
  for (const column of REQUIRED) if (![...columns.values()].includes(column)) problems.push({ line: 1, message: `missing column '${column}'` });
  return problems.length ? { ok: false, problems } : { ok: true, columns };
}

interface ParsedLine {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Reads a CSV file's text into records keyed by column, each with the line where it starts. The
 * first line is the header (English or Spanish names); empty lines are skipped. Problems (bad
 * quoting, unknown columns, a wrong number of fields) come back with their line numbers. The
 * formula escape exports add (`'=…`, see src/core/csv-cells.ts) is removed, so exports round-trip.
 */
export function readCommitmentsCsv(text: string): { records: CsvRecord[]; problems: ImportProblem[] } {
  let lines: ParsedLine[];
  try {
    lines = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true }) as unknown as ParsedLine[];
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { records: [], problems: [{ line: e.lines ?? 1, message: `not valid CSV: ${e.message.split("\n")[0]}` }] };
  }
  const [header, ...rows] = lines;
  if (!header) return { records: [], problems: [{ line: 1, message: "the file is empty" }] };
  const mapped = mapHeader(header.record.map((h) => h.trim()));
  if (!mapped.ok) return { records: [], problems: mapped.problems };
  const names = header.record.map((h) => mapped.columns.get(h.trim())!);
  const problems: ImportProblem[] = [];
  const records: CsvRecord[] = [];
  for (const row of rows) {
    // `info.lines` is the line where the record ends; a quoted field may span several lines.
    const body = row.raw.replace(/^(\r?\n)+/, "").replace(/\r?\n$/, "");
    const line = row.info.lines - (body.match(/\n/g)?.length ?? 0);
    if (row.record.length !== names.length) {
      problems.push({ line, message: `expected ${names.length} fields, found ${row.record.length}` });
      continue;
    }
    records.push({ line, values: Object.fromEntries(names.map((name, i) => [name, unescapeFormulaCell(row.record[i]!.trim())])) });
  }
  return { records, problems };
}

function findOffice(app: AppContext, value: string): string | undefined {
  const wanted = normalizeForMatch(value);
  return app.repos.offices.list().find((o) => o.key === value.trim().toLowerCase() || normalizeForMatch(o.name) === wanted)?.key;
}

function findDistrict(app: AppContext, value: string): string | undefined {
  const wanted = normalizeForMatch(value);
  return app.profile.districts.find((d) => d.key === value.trim().toLowerCase() || normalizeForMatch(d.name) === wanted)?.key;
}

interface ValidRow {
  line: number;
  number?: number;
  text: string;
  officeKey: string;
  dueDate: string;
  districtKey: string | null;
  eventId: number | null;
  status: CommitmentStatus;
  progress: number;
  statusReason: string | null;
  madeAtMs: number;
  history?: HistoryEntry[];
}

function parseStatus(value: string): CommitmentStatus | undefined {
  const key = normalizeForMatch(value).replace(/ /g, "_");
  if (!key) return "pending";
  return (COMMITMENT_STATUSES as readonly string[]).includes(key) ? (key as CommitmentStatus) : STATUS_WORDS[key];
}

function parseHistory(value: string): HistoryEntry[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return "updates is not valid JSON";
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return "updates must be a non-empty JSON array";
  for (const [i, e] of (parsed as Partial<HistoryEntry>[]).entries()) {
    const where = `updates[${i}]`;
    if (typeof e !== "object" || e === null) return `${where} is not an object`;
    if (typeof e.at !== "string" || Number.isNaN(Date.parse(e.at))) return `${where}.at is not a date-time`;
    if (!["created", "progress", "overdue", "cancelled"].includes(e.kind as string)) return `${where}.kind is not one of created, progress, overdue, cancelled`;
    if (!(COMMITMENT_STATUSES as readonly string[]).includes(e.status as string)) return `${where}.status is not a status`;
    if (typeof e.percent !== "number" || checkPercent(e.percent)) return `${where}.percent must be 0–100`;
    if (e.evidence !== undefined && (typeof e.evidence !== "string" || checkEvidenceUrl(e.evidence))) return `${where}.evidence must be an http(s) link`;
    if (e.note !== undefined && typeof e.note !== "string") return `${where}.note must be text`;
    if (typeof e.by !== "string" || !e.by) return `${where}.by is missing`;
  }
  return parsed as HistoryEntry[];
}

/** Checks one record; returns the row or the problems of its line. */
function checkRecord(app: AppContext, actor: Actor, record: CsvRecord, nowMs: number): ValidRow | ImportProblem[] {
  const v = record.values;
  const problems: string[] = [];
  const officeKey = findOffice(app, v.office ?? "");
  const districtKey = v.district?.trim() ? findDistrict(app, v.district) : null;
  const eventId = v.event_id?.trim() ? Number(v.event_id) : null;
  const number = v.number?.trim() ? Number(v.number) : undefined;
  const status = parseStatus(v.status ?? "");
  const progress = v.progress?.trim() ? Number(v.progress.replace("%", "")) : status === "done" ? 100 : 0;
  const madeAtMs = v.made_at?.trim() ? Date.parse(v.made_at) : nowMs;
  const dueDate = parseDateInput(v.due_date ?? "") ?? (v.due_date ?? "");
  if (number !== undefined && !(Number.isInteger(number) && number > 0)) problems.push(`number '${v.number}' is not a positive whole number`);
  if (!officeKey) problems.push(`unknown office '${v.office ?? ""}'`);
  if (districtKey === undefined) problems.push(`unknown district '${v.district}'`);
  if (eventId !== null && !Number.isInteger(eventId)) problems.push(`event_id '${v.event_id}' is not a number`);
  if (!status) problems.push(`unknown status '${v.status}' (use ${COMMITMENT_STATUSES.join(", ")})`);
  if (checkPercent(progress)) problems.push(`progress '${v.progress}' must be a whole number from 0 to 100`);
  if (Number.isNaN(madeAtMs) || madeAtMs > nowMs) problems.push(`made_at '${v.made_at}' is not a past date-time`);
  if (problems.length) return problems.map((message) => ({ line: record.line, message }));
  const row: ValidRow = { line: record.line, text: (v.text ?? "").trim(), officeKey: officeKey!, dueDate, districtKey: districtKey ?? null, eventId, status: status!, progress, statusReason: v.status_reason?.trim() || null, madeAtMs };
  if (number !== undefined) row.number = number;
  if (!canActOnCommitment(actor, "record", row.officeKey)) problems.push(`not allowed to record commitments of office '${row.officeKey}'`);
  const error = checkRecordInput(app, row, toLocalDate(new Date(madeAtMs), app.profile.timezone));
  if (error) problems.push(COMMITMENT_ERROR_TEXT[error]);
  problems.push(...consistency(row));
  if (v.updates?.trim()) {
    const history = parseHistory(v.updates);
    if (typeof history === "string") problems.push(history);
    else {
      const last = history.at(-1)!;
      if (last.status !== row.status || last.percent !== row.progress) problems.push("the last entry of updates does not match status and progress");
      row.history = history;
    }
  }
  return problems.length ? problems.map((message) => ({ line: record.line, message })) : row;
}

function consistency(row: ValidRow): string[] {
  if (row.status === "done" && row.progress !== 100) return ["a done commitment has progress 100"];
  if (row.status !== "done" && row.status !== "cancelled" && row.progress === 100) return ["progress 100 means status done"];
  if (row.status === "pending" && row.progress > 0) return ["a pending commitment has progress 0 (use in_progress)"];
  if (row.status === "cancelled" && !row.statusReason) return [COMMITMENT_ERROR_TEXT.reason_required];
  return [];
}

/**
 * Imports records (from {@link readCommitmentsCsv}, with its problems) as new commitments, all or
 * nothing: any problem in the file, and nothing is stored. Numbers given in the file are kept (and must be
 * free); the others get the next free numbers. Rows without `updates` are new minutes: their
 * history starts with a `created` entry by `actor`, and the attendees of their event follow them.
 */
export function importCommitments(app: AppContext, actor: Actor, records: readonly CsvRecord[], readProblems: readonly ImportProblem[] = []): ImportOutcome {
  return inTransaction(app.db, () => {
    const nowMs = app.clock.nowMs();
    const repo = app.repos.commitments;
    const problems: ImportProblem[] = [...readProblems];
    const rows: ValidRow[] = [];
    const seen = new Map<number, number>();
    for (const record of records) {
      const checked = checkRecord(app, actor, record, nowMs);
      if (Array.isArray(checked)) problems.push(...checked);
      else rows.push(checked);
      const number = Array.isArray(checked) ? undefined : checked.number;
      if (number === undefined) continue;
      if (seen.has(number)) problems.push({ line: record.line, message: `number ${number} repeats line ${seen.get(number)}` });
      else if (repo.byNumber(number)) problems.push({ line: record.line, message: `number ${number} already exists` });
      seen.set(number, record.line);
    }
    if (records.length === 0 && problems.length === 0) problems.push({ line: 1, message: "the file has no commitments" });
    if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
    let next = Math.max(repo.nextNumber(), ...[...seen.keys()].map((n) => n + 1));
    const created = rows.map((row) => insertRow(app, actor, row, row.number ?? next++, nowMs));
    followFromEvent(app, created.filter((_, i) => !rows[i]!.history), nowMs);
    return { ok: true, created };
  });
}

function insertRow(app: AppContext, actor: Actor, row: ValidRow, number: number, nowMs: number): CommitmentRow {
  const repo = app.repos.commitments;
  const history: Omit<NewCommitmentUpdate, "commitmentId">[] = row.history
    ? row.history.map((e) => ({ kind: e.kind, status: e.status, percent: e.percent, note: e.note ?? null, evidenceUrl: e.evidence ?? null, actor: e.by, atMs: Date.parse(e.at) }))
    : [{ kind: "created", status: row.status, percent: row.progress, note: row.statusReason, evidenceUrl: null, actor: actorLabel(actor), atMs: nowMs }];
  const doneAtMs = history.find((e) => e.status === "done")?.atMs ?? null;
  const commitment = repo.insert({
    number,
    text: row.text,
    officeKey: row.officeKey,
    districtKey: row.districtKey,
    eventId: row.eventId,
    dueDate: row.dueDate,
    status: row.status,
    progress: row.progress,
    statusReason: row.statusReason,
    doneAtMs,
    createdAtMs: row.madeAtMs,
    updatedAtMs: history.at(-1)!.atMs,
  });
  for (const entry of history) repo.addUpdate({ commitmentId: commitment.id, ...entry });
  return commitment;
}

/** Export rows, in column order, for csv-stringify. */
export function exportRecords(app: AppContext, filter: CommitmentFilter = {}): Record<Column, string>[] {
  const repo = app.repos.commitments;
  const histories = repo.allHistory();
  return repo
    .list(filter)
    .sort((a, b) => a.number - b.number)
    .map((c) => ({
      number: String(c.number),
      text: c.text,
      office: c.officeKey,
      due_date: c.dueDate,
      district: c.districtKey ?? "",
      event_id: c.eventId === null ? "" : String(c.eventId),
      status: c.status,
      progress: String(c.progress),
      status_reason: c.statusReason ?? "",
      made_at: new Date(c.createdAtMs).toISOString(),
      updates: JSON.stringify((histories.get(c.id) ?? []).map(historyEntry)),
    }));
}

function historyEntry(u: CommitmentUpdateRow): HistoryEntry {
  return {
    at: new Date(u.atMs).toISOString(),
    kind: u.kind,
    status: u.status,
    percent: u.percent,
    ...(u.note !== null ? { note: u.note } : {}),
    ...(u.evidenceUrl !== null ? { evidence: u.evidenceUrl } : {}),
    by: u.actor,
  };
}
