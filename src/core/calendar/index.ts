/**
 * The legal business-day calendar (días hábiles, Colombia): pure functions, no clock, no I/O.
 * The time zone and the filing instant are always parameters.
 */
export {
  type BusinessCalendar,
  type BusinessCalendarOptions,
  type CalendarHoliday,
  createBusinessCalendar,
  LOCAL_NON_WORKING_DAY_NAME,
  type NonBusinessDay,
  type NonBusinessReason,
} from "./business-calendar.ts";
export { computeDueDate, type DueDateExplanation, type DueDateInput } from "./due-date.ts";
export { CalendarError, type CalendarErrorCode } from "./errors.ts";
export { formatLongDate, type LongDateLocale } from "./format-long-date.ts";
export {
  addCalendarDays,
  clockTimeToSeconds,
  DEFAULT_TIME_ZONE,
  isLocalDate,
  type LocalDate,
  toLocalDate,
  toWallClock,
  type WallClock,
  weekdayOf,
  type Weekday,
} from "./local-date.ts";
export { listNationalHolidays, type NationalHoliday, SUPPORTED_YEARS } from "./national-holidays.ts";
