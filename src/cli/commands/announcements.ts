/**
 * `rinde announcements …`: announce an event or a text to a segment (everyone subscribed, topics,
 * districts, an event's RSVPs). Before asking to confirm (`--yes` for scripts) it shows what staff
 * need to see: the full text citizens will get, the event, the segment and how many it reaches,
 * and, in quiet hours, from when it will go out. An announcement that reaches nobody is refused.
 * `--at` schedules it. The running bot delivers it; `--watch` (default in a terminal) shows a live
 * bar of queued, sent, failed and unreachable until nothing is left queued.
 */
import { eventInstants, parseDateInput, parseTimeInput, type Segment } from "../../core/events.ts";
import { formatClockTime } from "../../core/local-time.ts";
import { quietUntilMs } from "../../core/quiet-hours.ts";
import type { AnnouncementRow } from "../../db/repositories/announcements.ts";
import {
  announcementPayload,
  announcementProgress,
  cancelAnnouncement,
  previewAnnouncement,
  type AnnouncementError,
  type AnnouncementInput,
  type Progress,
} from "../../services/events/announcements.ts";
import { auditedCreateAnnouncement } from "../../services/staff/audited-actions.ts";
import { districtsOf, topicsOf } from "../../services/events/subscriptions.ts";
import { idArg, parse } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { actorFrom, districtList, topicList } from "../domain-args.ts";
import { CliError } from "../output.ts";
import { eventId } from "./events.ts";
import { mapInOrder } from "../../core/in-order.ts";

function errorOf(cli: Cli, error: AnnouncementError): CliError {
  return new CliError("errors.text", {
    text: cli.tr(`event_wizard.errors.${error.code}`, { key: "key" in error ? error.key : "" }),
  });
}

function segmentFrom(
  cli: Cli,
  values: { everyone?: boolean; topics?: string; districts?: string; rsvps?: string; "rsvps-any"?: boolean },
): Segment {
  const chosen = [
    values.everyone,
    values.topics !== undefined || values.districts !== undefined,
    values.rsvps !== undefined,
  ].filter(Boolean).length;
  if (chosen !== 1) throw new CliError("announcements.choose_segment");
  if (values.everyone) return { kind: "everyone" };
  if (values.rsvps !== undefined)
    return { kind: "rsvps", eventId: eventId(values.rsvps), answer: values["rsvps-any"] ? "any" : "yes" };
  return {
    kind: "interests",
    topics: values.topics ? topicList(cli, values.topics) : [],
    districts: values.districts ? districtList(cli, values.districts) : [],
  };
}

/** The segment in words: "temas: Salud; comunas: Comuna 1 Centro". */
export async function segmentText(cli: Cli, segment: Segment): Promise<string> {
  const { app } = cli.runtime;
  if (segment.kind === "everyone") return cli.t("announcements.segment_everyone");
  if (segment.kind === "rsvps") {
    const title = (await app.repos.events.get(segment.eventId))?.title ?? "";
    return cli.t(segment.answer === "yes" ? "announcements.segment_rsvps_yes" : "announcements.segment_rsvps_any", {
      id: segment.eventId,
      title,
    });
  }
  const names = (keys: string[], list: { key: string; name: string }[]) =>
    keys.map((k) => list.find((x) => x.key === k)?.name ?? k).join(", ");
  const parts = [];
  if (segment.topics.length)
    parts.push(cli.t("announcements.segment_topics", { names: names(segment.topics, topicsOf(app)) }));
  if (segment.districts.length)
    parts.push(cli.t("announcements.segment_districts", { names: names(segment.districts, districtsOf(app)) }));
  return parts.join("; ");
}

/** `YYYY-MM-DD HH:MM` in the profile's zone. */
function scheduledAt(cli: Cli, at: string | undefined): number | undefined {
  if (at === undefined) return undefined;
  const [datePart, ...timeParts] = at.trim().split(/\s+/);
  const date = parseDateInput(datePart ?? "");
  const time = parseTimeInput(timeParts.join(" "));
  if (!date || !time) throw new CliError("announcements.bad_at", { value: at, zone: cli.runtime.app.profile.timezone });
  return eventInstants(date, time, time, cli.runtime.app.profile.timezone).startsAtMs;
}

