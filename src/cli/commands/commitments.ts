/**
 * `rinde commitments …`: the registry of commitments made in dialogue spaces — record, report
 * progress, cancel, list, show, import the minutes of a hearing (CSV with `;` or `,`), export the
 * registry and, as its own file, the progress history, and the report (counts by status and office,
 * share done on time, the overdue list). `--as <official id>` applies that official's permissions.
 */
import {
  COMMITMENT_STATUSES,
  type CommitmentError,
  type CommitmentStatus,
  type Report,
} from "../../core/commitments.ts";
import { parseCommitmentNumber } from "../../core/commitment-commands.ts";
import type { CommitmentFilter, CommitmentRow } from "../../db/repositories/commitments.ts";
import {
  importCommitments,
  readCommitmentsCsv,
  readHistoryCsv,
  type ImportProblem,
} from "../../services/commitments/csv.ts";
import { commitmentReport, showCommitment } from "../../services/commitments/commitments.ts";
import {
  auditedCancelCommitment,
  auditedPostProgress,
  auditedRecordCommitment,
} from "../../services/staff/audited-actions.ts";
import { officeName } from "../../services/context.ts";
import { dateArg, keyArg, optionalId, parse, readInputFile, required, wholeNumberArg } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { csvDecimal, EXPORT_OPTIONS, separatorArg, writeCsvExport, writeCsvText } from "../csv.ts";
import { commitmentsCsv } from "../../services/commitments/csv-export.ts";
import { actorFrom, actorText, officeArg, optionalDistrict, optionalOffice } from "../domain-args.ts";
import { CliError } from "../output.ts";
import { mapInOrder } from "../../core/in-order.ts";

function fail(cli: Cli, error: CommitmentError): never {
  throw new CliError("errors.text", { text: cli.tr(`commitments.errors.${error}`) });
}

/** The commitment number as typed: `12`, `#12`, `C-12`. */
function numberArg(value: string | undefined): number {
  const number = parseCommitmentNumber(required(value, "<número>"));
  if (number === undefined || number < 1) throw new CliError("commitments.bad_number", { value });
  return number;
}

