/**
 * Compromisos in the back-office (issue 14): the registry with status, progress, evidence and
 * overdue flags, and progress posts by the responsible office through the commitments service
 * (followers are told through the outbox).
 */
import type { Actor } from "../../core/authorization.ts";
import {
  canActOnCommitment,
  COMMITMENT_STATUSES,
  type CommitmentError,
  type CommitmentStatus,
} from "../../core/commitments.ts";
import type { AppContext } from "../context.ts";
import { officeName } from "../context.ts";
import { postProgress, showCommitment } from "../commitments/commitments.ts";
import { importCommitments, readCommitmentsCsv, readHistoryCsv, type ImportProblem } from "../commitments/csv.ts";
import { commitmentsCsv, type CommitmentsCsvOptions } from "../commitments/csv-export.ts";
import { decodeSpreadsheetText } from "../../core/text-decoding.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

export async function commitmentsList(
  app: AppContext,
  actor: Actor,
  filter: { officeKey?: string; status?: CommitmentStatus },
) {
  if (actor.kind === "official" && !actor.active) return { ok: false as const, error: "not_allowed" as const };
  const rows = await app.repos.commitments.list(
    { officeKey: filter.officeKey, statuses: filter.status ? [filter.status] : undefined },
    { limit: 200, offset: 0 },
  );
  return {
    ok: true as const,
    statuses: COMMITMENT_STATUSES,
    offices: (await app.repos.offices.list()).filter((o) => o.active).map((o) => ({ key: o.key, name: o.name })),
    commitments: rows.map((c) => ({ ...c, officeName: officeName(app, c.officeKey) })),
    mayImport: mayImportCommitments(actor),
  };
}

export async function commitmentDetail(app: AppContext, actor: Actor, number: number) {
  if (actor.kind === "official" && !actor.active) return { ok: false as const, error: "not_allowed" as const };
  const shown = await showCommitment(app, number);
  if (!shown.ok) return shown;
  const open = shown.commitment.status !== "done" && shown.commitment.status !== "cancelled";
  return {
    ok: true as const,
    commitment: shown.commitment,
    history: shown.history,
    officeName: officeName(app, shown.commitment.officeKey),
    mayPost: open && canActOnCommitment(actor, "progress", shown.commitment.officeKey),
  };
}

export async function webCommitmentProgress(
  app: AppContext,
  actor: Actor,
  number: number,
  input: { percent: number; note: string; evidenceUrl: string | null },
  form: FormContext,
): Promise<FormOutcome<CommitmentError>> {
  return await runFormAction(app, actor, "commitment.progress", `commitment:${number}`, form, async () => {
    const before = await app.repos.commitments.byNumber(number);
    const result = await postProgress(app, actor, number, input);
    if (!result.ok) return result;
    return {
      ok: true,
      before: before ? { status: before.status, progress: before.progress } : null,
      after: { status: result.commitment.status, progress: result.commitment.progress, evidenceUrl: input.evidenceUrl },
    };
  });
}

/** The registry (or its history) as CSV with the list's filter: the bytes of `rinde commitments export`. */
export async function commitmentsCsvDownload(
  app: AppContext,
  actor: Actor,
  locale: string,
  filter: { officeKey?: string; status?: CommitmentStatus },
  options: CommitmentsCsvOptions,
) {
  if (actor.kind === "official" && !actor.active) return { ok: false as const, error: "not_allowed" as const };
  const { text } = await commitmentsCsv(
    app,
    locale,
    { officeKey: filter.officeKey, ...(filter.status ? { statuses: [filter.status] } : {}) },
    options,
  );
  return { ok: true as const, text };
}

/** Whether the actor may create commitments for some office (and so import them). */
export function mayImportCommitments(actor: Actor): boolean {
  if (actor.kind !== "official") return true;
  return actor.role === "admin" || actor.role === "communications"
    ? canActOnCommitment(actor, "record", "")
    : actor.officeKey !== null && canActOnCommitment(actor, "record", actor.officeKey);
}

