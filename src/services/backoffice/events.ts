/**
 * Eventos in the back-office (issue 14, point 4): the list of dialogue events with their RSVPs and
 * questions, the create and edit form, cancellation, recording an event that already took place,
 * and after the event its questions answered there, "held" and the minutes and recording links.
 * Every change goes through the same services as the CLI and the chat wizard (authorization,
 * notices to those who said yes, reminders) and is one form action: once per form key, audited
 * with the same actions and states as the CLI's (`event.create`, `event.update`, `event.cancel`).
 */
import { canViewOffice, type Actor } from "../../core/authorization.ts";
import {
  canManageEvents,
  canReviewEventQuestions,
  EVENT_KINDS,
  eventListOf,
  eventPhase,
  isUpcoming,
  type EventError,
  type EventList,
} from "../../core/events.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import { mapInOrder } from "../../core/in-order.ts";
import { officeName, type AppContext } from "../context.ts";
import { cancelEvent, createEvent, updateEvent, type EventInput } from "../events/events.ts";
import { eventQuestionReport, markAnsweredAtEvent, markEventHeld } from "../events/questions.ts";
import { districtsOf, topicsOf } from "../events/subscriptions.ts";
import { eventBefore, eventState } from "../staff/audited-actions.ts";
import { setEventLinks, type EventLinksChange } from "../transparency/publication.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

const EVENTS_PAGE_SIZE = 20;
/** How many events the list reads at most (a municipality holds a few dozen a year). */
const EVENTS_READ_LIMIT = 5000;

const mayView = (actor: Actor) => actor.kind !== "official" || actor.active;

/** One list of events (upcoming soonest first; past and cancelled newest first), a page at a time. */
export async function eventsList(app: AppContext, actor: Actor, filter: { list: EventList; page: number }) {
  if (!mayView(actor)) return { ok: false as const, error: "not_allowed" as const };
  const nowMs = app.clock.nowMs();
  const all = await app.repos.events.list({ limit: EVENTS_READ_LIMIT });
  const chosen = all.filter((e) => eventListOf(eventPhase(e, nowMs)) === filter.list);
  if (filter.list !== "upcoming") chosen.reverse();
  const pages = Math.max(1, Math.ceil(chosen.length / EVENTS_PAGE_SIZE));
  const page = Math.min(Math.max(1, filter.page), pages);
  const shown = chosen.slice((page - 1) * EVENTS_PAGE_SIZE, page * EVENTS_PAGE_SIZE);
  // Every event's question counts in one grouped query (the public pages' own), not one per event.
  const counts = await app.repos.transparency.questionCountsByEvent();
  return {
    ok: true as const,
    list: filter.list,
    page,
    pages,
    total: chosen.length,
    mayManage: canManageEvents(actor),
    districtNames: new Map(districtsOf(app).map((d) => [d.key, d.name])),
    events: await mapInOrder(shown, async (event) => ({
      event,
      phase: eventPhase(event, nowMs),
      rsvp: await app.repos.events.rsvpCounts(event.id),
      questions: counts.get(event.id) ?? { received: 0, answered: 0 },
    })),
  };
}

/**
 * What the create and edit form offers (kinds, offices, districts and topics), to event managers;
 * with `eventId`, the event to edit and how many said yes (a change of time or place tells them).
 */
export async function eventForm(app: AppContext, actor: Actor, eventId?: number) {
  if (!canManageEvents(actor)) return { ok: false as const, error: "not_allowed" as const };
  const event = eventId === undefined ? undefined : await app.repos.events.get(eventId);
  if (eventId !== undefined && !event) return { ok: false as const, error: "event_not_found" as const };
  return {
    ok: true as const,
    event,
    yes: event ? (await app.repos.events.rsvpCounts(event.id)).yes : 0,
    kinds: EVENT_KINDS,
    offices: app.profile.offices.map((o) => ({ key: o.key, name: o.name })),
    districts: districtsOf(app).map((d) => ({ key: d.key, name: d.name })),
    topics: topicsOf(app).map((t) => ({ key: t.key, name: t.name })),
  };
}

/** One event with its figures, its questions and what the actor may do with it. */
export async function eventDetail(app: AppContext, actor: Actor, eventId: number) {
  if (!mayView(actor)) return { ok: false as const, error: "not_allowed" as const };
  const event = await app.repos.events.get(eventId);
  if (!event) return { ok: false as const, error: "event_not_found" as const };
  const nowMs = app.clock.nowMs();
  const phase = eventPhase(event, nowMs);
  const started = event.startsAtMs <= nowMs;
  const review = canReviewEventQuestions(actor, event.officeKey) && started && phase !== "cancelled";
  const questions = (await eventQuestionReport(app, eventId)).map((q) => ({
    reference: q.reference,
    status: q.status,
    officeKey: q.officeKey,
    officeName: officeName(app, q.officeKey),
    dueDate: q.dueDate,
    answeredIn: q.answeredIn,
    mayOpen: canViewOffice(actor, q.officeKey),
  }));
  const upcoming = isUpcoming(event, nowMs);
  return {
    ok: true as const,
    event,
    phase,
    rsvp: await app.repos.events.rsvpCounts(event.id),
    questions,
    officeName: event.officeKey ? officeName(app, event.officeKey) : null,
    districtNames: event.districts.map((k) => districtsOf(app).find((d) => d.key === k)?.name ?? k),
    topicNames: event.topics.map((k) => topicsOf(app).find((t) => t.key === k)?.name ?? k),
    may: {
      edit: upcoming && canManageEvents(actor),
      announce: upcoming && canManageEvents(actor),
      review,
      markHeld: review && phase !== "held",
      // The minutes and the recording exist once the event has started.
      links:
        started && phase !== "cancelled" && (canManageEvents(actor) || canReviewEventQuestions(actor, event.officeKey)),
    },
  };
}

