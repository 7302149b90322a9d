/**
 * Announcements to segments of citizens. Staff see the count before confirming; an announcement is
 * released now or at a scheduled time (a durable job): release writes one bulk outbox row per
 * recipient in one transaction (`ann:<id>:<citizenId>`), so a crash or a second process never sends
 * it twice. Only citizens with consent and a reachable chat are counted or reached, every message
 * ends with how to stop receiving them, and the dispatcher holds bulk rows during quiet hours.
 */
import { isLongerThan } from "../../core/text-length.ts";
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { canManageEvents, validateSegment, type Segment, type SegmentError } from "../../core/events.ts";
import { announcementKeyPrefix, type AnnouncementRow } from "../../db/repositories/announcements.ts";
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { render, type AppContext } from "../context.ts";
import { eventCard, eventChangeLines, icsDocument, whenText, type ChangedFields } from "./texts.ts";
import { districtsOf, topicsOf } from "./subscriptions.ts";
import { mapInOrder } from "../../core/in-order.ts";

export const MAX_ANNOUNCEMENT_LENGTH = 2000;

/** An announcement's jobs: its scheduled release, and the progress reports to the staff chat that sent it (src/services/events/jobs.ts runs them). */
export const ANNOUNCEMENT_JOB_KINDS = {
  release: "announcement.release",
  progress: "announcement.progress",
} as const;

/** What an announcement says: staff text, an event's card, or a system notice about an event. */
export type AnnouncementPurpose =
  "text" | "event" | "event_changed" | "event_cancelled" | "reminder_day" | "reminder_hour";

export type AnnouncementError =
  | { code: "not_allowed" }
  | { code: "event_not_found" }
  | { code: "event_closed" }
  | { code: "text_required" }
  | { code: "text_too_long" }
  | { code: "scheduled_in_past" }
  | { code: "announcement_not_found" }
  | { code: "already_finished" }
  | SegmentError;

export type AnnouncementOutcome<T> = ({ ok: true } & T) | { ok: false; error: AnnouncementError };

export interface AnnouncementInput {
  segment: Segment;
  /** Announce this event (its card with date, time, place or link), with `text` as an optional note. */
  eventId?: number;
  text?: string;
  /** Send at this instant instead of now. */
  scheduledAtMs?: number;
}

export interface Progress {
  total: number;
  queued: number;
  sent: number;
  failed: number;
  unreachable: number;
  /** Attempted, outcome unknown (the process died mid-send, the connection dropped): not sent again. */
  uncertain: number;
}

async function checkInput(
  app: AppContext,
  input: AnnouncementInput,
  nowMs: number,
): Promise<AnnouncementError | undefined> {
  const text = input.text?.trim() ?? "";
  if (input.eventId === undefined && !text) return { code: "text_required" };
  if (isLongerThan(text, MAX_ANNOUNCEMENT_LENGTH)) return { code: "text_too_long" };
  if (input.scheduledAtMs !== undefined && input.scheduledAtMs < nowMs) return { code: "scheduled_in_past" };
  const segmentError = validateSegment(input.segment, {
    districtKeys: districtsOf(app).map((d) => d.key),
    topicKeys: topicsOf(app).map((t) => t.key),
  });
  if (segmentError) return segmentError;
  const eventId = input.eventId ?? (input.segment.kind === "rsvps" ? input.segment.eventId : undefined);
  if (eventId !== undefined) {
    const event = await app.repos.events.get(eventId);
    if (!event) return { code: "event_not_found" };
    if (input.eventId !== undefined && (event.status === "cancelled" || event.endsAtMs <= nowMs))
      return { code: "event_closed" };
  }
  return undefined;
}

/** How many citizens `segment` reaches now (consent, reachable chat), for staff to confirm. */
export async function previewAnnouncement(
  app: AppContext,
  actor: Actor,
  input: AnnouncementInput,
): Promise<AnnouncementOutcome<{ recipients: number }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  const error = await checkInput(app, input, app.clock.nowMs());
  if (error) return { ok: false, error };
  return { ok: true, recipients: await app.repos.announcements.countRecipients(input.segment) };
}

/**
 * Creates an announcement and releases it now (in this transaction), or plans its release job.
 * `recipients` is the number of outbox rows written, or for a scheduled one today's count.
 */
export async function createAnnouncement(
  app: AppContext,
  actor: Actor,
  input: AnnouncementInput,
): Promise<AnnouncementOutcome<{ announcement: AnnouncementRow; recipients: number }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  return await app.store.withTransaction(async () => {
    const nowMs = app.clock.nowMs();
    const error = await checkInput(app, input, nowMs);
    if (error) return { ok: false, error };
    const scheduledAtMs = input.scheduledAtMs ?? nowMs;
    const announcement = await app.repos.announcements.insert({
      eventId: input.eventId ?? null,
      purpose: input.eventId !== undefined ? "event" : "text",
      text: input.text?.trim() || null,
      segment: JSON.stringify(input.segment),
      status: "scheduled",
      scheduledAtMs,
      createdBy: actorLabel(actor),
      createdAtMs: nowMs,
    });
    if (scheduledAtMs > nowMs) {
      await app.repos.jobs.plan(
        {
          key: `ann-release:${announcement.id}`,
          kind: ANNOUNCEMENT_JOB_KINDS.release,
          runAtMs: scheduledAtMs,
          payload: { announcementId: announcement.id },
        },
        nowMs,
      );
      return { ok: true, announcement, recipients: await app.repos.announcements.countRecipients(input.segment) };
    }
    const recipients = await releaseAnnouncement(app, announcement.id, nowMs);
    return { ok: true, announcement: (await app.repos.announcements.get(announcement.id))!, recipients };
  });
}

