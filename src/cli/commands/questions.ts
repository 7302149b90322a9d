import { citizenErased } from "../../services/erased-questions.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { deadlineState } from "../../core/deadlines.ts";
import type { QuestionRow, QuestionStatus } from "../../db/repositories/questions.ts";
import type { Runtime } from "../../runtime.ts";
import { officeName } from "../../services/context.ts";
import { answerQuestion, reassignQuestion, requestInfo, showQuestion, type QuestionError } from "../../services/questions.ts";
import { actorFrom } from "../actor.ts";
import { parse, required } from "../args.ts";
import { toCsv, writeExport } from "../csv.ts";
import { CliError, printJson, table } from "../output.ts";
import { dueDateExplanation, dueDateLines, runExtend } from "./deadlines.ts";
import { runQuestionPublish } from "./publication.ts";
import { runQuestionsReport } from "./questions-report.ts";

const STATUSES: readonly QuestionStatus[] = ["open", "info_requested", "answered", "withdrawn"];

const ERRORS: Record<QuestionError, string> = {
  question_not_found: "no question with that radicado",
  not_allowed: "that official may not act on this question (it belongs to another office, or the role does not allow it)",
  already_closed: "the question is already answered or closed",
  empty_text: "the text is empty",
  text_too_long: "the text is too long",
  unknown_office: "unknown or inactive office; see 'rinde offices list'",
  same_office: "the question is already assigned to that office",
  reason_required: "a reason is required (--reason)",
  info_request_too_late: "more than 10 business days have passed since filing: Ley 1755 de 2015, art. 17 allows asking to complete a petition only within 10 days",
  missing_consent: "the citizen has not given consent",
  citizen_erased: "the citizen erased their data: no one can receive the request; answer with what the petition says",
};

function rowsWithDeadline(runtime: Runtime, questions: QuestionRow[]) {
  const { app } = runtime;
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  return questions.map((q) => ({
    reference: q.reference,
    office: q.officeKey,
    officeName: officeName(app, q.officeKey),
    requestType: q.requestType,
    status: q.status,
    deadline: deadlineState({ status: q.status, dueDate: q.dueDate, today, dueSoonBusinessDays: app.profile.dueSoonBusinessDays, calendar: app.calendar }),
    filedAt: new Date(q.filedAtMs).toISOString(),
    dueDate: q.dueDate,
    answeredAt: q.answeredAtMs ? new Date(q.answeredAtMs).toISOString() : "",
    // "erased": the citizen erased their data; the answer is recorded but cannot be delivered.
    contact: citizenErased(app, q) ? "erased" : "chat",
    text: q.text,
    answer: q.answerText ?? "",
  }));
}

function listFilter(runtime: Runtime, values: { office?: string; status?: string; overdue?: boolean }) {
  if (values.status && !STATUSES.includes(values.status as QuestionStatus)) throw new CliError(`--status must be one of ${STATUSES.join(", ")}`);
  if (values.office && !runtime.app.repos.offices.get(values.office)) throw new CliError(`unknown office '${values.office}'`);
  const today = toLocalDate(new Date(runtime.app.clock.nowMs()), runtime.app.profile.timezone);
  return { officeKey: values.office, status: values.status as QuestionStatus | undefined, overdueBefore: values.overdue ? today : undefined };
}

const subcommands: Record<string, (runtime: Runtime, args: string[]) => void> = {
  list(runtime, args) {
    const { values } = parse(args, { office: { type: "string" }, status: { type: "string" }, overdue: { type: "boolean" }, json: { type: "boolean" } });
    const rows = rowsWithDeadline(runtime, runtime.app.repos.questions.list(listFilter(runtime, values)));
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["reference", "office", "status", "deadline", "dueDate", "contact", "text"])}\n`);
  },
  show(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" }, as: { type: "string" } });
    const result = showQuestion(runtime.app, actorFrom(runtime, values.as), required(positionals[0], "<radicado>"));
    if (!result.ok) throw new CliError(ERRORS[result.error]);
    const [row] = rowsWithDeadline(runtime, [result.question]);
    const history = result.history.map((e) => ({ at: new Date(e.atMs).toISOString(), kind: e.kind, actor: e.actor, data: JSON.parse(e.data) as unknown }));
    const explanation = dueDateExplanation(runtime, result.question, result.history);
    const delivery = result.undeliveredToCitizen > 0 ? `no entregado (${result.undeliveredToCitizen}): the citizen's chat is unreachable; sent again when they write` : "ok";
    if (values.json) return printJson({ ...row, delivery, dueDateExplanation: explanation, history });
    const lines = Object.entries({ ...row!, delivery }).map(([k, v]) => `${k.padEnd(12)} ${String(v)}`);
    lines.push("", ...dueDateLines(runtime, explanation));
    lines.push("", "history:", ...history.map((h) => `  ${h.at}  ${h.kind.padEnd(14)} ${h.actor.padEnd(12)} ${JSON.stringify(h.data)}`));
    process.stdout.write(`${lines.join("\n")}\n`);
  },
  answer(runtime, args) {
    const { values, positionals } = parse(args, { text: { type: "string" }, as: { type: "string" } });
    const result = answerQuestion(runtime.app, actorFrom(runtime, values.as), required(positionals[0], "<radicado>"), required(values.text, "--text"));
    if (!result.ok) throw new CliError(ERRORS[result.error]);
    const delivery = citizenErased(runtime.app, result.question)
      ? "the citizen erased their data, so the answer is on record but cannot be delivered by chat"
      : "the citizen will receive the answer";
    process.stdout.write(`${result.question.reference} answered; ${delivery}.\n`);
  },
  reassign(runtime, args) {
    const { values, positionals } = parse(args, { to: { type: "string" }, reason: { type: "string" }, as: { type: "string" } });
    const result = reassignQuestion(runtime.app, actorFrom(runtime, values.as), required(positionals[0], "<radicado>"), required(values.to, "--to"), values.reason ?? "");
    if (!result.ok) throw new CliError(ERRORS[result.error]);
    process.stdout.write(`${result.question.reference} reassigned to ${result.question.officeKey}; due date unchanged (${result.question.dueDate}).\n`);
  },
  "request-info"(runtime, args) {
    const { values, positionals } = parse(args, { text: { type: "string" }, as: { type: "string" } });
    const result = requestInfo(runtime.app, actorFrom(runtime, values.as), required(positionals[0], "<radicado>"), required(values.text, "--text"));
    if (!result.ok) throw new CliError(ERRORS[result.error]);
    process.stdout.write(`${result.question.reference}: the citizen was asked for more information; the term is paused.\n`);
  },
  extend: runExtend,
  report: runQuestionsReport,
  publish: runQuestionPublish,
  export(runtime, args) {
    const { values } = parse(args, { out: { type: "string" }, force: { type: "boolean" }, office: { type: "string" }, status: { type: "string" }, overdue: { type: "boolean" } });
    const rows = rowsWithDeadline(runtime, runtime.app.repos.questions.list(listFilter(runtime, values)));
    const csv = toCsv(rows, Object.keys(rows[0] ?? { reference: "" }));
    if (values.out) {
      writeExport(values.out, csv, values.force);
      process.stdout.write(`${rows.length} questions written to ${values.out}\n`);
    } else process.stdout.write(csv);
  },
};

export function runQuestions(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const command = sub ? subcommands[sub] : undefined;
  if (!command) throw new CliError(`unknown 'questions' command '${sub ?? ""}'. Use: ${Object.keys(subcommands).join(" | ")}`);
  command(runtime, rest);
}
