/**
 * Actions of the communications staff's event wizard (flows/event_wizard.yaml), run by
 * src/services/events/wizard.ts for a linked official. Each typed answer is checked at once with the
 * same pure rules the services apply when saving (src/core/events.ts), and refusals say why.
 */
import { officialActor } from "../../core/authorization.ts";
import { clockTimeToSeconds } from "../../core/calendar/index.ts";
import {
  EVENT_KINDS,
  eventInstants,
  type EventKind,
  formatClock,
  isHttpUrl,
  parseDateInput,
  parseTimeInput,
  timeErrors,
  type EventError,
  type Segment,
} from "../../core/events.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import type { MenuOption } from "../../engine/engine.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import type { ActionOutcome } from "../conversation/action-definition.ts";
import { announcementProgress, previewAnnouncement, type AnnouncementError } from "./announcements.ts";
import {
  auditedCancelEvent,
  auditedCreateAnnouncement,
  auditedCreateEvent,
  auditedUpdateEvent,
} from "../staff/audited-actions.ts";
import { type AppContext, staffText } from "../context.ts";
import { planProgressReports, progressBar } from "./jobs.ts";
import { isUpcoming } from "../../core/events.ts";
import { eventCard, eventOptionLabel, whenText } from "./texts.ts";
import type { EventChanges, EventServiceError } from "./events.ts";
import { districtsOf } from "./subscriptions.ts";
import { mapInOrder } from "../../core/in-order.ts";

export interface StaffActionContext {
  app: AppContext;
  official: OfficialRow;
  /** The official's private chat (where progress reports go). */
  chat: { channel: string; address: string };
  data: Readonly<Record<string, unknown>>;
}

export interface StaffActionDefinition {
  results: readonly string[];
  run(ctx: StaffActionContext): ActionOutcome | Promise<ActionOutcome>;
}

const t = staffText;
const str = (value: unknown): string => (typeof value === "string" ? value.trim() : "");
const num = (value: unknown): number =>
  typeof value === "number" ? value : /^\d{1,15}$/.test(str(value)) ? Number(value) : Number.NaN;
/** "-" (or nothing) means "none" for optional answers. */
const optional = (value: unknown): string | null => (str(value) === "-" || str(value) === "" ? null : str(value));

/** One line per reason, in staff language. */
export function eventErrorsText(app: AppContext, errors: readonly EventError[]): string {
  return errors.map((e) => `• ${t(app, `event_wizard.errors.${e.code}`, { key: e.key ?? "" })}`).join("\n");
}

function serviceErrorText(app: AppContext, error: EventServiceError | AnnouncementError): string {
  if (error.code === "invalid") return eventErrorsText(app, error.errors);
  return `• ${t(app, `event_wizard.errors.${error.code}`, { key: "key" in error ? error.key : "" })}`;
}

const refused = (reason: string): ActionOutcome => ({ result: "refused", data: { reason } });

function timeOf(
  app: AppContext,
  data: Readonly<Record<string, unknown>>,
): { ok: true; startsAtMs: number; endsAtMs: number } | { ok: false; reason: string } {
  const date = parseDateInput(str(data.dateInput));
  if (!date) return { ok: false, reason: `• ${t(app, "event_wizard.errors.bad_date")}` };
  const start = parseTimeInput(str(data.startInput));
  const end = parseTimeInput(str(data.endInput));
  if (!start || !end) return { ok: false, reason: `• ${t(app, "event_wizard.errors.bad_time")}` };
  const { startsAtMs, endsAtMs } = eventInstants(date, start, end, app.profile.timezone);
  const errors = timeErrors(startsAtMs, endsAtMs, app.clock.nowMs());
  return errors.length ? { ok: false, reason: eventErrorsText(app, errors) } : { ok: true, startsAtMs, endsAtMs };
}

