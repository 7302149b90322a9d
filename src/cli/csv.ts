/**
 * CSV exports from the CLI: one place that escapes spreadsheet formulas and writes files safely.
 * Exports carry personal data (citizens' questions and answers), so files are created readable by
 * their owner only and an existing file is never replaced unless the operator says `--force`.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { escapeFormulaCell } from "../core/csv-cells.ts";
import { CliError } from "./output.ts";

/**
 * Rows as CSV with a header, in `columns` order. String cells that a spreadsheet would run as a
 * formula get a leading `'` (see {@link escapeFormulaCell}); numbers are written as numbers.
 */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return stringify(rows as Record<string, unknown>[], {
    header: true,
    columns: [...columns],
    cast: { string: (value) => escapeFormulaCell(value) },
  });
}

/**
 * Writes an export with mode 0600. Without `force`, an existing file is left alone and a one-line
 * CliError says so; with it, the file is replaced and its mode set to 0600 too.
 */
export function writeExport(path: string, data: string, force: boolean | undefined): void {
  try {
    writeFileSync(path, data, { mode: 0o600, flag: force ? "w" : "wx" });
    if (force) chmodSync(path, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new CliError(`file exists: ${path} (use --force to overwrite)`);
    throw new CliError(`cannot write '${path}': ${code ?? (error as Error).message}`);
  }
}