export type EventFormError = string;
export type EventFormOutcome = FormOutcome<EventFormError> & { errors?: EventError[]; notified?: boolean };

/**
 * Creates an event from the form, or with `held` records one that already took place. The browser
 * goes to the new event's page (a double submit too). `errors` lists each reason a draft was refused.
 */
export async function webCreateEvent(
  app: AppContext,
  actor: Actor,
  input: EventInput,
  options: { held: boolean },
  form: Omit<FormContext, "redirectTo">,
): Promise<EventFormOutcome> {
  let redirectTo = "/admin/eventos";
  let errors: EventError[] | undefined;
  const context = {
    key: form.key,
    get redirectTo() {
      return redirectTo;
    },
  };
  const outcome = await runFormAction<EventFormError>(app, actor, "event.create", "event:new", context, async () => {
    const created = await createEvent(app, actor, input, options);
    if (!created.ok) {
      if (created.error.code === "invalid") errors = created.error.errors;
      return { ok: false, error: created.error.code };
    }
    redirectTo = `/admin/eventos/${created.event.id}`;
    return { ok: true, after: { id: created.event.id, ...eventState(created.event) } };
  });
  return errors ? { ...outcome, errors } : outcome;
}

/** Edits an event; `notified` says whether those who said yes are told (time, place or link changed). */
export async function webUpdateEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
  input: EventInput,
  form: Omit<FormContext, "redirectTo">,
): Promise<EventFormOutcome> {
  let errors: EventError[] | undefined;
  let notified = false;
  const redirectTo = `/admin/eventos/${eventId}`;
  const outcome = await runFormAction<EventFormError>(
    app,
    actor,
    "event.update",
    `event:${eventId}`,
    { ...form, redirectTo },
    async () => {
      const before = (await eventBefore(app, eventId)) ?? null;
      const updated = await updateEvent(app, actor, eventId, input);
      if (!updated.ok) {
        if (updated.error.code === "invalid") errors = updated.error.errors;
        return { ok: false, error: updated.error.code };
      }
      notified = updated.notified;
      return {
        ok: true,
        before,
        after: { ...eventState(updated.event), notified },
      };
    },
  );
  return { ...outcome, ...(errors ? { errors } : {}), notified };
}

/** A change of one event that needs nothing but its id (cancel, held) or a few fields (links). */
async function eventChange(
  app: AppContext,
  actor: Actor,
  action: string,
  eventId: number,
  form: Omit<FormContext, "redirectTo">,
  change: () => Promise<{ ok: true; event: EventRecord } | { ok: false; error: string | { code: string } }>,
): Promise<EventFormOutcome> {
  return await runFormAction<EventFormError>(
    app,
    actor,
    action,
    `event:${eventId}`,
    { ...form, redirectTo: `/admin/eventos/${eventId}` },
    async () => {
      const before = (await eventBefore(app, eventId)) ?? null;
      const result = await change();
      if (!result.ok) return { ok: false, error: typeof result.error === "string" ? result.error : result.error.code };
      return { ok: true, before, after: eventState(result.event) };
    },
  );
}

/** Cancels an event: those who said yes are told, its open questions are answered in writing. */
export async function webCancelEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
  form: Omit<FormContext, "redirectTo">,
): Promise<EventFormOutcome> {
  return await eventChange(app, actor, "event.cancel", eventId, form, () => cancelEvent(app, actor, eventId));
}

export async function webMarkEventHeld(
  app: AppContext,
  actor: Actor,
  eventId: number,
  form: Omit<FormContext, "redirectTo">,
): Promise<EventFormOutcome> {
  return await eventChange(app, actor, "event.held", eventId, form, () => markEventHeld(app, actor, eventId));
}

export async function webSetEventLinks(
  app: AppContext,
  actor: Actor,
  eventId: number,
  change: EventLinksChange,
  form: Omit<FormContext, "redirectTo">,
): Promise<EventFormOutcome> {
  return await eventChange(app, actor, "event.links", eventId, form, () => setEventLinks(app, actor, eventId, change));
}

/**
 * Records that these questions were answered during the event, all or none: each citizen receives
 * `summary` (or the standard line naming the event) as the answer, with the radicado.
 */
export async function webMarkAnsweredAtEvent(
  app: AppContext,
  actor: Actor,
  eventId: number,
  references: readonly string[],
  summary: string,
  form: Omit<FormContext, "redirectTo">,
): Promise<EventFormOutcome> {
  return await runFormAction<EventFormError>(
    app,
    actor,
    "event.answered_at_event",
    `event:${eventId}`,
    { ...form, redirectTo: `/admin/eventos/${eventId}` },
    async () => {
      if (references.length === 0) return { ok: false, error: "references_required" };
      for (const reference of references) {
        const marked = await markAnsweredAtEvent(app, actor, eventId, reference, summary || undefined);
        if (!marked.ok) return { ok: false, error: marked.error };
      }
      return { ok: true, after: { references: [...references], summaryLength: summary.trim().length } };
    },
  );
}
