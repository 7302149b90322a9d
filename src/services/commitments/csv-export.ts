/**
 * The commitments' CSV as staff download it, the same bytes from `rinde commitments export` and
 * from the back-office's "Descargar CSV" (issue 14): the registry or its progress history, with the
 * given filter, headers, statuses and update kinds in the reader's language, and the staff CSV
 * conventions of src/core/staff-csv.ts (BOM, `;` by default).
 */
import type { CsvSeparator } from "../../core/csv-separator.ts";
import { staffCsvText } from "../../core/staff-csv.ts";
import type { CommitmentFilter } from "../../db/repositories/commitments.ts";
import type { AppContext } from "../context.ts";
import { CSV_COLUMNS, exportHistory, exportRecords, HISTORY_COLUMNS } from "./csv.ts";

export interface CommitmentsCsvOptions {
  /** The progress history (one row per update) instead of the registry. */
  history: boolean;
  separator: CsvSeparator;
}

/** The file's text and how many rows it holds. */
export async function commitmentsCsv(
  app: AppContext,
  locale: string,
  filter: CommitmentFilter,
  options: CommitmentsCsvOptions,
): Promise<{ text: string; count: number }> {
  const t = (key: string) => app.translator.t(locale, key);
  const status = (s: string) => t(`commitments.status.${s}`);
  if (options.history) {
    const rows = (await exportHistory(app, filter)).map((r) => ({
      ...r,
      kind: t(`cli.update_kinds.${r.kind}`),
      status: status(r.status),
    }));
    const headers = HISTORY_COLUMNS.map((c) => t(`cli.csv.commitment_history.${c}`));
    return { text: staffCsvText(rows, HISTORY_COLUMNS, options.separator, headers), count: rows.length };
  }
  const rows = (await exportRecords(app, filter)).map((r) => ({ ...r, status: status(r.status) }));
  const headers = CSV_COLUMNS.map((c) => t(`cli.csv.commitments.${c}`));
  return { text: staffCsvText(rows, CSV_COLUMNS, options.separator, headers), count: rows.length };
}
