import { FIRST_HOLIDAY_YEAR, getHolidaysForYear, LAST_HOLIDAY_YEAR } from "colombian-holidays";
import { CalendarError } from "./errors.ts";
import { applyHolidayLaws } from "./holiday-laws.ts";
import { addCalendarDays, type LocalDate, weekdayOf } from "./local-date.ts";

/** A Colombian national holiday as observed (after any Ley Emiliani move to Monday). */
export interface NationalHoliday {
  date: LocalDate;
  /** Official Spanish name; two holidays on one date are joined with " / " (e.g. 2025-06-30). */
  name: string;
}

/**
 * The national holidays come from `colombian-holidays` (Ley 51 de 1983 moves and Easter offsets
 * included), changed by the newer laws of `holiday-laws.ts` (Ley 2578 de 2026, ...).
 * test/core/calendar.test.ts checks every holiday of 2024–2030 against a list written out by hand
 * from the law, so a wrong package release or a missing law fails the build instead of a due date.
 */
const holidaysByYear = new Map<number, ReadonlyMap<LocalDate, string>>();

/**
 * Years the legal calendar answers for. The package computes 1583–4099 with today's rules, but the
 * holidays moved to Monday exist only since Ley 51 de 1983 (in force from 1984), and a year far
 * ahead is a typo rather than a term: outside this range the calendar refuses instead of guessing.
 */
export const SUPPORTED_YEARS = {
  first: Math.max(1984, FIRST_HOLIDAY_YEAR),
  last: Math.min(2100, LAST_HOLIDAY_YEAR),
} as const;

/**
 * Observed national holidays of `year`, keyed by date, one entry per date. Cached per year.
 * @throws CalendarError `calendar.year_out_of_range` outside the package's supported years.
 */
export function nationalHolidaysOf(year: number): ReadonlyMap<LocalDate, string> {
  let holidays = holidaysByYear.get(year);
  if (!holidays) {
    holidays = loadNationalHolidays(year);
    holidaysByYear.set(year, holidays);
  }
  return holidays;
}

function loadNationalHolidays(year: number): ReadonlyMap<LocalDate, string> {
  if (!Number.isInteger(year) || year < SUPPORTED_YEARS.first || year > SUPPORTED_YEARS.last) {
    throw new CalendarError(
      "calendar.year_out_of_range",
      `No holiday data for year ${year}: supported years are ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last}.`,
    );
  }
  const byDate = new Map<LocalDate, string>();
  const fromPackage = getHolidaysForYear(year).map((h) => ({ date: h.celebrationDate, name: h.name.es }));
  // Sorted by date below (stable: the package's order, then the laws', on a shared date).
  const observed = applyHolidayLaws(year, fromPackage, weekdayOf, addCalendarDays).sort((a, b) =>
    a.date.localeCompare(b.date),
  );
  for (const holiday of observed) {
    const previous = byDate.get(holiday.date);
    byDate.set(holiday.date, previous ? `${previous} / ${holiday.name}` : holiday.name);
  }
  return new Map([...byDate].sort(([a], [b]) => a.localeCompare(b)));
}

/** Observed national holidays of `year`, sorted by date. */
export function listNationalHolidays(year: number): NationalHoliday[] {
  return [...nationalHolidaysOf(year)].map(([date, name]) => ({ date, name }));
}