/** `[████████░░░░] 62 %  en cola 380 · enviados 600 · fallidos 12 · inalcanzables 8 / 1000`. */
export function progressLine(cli: Cli, p: Progress, width = 30): string {
  const settled = p.total - p.queued;
  const ratio = p.total === 0 ? 1 : settled / p.total;
  const filled = Math.round(ratio * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)} %  ${cli.t("announcements.progress", { ...p })}`;
}

/** Redraws the bar until nothing is queued (or Ctrl+C: delivery goes on in the bot). */
async function watch(cli: Cli, id: number, intervalMs = 500): Promise<void> {
  const tty = cli.io.stdout.isTTY === true;
  let last = "";
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.once("SIGINT", onInterrupt);
  try {
    for (;;) {
      const line = progressLine(cli, await announcementProgress(cli.runtime.app, id));
      if (line !== last) cli.io.stdout.write(tty ? `\r${line}` : `${line}\n`);
      last = line;
      if ((await announcementProgress(cli.runtime.app, id)).queued === 0 || interrupted) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
  if (tty) cli.io.stdout.write("\n");
  if (interrupted) cli.out(cli.t("announcements.stopped_watching"));
}

/** What citizens will read, in the operator's language (each citizen gets it in their own). */
async function previewText(cli: Cli, input: AnnouncementInput): Promise<string> {
  const row = {
    id: 0,
    eventId: input.eventId ?? null,
    purpose: input.eventId !== undefined ? "event" : "text",
    text: input.text?.trim() || null,
  } as AnnouncementRow;
  return (await announcementPayload(cli.runtime.app, row, cli.lang)).text ?? "";
}

/** "Se enviará desde las 7:00 del jue 11 dic 2026" when `atMs` falls in quiet hours. */
function quietNote(cli: Cli, atMs: number): string | undefined {
  const { quietHours, timezone } = cli.runtime.app.profile;
  const until = quietUntilMs(atMs, quietHours, timezone);
  if (until === undefined) return undefined;
  return cli.t("announcements.quiet", {
    start: quietHours.start,
    end: quietHours.end,
    time: formatClockTime(until, timezone).replace(/^0/, ""),
    day: cli.day(cli.iso(until).slice(0, 10)),
  });
}

export const announcementCommands: Record<string, Subcommand> = {
  async send(cli, args) {
    const { values } = parse(
      args,
      {
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
      },
      0,
    );
    const { app } = cli.runtime;
    const input: AnnouncementInput = { segment: segmentFrom(cli, values) };
    if (values.event !== undefined) input.eventId = eventId(values.event);
    if (values.text !== undefined) input.text = values.text;
    const at = scheduledAt(cli, values.at);
    if (at !== undefined) input.scheduledAtMs = at;
    const actor = await actorFrom(cli, values.as);
    const preview = await previewAnnouncement(app, actor, input);
    if (!preview.ok) throw errorOf(cli, preview.error);
    if (preview.recipients === 0)
      throw new CliError("announcements.no_recipients", { segment: await segmentText(cli, input.segment) });
    const sendAtMs = at ?? app.clock.nowMs();
    const quiet = quietNote(cli, sendAtMs);
    if (!values.json) {
      const event = input.eventId !== undefined ? await app.repos.events.get(input.eventId) : undefined;
      const lines = [cli.t("announcements.preview_title"), "", await previewText(cli, input), "", "—".repeat(40)];
      if (event)
        lines.push(
          cli.t("announcements.preview_event", { id: event.id, title: event.title, when: cli.when(event.startsAtMs) }),
        );
      lines.push(cli.t("announcements.preview_segment", { segment: await segmentText(cli, input.segment) }));
      lines.push(cli.t("announcements.preview_recipients", { count: preview.recipients }));
      lines.push(
        cli.t("announcements.preview_when", { when: at === undefined ? cli.t("announcements.now") : cli.when(at) }),
      );
      if (quiet) lines.push(quiet);
      cli.out(lines.join("\n"));
    }
    if (!values.yes && !(await cli.confirm(cli.t("announcements.confirm"))))
      throw new CliError("announcements.not_sent");
    const created = await auditedCreateAnnouncement(app, actor, "cli", input);
    if (!created.ok) throw errorOf(cli, created.error);
    const { announcement, recipients } = created;
    if (values.json)
      return cli.json({
        id: announcement.id,
        status: announcement.status,
        recipients,
        scheduledAt: cli.iso(announcement.scheduledAtMs),
        quietUntil: cli.isoOrNull(quietUntilMs(sendAtMs, app.profile.quietHours, app.profile.timezone)),
      });
    if (announcement.status === "scheduled")
      return cli.out(
        cli.t("announcements.scheduled", { id: announcement.id, when: cli.when(announcement.scheduledAtMs) }),
      );
    cli.out(cli.t("announcements.queued", { id: announcement.id, count: recipients }));
    const shouldWatch = values.watch === true || (values["no-watch"] !== true && cli.io.stdout.isTTY === true);
    if (shouldWatch) await watch(cli, announcement.id);
  },
  async status(cli, args) {
    const { values, positionals } = parse(args, { watch: { type: "boolean" }, json: { type: "boolean" } }, 1);
    const id = idArg(positionals[0], "<id anuncio>");
    const announcement = await cli.runtime.app.repos.announcements.get(id);
    if (!announcement) throw errorOf(cli, { code: "announcement_not_found" });
    const progress = await announcementProgress(cli.runtime.app, id);
    if (values.json) return cli.json({ id, status: announcement.status, ...progress });
    cli.out(cli.t("announcements.status_title", { id, status: cli.t(`announcement_status.${announcement.status}`) }));
    if (values.watch) return watch(cli, id);
    cli.out(progressLine(cli, progress));
  },
  async list(cli, args) {
    const { values } = parse(args, { json: { type: "boolean" } }, 0);
    const { app } = cli.runtime;
    const rows = await mapInOrder(await app.repos.announcements.list({ limit: 100 }), async (a) => {
      const event = a.eventId !== null ? await app.repos.events.get(a.eventId) : undefined;
      return { a, event, progress: await announcementProgress(app, a.id), segment: JSON.parse(a.segment) as Segment };
    });
    if (values.json) {
      return cli.json(
        rows.map(({ a, event, progress, segment }) => ({
          id: a.id,
          purpose: a.purpose,
          event: a.eventId,
          eventTitle: event?.title ?? null,
          text: a.text,
          segment,
          status: a.status,
          scheduledAt: cli.iso(a.scheduledAtMs),
          recipients: a.recipientCount,
          ...progress,
          createdBy: a.createdBy,
        })),
      );
    }
    const table = await mapInOrder(rows, async ({ a, event, progress, segment }) => ({
      id: a.id,
      scheduledAt: cli.when(a.scheduledAtMs),
      status: cli.t(`announcement_status.${a.status}`),
      purpose: cli.t(`announcement_purposes.${a.purpose}`),
      title: event ? `#${event.id} ${event.title}` : "",
      text: a.text ?? "",
      segment: await segmentText(cli, segment),
      total: progress.total,
      sent: progress.sent,
      queued: progress.queued,
      failed: progress.failed,
      unreachable: progress.unreachable,
      uncertain: progress.uncertain,
    }));
    cli.out(
      cli.table(table, [
        "id",
        "scheduledAt",
        "status",
        "purpose",
        "title",
        "text",
        "segment",
        "total",
        "queued",
        "sent",
        "failed",
        "unreachable",
        "uncertain",
      ]),
    );
  },
  async cancel(cli, args) {
    const { values, positionals } = parse(args, { as: { type: "string" } }, 1);
    const outcome = await cancelAnnouncement(
      cli.runtime.app,
      await actorFrom(cli, values.as),
      idArg(positionals[0], "<id anuncio>"),
    );
    if (!outcome.ok) throw errorOf(cli, outcome.error);
    cli.out(cli.t("announcements.cancelled", { count: outcome.withdrawn }));
  },
};