/** "1, 3", district keys or names; "0", "-" or "todas" for the whole municipality. */
function districtsFrom(app: AppContext, input: string): { ok: true; keys: string[] } | { ok: false; unknown: string } {
  const districts = districtsOf(app);
  const normalized = input.toLowerCase().trim();
  if (["0", "-", "todas", "todos", "all", "ninguna"].includes(normalized)) return { ok: true, keys: [] };
  const keys: string[] = [];
  for (const part of normalized.split(/[,;\s]+/).filter(Boolean)) {
    const byNumber = /^\d+$/.test(part) ? districts[Number(part) - 1] : undefined;
    const found = byNumber ?? districts.find((d) => d.key === part || d.name.toLowerCase() === part);
    if (!found) return { ok: false, unknown: part };
    keys.push(found.key);
  }
  return { ok: true, keys: [...new Set(keys)] };
}

/** The event the wizard's answers describe (the wizard does not ask for topics). */
function draftFromData(data: Readonly<Record<string, unknown>>) {
  return {
    kind: str(data.kind) as EventKind,
    title: str(data.title),
    description: optional(data.description) ?? "",
    startsAtMs: num(data.startsAtMs),
    endsAtMs: num(data.endsAtMs),
    place: optional(data.place),
    virtualUrl: optional(data.virtualUrl),
    officeKey: optional(data.officeKey),
    districts: Array.isArray(data.districts) ? (data.districts as string[]) : [],
    topics: [] as string[],
  };
}

const create: Record<string, StaffActionDefinition> = {
  "wizard.start_draft": {
    results: ["ready"],
    run: ({ app }) => ({
      result: "ready",
      clearData: true,
      data: { kindOptions: EVENT_KINDS.map((k): MenuOption => ({ value: k, label: t(app, `event_kinds.${k}`) })) },
    }),
  },
  "wizard.check_time": {
    results: ["ok", "refused"],
    run: ({ app, data }) => {
      const time = timeOf(app, data);
      return time.ok
        ? { result: "ok", data: { startsAtMs: time.startsAtMs, endsAtMs: time.endsAtMs } }
        : refused(time.reason);
    },
  },
  "wizard.check_where": {
    results: ["ok", "refused"],
    run: ({ app, data }) => {
      const place = optional(data.placeInput);
      const virtualUrl = optional(data.linkInput);
      if (!place && !virtualUrl) return refused(eventErrorsText(app, [{ code: "place_or_link_required" }]));
      if (virtualUrl && !isHttpUrl(virtualUrl)) return refused(eventErrorsText(app, [{ code: "invalid_url" }]));
      const districtList = districtsOf(app)
        .map((d, i) => `${i + 1}. ${d.name}`)
        .join("\n");
      return { result: "ok", data: { place, virtualUrl, districtList } };
    },
  },
  "wizard.check_districts": {
    results: ["ok", "refused"],
    run: ({ app, data }) => {
      const parsed = districtsFrom(app, str(data.districtsInput));
      if (!parsed.ok) return refused(eventErrorsText(app, [{ code: "unknown_district", key: parsed.unknown }]));
      const officeOptions = app.profile.offices.map((o): MenuOption => ({ value: o.key, label: o.name }));
      return { result: "ok", data: { districts: parsed.keys, officeOptions } };
    },
  },
  "wizard.summary": {
    results: ["ready"],
    run: ({ app, data }) => ({
      result: "ready",
      data: { summary: eventCard(app, draftFromData(data), DEFAULT_LOCALE), officeOptions: null, kindOptions: null },
    }),
  },
  "wizard.create": {
    results: ["created", "refused"],
    run: async ({ app, official, data }) => {
      const outcome = await auditedCreateEvent(app, officialActor(official), "chat", draftFromData(data));
      if (!outcome.ok) return { ...refused(serviceErrorText(app, outcome.error)), clearData: true };
      return {
        result: "created",
        clearData: true,
        data: { eventId: String(outcome.event.id), title: outcome.event.title },
      };
    },
  },
};

async function eventOfData(app: AppContext, data: Readonly<Record<string, unknown>>) {
  const event = await app.repos.events.get(num(data.eventId));
  return event && isUpcoming(event, app.clock.nowMs()) ? event : undefined;
}

