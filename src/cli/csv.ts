/**
 * CSV exports from the CLI, for Excel in Colombia first: UTF-8 with a byte-order mark (so Excel
 * shows tildes and eñes), `;` between fields (Excel with the es-CO locale splits on it; `--separator ,`
 * for open data), dates and times on the profile's wall clock, and headers in the operator's language.
 * Cells a spreadsheet would run as formulas are escaped. Exports carry personal data (citizens'
 * questions and answers), so files are created readable by their owner only and an existing file
 * is never replaced unless the operator says `--force`.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { toWallClock } from "../core/calendar/index.ts";
import type { CsvSeparator } from "../core/csv-separator.ts";
import { decimalFor, staffCsvText } from "../core/staff-csv.ts";
import { formatClockTime } from "../core/local-time.ts";
import { keyArg } from "./args.ts";
import type { Cli } from "./context.ts";
import { CliError } from "./output.ts";

export { toCsv } from "../core/staff-csv.ts";

/** Options every export takes. */
export const EXPORT_OPTIONS = {
  out: { type: "string" },
  force: { type: "boolean" },
  separator: { type: "string" },
} as const;

/** A decimal number as the chosen separator's spreadsheets read it: `0,75` with `;`, `0.75` with `,`. */
export function csvDecimal(value: number, digits: number, values: { separator?: string }): string {
  return decimalFor(value, digits, separatorArg(values.separator));
}

/** `--separator`: `;` by default, `,` for open data. */
export function separatorArg(value: string | undefined): CsvSeparator {
  return value === undefined ? ";" : (keyArg(value, [";", ","], "--separator") as CsvSeparator);
}

/**
 * A staff export's text, for Excel in Colombia (issue 12 item 6): the BOM, then the rows separated
 * by `--separator` (`;` by default), non-integer numbers with the separator's decimal mark. Open
 * data is not written here: it stays datos.gov.co style (`,`, `.`, no BOM; src/services/transparency/open-data.ts).
 */
export function staffCsv(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  values: { separator?: string },
  headers?: readonly string[],
): string {
  return staffCsvText(rows, columns, separatorArg(values.separator), headers);
}

/** A local date-time cell: `2026-12-10 14:00` in the profile's zone (Excel reads it as a date-time). */
export function csvDateTime(cli: Cli, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  const zone = cli.runtime.app.profile.timezone;
  return `${toWallClock(new Date(ms), zone).date} ${formatClockTime(ms, zone)}`;
}

/**
 * Writes an export: to `--out` (mode 0600, never replacing a file without `--force`) or to stdout,
 * with the BOM and the chosen separator, headers from `cli.csv.<file>.<column>`. `what` is the
 * locale key of the line printed after writing a file (`{{count}}`, `{{path}}`).
 */
export function writeCsvExport(
  cli: Cli,
  values: { out?: string; force?: boolean; separator?: string },
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  file: string,
  what: string,
): void {
  const text = staffCsv(
    rows,
    columns,
    values,
    columns.map((c) => cli.t(`csv.${file}.${c}`)),
  );
  writeCsvText(cli, values, text, rows.length, what);
}

/** Writes an export's text (from {@link staffCsv} or a service): to `--out` as {@link writeCsvExport} does, or to stdout. */
export function writeCsvText(
  cli: Cli,
  values: { out?: string; force?: boolean },
  text: string,
  count: number,
  what: string,
): void {
  if (!values.out) return void cli.io.stdout.write(text);
  writeExport(values.out, text, values.force);
  cli.out(cli.t(what, { count, path: values.out }));
}

/**
 * Writes an export with mode 0600. Without `force`, an existing file is left alone and a one-line
 * error says so; with it, the file is replaced and its mode set to 0600 too.
 */
export function writeExport(path: string, data: string, force: boolean | undefined): void {
  try {
    writeFileSync(path, data, { mode: 0o600, flag: force ? "w" : "wx" });
    if (force) chmodSync(path, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new CliError("errors.file_exists", { path });
    throw new CliError("errors.cannot_write", { path, code: code ?? (error as Error).message });
  }
}
