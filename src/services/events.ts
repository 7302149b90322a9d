/**
 * Dialogue events (espacios de diálogo): communications staff create, edit and cancel them; citizens
 * list them, answer whether they will come (RSVP) and get a calendar file. A change or cancellation
 * is announced to those who said yes, and reminders a day and an hour before are planned as jobs.
 * Every change is one transaction with its notices and jobs. Errors are values.
 */
import { randomUUID } from "node:crypto";
import { actorLabel, type Actor } from "../core/authorization.ts";
import { formatLongDate } from "../core/calendar/index.ts";
import { canManageEvents, eventWhen, renderIcs, titleSaysKind, validateEventDraft, type EventDraft, type EventError } from "../core/events.ts";
import type { CitizenContext } from "../db/repositories/citizens.ts";
import type { EventRecord, RsvpAnswer } from "../db/repositories/events.ts";
import type { OutboxPayload } from "../db/repositories/outbox.ts";
import { createSystemAnnouncement } from "./announcements.ts";
import { officeName, render, type AppContext } from "./context.ts";
import { publicPageUrl } from "./transparency/links.ts";
import { planEventReminders } from "./event-jobs.ts";
import { restartEventQuestionTerms } from "./event-questions.ts";
import { districtsOf, topicsOf } from "./subscriptions.ts";

export type EventServiceError =
  | { code: "not_allowed" }
  | { code: "event_not_found" }
  | { code: "event_closed" }
  | { code: "invalid"; errors: EventError[] }
  | { code: "missing_consent" };

export type EventOutcome<T> = ({ ok: true } & T) | { ok: false; error: EventServiceError };

export type EventInput = EventDraft;
/** Fields staff may change; districts and topics replace the old lists when given. */
export type EventChanges = Partial<EventDraft>;

/** Fields whose change citizens who said yes must hear about. */
const NOTIFIED_FIELDS = ["startsAtMs", "endsAtMs", "place", "virtualUrl"] as const;

function rulesOf(app: AppContext, nowMs: number) {
  return {
    nowMs,
    districtKeys: districtsOf(app).map((d) => d.key),
    topicKeys: topicsOf(app).map((t) => t.key),
    officeKeys: app.profile.offices.map((o) => o.key),
  };
}

function normalized(draft: EventDraft): EventDraft {
  const text = (v: string | null) => (v && v.trim() ? v.trim() : null);
  return {
    ...draft,
    title: draft.title.trim(),
    description: draft.description.trim(),
    place: text(draft.place),
    virtualUrl: text(draft.virtualUrl),
    districts: [...new Set(draft.districts)],
    topics: [...new Set(draft.topics.length ? draft.topics : draft.officeKey ? [draft.officeKey] : [])],
  };
}

/** The event's own columns from a validated draft (districts and topics are stored apart). */
function columnsOf(draft: EventDraft) {
  return {
    kind: draft.kind as EventRecord["kind"],
    title: draft.title,
    description: draft.description,
    startsAtMs: draft.startsAtMs,
    endsAtMs: draft.endsAtMs,
    place: draft.place,
    virtualUrl: draft.virtualUrl,
    officeKey: draft.officeKey,
  };
}

/** Creates an event and plans its reminders. */
export async function createEvent(app: AppContext, actor: Actor, input: EventInput): Promise<EventOutcome<{ event: EventRecord }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  const nowMs = app.clock.nowMs();
  const draft = normalized(input);
  const errors = validateEventDraft(draft, rulesOf(app, nowMs));
  if (errors.length) return { ok: false, error: { code: "invalid", errors } };
  return await app.store.withTransaction(async () => {
      const event = await app.repos.events.insert(
            { ...columnsOf(draft), status: "scheduled", createdBy: actorLabel(actor), createdAtMs: nowMs, updatedAtMs: nowMs },
            draft.districts,
            draft.topics,
          );
      await planEventReminders(app, event, nowMs);
      return { ok: true, event };
    });
}

async function loadOpenEvent(app: AppContext, actor: Actor, eventId: number): Promise<EventOutcome<{ event: EventRecord }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  const event = await app.repos.events.get(eventId);
  if (!event) return { ok: false, error: { code: "event_not_found" } };
  if (event.status === "cancelled" || event.status === "held" || event.endsAtMs <= app.clock.nowMs()) return { ok: false, error: { code: "event_closed" } };
  return { ok: true, event };
}

/**
 * Edits an event. A change of time, place or link marks it `changed`, tells those who said yes
 * (with an updated calendar file), moves the reminders and the legal term of its questions.
 */