async function filterFrom(
  cli: Cli,
  values: { office?: string; status?: string; district?: string; event?: string },
): Promise<CommitmentFilter> {
  const officeKey = await optionalOffice(cli, values.office);
  const status =
    values.status === undefined
      ? undefined
      : (keyArg(values.status, COMMITMENT_STATUSES, "--status") as CommitmentStatus);
  const districtKey = optionalDistrict(cli, values.district);
  const eventId = optionalId(values.event, "--event");
  return {
    ...(officeKey ? { officeKey } : {}),
    ...(status ? { statuses: [status] } : {}),
    ...(districtKey ? { districtKey } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
  };
}

const statusText = (cli: Cli, status: string) => cli.tr(`commitments.status.${status}`);

function rowOf(cli: Cli, c: CommitmentRow) {
  return {
    number: c.number,
    office: c.officeKey,
    status: statusText(cli, c.status),
    progress: `${c.progress} %`,
    dueDate: cli.day(c.dueDate),
    district: c.districtKey ?? "",
    event: c.eventId ?? "",
    text: c.text,
  };
}

const jsonOf = (cli: Cli, c: CommitmentRow) => ({
  number: c.number,
  office: c.officeKey,
  status: c.status,
  progress: c.progress,
  dueDate: c.dueDate,
  district: c.districtKey,
  event: c.eventId,
  text: c.text,
  madeAt: cli.iso(c.createdAtMs),
});

/** Import problems, one line each: `archivo.csv:4: …`, in the operator's language. */
function problemLines(cli: Cli, file: string, problems: readonly ImportProblem[]): string[] {
  return problems.map((p) => {
    const text = cli.tr(p.key, p.vars);
    const suggestion = p.vars?.suggestion ? ` ${cli.t("did_you_mean", { suggestion: p.vars.suggestion })}` : "";
    return `${file}:${p.line}: ${text}${suggestion}`;
  });
}

const FILTER_OPTIONS = {
  office: { type: "string" },
  status: { type: "string" },
  district: { type: "string" },
  event: { type: "string" },
} as const;

export const commitmentCommands: Record<string, Subcommand> = {
  async add(cli, args) {
    const { values } = parse(
      args,
      {
        office: { type: "string" },
        due: { type: "string" },
        text: { type: "string" },
        district: { type: "string" },
        event: { type: "string" },
        as: { type: "string" },
      },
      0,
    );
    const result = await auditedRecordCommitment(cli.runtime.app, await actorFrom(cli, values.as), "cli", {
      officeKey: await officeArg(cli, values.office),
      dueDate: dateArg(values.due, "--due"),
      text: required(values.text, "--text"),
      districtKey: optionalDistrict(cli, values.district) ?? null,
      eventId: optionalId(values.event, "--event") ?? null,
    });
    if (!result.ok) fail(cli, result.error);
    const c = result.commitment;
    cli.out(
      cli.t("commitments.recorded", {
        number: c.number,
        office: officeName(cli.runtime.app, c.officeKey),
        dueDate: cli.day(c.dueDate),
        followers: (await cli.runtime.app.repos.commitments.recipients(c.id)).length,
      }),
    );
  },
  async progress(cli, args) {
    const { values, positionals } = parse(
      args,
      { percent: { type: "string" }, note: { type: "string" }, evidence: { type: "string" }, as: { type: "string" } },
      1,
    );
    const number = numberArg(positionals[0]);
    const percent = wholeNumberArg(required(values.percent, "--percent").replace(/%$/, ""), "--percent", 0, 100);
    const result = await auditedPostProgress(cli.runtime.app, await actorFrom(cli, values.as), "cli", number, {
      percent,
      note: required(values.note, "--note"),
      evidenceUrl: values.evidence ?? null,
    });
    if (!result.ok) fail(cli, result.error);
    const c = result.commitment;
    cli.out(
      cli.t("commitments.progressed", {
        number: c.number,
        percent: c.progress,
        status: statusText(cli, c.status),
        followers: (await cli.runtime.app.repos.commitments.recipients(c.id)).length,
      }),
    );
  },
  async cancel(cli, args) {
    const { values, positionals } = parse(args, { reason: { type: "string" }, as: { type: "string" } }, 1);
    const result = await auditedCancelCommitment(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      numberArg(positionals[0]),
      required(values.reason, "--reason"),
    );
    if (!result.ok) fail(cli, result.error);
    cli.out(cli.t("commitments.cancelled", { number: result.commitment.number }));
  },
  async list(cli, args) {
    const { values } = parse(args, { ...FILTER_OPTIONS, json: { type: "boolean" } }, 0);
    const commitments = await cli.runtime.app.repos.commitments.list(await filterFrom(cli, values));
    if (values.json) return cli.json(commitments.map((c) => jsonOf(cli, c)));
    cli.out(
      cli.table(
        commitments.map((c) => rowOf(cli, c)),
        ["number", "office", "status", "progress", "dueDate", "text"],
      ),
    );
  },
  async show(cli, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } }, 1);
    const result = await showCommitment(cli.runtime.app, numberArg(positionals[0]));
    if (!result.ok) fail(cli, result.error);
    const c = result.commitment;
    const followers = (await cli.runtime.app.repos.commitments.recipients(c.id)).length;
    if (values.json) {
      const history = result.history.map((u) => ({
        at: cli.iso(u.atMs),
        kind: u.kind,
        status: u.status,
        percent: u.percent,
        note: u.note,
        evidence: u.evidenceUrl,
        actor: u.actor,
      }));
      return cli.json({
        ...jsonOf(cli, c),
        officeName: officeName(cli.runtime.app, c.officeKey),
        statusReason: c.statusReason,
        followers,
        history,
      });
    }
    const fields: [string, unknown][] = [
      ["number", c.number],
      ["officeName", officeName(cli.runtime.app, c.officeKey)],
      ["status", statusText(cli, c.status)],
      ["progress", `${c.progress} %`],
      ["dueDate", cli.day(c.dueDate)],
      ["district", c.districtKey ?? ""],
      ["event", c.eventId ?? ""],
      ["statusReason", c.statusReason ?? ""],
      ["followers", followers],
      ["text", c.text],
    ];
    const width = Math.max(...fields.map(([k]) => cli.t(`columns.${k}`).length));
    const lines = fields
      .filter(([, v]) => v !== "")
      .map(([k, v]) => `${cli.t(`columns.${k}`).padEnd(width)}  ${String(v)}`);
    lines.push("", cli.t("commitments.history"));
    for (const u of result.history) {
      const evidence = u.evidenceUrl ? ` <${u.evidenceUrl}>` : "";
      lines.push(
        `  ${cli.when(u.atMs)}  ${cli.t(`update_kinds.${u.kind}`)} — ${statusText(cli, u.status)} ${u.percent} % — ${await actorText(cli, u.actor)}${u.note ? ` — ${u.note}` : ""}${evidence}`,
      );
    }
    cli.out(lines.join("\n"));
  },
  async import(cli, args) {
    const { values, positionals } = parse(args, { history: { type: "string" }, as: { type: "string" } }, 1);
    const file = required(positionals[0], "<archivo.csv>");
    const read = readCommitmentsCsv(readInputFile(file));
    const history =
      values.history === undefined
        ? undefined
        : readHistoryCsv(readInputFile(values.history), cli.runtime.app.profile.timezone);
    // A bad history file stops the import before anything is stored, like a bad registry row.
    if (history?.problems.length)
      throw new CliError(
        "commitments.import_failed",
        { count: history.problems.length, file: values.history },
        problemLines(cli, values.history!, history.problems),
      );
    const outcome = await importCommitments(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      read.records,
      read.problems,
      history?.histories,
    );
    if (!outcome.ok)
      throw new CliError(
        "commitments.import_failed",
        { count: outcome.problems.length, file },
        problemLines(cli, file, outcome.problems),
      );
    const numbers = outcome.created.map((c) => c.number);
    cli.out(cli.t("commitments.imported", { count: numbers.length, numbers: numbers.join(", ") }));
  },
  async export(cli, args) {
    const { values } = parse(args, { ...FILTER_OPTIONS, ...EXPORT_OPTIONS, history: { type: "boolean" } }, 0);
    const filter = await filterFrom(cli, values);
    // The same bytes as the back-office's "Descargar CSV" (src/services/commitments/csv-export.ts).
    const { text, count } = await commitmentsCsv(cli.runtime.app, cli.lang, filter, {
      history: values.history === true,
      separator: separatorArg(values.separator),
    });
    writeCsvText(cli, values, text, count, values.history ? "commitments.history_exported" : "commitments.exported");
  },
  async report(cli, args) {
    const { values } = parse(
      args,
      { json: { type: "boolean" }, csv: { type: "boolean" }, overdue: { type: "boolean" }, ...EXPORT_OPTIONS },
      0,
    );
    const report = await commitmentReport(cli.runtime.app);
    if (values.json) return cli.json(report);
    if (values.csv && values.overdue)
      return writeCsvExport(
        cli,
        values,
        await overdueRows(cli, report),
        OVERDUE_COLUMNS,
        "commitments_overdue",
        "commitments.report_exported",
      );
    if (values.csv)
      return writeCsvExport(
        cli,
        values,
        officeRows(cli, report, values),
        [...OFFICE_COLUMNS],
        "commitments_report",
        "commitments.report_exported",
      );
    cli.out(await reportText(cli, report));
  },
};
commitmentCommands.update = commitmentCommands.progress!;

