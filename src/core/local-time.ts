/**
 * How dates and times are shown to staff: in the profile's time zone, in words people read at a
 * glance (`mié 10 dic 2026 14:00`), and as ISO 8601 with the zone's offset (`2026-12-10T14:00:00-05:00`)
 * for machine-readable output. One formatter for the CLI, the chat's staff texts and the web
 * back-office (issue 12, point 2). Pure: the instant, zone and language are parameters.
 *
 * Weekday and month abbreviations are written here, not taken from Intl: ICU versions differ
 * ("sept." vs "sep", "mié." with a dot), and files and tests must not change with the Node version.
 */
import { isLocalDate, toEpochDay, toWallClock, weekdayOf, type LocalDate } from "./calendar/local-date.ts";
import { localTimeToMs } from "./deadline-schedule.ts";

export type TimeLocale = "es" | "en";

const WEEKDAYS: Record<TimeLocale, readonly string[]> = {
  es: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
  en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
};
const MONTHS: Record<TimeLocale, readonly string[]> = {
  es: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
};

const two = (n: number) => String(n).padStart(2, "0");

function timeLocale(locale: string): TimeLocale {
  return locale === "en" ? "en" : "es";
}

/** A civil date as `mié 10 dic 2026` (es) or `Wed 10 Dec 2026` (en). */
export function formatShortDate(date: LocalDate, locale: string): string {
  toEpochDay(date); // throws CalendarError on a malformed date
  const l = timeLocale(locale);
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return `${WEEKDAYS[l][weekdayOf(date)]} ${day} ${MONTHS[l][month - 1]} ${year}`;
}

/** `HH:MM` on the 24-hour wall clock of `timeZone` at `instantMs`. */
export function formatClockTime(instantMs: number, timeZone: string): string {
  const { secondsOfDay } = toWallClock(new Date(instantMs), timeZone);
  return `${two(Math.floor(secondsOfDay / 3600))}:${two(Math.floor((secondsOfDay % 3600) / 60))}`;
}

/** An instant as staff read it in the profile's zone: `mié 10 dic 2026 14:00` (es), `Wed 10 Dec 2026 14:00` (en). */
export function formatDateTime(instantMs: number, timeZone: string, locale: string): string {
  const wall = toWallClock(new Date(instantMs), timeZone);
  return `${formatShortDate(wall.date, locale)} ${formatClockTime(instantMs, timeZone)}`;
}

/**
 * ISO 8601 in the zone with its offset, to the second: `2026-12-10T14:00:00-05:00` (never `Z`,
 * so a reader sees the local time that was meant). Offsets come from the zone's rules at that
 * instant, so zones with daylight saving time are right on both sides of the change.
 */
export function formatIsoOffset(instantMs: number, timeZone: string): string {
  const wall = toWallClock(new Date(instantMs), timeZone);
  const wholeSecondMs = Math.floor(instantMs / 1000) * 1000;
  const offsetMinutes = Math.round(
    (toEpochDay(wall.date) * 86_400_000 + wall.secondsOfDay * 1000 - wholeSecondMs) / 60_000,
  );
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const s = wall.secondsOfDay;
  return `${wall.date}T${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** `2026-12-10 14:00:05`: a wall-clock date-time in `timeZone`, as spreadsheets read it (no `T`, no zone). */
export function formatSpreadsheetDateTime(instantMs: number, timeZone: string): string {
  const wall = toWallClock(new Date(instantMs), timeZone);
  const s = wall.secondsOfDay;
  return `${wall.date} ${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2}))?$/;
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant from what a spreadsheet or a person wrote: a wall-clock `2026-12-10 14:00[:05]` in
 * `timeZone`, or ISO 8601 with `Z` or an offset. Undefined for anything else (no guessing).
 */
export function parseDateTime(text: string, timeZone: string): number | undefined {
  const value = text.trim();
  const local = LOCAL_DATE_TIME.exec(value);
  if (local) {
    if (!isLocalDate(local[1]!) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(local[2]!) || Number(local[3] ?? 0) > 59)
      return undefined;
    return localTimeToMs(local[1]!, local[2]!, timeZone) + Number(local[3] ?? 0) * 1000;
  }
  if (!ZONED_DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