export async function updateEvent(app: AppContext, actor: Actor, eventId: number, changes: EventChanges): Promise<EventOutcome<{ event: EventRecord; notified: boolean }>> {
  return await app.store.withTransaction(async () => {
      const loaded = await loadOpenEvent(app, actor, eventId);
      if (!loaded.ok) return loaded;
      const before = loaded.event;
      const nowMs = app.clock.nowMs();
      const draft = normalized({ ...draftOf(before), ...changes });
      const timeChanged = draft.startsAtMs !== before.startsAtMs || draft.endsAtMs !== before.endsAtMs;
      // An event already under way keeps its start; anything else about it is checked as new.
      const errors = validateEventDraft(draft, rulesOf(app, timeChanged ? nowMs : Math.min(nowMs, before.startsAtMs - 1)));
      if (errors.length) return { ok: false, error: { code: "invalid", errors } };
      const notified = NOTIFIED_FIELDS.some((f) => draft[f] !== before[f]);
      await app.repos.events.update(
              eventId,
              { ...columnsOf(draft), status: notified ? "changed" : before.status, updatedAtMs: nowMs },
              { districts: draft.districts, topics: draft.topics },
            );
      const event = (await app.repos.events.get(eventId))!;
      if (notified) await createSystemAnnouncement(app, { purpose: "event_changed", eventId, segment: { kind: "rsvps", eventId, answer: "yes" }, changedFrom: before });
      if (timeChanged) {
        await planEventReminders(app, event, nowMs);
        await restartEventQuestionTerms(app, event, event.endsAtMs);
      }
      return { ok: true, event, notified };
    });
}

/** Cancels an event: those who said yes are told; its questions are answered in writing, the term counted from now. */
export async function cancelEvent(app: AppContext, actor: Actor, eventId: number): Promise<EventOutcome<{ event: EventRecord }>> {
  return await app.store.withTransaction(async () => {
      const loaded = await loadOpenEvent(app, actor, eventId);
      if (!loaded.ok) return loaded;
      const nowMs = app.clock.nowMs();
      await app.repos.events.update(eventId, { status: "cancelled", updatedAtMs: nowMs });
      await createSystemAnnouncement(app, { purpose: "event_cancelled", eventId, segment: { kind: "rsvps", eventId, answer: "yes" } });
      const event = (await app.repos.events.get(eventId))!;
      await restartEventQuestionTerms(app, event, nowMs);
      return { ok: true, event };
    });
}

