/**
 * Which separator a CSV file uses. Spreadsheets in Colombia (Excel with the es-CO locale, where
 * the decimal mark is a comma) save with `;`; open data and most tools use `,`. Imports accept
 * both, detected from the header line; anything else is named in the error. Pure.
 */
export type CsvSeparator = ";" | ",";

/** Characters people end up with when a spreadsheet saves with another separator. */
const OTHER_SEPARATORS = ["\t", "|"] as const;

export type SeparatorGuess = { ok: true; separator: CsvSeparator } | { ok: false; found: string };

/**
 * The separator of the header line (the first non-empty line): whichever of `;` and `,` occurs
 * more often outside quotes (`;` on a tie, as Excel in Colombia writes). A header with neither but
 * with tabs or `|` is refused naming what was found; a one-column header is read with `,`.
 */
export function detectSeparator(text: string): SeparatorGuess {
  const header =
    text
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .find((line) => line.trim() !== "") ?? "";
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  const semicolons = counts.get(";") ?? 0;
  const commas = counts.get(",") ?? 0;
  if (semicolons || commas) return { ok: true, separator: semicolons >= commas ? ";" : "," };
  const other = OTHER_SEPARATORS.find((s) => counts.get(s));
  return other ? { ok: false, found: other === "\t" ? "tab" : other } : { ok: true, separator: "," };
}

/** The other separator, to name it when a row does not split like the header ("la línea usa «,»"). */
export function otherSeparator(separator: CsvSeparator): CsvSeparator {
  return separator === ";" ? "," : ";";
}
