/**
 * Dialogue events (espacios de diálogo, Ley 1757 de 2015) as pure rules: the kinds, validation of
 * what staff type (dates in the past, end before start, unknown district…), reading dates and times
 * as staff write them, quiet hours for bulk messages, the stop words, announcement segments and the
 * calendar file (.ics). No clock, no I/O: instants and the time zone are parameters.
 */
import { isLongerThan } from "./text-length.ts";
import { createEvent, type EventAttributes } from "ics";
import { isLocalDate, toWallClock, type LocalDate } from "./calendar/index.ts";
import type { Actor } from "./authorization.ts";
import { localTimeToMs } from "./deadline-schedule.ts";
import { quietUntilMs, type QuietHours } from "./quiet-hours.ts";
import { foldIcsLines } from "./ics-fold.ts";

/** The dialogue spaces the municipalities' plans run (../shared/seeds). */
export const EVENT_KINDS = [
  "public_hearing",
  "territorial_dialogue",
  "thematic_dialogue",
  "transparency_fair",
  "mayor_live",
  "site_visit",
  "commitments_meeting",
  "other",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_STATUSES = ["scheduled", "changed", "cancelled", "held"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const MAX_TITLE_LENGTH = 120;
export const MAX_DESCRIPTION_LENGTH = 1500;
export const MAX_PLACE_LENGTH = 200;
/** A dialogue space lasts at most this long (a fair may take a whole day). */
export const MAX_EVENT_DURATION_MS = 24 * 3_600_000;
/** How far ahead an event may be planned. */
export const MAX_EVENT_LEAD_MS = 400 * 86_400_000;
/**
 * How long ago an event that already took place may be recorded (Rinde installed mid-year: the
 * plan counts the spaces held since January; issue 16). Older ones belong to an earlier plan.
 */
const MAX_HELD_AGE_MS = 400 * 86_400_000;

export interface EventDraft {
  kind: string;
  title: string;
  description: string;
  startsAtMs: number;
  endsAtMs: number;
  place: string | null;
  virtualUrl: string | null;
  officeKey: string | null;
  districts: readonly string[];
  topics: readonly string[];
}

export type EventErrorCode =
  | "unknown_kind"
  | "title_required"
  | "title_too_long"
  | "description_too_long"
  | "place_too_long"
  | "starts_in_past"
  | "too_far_ahead"
  | "not_ended"
  | "held_too_long_ago"
  | "ends_before_start"
  | "too_long"
  | "place_or_link_required"
  | "invalid_url"
  | "unknown_district"
  | "unknown_topic"
  | "unknown_office";

/** One reason a draft is refused; `key` names the unknown district, topic or office. */
export interface EventError {
  code: EventErrorCode;
  key?: string;
}

export interface EventRules {
  nowMs: number;
  districtKeys: readonly string[];
  topicKeys: readonly string[];
  officeKeys: readonly string[];
}

/**
 * Every reason `draft` cannot be published, in a stable order (empty when valid). A start in the
 * past is refused; an edit of an event that already started is refused by the service instead.
 * With `held`, the draft records an event that already took place: it must have ended by
 * `rules.nowMs` and started at most MAX_HELD_AGE_MS before it.
 */
export function validateEventDraft(
  draft: EventDraft,
  rules: EventRules,
  options: { held?: boolean } = {},
): EventError[] {
  const errors: EventError[] = [];
  if (!(EVENT_KINDS as readonly string[]).includes(draft.kind)) errors.push({ code: "unknown_kind", key: draft.kind });
  const title = draft.title.trim();
  if (!title) errors.push({ code: "title_required" });
  else if (isLongerThan(title, MAX_TITLE_LENGTH)) errors.push({ code: "title_too_long" });
  if (isLongerThan(draft.description, MAX_DESCRIPTION_LENGTH)) errors.push({ code: "description_too_long" });
  if (draft.place && isLongerThan(draft.place, MAX_PLACE_LENGTH)) errors.push({ code: "place_too_long" });
  errors.push(
    ...(options.held
      ? heldTimeErrors(draft.startsAtMs, draft.endsAtMs, rules.nowMs)
      : timeErrors(draft.startsAtMs, draft.endsAtMs, rules.nowMs)),
  );
  if (!draft.place?.trim() && !draft.virtualUrl?.trim()) errors.push({ code: "place_or_link_required" });
  if (draft.virtualUrl?.trim() && !isHttpUrl(draft.virtualUrl.trim())) errors.push({ code: "invalid_url" });
  for (const key of draft.districts)
    if (!rules.districtKeys.includes(key)) errors.push({ code: "unknown_district", key });
  for (const key of draft.topics) if (!rules.topicKeys.includes(key)) errors.push({ code: "unknown_topic", key });
  if (draft.officeKey !== null && !rules.officeKeys.includes(draft.officeKey))
    errors.push({ code: "unknown_office", key: draft.officeKey });
  return errors;
}

/** The time checks alone (the chat wizard refuses a bad date as soon as it is typed). */
export function timeErrors(startsAtMs: number, endsAtMs: number, nowMs: number): EventError[] {
  const errors: EventError[] = [];
  if (startsAtMs <= nowMs) errors.push({ code: "starts_in_past" });
  else if (startsAtMs - nowMs > MAX_EVENT_LEAD_MS) errors.push({ code: "too_far_ahead" });
  if (endsAtMs <= startsAtMs) errors.push({ code: "ends_before_start" });
  else if (endsAtMs - startsAtMs > MAX_EVENT_DURATION_MS) errors.push({ code: "too_long" });
  return errors;
}

/** The time checks of an event that already took place: ended by `nowMs`, not older than MAX_HELD_AGE_MS. */
function heldTimeErrors(startsAtMs: number, endsAtMs: number, nowMs: number): EventError[] {
  const errors: EventError[] = [];
  if (nowMs - startsAtMs > MAX_HELD_AGE_MS) errors.push({ code: "held_too_long_ago" });
  if (endsAtMs <= startsAtMs) errors.push({ code: "ends_before_start" });
  else if (endsAtMs - startsAtMs > MAX_EVENT_DURATION_MS) errors.push({ code: "too_long" });
  else if (endsAtMs > nowMs) errors.push({ code: "not_ended" });
  return errors;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".");
  } catch {
    return false;
  }
}

