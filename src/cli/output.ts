/** CLI output helpers: one-line failures carrying a locale key, and aligned text tables. */

/**
 * An expected failure of a command: a locale key (under `cli.`) and its variables. The entry point
 * prints it as one line (`rinde: …`) in the chosen language and exits 1; `details` are printed
 * before it, one per line (e.g. the problems of an import, by line).
 */
export class CliError extends Error {
  constructor(
    readonly key: string,
    readonly vars: Record<string, unknown> = {},
    readonly details: readonly string[] = [],
  ) {
    super(key);
    this.name = "CliError";
  }
}

/**
 * Rows as an aligned text table. `headers` are the translated column titles, in `columns` order
 * (the column names themselves by default); `empty` is printed when there are no rows.
 */
export function table(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  headers: readonly string[] = columns,
  empty = "—",
): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map((c) => oneLine(row[c])));
  const widths = headers.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((r) => r[i]!.length))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => truncate(v, widths[i]!).padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function oneLine(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/\s+/g, " ");
}

function truncate(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}

/** Pretty JSON on stdout, for commands written against a Runtime (new ones use `cli.json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
