/**
 * Commitments to and from CSV: the minutes of a hearing typed in a spreadsheet, and the registry's
 * export. Two files, no JSON inside cells: the registry (one row per commitment) and its progress
 * history (one row per update, `numero` first). Both imported together into another database (with
 * the same offices and events) export identically; followers do not travel (personal data).
 * Dates and times are wall-clock `YYYY-MM-DD HH:MM:SS` in the profile's zone; imports also accept
 * ISO 8601 with an offset. Files separated by `;` (Excel in Colombia) or `,` are both read.
 *
 * An import is all or nothing: every row is checked first, every problem of every line is
 * reported (a locale key and its variables, rendered by the caller), and only a file without
 * problems is stored, in one transaction.
 */
import { parse } from "csv-parse/sync";
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { unescapeFormulaCell } from "../../core/csv-cells.ts";
import { detectSeparator, otherSeparator } from "../../core/csv-separator.ts";
import {
  canActOnCommitment,
  checkEvidenceUrl,
  checkPercent,
  COMMITMENT_STATUSES,
  type CommitmentError,
  type CommitmentStatus,
} from "../../core/commitments.ts";
import { parseDateInput } from "../../core/commitment-commands.ts";
import { formatSpreadsheetDateTime, parseDateTime } from "../../core/local-time.ts";
import { closestKey, parseId } from "../../core/strict-parse.ts";
import type {
  CommitmentFilter,
  CommitmentRow,
  CommitmentUpdateRow,
  NewCommitmentUpdate,
} from "../../db/repositories/commitments.ts";
import { normalizeForMatch } from "../../engine/match.ts";
import type { AppContext } from "../context.ts";
import { checkRecordInputAll, followFromEvent } from "./commitments.ts";

/** Registry columns, in order. Import requires `text`, `office`, `due_date`; the rest are optional. */
export const CSV_COLUMNS = [
  "number",
  "text",
  "office",
  "due_date",
  "district",
  "event_id",
  "status",
  "progress",
  "status_reason",
  "made_at",
] as const;
type Column = (typeof CSV_COLUMNS)[number] | "updates";
const REQUIRED: readonly Column[] = ["text", "office", "due_date"];

/** History columns, in order; all required. */
export const HISTORY_COLUMNS = ["number", "at", "kind", "status", "percent", "note", "evidence", "by"] as const;
type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

/** Spanish headers officials use in minutes, and those of Spanish exports. */
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
  registrado: "made_at",
  fecha_registro: "made_at",
  fecha_de_registro: "made_at",
  event: "event_id",
};

const HISTORY_ALIASES: Record<string, HistoryColumn> = {
  numero: "number",
  fecha: "at",
  fecha_hora: "at",
  tipo: "kind",
  estado: "status",
  avance: "percent",
  nota: "note",
  evidencia: "evidence",
  por: "by",
  autor: "by",
};

/** Status words in Spanish (as exported by `rinde` in Spanish, or typed). */
const STATUS_WORDS: Record<string, CommitmentStatus> = {
  pendiente: "pending",
  sin_iniciar: "pending",
  not_started: "pending",
  en_ejecucion: "in_progress",
  en_progreso: "in_progress",
  en_curso: "in_progress",
  cumplido: "done",
  vencido: "overdue",
  cancelado: "cancelled",
  canceled: "cancelled",
};

const UPDATE_KINDS = ["created", "progress", "overdue", "cancelled"] as const;
const KIND_WORDS: Record<string, CommitmentUpdateRow["kind"]> = {
  registrado: "created",
  registro: "created",
  recorded: "created",
  avance: "progress",
  vencido: "overdue",
  cancelado: "cancelled",
  canceled: "cancelled",
};

export interface CsvRecord {
  /** Line of the file where the record starts (1 = the header). */
  line: number;
  values: Record<string, string>;
}

/**
 * A problem of a line: a locale key (`commitments.errors.*` or `cli.import.*`) and its variables.
 * The CLI and the web render it in the reader's language.
 */
export interface ImportProblem {
  line: number;
  key: string;
  vars?: Record<string, unknown>;
}

const problem = (line: number, code: string, vars?: Record<string, unknown>): ImportProblem => ({
  line,
  key: `cli.import.${code}`,
  ...(vars ? { vars } : {}),
});