/**
 * A civil date as staff type it: `2026-03-10`, `10/03/2026` or `10-03-2026` (day first, as in
 * Colombia). Undefined when it is not a real date.
 */
export function parseDateInput(input: string): LocalDate | undefined {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const [year, month, day] = iso ? [iso[1]!, iso[2]!, iso[3]!] : dmy ? [dmy[3]!, dmy[2]!, dmy[1]!] : [];
  if (!year) return undefined;
  const date = `${year}-${month!.padStart(2, "0")}-${day!.padStart(2, "0")}`;
  return isLocalDate(date) ? date : undefined;
}

/**
 * A time of day as staff type it: `9:00`, `09:30`, `14:00`, `9 am`, `3:30 p. m.`. Returns `HH:MM`
 * (24 h), or undefined.
 */
export function parseTimeInput(input: string): string | undefined {
  const text = input.trim().toLowerCase().replace(/\s+/g, " ");
  const match = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.? ?m\.?|p\.? ?m\.?)?$/.exec(text);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  const meridiem = match[3]?.startsWith("p") ? "pm" : match[3] ? "am" : undefined;
  if (minute > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === "pm" ? 12 : 0);
  } else if (hour > 23) return undefined;
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

/** `date` at `startTime`–`endTime` (`HH:MM`) in `timeZone`, as instants. An end before the start is refused by validation. */
export function eventInstants(
  date: LocalDate,
  startTime: string,
  endTime: string,
  timeZone: string,
): { startsAtMs: number; endsAtMs: number } {
  return { startsAtMs: localTimeToMs(date, startTime, timeZone), endsAtMs: localTimeToMs(date, endTime, timeZone) };
}

/** The parts of an event's time as people read them, in the event's zone. */
export interface EventWhen {
  date: LocalDate;
  startTime: string;
  endTime: string;
  /** Set when the event ends on another day. */
  endDate?: LocalDate;
}

