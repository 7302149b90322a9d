/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return (or their full-width forms) is run as a formula by Excel,
 * LibreOffice and Google Sheets. Exports hold citizens' text, so such cells get a leading `'`, which
 * spreadsheets show as text — the same set csv-stringify's `escape_formulas` escapes.
 *
 * The escape is reversible, so an exported file imports back to the same text: a cell that
 * already starts with quotes before one of those characters gets one more quote, and
 * {@link unescapeFormulaCell} removes exactly one.
 */
const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The cell as written to a CSV export: `=1+1` → `'=1+1`, `'=x` → `''=x`, anything else unchanged. */
export function escapeFormulaCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The inverse of {@link escapeFormulaCell}, for cells read back from an exported CSV. */
export function unescapeFormulaCell(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}