/** A notice the system sends about an event (change, cancellation, reminder), released at once. Call inside a transaction. */
export async function createSystemAnnouncement(
  app: AppContext,
  input: { purpose: AnnouncementPurpose; eventId: number; segment: Segment; changedFrom?: ChangedFields },
): Promise<number> {
  const nowMs = app.clock.nowMs();
  const announcement = await app.repos.announcements.insert({
    eventId: input.eventId,
    purpose: input.purpose,
    text: null,
    segment: JSON.stringify(input.segment),
    status: "scheduled",
    scheduledAtMs: nowMs,
    createdBy: "system",
    createdAtMs: nowMs,
  });
  return await releaseAnnouncement(app, announcement.id, nowMs, input.changedFrom);
}

/**
 * Writes the announcement's outbox rows, one per recipient, and marks it released. A second call
 * (another process, a replayed job) writes nothing. Returns the number of rows written. Call
 * inside a transaction.
 */
export async function releaseAnnouncement(
  app: AppContext,
  announcementId: number,
  nowMs: number,
  changedFrom?: ChangedFields,
): Promise<number> {
  const announcement = await app.repos.announcements.get(announcementId);
  if (!announcement || announcement.status !== "scheduled") return 0;
  const payloadByLocale = Object.fromEntries(
    await mapInOrder(app.translator.locales, async (locale) => [
      locale,
      JSON.stringify(await announcementPayload(app, announcement, locale, changedFrom)),
    ]),
  );
  const written = await app.repos.announcements.release({
    announcementId,
    segment: JSON.parse(announcement.segment) as Segment,
    payloadByLocale,
    defaultLocale: DEFAULT_LOCALE,
    nowMs,
  });
  await app.repos.announcements.markReleased(announcementId, written, nowMs);
  return written;
}

/** The message in one language: the body for its purpose, then how to stop receiving announcements. */
export async function announcementPayload(
  app: AppContext,
  announcement: AnnouncementRow,
  locale: string,
  changedFrom?: ChangedFields,
): Promise<OutboxPayload> {
  const event = announcement.eventId !== null ? await app.repos.events.get(announcement.eventId) : undefined;
  const parts: string[] = [];
  switch (announcement.purpose) {
    case "event":
      if (announcement.text) parts.push(announcement.text);
      parts.push(eventCard(app, event!, locale), render(app, locale, "announce.event_actions", { eventId: event!.id }));
      break;
    case "event_changed":
      // What changed, old → new, before the card as it now stands (issue 18, point 7).
      parts.push(
        render(app, locale, "announce.event_changed", {
          title: event!.title,
          changes: changedFrom ? eventChangeLines(app, changedFrom, event!, locale).join("\n") : "",
        }),
        eventCard(app, event!, locale),
      );
      break;
    case "event_cancelled":
      parts.push(
        render(app, locale, "announce.event_cancelled", { title: event!.title, when: whenText(app, event!, locale) }),
      );
      break;
    case "reminder_day":
    case "reminder_hour":
      parts.push(
        render(app, locale, `announce.${announcement.purpose}`, { title: event!.title }),
        eventCard(app, event!, locale),
      );
      break;
    default:
      parts.push(announcement.text ?? "");
  }
  parts.push(render(app, locale, "announce.stop_footer"));
  const withFile = announcement.purpose === "event_changed" || announcement.purpose === "event_cancelled";
  return { text: parts.join("\n\n"), ...(withFile && event ? { document: await icsDocument(app, event) } : {}) };
}

/** Delivery figures: queued (not yet sent), sent, failed, unreachable, uncertain (maybe delivered, never repeated). */
export async function announcementProgress(app: AppContext, announcementId: number): Promise<Progress> {
  const counts = await app.repos.outbox.countByKeyPrefix(announcementKeyPrefix(announcementId));
  return {
    total: counts.pending + counts.sent + counts.failed + counts.unreachable + counts.uncertain,
    queued: counts.pending,
    sent: counts.sent,
    failed: counts.failed,
    unreachable: counts.unreachable,
    uncertain: counts.uncertain,
  };
}

/** Stops an announcement: a scheduled one is never released; a released one sends nothing more. */
export async function cancelAnnouncement(
  app: AppContext,
  actor: Actor,
  announcementId: number,
): Promise<AnnouncementOutcome<{ withdrawn: number }>> {
  if (!canManageEvents(actor)) return { ok: false, error: { code: "not_allowed" } };
  return await app.store.withTransaction(async () => {
    const announcement = await app.repos.announcements.get(announcementId);
    if (!announcement) return { ok: false, error: { code: "announcement_not_found" } };
    if (!(await app.repos.announcements.markCancelled(announcementId)))
      return { ok: false, error: { code: "already_finished" } };
    const withdrawn = await app.repos.outbox.withdrawPendingBulk(
      { keyPrefix: announcementKeyPrefix(announcementId) },
      "announcement cancelled",
      app.clock.nowMs(),
    );
    return { ok: true, withdrawn };
  });
}
