/**
 * CSV downloads of the back-office, for Excel in Colombia first (as the CLI's exports): UTF-8 with a
 * byte-order mark, `;` between fields, headers in the page's language, and cells a spreadsheet
 * would run as formulas escaped.
 */
import { stringify } from "csv-stringify/sync";
import type { FastifyReply } from "fastify";
import { escapeFormulaCell } from "../core/csv-cells.ts";

const BOM = "\uFEFF";

export function sendCsv(
  reply: FastifyReply,
  fileName: string,
  rows: readonly Record<string, unknown>[],
  columns: readonly { key: string; header: string }[],
): FastifyReply {
  const body = stringify(rows as Record<string, unknown>[], {
    header: true,
    delimiter: ";",
    columns: [...columns],
    cast: { string: (value) => escapeFormulaCell(value) },
  });
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${fileName}"`)
    .header("cache-control", "no-store")
    .send(BOM + body);
}