export function eventWhen(startsAtMs: number, endsAtMs: number, timeZone: string, locale: "es" | "en"): EventWhen {
  const start = toWallClock(new Date(startsAtMs), timeZone);
  const end = toWallClock(new Date(endsAtMs), timeZone);
  return {
    date: start.date,
    startTime: formatClock(start.secondsOfDay, locale),
    endTime: formatClock(end.secondsOfDay, locale),
    ...(end.date !== start.date ? { endDate: end.date } : {}),
  };
}

/** `9:00 a. m.` / `3:30 p. m.` (Colombian usage) or `9:00 AM` (English). */
export function formatClock(secondsOfDay: number, locale: "es" | "en"): string {
  const hour24 = Math.floor(secondsOfDay / 3600);
  const minute = Math.floor((secondsOfDay % 3600) / 60);
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  const pm = hour24 >= 12;
  const suffix = locale === "es" ? (pm ? "p. m." : "a. m.") : pm ? "PM" : "AM";
  return `${hour12}:${String(minute).padStart(2, "0")} ${suffix}`;
}

/** Whether bulk messages must wait at `nowMs` (the dispatcher holds announcements then). */
export { isQuietTime, type QuietHours } from "./quiet-hours.ts";

/** The instant bulk sending may resume: when the quiet hours in force end, or `nowMs` itself. */
export function quietHoursEndMs(nowMs: number, quiet: QuietHours, timeZone: string): number {
  return quietUntilMs(nowMs, quiet, timeZone) ?? nowMs;
}

/**
 * The words that stop announcements (SALIR, BAJA, STOP), any case, with or without accents.
 * CANCELAR is not one: it cancels the step in progress and nothing else (issue 18.2).
 */
export const STOP_WORDS = ["salir", "baja", "stop"] as const;

/** The stop word `text` is (alone, ignoring case, accents, spaces and punctuation), if any. */
export function stopWordOf(text: string): (typeof STOP_WORDS)[number] | undefined {
  const normalized = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
  return STOP_WORDS.find((w) => w === normalized);
}

/** Who an announcement reaches; every segment requires consent and a reachable chat. */
export type Segment =
  | { kind: "everyone" }
  /** Subscribers of any of these topics or districts (and those subscribed to everything). */
  | { kind: "interests"; topics: string[]; districts: string[] }
  /** Citizens who answered an event's RSVP (yes, or either answer). */
  | { kind: "rsvps"; eventId: number; answer: "yes" | "any" };

export type SegmentError = { code: "bad_segment" } | { code: "unknown_district" | "unknown_topic"; key: string };

/** Checks a segment against the profile's districts and topics. */
export function validateSegment(
  segment: Segment,
  rules: Pick<EventRules, "districtKeys" | "topicKeys">,
): SegmentError | undefined {
  if (segment.kind !== "interests") return undefined;
  if (segment.topics.length === 0 && segment.districts.length === 0) return { code: "bad_segment" };
  const district = segment.districts.find((k) => !rules.districtKeys.includes(k));
  if (district) return { code: "unknown_district", key: district };
  const topic = segment.topics.find((k) => !rules.topicKeys.includes(k));
  if (topic) return { code: "unknown_topic", key: topic };
  return undefined;
}

export interface IcsInput extends Pick<
  EventDraft,
  "title" | "description" | "startsAtMs" | "endsAtMs" | "place" | "virtualUrl"
> {
  /** Stable across edits, so calendars update the entry instead of adding another. */
  uid: string;
  /** The entity and its contact address (the data notice's e-mail). */
  organizer: { name: string; email: string };
  /** Increases with each change (RFC 5545 SEQUENCE). */
  sequence: number;
  cancelled: boolean;
  /** DTSTAMP: when this file was made. */
  nowMs: number;
}

/**
 * The event as an iCalendar file (RFC 5545), in UTC. A cancelled event is sent with
 * `METHOD:CANCEL` and `STATUS:CANCELLED` under the same UID, so calendars drop it.
 * @throws Error when the ics package rejects the input (a bug: the draft was validated).
 */
