/**
 * How an event reads to citizens: its card, when it takes place, what changed, its line in a menu
 * and its calendar file (.ics). Shared by the event services, announcements and the chat actions.
 */
import { formatLongDate } from "../../core/calendar/index.ts";
import { draftOf, eventWhen, renderIcs, titleSaysKind } from "../../core/events.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import { officeName, render, type AppContext, type OfficeNameContext, type TextContext } from "../context.ts";
import { districtsOf } from "./subscriptions.ts";
import { publicPageUrl } from "../transparency/links.ts";
import { eventSequence, eventUid } from "./calendar-identity.ts";

/** What event texts read: texts, office names, the profile (time zone, districts), the public site. */
export type EventTextContext = Pick<AppContext, "publicUrl"> & TextContext & OfficeNameContext;

/** The event's .ics with a SEQUENCE that grows with each announced change, so calendars update it. */
export async function icsDocument(
  app: Pick<AppContext, "repos" | "clock" | "profile">,
  event: EventRecord,
): Promise<NonNullable<OutboxPayload["document"]>> {
  const content = renderIcs({
    ...draftOf(event),
    uid: eventUid(app, event),
    organizer: { name: app.profile.name, email: app.profile.dataNotice.email },
    sequence: await eventSequence(app, event),
    cancelled: event.status === "cancelled",
    nowMs: app.clock.nowMs(),
  });
  return { fileName: `evento-${event.id}.ics`, mimeType: "text/calendar", content };
}

/** "martes 10 de marzo de 2026, de 9:00 a. m. a 11:00 a. m." in the citizen's language. */
export function whenText(
  app: EventTextContext,
  event: Pick<EventRecord, "startsAtMs" | "endsAtMs">,
  locale: string,
): string {
  const lang = locale === "en" ? "en" : "es";
  const when = eventWhen(event.startsAtMs, event.endsAtMs, app.profile.timezone, lang);
  const date = formatLongDate(when.date, lang);
  if (when.endDate)
    return render(app, locale, "events.when_days", {
      date,
      start: when.startTime,
      endDate: formatLongDate(when.endDate, lang),
      end: when.endTime,
    });
  return render(app, locale, "events.when", { date, start: when.startTime, end: when.endTime });
}

/** What an event card shows (an event, or a draft in the wizard). */
export type CardFields = Pick<
  EventRecord,
  "kind" | "title" | "description" | "startsAtMs" | "endsAtMs" | "place" | "virtualUrl" | "officeKey" | "districts"
>;

/** The event as citizens read it: kind, title, when, where (place and/or link), districts, description. */
export function eventCard(app: EventTextContext, event: CardFields, locale: string): string {
  const lines = [
    cardTitle(app, event, locale),
    render(app, locale, "events.card_when", { when: whenText(app, event, locale) }),
  ];
  if (event.place) lines.push(render(app, locale, "events.card_place", { place: event.place }));
  if (event.virtualUrl) lines.push(render(app, locale, "events.card_link", { url: event.virtualUrl }));
  if (event.districts.length)
    lines.push(render(app, locale, "events.card_districts", { districts: districtNames(app, event.districts) }));
  if (event.officeKey)
    lines.push(render(app, locale, "events.card_office", { officeName: officeName(app, event.officeKey) }));
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
function cardTitle(app: EventTextContext, event: Pick<EventRecord, "kind" | "title">, locale: string): string {
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
export function eventChangeLines(
  app: EventTextContext,
  before: ChangedFields,
  after: ChangedFields,
  locale: string,
): string[] {
  const lang = locale === "en" ? "en" : "es";
  const was = eventWhen(before.startsAtMs, before.endsAtMs, app.profile.timezone, lang);
  const now = eventWhen(after.startsAtMs, after.endsAtMs, app.profile.timezone, lang);
  const dateOf = (w: typeof was) =>
    w.endDate ? `${formatLongDate(w.date, lang)} – ${formatLongDate(w.endDate, lang)}` : formatLongDate(w.date, lang);
  const timeOf = (w: typeof was) => `${w.startTime} – ${w.endTime}`;
  const none = render(app, locale, "event_change.none");
  const lines: string[] = [];
  const line = (field: string, from: string, to: string) =>
    lines.push(
      render(app, locale, "event_change.line", { field: render(app, locale, `event_change.${field}`), from, to }),
    );
  if (dateOf(was) !== dateOf(now)) line("date", dateOf(was), dateOf(now));
  if (timeOf(was) !== timeOf(now)) line("time", timeOf(was), timeOf(now));
  if ((before.place ?? "") !== (after.place ?? "")) line("place", before.place || none, after.place || none);
  if ((before.virtualUrl ?? "") !== (after.virtualUrl ?? ""))
    line("link", before.virtualUrl || none, after.virtualUrl || none);
  return lines;
}

export function districtNames(app: EventTextContext, keys: readonly string[]): string {
  return keys.map((k) => districtsOf(app).find((d) => d.key === k)?.name ?? k).join(", ");
}

/** One line per event for menus: "Audiencia pública — 10 mar., 9:00 a. m.". */
export function eventOptionLabel(app: EventTextContext, event: EventRecord, locale: string): string {
  const lang = locale === "en" ? "en" : "es";
  const when = eventWhen(event.startsAtMs, event.endsAtMs, app.profile.timezone, lang);
  return render(app, locale, "events.option_label", {
    title: event.title,
    date: formatLongDate(when.date, lang),
    start: when.startTime,
  });
}
