/**
 * `rinde commitments …`: the registry of commitments made in dialogue spaces — record, report
 * progress, cancel, list, show, import the minutes of a hearing from CSV, export, and the report
 * (counts by status and office, share done on time, the overdue list). English, like the rest of
 * the CLI; `--as <official id>` applies that official's permissions.
 */
import { COMMITMENT_STATUSES, type CommitmentError, type CommitmentStatus, type Report } from "../../core/commitments.ts";
import type { CommitmentFilter, CommitmentRow } from "../../db/repositories/commitments.ts";
import type { Runtime } from "../../runtime.ts";
import { COMMITMENT_ERROR_TEXT, CSV_COLUMNS, exportRecords, importCommitments, readCommitmentsCsv } from "../../services/commitment-csv.ts";
import { cancelCommitment, commitmentReport, postProgress, recordCommitment, showCommitment } from "../../services/commitments.ts";
import { officeName } from "../../services/context.ts";
import { actorFrom } from "../actor.ts";
import { parse, readInputFile, required } from "../args.ts";
import { toCsv, writeExport } from "../csv.ts";
import { CliError, printJson, table } from "../output.ts";

function fail(error: CommitmentError): never {
  throw new CliError(COMMITMENT_ERROR_TEXT[error]);
}

function numberArg(value: string | undefined): number {
  const number = Number(required(value, "<number>").replace(/^#/, ""));
  if (!Number.isInteger(number) || number <= 0) throw new CliError(`'${value}' is not a commitment number`);
  return number;
}

function intArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${flag} must be a whole number`);
  return n;
}

function filterFrom(runtime: Runtime, values: { office?: string; status?: string; district?: string; event?: string }): CommitmentFilter {
  if (values.status && !(COMMITMENT_STATUSES as readonly string[]).includes(values.status)) throw new CliError(`--status must be one of ${COMMITMENT_STATUSES.join(", ")}`);
  if (values.office && !runtime.app.repos.offices.get(values.office)) throw new CliError(`unknown office '${values.office}'`);
  const eventId = intArg(values.event, "--event");
  return {
    ...(values.office ? { officeKey: values.office } : {}),
    ...(values.status ? { statuses: [values.status as CommitmentStatus] } : {}),
    ...(values.district ? { districtKey: values.district } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
  };
}

function rowOf(c: CommitmentRow) {
  return { number: c.number, office: c.officeKey, status: c.status, progress: c.progress, dueDate: c.dueDate, district: c.districtKey ?? "", event: c.eventId ?? "", text: c.text };
}

function write(out: string | undefined, force: boolean | undefined, content: string, what: string): void {
  if (!out) return void process.stdout.write(content);
  writeExport(out, content, force);
  process.stdout.write(`${what} written to ${out}\n`);
}

const FILTER_OPTIONS = { office: { type: "string" }, status: { type: "string" }, district: { type: "string" }, event: { type: "string" } } as const;

const subcommands: Record<string, (runtime: Runtime, args: string[]) => void> = {
  add(runtime, args) {
    const { values } = parse(args, { office: { type: "string" }, due: { type: "string" }, text: { type: "string" }, district: { type: "string" }, event: { type: "string" }, as: { type: "string" } });
    const result = recordCommitment(runtime.app, actorFrom(runtime, values.as), {
      officeKey: required(values.office, "--office"),
      dueDate: required(values.due, "--due"),
      text: required(values.text, "--text"),
      districtKey: values.district ?? null,
      eventId: intArg(values.event, "--event") ?? null,
    });
    if (!result.ok) fail(result.error);
    const c = result.commitment;
    process.stdout.write(`commitment ${c.number} recorded for ${c.officeKey}, due ${c.dueDate}; ${runtime.app.repos.commitments.recipients(c.id).length} follower(s).\n`);
  },
  progress(runtime, args) {
    const { values, positionals } = parse(args, { percent: { type: "string" }, note: { type: "string" }, evidence: { type: "string" }, as: { type: "string" } });
    const percent = Number(required(values.percent, "--percent").replace("%", ""));
    const result = postProgress(runtime.app, actorFrom(runtime, values.as), numberArg(positionals[0]), { percent, note: required(values.note, "--note"), evidenceUrl: values.evidence ?? null });
    if (!result.ok) fail(result.error);
    const c = result.commitment;
    process.stdout.write(`commitment ${c.number} at ${c.progress}% (${c.status}); ${runtime.app.repos.commitments.recipients(c.id).length} follower(s) will be told.\n`);
  },
  cancel(runtime, args) {
    const { values, positionals } = parse(args, { reason: { type: "string" }, as: { type: "string" } });
    const result = cancelCommitment(runtime.app, actorFrom(runtime, values.as), numberArg(positionals[0]), values.reason ?? "");
    if (!result.ok) fail(result.error);
    process.stdout.write(`commitment ${result.commitment.number} cancelled; its followers will be told the reason.\n`);
  },
  list(runtime, args) {
    const { values } = parse(args, { ...FILTER_OPTIONS, json: { type: "boolean" } });
    const rows = runtime.app.repos.commitments.list(filterFrom(runtime, values)).map(rowOf);
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["number", "office", "status", "progress", "dueDate", "text"])}\n`);
  },
  show(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } });
    const result = showCommitment(runtime.app, numberArg(positionals[0]));
    if (!result.ok) fail(result.error);
    const history = result.history.map((u) => ({ at: new Date(u.atMs).toISOString(), kind: u.kind, status: u.status, percent: u.percent, note: u.note ?? "", evidence: u.evidenceUrl ?? "", actor: u.actor }));
    const row = { ...rowOf(result.commitment), officeName: officeName(runtime.app, result.commitment.officeKey), statusReason: result.commitment.statusReason ?? "", followers: runtime.app.repos.commitments.recipients(result.commitment.id).length };
    if (values.json) return printJson({ ...row, history });
    const lines = Object.entries(row).map(([k, v]) => `${k.padEnd(12)} ${String(v)}`);
    lines.push("", "history:", ...history.map((h) => `  ${h.at}  ${h.kind.padEnd(9)} ${h.status.padEnd(11)} ${String(h.percent).padStart(3)}%  ${h.actor.padEnd(12)} ${h.note}${h.evidence ? ` <${h.evidence}>` : ""}`));
    process.stdout.write(`${lines.join("\n")}\n`);
  },
  import(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: "string" } });
    const file = required(positionals[0], "<file.csv>");
    const text = readInputFile(file);
    const read = readCommitmentsCsv(text);
    const outcome = importCommitments(runtime.app, actorFrom(runtime, values.as), read.records, read.problems);
    if (!outcome.ok) {
      for (const p of outcome.problems) process.stderr.write(`${file}:${p.line}: ${p.message}\n`);
      throw new CliError(`${outcome.problems.length} problem(s) in ${file}; nothing was imported`);
    }
    const numbers = outcome.created.map((c) => c.number);
    process.stdout.write(`${numbers.length} commitment(s) imported: ${numbers.join(", ")}\n`);
  },
  export(runtime, args) {
    const { values } = parse(args, { ...FILTER_OPTIONS, out: { type: "string" }, force: { type: "boolean" } });
    const rows = exportRecords(runtime.app, filterFrom(runtime, values));
    write(values.out, values.force, toCsv(rows, CSV_COLUMNS), `${rows.length} commitment(s)`);
  },
  report(runtime, args) {
    const { values } = parse(args, { json: { type: "boolean" }, csv: { type: "boolean" }, overdue: { type: "boolean" }, out: { type: "string" }, force: { type: "boolean" } });
    const report = commitmentReport(runtime.app);
    if (values.json) return printJson(report);
    if (values.csv) return write(values.out, values.force, values.overdue ? overdueCsv(runtime, report) : officesCsv(runtime, report), values.overdue ? "overdue list" : "report");
    process.stdout.write(`${reportText(runtime, report)}\n`);
  },
};
subcommands.update = subcommands.progress!;

