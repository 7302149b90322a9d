/**
 * `rinde events …`: dialogue events for communications staff and the offices. Create, edit and
 * cancel (the same rules as the chat wizard), list, and after the event record which questions were
 * answered there and publish the questions with their answers.
 */
import { toWallClock } from "../../core/calendar/index.ts";
import { EVENT_KINDS, eventInstants, parseDateInput, parseTimeInput, type EventError } from "../../core/events.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import type { Runtime } from "../../runtime.ts";
import { eventErrorsText } from "../../services/actions/event-wizard.ts";
import { eventQuestionReport, markAnsweredAtEvent, markEventHeld, type EventQuestionError } from "../../services/event-questions.ts";
import { cancelEvent, createEvent, draftOf, eventCard, updateEvent, type EventChanges, type EventServiceError } from "../../services/events.ts";
import { actorFrom } from "../actor.ts";
import { parse, required } from "../args.ts";
import { toCsv, writeExport } from "../csv.ts";
import { CliError, printJson, table } from "../output.ts";
import { runEventMinutes } from "./publication.ts";

const SERVICE_ERRORS: Record<Exclude<EventServiceError["code"], "invalid">, string> = {
  not_allowed: "that official may not manage events (only communications staff and admins)",
  event_not_found: "no event with that id; see 'rinde events list'",
  event_closed: "the event has ended, was cancelled or was held",
  missing_consent: "the citizen has not given consent",
};

export function serviceError(runtime: Runtime, error: EventServiceError): CliError {
  if (error.code !== "invalid") return new CliError(SERVICE_ERRORS[error.code]);
  // The same reasons the chat wizard gives, one per line.
  return new CliError(`the event was refused:\n${eventErrorsText(runtime.app, error.errors as EventError[])}`);
}

const QUESTION_ERRORS: Partial<Record<EventQuestionError, string>> = {
  event_not_found: "no event with that id",
  event_closed: "the event was cancelled",
  event_not_started: "the event has not started yet",
  not_allowed: "that official may not review this event's questions",
  not_for_event: "that question was not sent for this event",
  question_not_found: "no question with that radicado",
  already_closed: "the question is already answered or closed",
};

export function eventId(value: string | undefined): number {
  const id = Number(required(value, "<event id>"));
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`'${value}' is not an event id`);
  return id;
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(",").map((v) => v.trim()).filter(Boolean);

const EVENT_OPTIONS = {
  kind: { type: "string" },
  title: { type: "string" },
  description: { type: "string" },
  date: { type: "string" },
  start: { type: "string" },
  end: { type: "string" },
  place: { type: "string" },
  link: { type: "string" },
  districts: { type: "string" },
  topics: { type: "string" },
  office: { type: "string" },
  as: { type: "string" },
  json: { type: "boolean" },
} as const;

type EventValues = Partial<Record<Exclude<keyof typeof EVENT_OPTIONS, "json">, string>>;

/** `--date`, `--start`, `--end` as instants; each defaults to the event's current value when editing. */
function timesFrom(runtime: Runtime, values: EventValues, current?: EventRecord): { startsAtMs: number; endsAtMs: number } | undefined {
  if (!values.date && !values.start && !values.end) return undefined;
  const zone = runtime.app.profile.timezone;
  const wall = (ms: number) => {
    const w = toWallClock(new Date(ms), zone);
    return [w.date, `${String(Math.floor(w.secondsOfDay / 3600)).padStart(2, "0")}:${String(Math.floor((w.secondsOfDay % 3600) / 60)).padStart(2, "0")}`];
  };
  const [curDate, curStart] = current ? wall(current.startsAtMs) : [];
  const [, curEnd] = current ? wall(current.endsAtMs) : [];
  const date = parseDateInput(values.date ?? curDate ?? "");
  if (!date) throw new CliError("--date must be YYYY-MM-DD (or DD/MM/YYYY)");
  const start = parseTimeInput(values.start ?? curStart ?? "");
  const end = parseTimeInput(values.end ?? curEnd ?? "");
  if (!start || !end) throw new CliError("--start and --end must be times like 09:00 or 2:30pm");
  return eventInstants(date, start, end, zone);
}

function row(runtime: Runtime, e: EventRecord) {
  const counts = runtime.app.repos.events.rsvpCounts(e.id);
  return {
    id: e.id,
    kind: e.kind,
    title: e.title,
    status: e.status,
    startsAt: new Date(e.startsAtMs).toISOString(),
    endsAt: new Date(e.endsAtMs).toISOString(),
    place: e.place ?? "",
    link: e.virtualUrl ?? "",
    office: e.officeKey ?? "",
    districts: e.districts.join(","),
    topics: e.topics.join(","),
    rsvpYes: counts.yes,
    rsvpNo: counts.no,
    questions: runtime.app.repos.events.questions(e.id).length,
  };
}

function printEvent(runtime: Runtime, event: EventRecord, json: boolean | undefined, verb: string): void {
  if (json) return printJson(row(runtime, event));
  process.stdout.write(`Event #${event.id} ${verb}.\n\n${eventCard(runtime.app, event, DEFAULT_LOCALE)}\n`);
}

