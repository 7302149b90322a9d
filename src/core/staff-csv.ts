/**
 * The text of a staff CSV export, the same from the CLI and the back-office, for Excel in Colombia
 * first (issue 12 item 6): UTF-8 with a byte-order mark (so Excel shows tildes and eñes), `;`
 * between fields by default (`,` for tools that expect it), non-integer numbers with the
 * separator's decimal mark, and string cells a spreadsheet would run as formulas escaped.
 */
import { stringify } from "csv-stringify/sync";
import { escapeFormulaCell } from "./csv-cells.ts";
import type { CsvSeparator } from "./csv-separator.ts";

const BOM = "\uFEFF";

/**
 * Rows as CSV text with a header line of `headers` (in `columns` order), without the BOM. String
 * cells that a spreadsheet would run as a formula get a leading `'`; numbers are written as numbers.
 */
export function toCsv(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  options: { separator?: CsvSeparator; headers?: readonly string[] } = {},
): string {
  const headers = options.headers ?? columns;
  return stringify(rows as Record<string, unknown>[], {
    header: true,
    delimiter: options.separator ?? ",",
    columns: columns.map((key, i) => ({ key, header: headers[i]! })),
    cast: { string: (value) => escapeFormulaCell(value) },
  });
}

/** A decimal number as the separator's spreadsheets read it: `0,75` with `;`, `0.75` with `,`. */
export function decimalFor(value: number, digits: number, separator: CsvSeparator): string {
  const text = value.toFixed(digits);
  return separator === ";" ? text.replace(".", ",") : text;
}

/** The BOM, then the rows separated by `separator`, non-integer numbers with two decimals at most. */
export function staffCsvText(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  separator: CsvSeparator,
  headers?: readonly string[],
): string {
  const cells = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === "number" && !Number.isInteger(v) ? decimalFor(v, 2, separator).replace(/[.,]?0+$/, "") : v,
      ]),
    ),
  );
  return BOM + toCsv(cells, columns, { separator, headers });
}
