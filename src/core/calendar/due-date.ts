import type { BusinessCalendar, NonBusinessDay } from "./business-calendar.ts";
import { CalendarError } from "./errors.ts";
import { clockTimeToSeconds, DEFAULT_TIME_ZONE, type LocalDate, toWallClock } from "./local-date.ts";

/** How a petition's legal due date was reached, step by step, so it can be explained to a citizen. */
export interface DueDateExplanation {
  /** The filing instant, ISO 8601 in UTC. */
  filedAt: string;
  /** Civil date of the filing in the time zone. */
  filedOn: LocalDate;
  /** `filedOn` if it is a business day and the filing came before office-hours end, else the next business day. */
  effectiveFilingDate: LocalDate;
  /** The business day after `effectiveFilingDate`: Ley 1755 de 2015 counts from the day after filing. */
  firstCountedDay: LocalDate;
  termBusinessDays: number;
  /** The last day to answer (the `termBusinessDays`-th counted business day). */
  dueDate: LocalDate;
  /** Non-business days in [filedOn, dueDate], with reasons. */
  skipped: NonBusinessDay[];
}

/** Input of {@link computeDueDate}. */
export interface DueDateInput {
  filedAt: Date;
  /** Legal term in business days, an integer ≥ 1 (15 general petitions, 10 information, 30 consultations). */
  termBusinessDays: number;
  /** IANA zone of the entity; default America/Bogota. */
  timeZone?: string;
  /** `HH:MM` (24 h) in `timeZone`; filings at or after it count as filed the next business day. */
  officeHoursEnd: string;
  calendar: BusinessCalendar;
}

/**
 * Legal due date of a petition filed at `filedAt` (Ley 1755 de 2015, art. 14): the term runs in
 * business days from the day after the effective filing date, and a filing on a non-business
 * day or after office hours is taken as filed on the next business day.
 * @throws CalendarError for an invalid instant, zone, clock time or a term that is not an integer ≥ 1.
 */
export function computeDueDate(input: DueDateInput): DueDateExplanation {
  const { filedAt, termBusinessDays, timeZone = DEFAULT_TIME_ZONE, officeHoursEnd, calendar } = input;
  if (!Number.isInteger(termBusinessDays) || termBusinessDays < 1) {
    throw new CalendarError(
      "calendar.invalid_day_count",
      `Invalid legal term ${termBusinessDays}: expected an integer number of business days ≥ 1.`,
    );
  }
  const officeHoursEndSeconds = clockTimeToSeconds(officeHoursEnd);
  const wallClock = toWallClock(filedAt, timeZone);
  const filedOn = wallClock.date;
  const filedInOfficeHours = calendar.isBusinessDay(filedOn) && wallClock.secondsOfDay < officeHoursEndSeconds;
  const effectiveFilingDate = filedInOfficeHours ? filedOn : calendar.nextBusinessDay(filedOn);
  const dueDate = calendar.addBusinessDays(effectiveFilingDate, termBusinessDays);
  return {
    filedAt: filedAt.toISOString(),
    filedOn,
    effectiveFilingDate,
    firstCountedDay: calendar.nextBusinessDay(effectiveFilingDate),
    termBusinessDays,
    dueDate,
    skipped: calendar.nonBusinessDaysBetween(filedOn, dueDate),
  };
}
