import { CalendarError } from "./errors.ts";

/** A civil date `YYYY-MM-DD` in the profile's time zone (no time, no zone). */
export type LocalDate = string;

/** Day of the week, 0 = Sunday … 6 = Saturday (same numbering as `Date#getUTCDay`). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Default zone of the calendar logic (DESIGN.md: calendar logic uses America/Bogota). */
export const DEFAULT_TIME_ZONE = "America/Bogota";

const MS_PER_DAY = 86_400_000;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a well-formed, existing calendar date such as `2025-02-28` (not `2025-02-30`). */
export function isLocalDate(value: string): boolean {
  return toEpochDayOrNull(value) !== null;
}

/**
 * Days since 1970-01-01 of a civil date: an integer that makes date arithmetic plain addition.
 * @throws CalendarError `calendar.invalid_date` when `date` is not an existing `YYYY-MM-DD` date.
 */
export function toEpochDay(date: LocalDate): number {
  const epochDay = toEpochDayOrNull(date);
  if (epochDay === null) {
    throw new CalendarError(
      "calendar.invalid_date",
      `Invalid date '${date}': expected an existing date as YYYY-MM-DD, e.g. 2025-12-09.`,
    );
  }
  return epochDay;
}

function toEpochDayOrNull(date: string): number | null {
  const match = LOCAL_DATE_PATTERN.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const epochMs = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2025-02-30 over to March; a round trip rejects it. It also maps years 0–99 to 19xx.
  return fromEpochDay(epochMs / MS_PER_DAY) === date ? epochMs / MS_PER_DAY : null;
}

/** The civil date `epochDay` days after 1970-01-01. Inverse of {@link toEpochDay}. */
export function fromEpochDay(epochDay: number): LocalDate {
  const date = new Date(epochDay * MS_PER_DAY);
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, "0");
  return `${year}-${month}-${day}`;
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Day of the week of a civil date. */
export function weekdayOf(date: LocalDate): Weekday {
  return weekdayOfEpochDay(toEpochDay(date));
}

/** Day of the week of an epoch day; 1970-01-01 was a Thursday (4). */
export function weekdayOfEpochDay(epochDay: number): Weekday {
  return ((((epochDay + 4) % 7) + 7) % 7) as Weekday;
}

/** The year of a valid civil date. */
export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** A civil date with the time of day, as read on a wall clock in some zone. */
export interface WallClock {
  date: LocalDate;
  /** Seconds since local midnight, 0–86399. */
  secondsOfDay: number;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone,
        calendar: "gregory",
        numberingSystem: "latn",
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      throw new CalendarError(
        "calendar.invalid_time_zone",
        `Unknown time zone '${timeZone}': use an IANA name such as America/Bogota.`,
      );
    }
    wallClockFormats.set(timeZone, format);
  }
  return format;
}

/**
 * What a wall clock in `timeZone` showed at `instant`.
 * @throws CalendarError `calendar.invalid_instant` for an invalid Date, `calendar.invalid_time_zone` for an unknown zone.
 */
export function toWallClock(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): WallClock {
  if (Number.isNaN(instant.getTime())) {
    throw new CalendarError(
      "calendar.invalid_instant",
      "Invalid instant: pass a valid Date (check the clock or the stored timestamp).",
    );
  }
  const parts: Record<string, string> = {};
  for (const part of wallClockFormat(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const num = (type: string): number => Number(parts[type]);
  const date = `${String(num("year")).padStart(4, "0")}-${parts.month}-${parts.day}`;
  return { date, secondsOfDay: num("hour") * 3600 + num("minute") * 60 + num("second") };
}

/**
 * The civil date of an instant in a time zone, e.g. 2025-12-10T03:30Z is `2025-12-09` in
 * America/Bogota (UTC−5).
 * @throws CalendarError as {@link toWallClock}.
 */
export function toLocalDate(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalDate {
  return toWallClock(instant, timeZone).date;
}

const CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Seconds since midnight of a 24-hour `HH:MM` clock time, e.g. `17:00` → 61200.
 * @throws CalendarError `calendar.invalid_clock_time` when not `HH:MM` between 00:00 and 23:59.
 */
export function clockTimeToSeconds(clockTime: string): number {
  const match = CLOCK_TIME_PATTERN.exec(clockTime);
  if (!match) {
    throw new CalendarError(
      "calendar.invalid_clock_time",
      `Invalid clock time '${clockTime}': expected 24-hour HH:MM, e.g. 17:00.`,
    );
  }
  return Number(match[1]) * 3600 + Number(match[2]) * 60;
}