function share(figures: { doneOnTime: number; dueSoFar: number; shareDoneOnTime: number | null }): string {
  return figures.shareDoneOnTime === null ? "—" : `${Math.round(figures.shareDoneOnTime * 100)}%`;
}

function reportText(runtime: Runtime, report: Report): string {
  const { app } = runtime;
  const counts = COMMITMENT_STATUSES.map((s) => `${s} ${report.byStatus[s]}`).join(", ");
  const lines = [
    `Commitments on ${report.today}: ${report.total}`,
    `By status: ${counts}`,
    `Done on time: ${report.doneOnTime} of ${report.dueSoFar} that came due (${share(report)}) — done by the due date, over those done or past their due date; cancelled ones excluded`,
    "",
    "By office:",
    table(
      report.byOffice.map((o) => ({ office: o.officeKey, name: officeName(app, o.officeKey), total: o.total, ...o.byStatus, onTime: `${o.doneOnTime}/${o.dueSoFar} (${share(o)})` })),
      ["office", "name", "total", ...COMMITMENT_STATUSES, "onTime"],
    ),
    "",
    `Overdue (${report.overdue.length}):`,
    table(overdueRows(runtime, report), ["number", "office", "due_date", "days_overdue", "progress", "text"]),
  ];
  return lines.join("\n");
}

function overdueRows(runtime: Runtime, report: Report) {
  const repo = runtime.app.repos.commitments;
  return report.overdue.map((c) => ({ number: c.number, office: c.officeKey, due_date: c.dueDate, days_overdue: c.daysOverdue, progress: c.progress, text: repo.byNumber(c.number)?.text ?? "" }));
}

function officesCsv(runtime: Runtime, report: Report): string {
  const row = (office: string, name: string, f: Report["byOffice"][number] | Report) => ({
    office,
    office_name: name,
    total: f.total,
    ...f.byStatus,
    due_so_far: f.dueSoFar,
    done_on_time: f.doneOnTime,
    share_done_on_time: f.shareDoneOnTime === null ? "" : f.shareDoneOnTime.toFixed(4),
  });
  const rows = [...report.byOffice.map((o) => row(o.officeKey, officeName(runtime.app, o.officeKey), o)), row("TOTAL", "", report)];
  return toCsv(rows, ["office", "office_name", "total", ...COMMITMENT_STATUSES, "due_so_far", "done_on_time", "share_done_on_time"]);
}

function overdueCsv(runtime: Runtime, report: Report): string {
  return toCsv(overdueRows(runtime, report), ["number", "office", "due_date", "days_overdue", "progress", "text"]);
}

export function runCommitments(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const command = sub ? subcommands[sub] : undefined;
  if (!command) throw new CliError(`unknown 'commitments' command '${sub ?? ""}'. Use: ${Object.keys(subcommands).join(" | ")}`);
  command(runtime, rest);
}