export function draftOf(event: EventRecord): EventDraft {
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
export function isUpcoming(event: EventRecord, nowMs: number): boolean {
  return (event.status === "scheduled" || event.status === "changed") && event.endsAtMs > nowMs;
}

/**
 * Records a citizen's answer. A "yes" also queues the calendar file; reminders go to whoever
 * said yes when they run. Call inside the caller's transaction (the inbound handler's).
 */
export async function rsvp(app: AppContext, citizen: CitizenContext, channel: string, address: string, eventId: number, answer: RsvpAnswer): Promise<EventOutcome<{ event: EventRecord }>> {
  if (citizen.consent !== "granted") return { ok: false, error: { code: "missing_consent" } };
  const event = await app.repos.events.get(eventId);
  if (!event) return { ok: false, error: { code: "event_not_found" } };
  const nowMs = app.clock.nowMs();
  if (!isUpcoming(event, nowMs)) return { ok: false, error: { code: "event_closed" } };
  await app.repos.events.setRsvp(eventId, citizen.citizenId, answer, nowMs);
  if (answer === "yes") await sendIcs(app, citizen, channel, address, event);
  return { ok: true, event };
}

/** Queues the event's calendar file to the citizen's chat (a reply: priority 0). */
export async function sendIcs(app: AppContext, citizen: CitizenContext, channel: string, address: string, event: EventRecord): Promise<void> {
  const payload: OutboxPayload = { text: render(app, citizen.locale, "events.ics_caption", { title: event.title }), document: await icsDocument(app, event) };
  // One transaction per inbound message: any unique key is safe; a random one lets the citizen ask twice.
  await app.repos.outbox.enqueue({ idempotencyKey: `ics:${event.id}:${citizen.citizenId}:${randomUUID()}`, channel, address, citizenId: citizen.citizenId, payload }, app.clock.nowMs());
}

/** The event's .ics with a SEQUENCE that grows with each announced change, so calendars update it. */
export async function icsDocument(app: AppContext, event: EventRecord): Promise<NonNullable<OutboxPayload["document"]>> {
  const sequence = await app.repos.announcements.countForEvent(event.id, ["event_changed", "event_cancelled"]);
  const content = renderIcs({
    ...draftOf(event),
    uid: `event-${event.id}@${app.profile.id}.rinde`,
    organizer: { name: app.profile.name, email: app.profile.dataNotice.email },
    sequence,
    cancelled: event.status === "cancelled",
    nowMs: app.clock.nowMs(),
  });
  return { fileName: `evento-${event.id}.ics`, mimeType: "text/calendar", content };
}

/** "martes 10 de marzo de 2026, de 9:00 a. m. a 11:00 a. m." in the citizen's language. */
export function whenText(app: AppContext, event: Pick<EventRecord, "startsAtMs" | "endsAtMs">, locale: string): string {
  const lang = locale === "en" ? "en" : "es";
  const when = eventWhen(event.startsAtMs, event.endsAtMs, app.profile.timezone, lang);
  const date = formatLongDate(when.date, lang);
  if (when.endDate) return render(app, locale, "events.when_days", { date, start: when.startTime, endDate: formatLongDate(when.endDate, lang), end: when.endTime });
  return render(app, locale, "events.when", { date, start: when.startTime, end: when.endTime });
}

/** What an event card shows (an event, or a draft in the wizard). */
export type CardFields = Pick<EventRecord, "kind" | "title" | "description" | "startsAtMs" | "endsAtMs" | "place" | "virtualUrl" | "officeKey" | "districts">;

/** The event as citizens read it: kind, title, when, where (place and/or link), districts, description. */
export function eventCard(app: AppContext, event: CardFields, locale: string): string {
  const lines = [
    cardTitle(app, event, locale),
    render(app, locale, "events.card_when", { when: whenText(app, event, locale) }),
  ];
  if (event.place) lines.push(render(app, locale, "events.card_place", { place: event.place }));
  if (event.virtualUrl) lines.push(render(app, locale, "events.card_link", { url: event.virtualUrl }));
  if (event.districts.length) lines.push(render(app, locale, "events.card_districts", { districts: districtNames(app, event.districts) }));
  if (event.officeKey) lines.push(render(app, locale, "events.card_office", { officeName: officeName(app, event.officeKey) }));
  if (event.description) lines.push("", event.description);
  // A saved event (not a wizard draft) links to its public page when RINDE_PUBLIC_URL is set.
  const url = "id" in event && typeof event.id === "number" ? publicPageUrl(app, `/eventos/${event.id}`, locale) : null;
  if (url) lines.push("", render(app, locale, "publico.chat.event", { url }));
  return lines.join("\n");
}

/**
 * "Diálogo territorial: Barrio Norte", or the title alone when it already says the kind
 * ("Audiencia pública de rendición de cuentas 2026" is not preceded by "Audiencia pública…:").
 */
function cardTitle(app: AppContext, event: Pick<EventRecord, "kind" | "title">, locale: string): string {
  const kindText = render(app, locale, `event_kinds.${event.kind}`);
  if (titleSaysKind(event.title, kindText)) return event.title;
  return render(app, locale, "events.card_title", { kindText, title: event.title });
}

/** The fields a change notice compares, as the citizen reads them. */
export type ChangedFields = Pick<EventRecord, "startsAtMs" | "endsAtMs" | "place" | "virtualUrl">;

/**
 * One line per thing that changed, old → new: the date, the time, the place, the link (issue 18,
 * point 7). Empty when nothing a citizen would notice changed.
 */
export function eventChangeLines(app: AppContext, before: ChangedFields, after: ChangedFields, locale: string): string[] {
  const lang = locale === "en" ? "en" : "es";
  const was = eventWhen(before.startsAtMs, before.endsAtMs, app.profile.timezone, lang);
  const now = eventWhen(after.startsAtMs, after.endsAtMs, app.profile.timezone, lang);
  const dateOf = (w: typeof was) => (w.endDate ? `${formatLongDate(w.date, lang)} – ${formatLongDate(w.endDate, lang)}` : formatLongDate(w.date, lang));
  const timeOf = (w: typeof was) => `${w.startTime} – ${w.endTime}`;
  const none = render(app, locale, "event_change.none");
  const lines: string[] = [];
  const line = (field: string, from: string, to: string) => lines.push(render(app, locale, "event_change.line", { field: render(app, locale, `event_change.${field}`), from, to }));
  if (dateOf(was) !== dateOf(now)) line("date", dateOf(was), dateOf(now));
  if (timeOf(was) !== timeOf(now)) line("time", timeOf(was), timeOf(now));
  if ((before.place ?? "") !== (after.place ?? "")) line("place", before.place || none, after.place || none);
  if ((before.virtualUrl ?? "") !== (after.virtualUrl ?? "")) line("link", before.virtualUrl || none, after.virtualUrl || none);
  return lines;
}

export function districtNames(app: AppContext, keys: readonly string[]): string {
  return keys.map((k) => districtsOf(app).find((d) => d.key === k)?.name ?? k).join(", ");
}

/** One line per event for menus: "Audiencia pública — 10 mar., 9:00 a. m.". */
export function eventOptionLabel(app: AppContext, event: EventRecord, locale: string): string {
  const lang = locale === "en" ? "en" : "es";
  const when = eventWhen(event.startsAtMs, event.endsAtMs, app.profile.timezone, lang);
  return render(app, locale, "events.option_label", { title: event.title, date: formatLongDate(when.date, lang), start: when.startTime });
}