function changesFrom(
  app: AppContext,
  data: Readonly<Record<string, unknown>>,
): { ok: true; changes: EventChanges } | { ok: false; reason: string } {
  const value = str(data.valueInput);
  switch (str(data.editField)) {
    case "time": {
      const time = timeOf(app, data);
      return time.ok ? { ok: true, changes: { startsAtMs: time.startsAtMs, endsAtMs: time.endsAtMs } } : time;
    }
    case "place":
      return { ok: true, changes: { place: optional(value) } };
    case "link":
      return { ok: true, changes: { virtualUrl: optional(value) } };
    case "title":
      return { ok: true, changes: { title: value } };
    default:
      return { ok: true, changes: { description: optional(value) ?? "" } };
  }
}

const manage: Record<string, StaffActionDefinition> = {
  "wizard.event_options": {
    results: ["some", "none"],
    run: async ({ app }) => {
      const events = await app.repos.events.upcoming({ afterMs: app.clock.nowMs(), limit: 12 });
      if (events.length === 0) return { result: "none" };
      return {
        result: "some",
        data: {
          eventOptions: events.map((e): MenuOption => ({
            value: String(e.id),
            label: `#${e.id} ${eventOptionLabel(app, e, DEFAULT_LOCALE)}`,
          })),
        },
      };
    },
  },
  "wizard.describe_event": {
    results: ["found", "not_found"],
    run: async ({ app, data }) => {
      const event = await eventOfData(app, data);
      if (!event) return { result: "not_found" };
      return {
        result: "found",
        data: {
          summary: eventCard(app, event, DEFAULT_LOCALE),
          yesCount: (await app.repos.events.rsvpCounts(event.id)).yes,
          eventOptions: null,
        },
      };
    },
  },
  "wizard.update": {
    results: ["updated", "refused"],
    run: async ({ app, official, data }) => {
      const changes = changesFrom(app, data);
      if (!changes.ok) return refused(changes.reason);
      const outcome = await auditedUpdateEvent(
        app,
        officialActor(official),
        "chat",
        num(data.eventId),
        changes.changes,
      );
      if (!outcome.ok) return refused(serviceErrorText(app, outcome.error));
      const yes = (await app.repos.events.rsvpCounts(outcome.event.id)).yes;
      const notice = outcome.notified ? t(app, "event_wizard.notified", { count: yes }) : "";
      return {
        result: "updated",
        data: {
          summary: eventCard(app, outcome.event, DEFAULT_LOCALE),
          notice,
          valueInput: null,
          dateInput: null,
          startInput: null,
          endInput: null,
        },
      };
    },
  },
  "wizard.cancel": {
    results: ["cancelled", "refused"],
    run: async ({ app, official, data }) => {
      const outcome = await auditedCancelEvent(app, officialActor(official), "chat", num(data.eventId));
      if (!outcome.ok) return { ...refused(serviceErrorText(app, outcome.error)), clearData: true };
      return {
        result: "cancelled",
        clearData: true,
        data: { title: outcome.event.title, count: (await app.repos.events.rsvpCounts(outcome.event.id)).yes },
      };
    },
  },
};

/** The segment an option names, for an event: its interested subscribers, every subscriber, or its RSVPs. */
async function segmentFor(app: AppContext, eventId: number, choice: string): Promise<Segment | undefined> {
  const event = await app.repos.events.get(eventId);
  if (!event) return undefined;
  if (choice === "everyone") return { kind: "everyone" };
  if (choice === "rsvps") return { kind: "rsvps", eventId, answer: "yes" };
  if (event.topics.length === 0 && event.districts.length === 0) return { kind: "everyone" };
  return { kind: "interests", topics: event.topics, districts: event.districts };
}

/** `2026-03-10 08:00` or `10/03/2026 8 am` in the profile's zone. */
function scheduleFrom(app: AppContext, input: string): number | undefined {
  const match = /^(\S+)\s+(.+)$/.exec(input.trim());
  const date = match ? parseDateInput(match[1]!) : undefined;
  const time = match ? parseTimeInput(match[2]!) : undefined;
  return date && time ? eventInstants(date, time, time, app.profile.timezone).startsAtMs : undefined;
}

