/**
 * `rinde events …`: dialogue events for communications staff and the offices. Create, edit and
 * cancel (the same rules as the chat wizard), list, and after the event record which questions were
 * answered there and publish the questions with their answers.
 */
import { toWallClock } from "../../core/calendar/index.ts";
import { EVENT_KINDS, eventInstants, parseDateInput, parseTimeInput, type EventError } from "../../core/events.ts";
import { formatClockTime } from "../../core/local-time.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import {
  eventQuestionReport,
  markAnsweredAtEvent,
  markEventHeld,
  type EventQuestionError,
} from "../../services/events/questions.ts";
import { draftOf } from "../../core/events.ts";
import { eventCard } from "../../services/events/texts.ts";
import type { EventChanges, EventServiceError } from "../../services/events/events.ts";
import { auditedCancelEvent, auditedCreateEvent, auditedUpdateEvent } from "../../services/staff/audited-actions.ts";
import { idArg, keyArg, parse, required } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { csvDateTime, EXPORT_OPTIONS, writeCsvExport } from "../csv.ts";
import { actorFrom, optionalOffice } from "../domain-args.ts";
import { CliError } from "../output.ts";
import { runEventMinutes } from "./publication.ts";
import { mapInOrder } from "../../core/in-order.ts";

/** A refusal of the events service, in the chat wizard's words (one reason per line). */
export function serviceError(cli: Cli, error: EventServiceError): CliError {
  if (error.code !== "invalid")
    return new CliError("errors.text", { text: cli.tr(`event_wizard.errors.${error.code}`, { key: "" }) });
  const reasons = (error.errors as EventError[]).map(
    (e) => `• ${cli.tr(`event_wizard.errors.${e.code}`, { key: e.key ?? "" })}`,
  );
  return new CliError("events.refused", {}, reasons);
}

function questionError(cli: Cli, error: EventQuestionError, reference?: string): CliError {
  const key = cli.has(`cli.events.errors.${error}`) ? `cli.events.errors.${error}` : `staff.errors.${error}`;
  const text = cli.tr(key);
  return new CliError("errors.text", { text: reference ? `${reference}: ${text}` : text });
}

export function eventId(value: string | undefined): number {
  return idArg(value, "<id evento>");
}

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
function timesFrom(
  cli: Cli,
  values: EventValues,
  current?: EventRecord,
): { startsAtMs: number; endsAtMs: number } | undefined {
  if (!values.date && !values.start && !values.end) return undefined;
  const zone = cli.runtime.app.profile.timezone;
  const date = parseDateInput(values.date ?? (current ? toWallClock(new Date(current.startsAtMs), zone).date : ""));
  if (!date) throw new CliError("events.bad_date", { value: values.date });
  const start = parseTimeInput(values.start ?? (current ? formatClockTime(current.startsAtMs, zone) : ""));
  const end = parseTimeInput(values.end ?? (current ? formatClockTime(current.endsAtMs, zone) : ""));
  if (!start || !end) throw new CliError("events.bad_time", { value: !start ? values.start : values.end });
  return eventInstants(date, start, end, zone);
}

async function data(cli: Cli, e: EventRecord) {
  const counts = await cli.runtime.app.repos.events.rsvpCounts(e.id);
  return {
    id: e.id,
    kind: e.kind,
    title: e.title,
    status: e.status,
    startsAt: cli.iso(e.startsAtMs),
    endsAt: cli.iso(e.endsAtMs),
    place: e.place ?? "",
    link: e.virtualUrl ?? "",
    office: e.officeKey ?? "",
    districts: e.districts.join(","),
    topics: e.topics.join(","),
    rsvpYes: counts.yes,
    rsvpNo: counts.no,
    questions: (await cli.runtime.app.repos.events.questions(e.id)).length,
  };
}

async function printEvent(
  cli: Cli,
  event: EventRecord,
  json: boolean | undefined,
  done: string,
  vars: Record<string, unknown> = {},
): Promise<void> {
  if (json) return cli.json(await data(cli, event));
  cli.out(
    `${cli.t(done, { id: event.id, status: cli.t(`event_status.${event.status}`), ...vars })}\n\n${eventCard(cli.runtime.app, event, cli.lang)}`,
  );
}