export type ImportOutcome = { ok: true; created: CommitmentRow[] } | { ok: false; problems: ImportProblem[] };

/** A history entry as exported in the history file. */
export interface HistoryEntry {
  atMs: number;
  kind: CommitmentUpdateRow["kind"];
  status: CommitmentStatus;
  percent: number;
  note?: string;
  evidence?: string;
  by: string;
}

function headerKey(name: string): string {
  return normalizeForMatch(name).replace(/ /g, "_");
}

/** Maps header names (English or Spanish, any case) to columns; reports unknown and missing ones. */
function mapHeader<C extends string>(
  header: readonly string[],
  columns: readonly C[],
  aliases: Record<string, C>,
  required: readonly C[],
): { ok: true; columns: C[] } | { ok: false; problems: ImportProblem[] } {
  const mapped: C[] = [];
  const problems: ImportProblem[] = [];
  for (const name of header) {
    const key = headerKey(name);
    const column = (columns as readonly string[]).includes(key) ? (key as C) : aliases[key];
    if (!column)
      problems.push(
        problem(1, "unknown_column", {
          name,
          expected: columns.join(", "),
          suggestion: closestKey(key, [...columns, ...Object.keys(aliases)]),
        }),
      );
    else mapped.push(column);
  }
  for (const column of required)
    if (!mapped.includes(column)) problems.push(problem(1, "missing_column", { name: column }));
  return problems.length ? { ok: false, problems } : { ok: true, columns: mapped };
}

