/**
 * `rinde questions`: citizens' questions for officials — list, show (with the history and the due
 * date explained), answer, reassign, ask the citizen for more information, extend, export.
 * `--as <official id>` applies that official's permissions.
 */
import { isLocalDate, toLocalDate } from "../../core/calendar/index.ts";
import { deadlineState } from "../../core/deadlines.ts";
import type { QuestionRow, QuestionStatus } from "../../db/repositories/questions.ts";
import { officeName } from "../../services/context.ts";
import { citizenErased } from "../../services/privacy/erased-questions.ts";
import { showQuestion, type QuestionError } from "../../services/questions/questions.ts";
import type { TransferError } from "../../services/questions/transfer.ts";
import { heldBackAnswer, personalDataText } from "../../services/transparency/publication.ts";
import {
  auditedAnswer,
  auditedReassign,
  auditedRequestInfo,
  auditedTransfer,
} from "../../services/staff/audited-actions.ts";
import { keyArg, parse, required } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { csvDateTime, EXPORT_OPTIONS, writeCsvExport } from "../csv.ts";
import { actorFrom, actorText, officeArg, optionalOffice } from "../domain-args.ts";
import { CliError } from "../output.ts";
import { dueDateLines, runExtend, storyJson } from "./deadlines.ts";
import { runQuestionPublish } from "./publication.ts";
import { runQuestionsReport } from "./questions-report.ts";
import { mapInOrder } from "../../core/in-order.ts";

const STATUSES: readonly QuestionStatus[] = ["open", "info_requested", "answered", "withdrawn", "transferred"];

function fail(cli: Cli, error: QuestionError | TransferError): never {
  throw new CliError("errors.text", { text: cli.tr(`staff.errors.${error}`) });
}

function today(cli: Cli): string {
  const { app } = cli.runtime;
  return toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
}

/** A question as data: codes for `--json`, the deadline state computed today. */
async function questionData(cli: Cli, q: QuestionRow) {
  const { app } = cli.runtime;
  return {
    reference: q.reference,
    office: q.officeKey,
    officeName: officeName(app, q.officeKey),
    requestType: q.requestType,
    status: q.status,
    deadline: deadlineState({
      status: q.status,
      dueDate: q.dueDate,
      today: today(cli),
      dueSoonBusinessDays: app.profile.dueSoonBusinessDays,
      calendar: app.calendar,
    }),
    filedAtMs: q.filedAtMs,
    dueDate: q.dueDate,
    answeredAtMs: q.answeredAtMs,
    /** "erased": the citizen erased their data; the answer is recorded but cannot be delivered. */
    contact: (await citizenErased(app, q)) ? ("erased" as const) : ("chat" as const),
    text: q.text,
    answer: q.answerText ?? "",
  };
}

type QuestionData = Awaited<ReturnType<typeof questionData>>;

const asJson = (cli: Cli, { filedAtMs, answeredAtMs, ...q }: QuestionData) => ({
  ...q,
  filedAt: cli.iso(filedAtMs),
  answeredAt: cli.isoOrNull(answeredAtMs),
});

/** The same in words: statuses and states translated, dates on the profile's wall clock. */
function asText(cli: Cli, q: QuestionData) {
  return {
    ...q,
    status: cli.t(`question_status.${q.status}`),
    deadline: cli.t(`deadline_states.${q.deadline}`),
    requestType: cli.t(`request_types.${q.requestType}`),
    contact: cli.t(`contacts.${q.contact}`),
    filedAt: cli.when(q.filedAtMs),
    dueDate: cli.day(q.dueDate),
    answeredAt: q.answeredAtMs === null ? "" : cli.when(q.answeredAtMs),
  };
}

async function listFilter(cli: Cli, values: { office?: string; status?: string; overdue?: boolean }) {
  return {
    officeKey: await optionalOffice(cli, values.office),
    status: values.status === undefined ? undefined : (keyArg(values.status, STATUSES, "--status") as QuestionStatus),
    overdueBefore: values.overdue ? today(cli) : undefined,
  };
}

