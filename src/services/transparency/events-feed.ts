/**
 * The public calendar feeds (issue 15): every dialogue event, or those of one district (events
 * for the whole municipality are in every district's feed), as one iCalendar file (RFC 5545) that
 * calendar apps can subscribe to. UIDs and SEQUENCEs match the .ics the bot sends
 * (services/events/calendar-identity.ts), so an event added from the chat and from the feed is one
 * entry, and an edit or a cancellation replaces it in both.
 */
import { createEvents, type EventAttributes } from "ics";
import { foldIcsLines } from "../../core/ics-fold.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { AppContext } from "../context.ts";
import { mapInOrder } from "../../core/in-order.ts";
import { eventSequence, eventUid } from "../events/calendar-identity.ts";
import type { PublicData } from "./public-data.ts";

function attributes(app: AppContext, event: EventRecord, sequence: number): EventAttributes {
  const location = [event.place, event.virtualUrl].filter(Boolean).join(" — ");
  return {
    uid: eventUid(app, event),
    sequence,
    title: event.title,
    description: [event.description, event.virtualUrl, event.minutesUrl, event.recordingUrl]
      .filter(Boolean)
      .join("\n\n"),
    start: event.startsAtMs,
    startInputType: "utc",
    startOutputType: "utc",
    end: event.endsAtMs,
    endInputType: "utc",
    endOutputType: "utc",
    ...(location ? { location } : {}),
    ...(event.virtualUrl ? { url: event.virtualUrl } : {}),
    organizer: { name: app.profile.name, email: app.profile.dataNotice.email },
    status: event.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
    productId: "rinde/events",
  };
}

/**
 * The last feed built per district, keyed by what the feed shows of its events: the `ics` package
 * validates every event (about a millisecond each), and the feed changes only when an event does.
 */
const built = new WeakMap<PublicData, Map<string, { key: string; text: string }>>();

/** All events, or a district's; cancelled ones stay in with STATUS:CANCELLED so subscribed calendars drop them. */
export async function eventsIcs(app: AppContext, data: PublicData, districtKey?: string): Promise<string> {
  const { upcoming, past } = await data.events();
  const events = [...upcoming, ...past]
    .filter((e) => !districtKey || e.districts.length === 0 || e.districts.includes(districtKey))
    .sort((a, b) => a.startsAtMs - b.startsAtMs || a.id - b.id);
  const key = JSON.stringify(
    events.map((e) => [
      e.id,
      e.updatedAtMs,
      e.status,
      e.startsAtMs,
      e.endsAtMs,
      e.title,
      e.description,
      e.place,
      e.virtualUrl,
      e.minutesUrl,
      e.recordingUrl,
    ]),
  );
  const memo = built.get(data) ?? built.set(data, new Map()).get(data)!;
  const last = memo.get(districtKey ?? "");
  if (last?.key === key) return last.text;
  // The key holds updatedAtMs, which every change that raises a SEQUENCE also moves: the
  // sequences are read only when the feed is rebuilt.
  const sequences = await mapInOrder(events, async (e) => await eventSequence(app, e));
  const text = buildIcs(app, events, sequences);
  memo.set(districtKey ?? "", { key, text });
  return text;
}

function buildIcs(app: AppContext, events: readonly EventRecord[], sequences: readonly number[]): string {
  const { error, value } = createEvents(
    events.map((e, i) => attributes(app, e, sequences[i]!)),
    { productId: "rinde/events", method: "PUBLISH", calName: app.profile.name },
  );
  if (error) throw new Error(`ics rejected the feed: ${error.message}`);
  return value
    ? foldIcsLines(value)
    : ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:rinde/events", "METHOD:PUBLISH", "END:VCALENDAR", ""].join("\r\n");
}