interface ParsedLine {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Reads a CSV file's text into records keyed by column, each with the line where it starts. The
 * separator (`;` or `,`) is detected from the header; a row that does not split into the header's
 * fields and contains the other separator is reported naming it. Empty lines are skipped; the
 * formula escape exports add (`'=…`, see src/core/csv-cells.ts) is removed, so exports round-trip.
 */
function readCsv<C extends string>(
  text: string,
  columns: readonly C[],
  aliases: Record<string, C>,
  required: readonly C[],
): { records: CsvRecord[]; problems: ImportProblem[] } {
  const detected = detectSeparator(text);
  if (!detected.ok) return { records: [], problems: [problem(1, "wrong_separator", { found: detected.found })] };
  const { separator } = detected;
  let lines: ParsedLine[];
  try {
    lines = parse(text, {
      bom: true,
      delimiter: separator,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
    }) as unknown as ParsedLine[];
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { records: [], problems: [problem(e.lines ?? 1, "not_csv", { detail: e.message.split("\n")[0] })] };
  }
  const [header, ...rows] = lines;
  if (!header) return { records: [], problems: [problem(1, "empty_file")] };
  const mapped = mapHeader(
    header.record.map((h) => h.trim()),
    columns,
    aliases,
    required,
  );
  if (!mapped.ok) return { records: [], problems: mapped.problems };
  const names = mapped.columns;
  const problems: ImportProblem[] = [];
  const records: CsvRecord[] = [];
  for (const row of rows) {
    // `info.lines` is the line where the record ends; a quoted field may span several lines.
    const body = row.raw.replace(/^(\r?\n)+/, "").replace(/\r?\n$/, "");
    const line = row.info.lines - (body.match(/\n/g)?.length ?? 0);
    if (row.record.length !== names.length) {
      const other = otherSeparator(separator);
      const code = body.includes(other) && row.record.length < names.length ? "field_count_separator" : "field_count";
      problems.push(problem(line, code, { expected: names.length, found: row.record.length, separator, other }));
      continue;
    }
    records.push({
      line,
      values: Object.fromEntries(names.map((name, i) => [name, unescapeFormulaCell(row.record[i]!.trim())])),
    });
  }
  return { records, problems };
}

/** Reads the registry file (or a hearing's minutes). */
export function readCommitmentsCsv(text: string): { records: CsvRecord[]; problems: ImportProblem[] } {
  return readCsv(text, [...CSV_COLUMNS, "updates"], ALIASES, REQUIRED);
}

/** Reads the history file: entries grouped by commitment number, in file order. */
export function readHistoryCsv(
  text: string,
  timeZone: string,
): { histories: Map<number, HistoryEntry[]>; problems: ImportProblem[] } {
  const read = readCsv(
    text,
    HISTORY_COLUMNS,
    HISTORY_ALIASES,
    HISTORY_COLUMNS.filter((c) => c !== "note" && c !== "evidence"),
  );
  const histories = new Map<number, HistoryEntry[]>();
  const problems = [...read.problems];
  for (const record of read.records) {
    const entry = parseHistoryRecord(record, timeZone);
    if ("problems" in entry) problems.push(...entry.problems);
    else histories.set(entry.number, [...(histories.get(entry.number) ?? []), entry.entry]);
  }
  return { histories, problems };
}

function parseHistoryRecord(
  record: CsvRecord,
  timeZone: string,
): { number: number; entry: HistoryEntry } | { problems: ImportProblem[] } {
  const v = record.values;
  const problems: ImportProblem[] = [];
  const at = (code: string, vars: Record<string, unknown>) => problems.push(problem(record.line, code, vars));
  const number = parseId(v.number ?? "");
  const atMs = parseDateTime(v.at ?? "", timeZone);
  const kindKey = headerKey(v.kind ?? "");
  const kind = (UPDATE_KINDS as readonly string[]).includes(kindKey)
    ? (kindKey as HistoryEntry["kind"])
    : KIND_WORDS[kindKey];
  const status = parseStatus(v.status ?? "x");
  const percent = Number((v.percent ?? "").replace("%", ""));
  if (!number.ok) at("bad_number", { value: v.number });
  if (atMs === undefined) at("bad_date_time", { value: v.at });
  if (!kind) at("bad_kind", { value: v.kind, list: UPDATE_KINDS.join(", ") });
  if (!status) at("unknown_status", { value: v.status, list: COMMITMENT_STATUSES.join(", ") });
  if (!/^\d{1,3}%?$/.test(v.percent ?? "") || checkPercent(percent)) at("bad_progress", { value: v.percent });
  if (v.evidence && checkEvidenceUrl(v.evidence))
    problems.push({ line: record.line, key: "commitments.errors.invalid_evidence_url" });
  if (!v.by) at("missing_value", { name: "by" });
  if (problems.length || !number.ok) return { problems };
  return {
    number: number.value,
    entry: {
      atMs: atMs!,
      kind: kind!,
      status: status!,
      percent,
      by: v.by!,
      ...(v.note ? { note: v.note } : {}),
      ...(v.evidence ? { evidence: v.evidence } : {}),
    },
  };
}

async function findOffice(app: AppContext, value: string): Promise<string | undefined> {
  const wanted = normalizeForMatch(value);
  return (await app.repos.offices.list()).find(
    (o) => o.key === value.trim().toLowerCase() || normalizeForMatch(o.name) === wanted,
  )?.key;
}

function findDistrict(app: AppContext, value: string): string | undefined {
  const wanted = normalizeForMatch(value);
  return app.profile.districts.find((d) => d.key === value.trim().toLowerCase() || normalizeForMatch(d.name) === wanted)
    ?.key;
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
  const key = headerKey(value);
  if (!key) return "pending";
  return (COMMITMENT_STATUSES as readonly string[]).includes(key) ? (key as CommitmentStatus) : STATUS_WORDS[key];
}

/** The `updates` column of exports before the history had its own file (JSON), still read. */
function parseLegacyUpdates(value: string): HistoryEntry[] | undefined {
  try {
    const parsed = JSON.parse(value) as {
      at: string;
      kind: HistoryEntry["kind"];
      status: CommitmentStatus;
      percent: number;
      note?: string;
      evidence?: string;
      by: string;
    }[];
    if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
    const entries = parsed.map((e) => ({ ...e, atMs: Date.parse(e.at) }));
    const valid = entries.every(
      (e) =>
        !Number.isNaN(e.atMs) &&
        (UPDATE_KINDS as readonly string[]).includes(e.kind) &&
        (COMMITMENT_STATUSES as readonly string[]).includes(e.status) &&
        !checkPercent(e.percent) &&
        typeof e.by === "string" &&
        e.by !== "",
    );
    return valid ? entries.map(({ at: _at, ...e }) => e) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks one record; returns the row or every problem of its line. */
async function checkRecord(
  app: AppContext,
  actor: Actor,
  record: CsvRecord,
  nowMs: number,
  history: HistoryEntry[] | undefined,
): Promise<ValidRow | ImportProblem[]> {
  const v = record.values;
  const problems: ImportProblem[] = [];
  const add = (code: string, vars?: Record<string, unknown>) => problems.push(problem(record.line, code, vars));
  const officeKey = await findOffice(app, v.office ?? "");
  const districtKey = v.district?.trim() ? findDistrict(app, v.district) : null;
  const eventId = v.event_id?.trim() ? parseId(v.event_id) : null;
  const number = v.number?.trim() ? parseId(v.number) : undefined;
  const status = parseStatus(v.status ?? "");
  const progressText = v.progress?.trim() ?? "";
  const progress = progressText ? Number(progressText.replace("%", "")) : status === "done" ? 100 : 0;
  const madeAtMs = v.made_at?.trim() ? parseDateTime(v.made_at, app.profile.timezone) : nowMs;
  const dueDate = parseDateInput(v.due_date ?? "") ?? v.due_date ?? "";
  const keys = (list: { key: string }[]) => list.map((x) => x.key);
  if (number !== undefined && !number.ok) add("bad_number", { value: v.number });
  if (!officeKey)
    add("unknown_office", {
      value: v.office ?? "",
      suggestion: closestKey(v.office ?? "", keys((await app.repos.offices.list()).filter((o) => o.active))),
    });
  if (districtKey === undefined)
    add("unknown_district", {
      value: v.district,
      suggestion: closestKey(v.district ?? "", keys(app.profile.districts)),
    });
  if (eventId && !eventId.ok) add("bad_event_id", { value: v.event_id });
  if (!status) add("unknown_status", { value: v.status, list: COMMITMENT_STATUSES.join(", ") });
  if ((progressText && !/^\d{1,3}\s*%?$/.test(progressText)) || checkPercent(progress))
    add("bad_progress", { value: v.progress });
  if (madeAtMs === undefined || madeAtMs > nowMs) add("bad_made_at", { value: v.made_at });
  const row: ValidRow = {
    line: record.line,
    text: (v.text ?? "").trim(),
    officeKey: officeKey ?? "",
    dueDate,
    districtKey: districtKey ?? null,
    eventId: eventId?.ok ? eventId.value : null,
    status: status ?? "pending",
    progress,
    statusReason: v.status_reason?.trim() || null,
    madeAtMs: madeAtMs ?? nowMs,
  };
  if (number?.ok) row.number = number.value;
  if (officeKey && !canActOnCommitment(actor, "record", officeKey)) add("not_allowed_office", { office: officeKey });
  // Every problem of the line at once (a bad date and a short text are both reported).
  const checks = await checkRecordInputAll(
    app,
    {
      ...row,
      officeKey: officeKey ?? "",
      districtKey: districtKey ?? null,
      eventId: eventId?.ok ? eventId.value : null,
    },
    toLocalDate(new Date(row.madeAtMs), app.profile.timezone),
  );
  for (const error of checks) {
    const reported =
      (error === "unknown_office" && !officeKey) || (error === "unknown_district" && districtKey === undefined);
    if (!reported) problems.push({ line: record.line, key: `commitments.errors.${error satisfies CommitmentError}` });
  }
  if (status) problems.push(...consistency(row).map((code) => problem(record.line, code)));
  const entries = history ?? (v.updates?.trim() ? parseLegacyUpdates(v.updates) : undefined);
  if (v.updates?.trim() && !history && !entries) add("bad_updates");
  if (entries) {
    const last = entries.at(-1)!;
    if (last.status !== row.status || last.percent !== row.progress) add("history_mismatch");
    row.history = entries;
  }
  return problems.length ? problems : row;
}

function consistency(row: ValidRow): string[] {
  if (row.status === "done" && row.progress !== 100) return ["done_needs_100"];
  if (row.status !== "done" && row.status !== "cancelled" && row.progress === 100) return ["progress_100_is_done"];
  if (row.status === "pending" && row.progress > 0) return ["pending_has_progress"];
  if (row.status === "cancelled" && !row.statusReason) return ["cancel_reason_required"];
  return [];
}

/**
 * Imports records (from {@link readCommitmentsCsv}, with its problems) as new commitments, all or
 * nothing: any problem in the file, and nothing is stored. Numbers given in the file are kept (and
 * must be free); the others get the next free numbers. `histories` (from {@link readHistoryCsv})
 * restore each numbered commitment's progress history; rows without one are new minutes: their
 * history starts with a `created` entry by `actor`, and the attendees of their event follow them.
 */
export async function importCommitments(
  app: AppContext,
  actor: Actor,
  records: readonly CsvRecord[],
  readProblems: readonly ImportProblem[] = [],
  histories: ReadonlyMap<number, HistoryEntry[]> = new Map(),
): Promise<ImportOutcome> {
  return await app.store.withTransaction(async () => {
    const nowMs = app.clock.nowMs();
    const repo = app.repos.commitments;
    const problems: ImportProblem[] = [...readProblems];
    const rows: ValidRow[] = [];
    const seen = new Map<number, number>();
    for (const record of records) {
      const given = parseId(record.values.number?.trim() ?? "");
      const checked = await checkRecord(app, actor, record, nowMs, given.ok ? histories.get(given.value) : undefined);
      if (Array.isArray(checked)) problems.push(...checked);
      else rows.push(checked);
      const number = Array.isArray(checked) ? undefined : checked.number;
      if (number === undefined) continue;
      if (seen.has(number)) problems.push(problem(record.line, "number_repeats", { number, line: seen.get(number) }));
      else if (await repo.byNumber(number)) problems.push(problem(record.line, "number_exists", { number }));
      seen.set(number, record.line);
    }
    for (const number of histories.keys())
      if (!seen.has(number) && !problems.length) problems.push(problem(1, "history_without_commitment", { number }));
    if (records.length === 0 && problems.length === 0) problems.push(problem(1, "no_rows"));
    if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
    let next = Math.max(await repo.nextNumber(), ...[...seen.keys()].map((n) => n + 1));
    // One after another: rows take numbers in file order.
    const created: CommitmentRow[] = [];
    for (const row of rows) created.push(await insertRow(app, actor, row, row.number ?? next++, nowMs));
    await followFromEvent(
      app,
      created.filter((_, i) => !rows[i]!.history),
      nowMs,
    );
    return { ok: true, created };
  });
}

async function insertRow(
  app: AppContext,
  actor: Actor,
  row: ValidRow,
  number: number,
  nowMs: number,
): Promise<CommitmentRow> {
  const repo = app.repos.commitments;
  const history: Omit<NewCommitmentUpdate, "commitmentId">[] = row.history
    ? row.history.map((e) => ({
        kind: e.kind,
        status: e.status,
        percent: e.percent,
        note: e.note ?? null,
        evidenceUrl: e.evidence ?? null,
        actor: e.by,
        atMs: e.atMs,
      }))
    : [
        {
          kind: "created",
          status: row.status,
          percent: row.progress,
          note: row.statusReason,
          evidenceUrl: null,
          actor: actorLabel(actor),
          atMs: nowMs,
        },
      ];
  const doneAtMs = history.find((e) => e.status === "done")?.atMs ?? null;
  const commitment = await repo.insert({
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
  for (const entry of history) await repo.addUpdate({ commitmentId: commitment.id, ...entry });
  return commitment;
}

/** Registry rows, in column order, with codes (statuses in English) for the caller to translate. */
export async function exportRecords(
  app: AppContext,
  filter: CommitmentFilter = {},
): Promise<Record<(typeof CSV_COLUMNS)[number], string>[]> {
  const zone = app.profile.timezone;
  return (await app.repos.commitments.list(filter))
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
      made_at: formatSpreadsheetDateTime(c.createdAtMs, zone),
    }));
}

/** History rows of the exported commitments (one per update, in order), for the history file. */
export async function exportHistory(
  app: AppContext,
  filter: CommitmentFilter = {},
): Promise<Record<HistoryColumn, string>[]> {
  const zone = app.profile.timezone;
  const repo = app.repos.commitments;
  const histories = await repo.allHistory();
  return (await repo.list(filter))
    .sort((a, b) => a.number - b.number)
    .flatMap((c) =>
      (histories.get(c.id) ?? []).map((u) => ({
        number: String(c.number),
        at: formatSpreadsheetDateTime(u.atMs, zone),
        kind: u.kind,
        status: u.status,
        percent: String(u.percent),
        note: u.note ?? "",
        evidence: u.evidenceUrl ?? "",
        by: u.actor,
      })),
    );
}
