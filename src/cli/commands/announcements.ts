/**
 * `rinde announcements …`: announce an event or a text to a segment (everyone subscribed, topics,
 * districts, an event's RSVPs). Shows how many citizens it reaches and asks before sending
 * (`--yes` for scripts); `--at` schedules it. The running bot delivers it; `--watch` (default in a
 * terminal) shows a live bar of queued, sent, failed and unreachable until nothing is left queued.
 */
import { createInterface } from "node:readline/promises";
import { parseDateInput, parseTimeInput, eventInstants, type Segment } from "../../core/events.ts";
import type { Runtime } from "../../runtime.ts";
import { announcementProgress, cancelAnnouncement, createAnnouncement, previewAnnouncement, type AnnouncementError, type AnnouncementInput, type Progress } from "../../services/announcements.ts";
import { actorFrom } from "../actor.ts";
import { parse, required } from "../args.ts";
import { CliError, printJson, table } from "../output.ts";
import { eventId } from "./events.ts";

const ERRORS: Record<AnnouncementError["code"], string> = {
  not_allowed: "that official may not send announcements (only communications staff and admins)",
  event_not_found: "no event with that id; see 'rinde events list'",
  event_closed: "the event has ended or was cancelled",
  text_required: "give --event <id> or --text <message>",
  text_too_long: "the text is too long (2000 characters at most)",
  scheduled_in_past: "--at is in the past",
  announcement_not_found: "no announcement with that id",
  already_finished: "the announcement was already cancelled",
  bad_segment: "give at least one topic or district",
  unknown_district: "unknown district",
  unknown_topic: "unknown topic",
};

function errorOf(error: AnnouncementError): CliError {
  return new CliError("key" in error ? `${ERRORS[error.code]} '${error.key}'` : ERRORS[error.code]);
}

const csv = (value: string) => value.split(",").map((v) => v.trim()).filter(Boolean);