/** `a,b` as a list; districts and topics are checked by the events service with every other reason at once. */
const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);

const kindArg = (value: string | undefined) => keyArg(value, EVENT_KINDS, "--kind");

export const eventCommands: Record<string, Subcommand> = {
  minutes: runEventMinutes,
  async list(cli, args) {
    const { values } = parse(args, { all: { type: "boolean" }, json: { type: "boolean" } }, 0);
    const events = await cli.runtime.app.repos.events.list(values.all ? {} : { fromMs: cli.runtime.app.clock.nowMs() });
    if (values.json) return cli.json(await mapInOrder(events, async (e) => await data(cli, e)));
    const rows = await mapInOrder(events, async (e) => ({
      ...(await data(cli, e)),
      kind: cli.tr(`event_kinds.${e.kind}`),
      status: cli.t(`event_status.${e.status}`),
      startsAt: cli.when(e.startsAtMs),
    }));
    cli.out(cli.table(rows, ["id", "startsAt", "title", "kind", "status", "districts", "rsvpYes", "questions"]));
  },
  async show(cli, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } }, 1);
    const event = await cli.runtime.app.repos.events.get(eventId(positionals[0]));
    if (!event) throw new CliError("errors.text", { text: cli.tr("event_wizard.errors.event_not_found") });
    await printEvent(cli, event, values.json, "events.shown");
  },
  async create(cli, args) {
    const { values } = parse(args, { ...EVENT_OPTIONS, held: { type: "boolean" } }, 0);
    const kind = kindArg(values.kind);
    const times = timesFrom(cli, {
      ...values,
      date: required(values.date, "--date"),
      start: required(values.start, "--start"),
      end: required(values.end, "--end"),
    })!;
    const outcome = await auditedCreateEvent(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      {
        kind,
        title: required(values.title, "--title"),
        description: values.description ?? "",
        ...times,
        place: values.place ?? null,
        virtualUrl: values.link ?? null,
        officeKey: (await optionalOffice(cli, values.office)) ?? null,
        districts: list(values.districts) ?? [],
        topics: list(values.topics) ?? [],
      },
      { held: values.held === true },
    );
    if (!outcome.ok) throw serviceError(cli, outcome.error);
    await printEvent(cli, outcome.event, values.json, values.held ? "events.recorded_held" : "events.created");
  },
  async edit(cli, args) {
    const { values, positionals } = parse(args, EVENT_OPTIONS, 1);
    const id = eventId(positionals[0]);
    const current = await cli.runtime.app.repos.events.get(id);
    if (!current) throw new CliError("errors.text", { text: cli.tr("event_wizard.errors.event_not_found") });
    const changes: EventChanges = { ...timesFrom(cli, values, current) };
    if (values.kind !== undefined) changes.kind = kindArg(values.kind);
    if (values.title !== undefined) changes.title = values.title;
    if (values.description !== undefined) changes.description = values.description;
    if (values.place !== undefined) changes.place = values.place || null;
    if (values.link !== undefined) changes.virtualUrl = values.link || null;
    if (values.office !== undefined)
      changes.officeKey = values.office ? (await optionalOffice(cli, values.office))! : null;
    if (values.districts !== undefined) changes.districts = list(values.districts)!;
    if (values.topics !== undefined) changes.topics = list(values.topics)!;
    if (Object.keys(changes).length === 0) throw new CliError("events.nothing_to_change");
    const outcome = await auditedUpdateEvent(cli.runtime.app, await actorFrom(cli, values.as), "cli", id, {
      ...draftOf(current),
      ...changes,
    });
    if (!outcome.ok) throw serviceError(cli, outcome.error);
    const yes = (await cli.runtime.app.repos.events.rsvpCounts(id)).yes;
    await printEvent(cli, outcome.event, values.json, outcome.notified ? "events.updated_notified" : "events.updated", {
      count: yes,
    });
  },
  async cancel(cli, args) {
    const { values, positionals } = parse(args, { as: { type: "string" }, json: { type: "boolean" } }, 1);
    const outcome = await auditedCancelEvent(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      "cli",
      eventId(positionals[0]),
    );
    if (!outcome.ok) throw serviceError(cli, outcome.error);
    const yes = (await cli.runtime.app.repos.events.rsvpCounts(outcome.event.id)).yes;
    await printEvent(cli, outcome.event, values.json, "events.cancelled", { count: yes });
  },
  async held(cli, args) {
    const { values, positionals } = parse(args, { as: { type: "string" } }, 1);
    const outcome = await markEventHeld(cli.runtime.app, await actorFrom(cli, values.as), eventId(positionals[0]));
    if (!outcome.ok) throw questionError(cli, outcome.error);
    cli.out(cli.t("events.held", { id: outcome.event.id }));
  },
  async questions(cli, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } }, 1);
    const rows = await reportRows(cli, eventId(positionals[0]));
    if (values.json)
      return cli.json(
        rows.map((r) => ({ ...r.codes, filedAt: cli.iso(r.filedAtMs), answeredAt: cli.isoOrNull(r.answeredAtMs) })),
      );
    cli.out(
      cli.table(
        rows.map((r) => ({ ...r.words, dueDate: cli.day(r.codes.dueDate) })),
        ["reference", "status", "answeredIn", "dueDate", "question"],
      ),
    );
  },
  async "mark-answered"(cli, args) {
    const { values, positionals } = parse(args, { summary: { type: "string" }, as: { type: "string" } });
    const id = eventId(positionals[0]);
    const references = positionals.slice(1);
    if (references.length === 0) throw new CliError("events.references_required");
    const actor = await actorFrom(cli, values.as);
    for (const reference of references) {
      const outcome = await markAnsweredAtEvent(cli.runtime.app, actor, id, reference, values.summary);
      if (!outcome.ok) throw questionError(cli, outcome.error, reference);
      cli.out(cli.t("events.marked", { reference: outcome.question.reference }));
    }
    const open = (await eventQuestionReport(cli.runtime.app, id)).filter(
      (q) => q.status === "open" || q.status === "info_requested",
    );
    cli.out(cli.t("events.still_open", { count: open.length }));
  },
  async report(cli, args) {
    const { values, positionals } = parse(args, { ...EXPORT_OPTIONS, json: { type: "boolean" } }, 1);
    const id = eventId(positionals[0]);
    if (!(await cli.runtime.app.repos.events.get(id)))
      throw new CliError("errors.text", { text: cli.tr("event_wizard.errors.event_not_found") });
    const rows = await reportRows(cli, id);
    if (values.json)
      return cli.json(
        rows.map((r) => ({ ...r.codes, filedAt: cli.iso(r.filedAtMs), answeredAt: cli.isoOrNull(r.answeredAtMs) })),
      );
    const csvRows = rows.map((r) => ({
      ...r.words,
      filedAt: csvDateTime(cli, r.filedAtMs),
      answeredAt: csvDateTime(cli, r.answeredAtMs),
      dueDate: r.codes.dueDate,
    }));
    writeCsvExport(cli, values, csvRows, REPORT_COLUMNS, "event_report", "events.report_written");
  },
};

const REPORT_COLUMNS = [
  "reference",
  "officeKey",
  "filedAt",
  "question",
  "status",
  "answeredIn",
  "answer",
  "answeredAt",
  "dueDate",
  "onTime",
];

/** The event's questions as codes (for JSON) and in words (for tables and CSV). */
async function reportRows(cli: Cli, id: number) {
  return (await eventQuestionReport(cli.runtime.app, id)).map((q) => {
    const { filedAt, answeredAt, ...codes } = q;
    const filedAtMs = Date.parse(filedAt);
    const answeredAtMs = answeredAt ? Date.parse(answeredAt) : null;
    const words = {
      ...codes,
      status: cli.t(`question_status.${q.status}`),
      answeredIn: q.answeredIn ? cli.t(`answered_in.${q.answeredIn}`) : "",
      onTime: q.onTime === null ? "" : cli.t(q.onTime ? "yes" : "no"),
    };
    return { codes, words, filedAtMs, answeredAtMs };
  });
}
