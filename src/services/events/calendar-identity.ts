/**
 * Who an event is to calendar apps, the same in the .ics the bot sends (`evento-N.ics`) and in the
 * public feeds (`/calendario/…`): one UID, and one SEQUENCE that grows with each change announced
 * to those who said yes (a new time, place or link) and with the cancellation. RFC 5545 §3.8.7.4:
 * a calendar applies an update or a cancellation only when its SEQUENCE is higher than the copy's.
 */
import type { EventRecord } from "../../db/repositories/events.ts";
import type { AppContext } from "../context.ts";

/** The purposes of the announcements that change an event as calendars hold it. */
const SEQUENCE_PURPOSES = ["event_changed", "event_cancelled"] as const;

/** The event's iCalendar UID: stable for its whole life. */
export function eventUid(app: Pick<AppContext, "profile">, event: Pick<EventRecord, "id">): string {
  return `event-${event.id}@${app.profile.id}.rinde`;
}

/** The event's iCalendar SEQUENCE: 0 when created, +1 per announced change and for the cancellation. */
export async function eventSequence(app: Pick<AppContext, "repos">, event: Pick<EventRecord, "id">): Promise<number> {
  return await app.repos.announcements.countForEvent(event.id, SEQUENCE_PURPOSES);
}