function segmentFrom(values: { everyone?: boolean; topics?: string; districts?: string; rsvps?: string; "rsvps-any"?: boolean }): Segment {
  const chosen = [values.everyone, values.topics !== undefined || values.districts !== undefined, values.rsvps !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new CliError("choose one segment: --everyone, --topics a,b and/or --districts x,y, or --rsvps <event id>");
  if (values.everyone) return { kind: "everyone" };
  if (values.rsvps !== undefined) return { kind: "rsvps", eventId: eventId(values.rsvps), answer: values["rsvps-any"] ? "any" : "yes" };
  return { kind: "interests", topics: csv(values.topics ?? ""), districts: csv(values.districts ?? "") };
}

/** `YYYY-MM-DD HH:MM` in the profile's zone. */
function scheduledAt(runtime: Runtime, at: string | undefined): number | undefined {
  if (at === undefined) return undefined;
  const [datePart, ...timeParts] = at.trim().split(/\s+/);
  const date = parseDateInput(datePart ?? "");
  const time = parseTimeInput(timeParts.join(" "));
  if (!date || !time) throw new CliError(`--at must be 'YYYY-MM-DD HH:MM' (Bogotá time), got '${at}'`);
  return eventInstants(date, time, time, runtime.app.profile.timezone).startsAtMs;
}

/** `[████████░░░░] 62% queued 380 · sent 600 · failed 12 · unreachable 8 / 1000`. */
export function progressLine(p: Progress, width = 30): string {
  const settled = p.total - p.queued;
  const ratio = p.total === 0 ? 1 : settled / p.total;
  const filled = Math.round(ratio * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  queued ${p.queued} · sent ${p.sent} · failed ${p.failed} · unreachable ${p.unreachable} · uncertain ${p.uncertain} / ${p.total}`;
}

/** Redraws the bar until nothing is queued (or Ctrl+C: delivery goes on in the bot). */
async function watch(runtime: Runtime, id: number, intervalMs = 500): Promise<void> {
  const tty = process.stdout.isTTY === true;
  let last = "";
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.once("SIGINT", onInterrupt);
  try {
    for (;;) {
      const progress = announcementProgress(runtime.app, id);
      const line = progressLine(progress);
      if (line !== last) process.stdout.write(tty ? `\r${line}` : `${line}\n`);
      last = line;
      if (progress.queued === 0 || interrupted) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
  process.stdout.write(tty ? "\n" : "");
  if (interrupted) process.stdout.write("Stopped watching; the running bot keeps delivering. See 'rinde announcements status <id>'.\n");
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CliError("not a terminal: add --yes to confirm the announcement");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes|s|si|sí)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const subcommands: Record<string, (runtime: Runtime, args: string[]) => Promise<void> | void> = {
  async send(runtime, args) {
    const { values } = parse(args, {
      event: { type: "string" },
      text: { type: "string" },
      everyone: { type: "boolean" },
      topics: { type: "string" },
      districts: { type: "string" },
      rsvps: { type: "string" },
      "rsvps-any": { type: "boolean" },
      at: { type: "string" },
      yes: { type: "boolean" },
      watch: { type: "boolean" },
      "no-watch": { type: "boolean" },
      as: { type: "string" },
      json: { type: "boolean" },
    });
    const input: AnnouncementInput = { segment: segmentFrom(values) };
    if (values.event !== undefined) input.eventId = eventId(values.event);
    if (values.text !== undefined) input.text = values.text;
    const at = scheduledAt(runtime, values.at);
    if (at !== undefined) input.scheduledAtMs = at;
    const actor = actorFrom(runtime, values.as);
    const preview = previewAnnouncement(runtime.app, actor, input);
    if (!preview.ok) throw errorOf(preview.error);
    const when = values.at ? ` at ${values.at} (${runtime.app.profile.timezone})` : " now";
    if (!values.json) process.stdout.write(`This announcement reaches ${preview.recipients} citizens (consent given, subscribed or RSVP'd, reachable chat).\n`);
    if (!values.yes && !(await confirm(`Send it${when}? [y/N] `))) throw new CliError("not sent");
    const created = createAnnouncement(runtime.app, actor, input);
    if (!created.ok) throw errorOf(created.error);
    const { announcement, recipients } = created;
    if (values.json) return printJson({ id: announcement.id, status: announcement.status, recipients, scheduledAt: new Date(announcement.scheduledAtMs).toISOString() });
    if (announcement.status === "scheduled") {
      process.stdout.write(`Announcement #${announcement.id} scheduled${when}; the running bot releases it then.\n`);
      return;
    }
    process.stdout.write(`Announcement #${announcement.id} queued for ${recipients} citizens; the running bot delivers it (never during quiet hours ${runtime.app.profile.quietHours.start}–${runtime.app.profile.quietHours.end}).\n`);
    const shouldWatch = values.watch === true || (values["no-watch"] !== true && process.stdout.isTTY === true);
    if (shouldWatch) await watch(runtime, announcement.id);
  },
  async status(runtime, args) {
    const { values, positionals } = parse(args, { watch: { type: "boolean" }, json: { type: "boolean" } });
    const id = Number(required(positionals[0], "<announcement id>"));
    const announcement = runtime.app.repos.announcements.get(id);
    if (!announcement) throw new CliError(ERRORS.announcement_not_found);
    const progress = announcementProgress(runtime.app, id);
    if (values.json) return printJson({ id, status: announcement.status, ...progress });
    process.stdout.write(`Announcement #${id} (${announcement.status})\n`);
    if (values.watch) return watch(runtime, id);
    process.stdout.write(`${progressLine(progress)}\n`);
  },
  list(runtime, args) {
    const { values } = parse(args, { json: { type: "boolean" } });
    const rows = runtime.app.repos.announcements.list({ limit: 100 }).map((a) => ({
      id: a.id,
      purpose: a.purpose,
      event: a.eventId ?? "",
      status: a.status,
      scheduledAt: new Date(a.scheduledAtMs).toISOString(),
      recipients: a.recipientCount ?? "",
      ...announcementProgress(runtime.app, a.id),
      createdBy: a.createdBy,
    }));
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["id", "purpose", "event", "status", "scheduledAt", "total", "queued", "sent", "failed", "unreachable", "uncertain"])}\n`);
  },
  cancel(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: "string" } });
    const outcome = cancelAnnouncement(runtime.app, actorFrom(runtime, values.as), Number(required(positionals[0], "<announcement id>")));
    if (!outcome.ok) throw errorOf(outcome.error);
    process.stdout.write(`Cancelled; ${outcome.withdrawn} queued messages withdrawn.\n`);
  },
};

export async function runAnnouncements(runtime: Runtime, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const command = sub ? subcommands[sub] : undefined;
  if (!command) throw new CliError(`unknown 'announcements' command '${sub ?? ""}'. Use: ${Object.keys(subcommands).join(" | ")}`);
  await command(runtime, rest);
}