const announce: Record<string, StaffActionDefinition> = {
  "wizard.preview": {
    results: ["some", "none", "refused"],
    run: async ({ app, official, data }) => {
      const eventId = num(data.eventId);
      const segment = await segmentFor(app, eventId, str(data.segmentChoice));
      if (!segment) return refused(`• ${t(app, "event_wizard.errors.event_not_found")}`);
      const outcome = await previewAnnouncement(app, officialActor(official), { segment, eventId });
      if (!outcome.ok) return refused(serviceErrorText(app, outcome.error));
      const quiet = app.profile.quietHours;
      const quietStart = formatClock(clockTimeToSeconds(quiet.start), "es");
      const quietEnd = formatClock(clockTimeToSeconds(quiet.end), "es");
      return {
        result: outcome.recipients > 0 ? "some" : "none",
        data: { count: outcome.recipients, quietStart, quietEnd, eventOptions: null },
      };
    },
  },
  "wizard.announce": {
    results: ["sent", "scheduled", "refused"],
    run: async ({ app, official, chat, data }) => {
      const eventId = num(data.eventId);
      const segment = await segmentFor(app, eventId, str(data.segmentChoice));
      const scheduleInput = str(data.scheduleInput);
      const scheduledAtMs = scheduleInput ? scheduleFrom(app, scheduleInput) : undefined;
      if (scheduleInput && scheduledAtMs === undefined)
        return { ...refused(`• ${t(app, "event_wizard.errors.bad_schedule")}`), clearData: true };
      if (!segment) return { ...refused(`• ${t(app, "event_wizard.errors.event_not_found")}`), clearData: true };
      const outcome = await auditedCreateAnnouncement(app, officialActor(official), "chat", {
        segment,
        eventId,
        ...(scheduledAtMs !== undefined ? { scheduledAtMs } : {}),
      });
      if (!outcome.ok) return { ...refused(serviceErrorText(app, outcome.error)), clearData: true };
      const id = outcome.announcement.id;
      await planProgressReports(app, id, chat, app.clock.nowMs());
      if (outcome.announcement.status === "scheduled")
        return {
          result: "scheduled",
          clearData: true,
          data: {
            id,
            count: outcome.recipients,
            when: whenText(
              app,
              { startsAtMs: outcome.announcement.scheduledAtMs, endsAtMs: outcome.announcement.scheduledAtMs },
              DEFAULT_LOCALE,
            ),
          },
        };
      return { result: "sent", clearData: true, data: { id, count: outcome.recipients } };
    },
  },
  "wizard.announcement_options": {
    results: ["some", "none"],
    run: async ({ app }) => {
      const recent = (await app.repos.announcements.list({ limit: 10 })).filter((a) => a.createdBy !== "system");
      if (recent.length === 0) return { result: "none" };
      const label = async (a: (typeof recent)[number]) => {
        const event = a.eventId !== null ? await app.repos.events.get(a.eventId) : undefined;
        return `#${a.id} ${event ? event.title : (a.text ?? "").slice(0, 40)} (${t(app, `event_wizard.announcement_status.${a.status}`)})`;
      };
      return {
        result: "some",
        data: {
          announcementOptions: await mapInOrder(recent, async (a): Promise<MenuOption> => ({
            value: String(a.id),
            label: await label(a),
          })),
        },
      };
    },
  },
  "wizard.progress": {
    results: ["found", "not_found"],
    run: async ({ app, data }) => {
      const id = num(data.announcementId);
      if (!(await app.repos.announcements.get(id))) return { result: "not_found" };
      const progress = await announcementProgress(app, id);
      return { result: "found", clearData: true, data: { id, bar: progressBar(progress), ...progress } };
    },
  },
};

/** Every wizard action, by name (validated with the flows: see ACTION_RESULTS). */
export const eventWizardActions: Record<string, StaffActionDefinition> = { ...create, ...manage, ...announce };
