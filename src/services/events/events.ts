/**
 * Dialogue events (espacios de diálogo): communications staff create, edit and cancel them; citizens
 * list them, answer whether they will come (RSVP) and get a calendar file. A change or cancellation
 * is announced to those who said yes, and reminders a day and an hour before are planned as jobs.
 * Every change is one transaction with its notices and jobs. Errors are values.
 */
import { randomUUID } from "node:crypto";
import { actorLabel, type Actor } from "../../core/authorization.ts";
import {
  canManageEvents,
  draftOf,
  isUpcoming,
  validateEventDraft,
  type EventDraft,
  type EventError,
} from "../../core/events.ts";
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { EventRecord, RsvpAnswer } from "../../db/repositories/events.ts";
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import { createSystemAnnouncement } from "./announcements.ts";
import { render, type AppContext } from "../context.ts";
import { icsDocument } from "./texts.ts";
import { planEventReminders } from "./jobs.ts";
import { restartEventQuestionTerms } from "./questions.ts";
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

export interface CreateOptions {
  /**
   * The event already took place (Rinde installed mid-year; the plan counts spaces held since
   * January, issue 16): it must have ended, at most 400 days ago. It is stored as `held`, with no
   * reminders and no message to anyone.
   */
  held?: boolean;
}

/** Creates an event and plans its reminders; with `held`, records one that already took place. */
export async function createEvent(
  app: AppContext,
  actor: Actor,
  input: EventInput,
  options: CreateOptions = {},
): Promise<EventOutcome<{ event: EventRecord }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  const nowMs = app.clock.nowMs();
  const held = options.held === true;
  const draft = normalized(input);
  const errors = validateEventDraft(draft, rulesOf(app, nowMs), { held });
  if (errors.length) return { ok: false, error: { code: "invalid", errors } };
  return await app.store.withTransaction(async () => {
    const event = await app.repos.events.insert(
      {
        ...columnsOf(draft),
        status: held ? "held" : "scheduled",
        createdBy: actorLabel(actor),
        createdAtMs: nowMs,
        updatedAtMs: nowMs,
      },
      draft.districts,
      draft.topics,
    );
    if (!held) await planEventReminders(app, event, nowMs);
    return { ok: true, event };
  });
}

async function loadOpenEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
): Promise<EventOutcome<{ event: EventRecord }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  const event = await app.repos.events.get(eventId);
  if (!event) return { ok: false, error: { code: "event_not_found" } };
  if (event.status === "cancelled" || event.status === "held" || event.endsAtMs <= app.clock.nowMs())
    return { ok: false, error: { code: "event_closed" } };
  return { ok: true, event };
}

/**
 * Edits an event. A change of time, place or link marks it `changed`, tells those who said yes
 * (with an updated calendar file), moves the reminders and the legal term of its questions.
 */
export async function updateEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
  changes: EventChanges,
): Promise<EventOutcome<{ event: EventRecord; notified: boolean }>> {
  return await app.store.withTransaction(async () => {
    const loaded = await loadOpenEvent(app, actor, eventId);
    if (!loaded.ok) return loaded;
    const before = loaded.event;
    const nowMs = app.clock.nowMs();
    const draft = normalized({ ...draftOf(before), ...changes });
    const timeChanged = draft.startsAtMs !== before.startsAtMs || draft.endsAtMs !== before.endsAtMs;
    // An event already under way keeps its start; anything else about it is checked as new.
    const errors = validateEventDraft(
      draft,
      rulesOf(app, timeChanged ? nowMs : Math.min(nowMs, before.startsAtMs - 1)),
    );
    if (errors.length) return { ok: false, error: { code: "invalid", errors } };
    const notified = NOTIFIED_FIELDS.some((f) => draft[f] !== before[f]);
    await app.repos.events.update(
      eventId,
      { ...columnsOf(draft), status: notified ? "changed" : before.status, updatedAtMs: nowMs },
      { districts: draft.districts, topics: draft.topics },
    );
    const event = (await app.repos.events.get(eventId))!;
    if (notified)
      await createSystemAnnouncement(app, {
        purpose: "event_changed",
        eventId,
        segment: { kind: "rsvps", eventId, answer: "yes" },
        changedFrom: before,
      });
    if (timeChanged) {
      await planEventReminders(app, event, nowMs);
      await restartEventQuestionTerms(app, event, event.endsAtMs);
    }
    return { ok: true, event, notified };
  });
}

/** Cancels an event: those who said yes are told; its questions are answered in writing, the term counted from now. */
export async function cancelEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
): Promise<EventOutcome<{ event: EventRecord }>> {
  return await app.store.withTransaction(async () => {
    const loaded = await loadOpenEvent(app, actor, eventId);
    if (!loaded.ok) return loaded;
    const nowMs = app.clock.nowMs();
    await app.repos.events.update(eventId, { status: "cancelled", updatedAtMs: nowMs });
    await createSystemAnnouncement(app, {
      purpose: "event_cancelled",
      eventId,
      segment: { kind: "rsvps", eventId, answer: "yes" },
    });
    const event = (await app.repos.events.get(eventId))!;
    await restartEventQuestionTerms(app, event, nowMs);
    return { ok: true, event };
  });
}

/**
 * Records a citizen's answer. A "yes" also queues the calendar file; reminders go to whoever
 * said yes when they run. Call inside the caller's transaction (the inbound handler's).
 */
export async function rsvp(
  app: AppContext,
  citizen: CitizenContext,
  channel: string,
  address: string,
  eventId: number,
  answer: RsvpAnswer,
): Promise<EventOutcome<{ event: EventRecord }>> {
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
export async function sendIcs(
  app: AppContext,
  citizen: CitizenContext,
  channel: string,
  address: string,
  event: EventRecord,
): Promise<void> {
  const payload: OutboxPayload = {
    text: render(app, citizen.locale, "events.ics_caption", { title: event.title }),
    document: await icsDocument(app, event),
  };
  // One transaction per inbound message: any unique key is safe; a random one lets the citizen ask twice.
  await app.repos.outbox.enqueue(
    {
      idempotencyKey: `ics:${event.id}:${citizen.citizenId}:${randomUUID()}`,
      channel,
      address,
      citizenId: citizen.citizenId,
      payload,
    },
    app.clock.nowMs(),
  );
}