const subcommands: Record<string, (runtime: Runtime, args: string[]) => void> = {
  minutes: runEventMinutes,
  list(runtime, args) {
    const { values } = parse(args, { all: { type: "boolean" }, json: { type: "boolean" } });
    const events = runtime.app.repos.events.list(values.all ? {} : { fromMs: runtime.app.clock.nowMs() });
    const rows = events.map((e) => row(runtime, e));
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["id", "kind", "status", "startsAt", "title", "districts", "rsvpYes", "questions"])}\n`);
  },
  show(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } });
    const event = runtime.app.repos.events.get(eventId(positionals[0]));
    if (!event) throw new CliError(SERVICE_ERRORS.event_not_found);
    printEvent(runtime, event, values.json, `(${event.status})`);
  },
  create(runtime, args) {
    const { values } = parse(args, EVENT_OPTIONS);
    const kind = required(values.kind, `--kind (${EVENT_KINDS.join("|")})`);
    const times = timesFrom(runtime, { ...values, date: required(values.date, "--date"), start: required(values.start, "--start"), end: required(values.end, "--end") })!;
    const outcome = createEvent(runtime.app, actorFrom(runtime, values.as), {
      kind,
      title: required(values.title, "--title"),
      description: values.description ?? "",
      ...times,
      place: values.place ?? null,
      virtualUrl: values.link ?? null,
      officeKey: values.office ?? null,
      districts: list(values.districts) ?? [],
      topics: list(values.topics) ?? [],
    });
    if (!outcome.ok) throw serviceError(runtime, outcome.error);
    printEvent(runtime, outcome.event, values.json, "created");
  },
  edit(runtime, args) {
    const { values, positionals } = parse(args, EVENT_OPTIONS);
    const id = eventId(positionals[0]);
    const current = runtime.app.repos.events.get(id);
    if (!current) throw new CliError(SERVICE_ERRORS.event_not_found);
    const changes: EventChanges = { ...timesFrom(runtime, values, current) };
    if (values.kind !== undefined) changes.kind = values.kind;
    if (values.title !== undefined) changes.title = values.title;
    if (values.description !== undefined) changes.description = values.description;
    if (values.place !== undefined) changes.place = values.place || null;
    if (values.link !== undefined) changes.virtualUrl = values.link || null;
    if (values.office !== undefined) changes.officeKey = values.office || null;
    if (values.districts !== undefined) changes.districts = list(values.districts)!;
    if (values.topics !== undefined) changes.topics = list(values.topics)!;
    if (Object.keys(changes).length === 0) throw new CliError("nothing to change: give --date/--start/--end, --place, --link, --title, --description, --districts, --topics, --office or --kind");
    const outcome = updateEvent(runtime.app, actorFrom(runtime, values.as), id, { ...draftOf(current), ...changes });
    if (!outcome.ok) throw serviceError(runtime, outcome.error);
    const yes = runtime.app.repos.events.rsvpCounts(id).yes;
    printEvent(runtime, outcome.event, values.json, outcome.notified ? `updated; ${yes} citizens who said they will attend get a notice` : "updated");
  },
  cancel(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: "string" }, json: { type: "boolean" } });
    const outcome = cancelEvent(runtime.app, actorFrom(runtime, values.as), eventId(positionals[0]));
    if (!outcome.ok) throw serviceError(runtime, outcome.error);
    const yes = runtime.app.repos.events.rsvpCounts(outcome.event.id).yes;
    printEvent(runtime, outcome.event, values.json, `cancelled; ${yes} citizens who said they will attend get a notice`);
  },
  held(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: "string" } });
    const outcome = markEventHeld(runtime.app, actorFrom(runtime, values.as), eventId(positionals[0]));
    if (!outcome.ok) throw new CliError(QUESTION_ERRORS[outcome.error] ?? outcome.error);
    process.stdout.write(`Event #${outcome.event.id} marked as held.\n`);
  },
  questions(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } });
    const rows = eventQuestionReport(runtime.app, eventId(positionals[0]));
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["reference", "status", "answeredIn", "dueDate", "question"])}\n`);
  },
  "mark-answered"(runtime, args) {
    const { values, positionals } = parse(args, { summary: { type: "string" }, as: { type: "string" } });
    const id = eventId(positionals[0]);
    const references = positionals.slice(1);
    if (references.length === 0) throw new CliError("give the radicados answered at the event: rinde events mark-answered <event id> <radicado>…");
    for (const reference of references) {
      const outcome = markAnsweredAtEvent(runtime.app, actorFrom(runtime, values.as), id, reference, values.summary);
      if (!outcome.ok) throw new CliError(`${reference}: ${QUESTION_ERRORS[outcome.error] ?? outcome.error}`);
      process.stdout.write(`${outcome.question.reference} answered at the event; the citizen is told.\n`);
    }
    const open = eventQuestionReport(runtime.app, id).filter((q) => q.status === "open" || q.status === "info_requested");
    process.stdout.write(`${open.length} questions of this event stay open, to be answered in writing by their due dates.\n`);
  },
  report(runtime, args) {
    const { values, positionals } = parse(args, { out: { type: "string" }, force: { type: "boolean" }, json: { type: "boolean" } });
    const id = eventId(positionals[0]);
    if (!runtime.app.repos.events.get(id)) throw new CliError(SERVICE_ERRORS.event_not_found);
    const rows = eventQuestionReport(runtime.app, id);
    if (values.json) return printJson(rows);
    const csv = toCsv(rows, ["reference", "officeKey", "filedAt", "question", "status", "answeredIn", "answer", "answeredAt", "dueDate", "onTime"]);
    if (!values.out) return void process.stdout.write(csv);
    writeExport(values.out, csv, values.force);
    process.stdout.write(`${rows.length} questions with their answers written to ${values.out}\n`);
  },
};

export function runEvents(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const command = sub ? subcommands[sub] : undefined;
  if (!command) throw new CliError(`unknown 'events' command '${sub ?? ""}'. Use: ${Object.keys(subcommands).join(" | ")}`);
  command(runtime, rest);
}