/** A problem of one of the two files: the registry (`registry`) or the progress history (`history`). */
export type CommitmentFileProblem = ImportProblem & { file: "registry" | "history" };

export type CommitmentImportOutcome =
  | { ok: true; duplicate: boolean; redirectTo: string }
  | { ok: false; error: "not_allowed" }
  | { ok: false; error: "invalid_rows"; problems: CommitmentFileProblem[] };

/**
 * Imports uploaded commitments (the minutes of a hearing, or a registry with its history file) with
 * `rinde commitments import`'s service: all or nothing, every problem of every line returned, once
 * per form key, audited as `commitment.import`. Files are read as Excel saves them (UTF-8 or Windows-1252).
 */
export async function webImportCommitments(
  app: AppContext,
  actor: Actor,
  files: { registry: Uint8Array; history?: Uint8Array },
  form: Omit<FormContext, "redirectTo">,
): Promise<CommitmentImportOutcome> {
  let problems: CommitmentFileProblem[] | undefined;
  const context: FormContext = { key: form.key, redirectTo: "/admin/compromisos/importar" };
  const outcome = await runFormAction<"not_allowed" | "invalid_rows">(
    app,
    actor,
    "commitment.import",
    "commitments",
    context,
    async () => {
      if (!mayImportCommitments(actor)) return { ok: false, error: "not_allowed" };
      const read = readCommitmentsCsv(decodeSpreadsheetText(files.registry));
      const history = files.history
        ? readHistoryCsv(decodeSpreadsheetText(files.history), app.profile.timezone)
        : undefined;
      // A bad history file stops the import before anything is stored, as on the CLI.
      if (history?.problems.length) {
        problems = history.problems.map((p) => ({ ...p, file: "history" }));
        return { ok: false, error: "invalid_rows" };
      }
      const result = await importCommitments(app, actor, read.records, read.problems, history?.histories);
      if (!result.ok) {
        problems = result.problems.map((p) => ({ ...p, file: "registry" }));
        return { ok: false, error: "invalid_rows" };
      }
      const numbers = result.created.map((c) => c.number);
      context.redirectTo = `/admin/compromisos/importar?importados=${numbers.length}`;
      return { ok: true, after: { count: numbers.length, numbers: numbers.slice(0, 200) } };
    },
  );
  if (outcome.ok) return outcome;
  if (outcome.error === "invalid_rows") return { ok: false, error: "invalid_rows", problems: problems ?? [] };
  return { ok: false, error: "not_allowed" };
}

/** What the import page shows: the active offices' keys (what the `office` column takes). */
export async function commitmentImportForm(app: AppContext, actor: Actor) {
  if (!mayImportCommitments(actor)) return { ok: false as const, error: "not_allowed" as const };
  return {
    ok: true as const,
    offices: (await app.repos.offices.list()).filter((o) => o.active).map((o) => ({ key: o.key, name: o.name })),
  };
}

/**
 * An example minutes file for the import page (`;`, UTF-8 with a BOM): two commitments of the
 * first active offices, due next year, with the Spanish headers the importer reads.
 */
export async function commitmentExampleCsv(app: AppContext, actor: Actor, locale: string) {
  const form = await commitmentImportForm(app, actor);
  if (!form.ok) return form;
  const year = Number(new Date(app.clock.nowMs()).toISOString().slice(0, 4)) + 1;
  const offices = form.offices.map((o) => o.key);
  const district = app.profile.districts[0]?.key ?? "";
  const rows = [
    ["compromiso", "dependencia", "fecha_limite", "comuna", "evento"],
    [app.translator.t(locale, "web.commitment_import.example_1"), offices[0] ?? "", `${year}-06-30`, "", ""],
    [
      app.translator.t(locale, "web.commitment_import.example_2"),
      offices[1] ?? offices[0] ?? "",
      `${year}-12-15`,
      district,
      "",
    ],
  ];
  const cell = (v: string) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return { ok: true as const, text: `\uFEFF${rows.map((r) => r.map(cell).join(";")).join("\r\n")}\r\n` };
}