/** A history entry's details as `name: value` pairs in words, not JSON. */
function historyDetails(cli: Cli, data: Record<string, unknown>): string {
  const value = (k: string, v: unknown): string => {
    if (typeof v === "boolean") return cli.t(v ? "yes" : "no");
    if (k === "requestType") return cli.t(`request_types.${String(v)}`);
    if (typeof v === "string" && isLocalDate(v)) return cli.day(v);
    return String(v);
  };
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${cli.has(`cli.history_fields.${k}`) ? cli.t(`history_fields.${k}`) : k}: ${value(k, v)}`)
    .join("; ");
}

const FILTER_OPTIONS = {
  office: { type: "string" },
  status: { type: "string" },
  overdue: { type: "boolean" },
} as const;
const EXPORT_COLUMNS = [
  "reference",
  "office",
  "officeName",
  "requestType",
  "status",
  "deadline",
  "filedAt",
  "dueDate",
  "answeredAt",
  "text",
  "answer",
];

export const questionCommands: Record<string, Subcommand> = {
  async list(cli, args) {
    const { values } = parse(args, { ...FILTER_OPTIONS, json: { type: "boolean" } }, 0);
    const questions = await cli.runtime.app.repos.questions.list(await listFilter(cli, values));
    const rows = await mapInOrder(questions, async (q) => await questionData(cli, q));
    if (values.json) return cli.json(rows.map((q) => asJson(cli, q)));
    cli.out(
      cli.table(
        rows.map((q) => asText(cli, q)),
        ["reference", "office", "status", "deadline", "dueDate", "contact", "text"],
      ),
    );
  },
  async show(cli, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" }, as: { type: "string" } }, 1);
    const result = await showQuestion(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      required(positionals[0], "<radicado>"),
    );
    if (!result.ok) fail(cli, result.error);
    const data = await questionData(cli, result.question);
    const history = result.history.map((e) => ({
      atMs: e.atMs,
      kind: e.kind,
      actor: e.actor,
      data: JSON.parse(e.data) as Record<string, unknown>,
    }));
    const { story, lines } = await dueDateLines(cli, result.question, result.history);
    const undelivered = result.undeliveredToCitizen;
    if (values.json)
      return cli.json({
        ...asJson(cli, data),
        delivery: undelivered > 0 ? { undelivered } : "ok",
        dueDateExplanation: storyJson(cli, story),
        history: history.map(({ atMs, ...h }) => ({ at: cli.iso(atMs), ...h })),
      });
    const text = asText(cli, data);
    const shown = {
      ...text,
      delivery: cli.t(undelivered > 0 ? "questions.delivery_undelivered" : "questions.delivery_ok", {
        count: undelivered,
      }),
    };
    const fields = [
      "reference",
      "officeName",
      "requestType",
      "status",
      "deadline",
      "contact",
      "filedAt",
      "dueDate",
      "answeredAt",
      "delivery",
      "text",
      "answer",
    ] as const;
    const width = Math.max(...fields.map((f) => cli.t(`columns.${f}`).length));
    const out = fields.filter((f) => shown[f] !== "").map((f) => `${cli.t(`columns.${f}`).padEnd(width)}  ${shown[f]}`);
    out.push("", ...lines, "", cli.t("questions.history"));
    for (const h of history)
      out.push(
        `  ${cli.when(h.atMs)}  ${cli.has(`cli.history_kinds.${h.kind}`) ? cli.t(`history_kinds.${h.kind}`) : h.kind} — ${await actorText(cli, h.actor)}${Object.keys(h.data).length ? ` — ${historyDetails(cli, h.data)}` : ""}`,
      );
    cli.out(out.join("\n"));
  },
  async answer(cli, args) {
    const { values, positionals } = parse(args, { text: { type: "string" }, as: { type: "string" } }, 1);
    const result = await auditedAnswer(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      required(positionals[0], "<radicado>"),
      required(values.text, "--text"),
    );
    if (!result.ok) fail(cli, result.error);
    cli.out(
      cli.t(
        (await citizenErased(cli.runtime.app, result.question)) ? "questions.answered_erased" : "questions.answered",
        { reference: result.question.reference },
      ),
    );
    const held = await heldBackAnswer(cli.runtime.app, result.question);
    if (held.findings.length > 0)
      cli.out(
        cli.tr("staff.answer_held_back", {
          found: personalDataText(cli.tr, held.findings),
          where: cli.tr("staff.answer_held_back_cli", { reference: result.question.reference }),
        }),
      );
  },
  async reassign(cli, args) {
    const { values, positionals } = parse(
      args,
      { to: { type: "string" }, reason: { type: "string" }, as: { type: "string" } },
      1,
    );
    const reference = required(positionals[0], "<radicado>");
    const to = await officeArg(cli, values.to, "--to");
    const result = await auditedReassign(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      reference,
      to,
      required(values.reason, "--reason"),
    );
    if (!result.ok) fail(cli, result.error);
    cli.out(
      cli.t("questions.reassigned", {
        reference: result.question.reference,
        office: officeName(cli.runtime.app, to),
        dueDate: cli.day(result.question.dueDate),
      }),
    );
  },
  async "request-info"(cli, args) {
    const { values, positionals } = parse(args, { text: { type: "string" }, as: { type: "string" } }, 1);
    const result = await auditedRequestInfo(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      required(positionals[0], "<radicado>"),
      required(values.text, "--text"),
    );
    if (!result.ok) fail(cli, result.error);
    cli.out(cli.t("questions.info_requested", { reference: result.question.reference }));
  },
  /** Traslado to another entity (Ley 1755 de 2015, art. 21): the citizen is told; with --email and SMTP, the remission is e-mailed. */
  async transfer(cli, args) {
    const { values, positionals } = parse(
      args,
      {
        entity: { type: "string" },
        email: { type: "string" },
        "entity-reference": { type: "string" },
        reason: { type: "string" },
        as: { type: "string" },
      },
      1,
    );
    const result = await auditedTransfer(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      required(positionals[0], "<radicado>"),
      {
        entityName: required(values.entity, "--entity"),
        entityEmail: values.email,
        entityReference: values["entity-reference"],
        reason: required(values.reason, "--reason"),
      },
    );
    if (!result.ok) fail(cli, result.error);
    const { transfer } = result;
    const vars = {
      reference: result.question.reference,
      toEntity: transfer.entityName,
      limit: cli.day(transfer.limit),
      entityEmail: transfer.entityEmail ?? "",
    };
    cli.out(cli.t(transfer.late ? "questions.transferred_late" : "questions.transferred", vars));
    if (transfer.remitted) cli.out(cli.t("questions.transfer_remitted", vars));
    else if (transfer.entityEmail) cli.out(cli.t("questions.transfer_no_smtp", vars));
  },
  extend: runExtend,
  report: runQuestionsReport,
  publish: runQuestionPublish,
  async export(cli, args) {
    const { values } = parse(args, { ...FILTER_OPTIONS, ...EXPORT_OPTIONS }, 0);
    const questions = await cli.runtime.app.repos.questions.list(await listFilter(cli, values));
    const rows = await mapInOrder(questions, async (q) => {
      const data = await questionData(cli, q);
      return {
        ...asText(cli, data),
        filedAt: csvDateTime(cli, data.filedAtMs),
        answeredAt: csvDateTime(cli, data.answeredAtMs),
        dueDate: data.dueDate,
      };
    });
    writeCsvExport(cli, values, rows, EXPORT_COLUMNS, "questions", "questions.exported");
  },
};