export function renderIcs(input: IcsInput): string {
  const location = [input.place, input.virtualUrl].filter(Boolean).join(" — ");
  const attributes: EventAttributes & { timestamp: number } = {
    uid: input.uid,
    title: input.title,
    description: [input.description, input.virtualUrl].filter(Boolean).join("\n\n"),
    start: input.startsAtMs,
    startInputType: "utc",
    startOutputType: "utc",
    end: input.endsAtMs,
    endInputType: "utc",
    endOutputType: "utc",
    ...(location ? { location } : {}),
    ...(input.virtualUrl ? { url: input.virtualUrl } : {}),
    organizer: input.organizer,
    sequence: input.sequence,
    status: input.cancelled ? "CANCELLED" : "CONFIRMED",
    method: input.cancelled ? "CANCEL" : "PUBLISH",
    productId: "rinde/events",
    timestamp: input.nowMs,
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) throw new Error(`ics rejected the event: ${error?.message ?? "no output"}`);
  return foldIcsLines(value);
}

/** Who may create, edit, cancel and announce events: communications staff, admins, the server operator. */
export function canManageEvents(actor: Actor): boolean {
  if (actor.kind !== "official") return true;
  return actor.active && (actor.role === "communications" || actor.role === "admin");
}

/**
 * Who may record which of an event's questions were answered there: event managers, and the
 * officials and head of the office responsible for the event.
 */
export function canReviewEventQuestions(actor: Actor, eventOfficeKey: string | null): boolean {
  if (canManageEvents(actor)) return true;
  return (
    actor.kind === "official" &&
    actor.active &&
    (actor.role === "head" || actor.role === "official") &&
    actor.officeKey !== null &&
    actor.officeKey === eventOfficeKey
  );
}

/**
 * Whether an event's title already names its kind: it contains the kind's text, or starts with the
 * kind's first two words ("Audiencia pública 2026" for "Audiencia pública de rendición de
 * cuentas"). Ignores case, accents and punctuation.
 */
export function titleSaysKind(title: string, kindText: string): boolean {
  const plain = (text: string) =>
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  const t = plain(title);
  const k = plain(kindText);
  if (!k) return false;
  const lead = k.split(" ").slice(0, 2).join(" ");
  return t.includes(k) || t === lead || t.startsWith(`${lead} `);
}

/** The draft an event was made from (to edit it, or render its calendar file). */
export function draftOf(event: EventDraft): EventDraft {
  return {
    kind: event.kind,
    title: event.title,
    description: event.description,
    startsAtMs: event.startsAtMs,
    endsAtMs: event.endsAtMs,
    place: event.place,
    virtualUrl: event.virtualUrl,
    officeKey: event.officeKey,
    districts: event.districts,
    topics: event.topics,
  };
}

/** Whether citizens can still answer, ask or get the calendar file for an event. */
export function isUpcoming(event: { status: EventStatus; endsAtMs: number }, nowMs: number): boolean {
  return (event.status === "scheduled" || event.status === "changed") && event.endsAtMs > nowMs;
}

/**
 * How staff read an event's state at `nowMs`: `held` (it took place), `cancelled`, `ended` (its
 * end passed and nobody marked it held; the plan counts it as held all the same), or still
 * `scheduled` / `changed`.
 */
export type EventPhase = EventStatus | "ended";

export function eventPhase(event: { status: EventStatus; endsAtMs: number }, nowMs: number): EventPhase {
  if (event.status === "held" || event.status === "cancelled") return event.status;
  return event.endsAtMs <= nowMs ? "ended" : event.status;
}

/** The back-office's lists of events: still to come, already past (held or ended), cancelled. */
export const EVENT_LISTS = ["upcoming", "past", "cancelled"] as const;
export type EventList = (typeof EVENT_LISTS)[number];

export function eventListOf(phase: EventPhase): EventList {
  if (phase === "cancelled") return "cancelled";
  return phase === "held" || phase === "ended" ? "past" : "upcoming";
}