const share = (f: { shareDoneOnTime: number | null }) =>
  f.shareDoneOnTime === null ? "—" : `${Math.round(f.shareDoneOnTime * 100)} %`;

async function reportText(cli: Cli, report: Report): Promise<string> {
  const { app } = cli.runtime;
  const counts = COMMITMENT_STATUSES.map((s) => `${statusText(cli, s)} ${report.byStatus[s]}`).join(", ");
  const byOffice = report.byOffice.map((o) => ({
    office: o.officeKey,
    name: officeName(app, o.officeKey),
    total: o.total,
    ...o.byStatus,
    onTime: `${o.doneOnTime}/${o.dueSoFar} (${share(o)})`,
  }));
  const statusColumns = COMMITMENT_STATUSES.map((s) => `status_${s}`);
  const rows = byOffice.map((r) => ({
    ...r,
    ...Object.fromEntries(COMMITMENT_STATUSES.map((s) => [`status_${s}`, r[s]])),
  }));
  return [
    cli.t("commitments.report_title", { date: cli.day(report.today), total: report.total }),
    cli.t("commitments.report_by_status", { counts }),
    cli.t("commitments.report_on_time", { done: report.doneOnTime, due: report.dueSoFar, share: share(report) }),
    "",
    cli.t("commitments.report_by_office"),
    cli.table(rows, ["office", "name", "total", ...statusColumns, "onTime"]),
    "",
    cli.t("commitments.report_overdue", { count: report.overdue.length }),
    cli.table(
      (await overdueRows(cli, report)).map((r) => ({ ...r, due_date: cli.day(r.due_date) })),
      OVERDUE_COLUMNS,
    ),
  ].join("\n");
}

const OVERDUE_COLUMNS = ["number", "office", "due_date", "days_overdue", "progress", "text"];
const OFFICE_COLUMNS = [
  "office",
  "office_name",
  "total",
  ...COMMITMENT_STATUSES,
  "due_so_far",
  "done_on_time",
  "share_done_on_time",
] as const;

async function overdueRows(cli: Cli, report: Report) {
  const repo = cli.runtime.app.repos.commitments;
  return await mapInOrder(report.overdue, async (c) => ({
    number: c.number,
    office: c.officeKey,
    due_date: c.dueDate,
    days_overdue: c.daysOverdue,
    progress: c.progress,
    text: (await repo.byNumber(c.number))?.text ?? "",
  }));
}

function officeRows(cli: Cli, report: Report, values: { separator?: string }) {
  const row = (office: string, name: string, f: Report["byOffice"][number] | Report) => ({
    office,
    office_name: name,
    total: f.total,
    ...f.byStatus,
    due_so_far: f.dueSoFar,
    done_on_time: f.doneOnTime,
    share_done_on_time: f.shareDoneOnTime === null ? "" : csvDecimal(f.shareDoneOnTime, 4, values),
  });
  return [
    ...report.byOffice.map((o) => row(o.officeKey, officeName(cli.runtime.app, o.officeKey), o)),
    row(cli.t("total"), "", report),
  ];
}
