import { CalendarError } from "./errors.ts";
import { fromEpochDay, type LocalDate, toEpochDay, weekdayOfEpochDay, yearOf } from "./local-date.ts";
import { nationalHolidaysOf } from "./national-holidays.ts";

/** Why a date is not a business day. */
export type NonBusinessReason = "saturday" | "sunday" | "holiday" | "local";

/** A date that does not count toward a legal term, with the reason (for explaining a due date). */
export interface NonBusinessDay {
  date: LocalDate;
  reason: NonBusinessReason;
  /** Holiday name for `holiday` and `local`; absent for weekends. */
  name?: string;
}

/** A holiday or local non-working day as listed by {@link BusinessCalendar.holidays}. */
export interface CalendarHoliday {
  date: LocalDate;
  name: string;
  kind: "national" | "local";
}

/** Name given to a profile's local non-working days, which profiles list without names. */
export const LOCAL_NON_WORKING_DAY_NAME = "Día no laborable local";

/**
 * Colombian business days ("días hábiles"): every day except Saturdays, Sundays, national
 * holidays and the profile's local non-working days. All dates are `YYYY-MM-DD` civil dates;
 * every method throws CalendarError `calendar.invalid_date` on a malformed date and
 * `calendar.year_out_of_range` outside the years the holiday data covers.
 */
export interface BusinessCalendar {
  isBusinessDay(date: LocalDate): boolean;
  /**
   * The date `days` business days after `date` (date itself not counted). `days` is an integer
   * ≥ 0; 0 returns `date` if it is a business day, else the next business day.
   * @throws CalendarError `calendar.invalid_day_count` for a negative or fractional `days`.
   */
  addBusinessDays(date: LocalDate, days: number): LocalDate;
  /** Business days in (from, to]; negative (minus the count in (to, from]) if to < from; 0 if equal. */
  businessDaysBetween(from: LocalDate, to: LocalDate): number;
  /** The first business day strictly after `date`. */
  nextBusinessDay(date: LocalDate): LocalDate;
  /**
   * National holidays of `year` plus the profile's local days in that year, sorted by date
   * (national first on a tie). National names are the official Spanish ones; two national
   * holidays on one date (2025-06-30) form one entry with both names joined by " / ".
   */
  holidays(year: number): CalendarHoliday[];
  /**
   * Every non-business day in [from, to] (empty if to < from), sorted. A date with several
   * reasons gets the most specific: holiday, then local, then saturday/sunday.
   */
  nonBusinessDaysBetween(from: LocalDate, to: LocalDate): NonBusinessDay[];
}

/** Options of {@link createBusinessCalendar}. */
export interface BusinessCalendarOptions {
  /** The profile's extra non-working days (e.g. a municipal holiday), as `YYYY-MM-DD`. */
  localNonWorkingDays?: readonly LocalDate[];
}

/**
 * A business-day calendar for a profile. National holidays are read lazily and cached per year.
 * @throws CalendarError `calendar.invalid_date` when a local non-working day is malformed.
 */
export function createBusinessCalendar(options: BusinessCalendarOptions = {}): BusinessCalendar {
  const localDays = new Set<LocalDate>();
  for (const date of options.localNonWorkingDays ?? []) {
    toEpochDay(date);
    localDays.add(date);
  }

  const nonBusinessDayOfEpochDay = (epochDay: number): NonBusinessDay | null => {
    const date = fromEpochDay(epochDay);
    const holidayName = nationalHolidaysOf(yearOf(date)).get(date);
    if (holidayName !== undefined) return { date, reason: "holiday", name: holidayName };
    if (localDays.has(date)) return { date, reason: "local", name: LOCAL_NON_WORKING_DAY_NAME };
    const weekday = weekdayOfEpochDay(epochDay);
    if (weekday === 6) return { date, reason: "saturday" };
    if (weekday === 0) return { date, reason: "sunday" };
    return null;
  };

  // Weekdays already looked up: counting business days walks every day of the range, and the
  // back-office inbox counts from today back to due dates years old, for every row (issue 14).
  const weekdayIsBusiness = new Map<number, boolean>();
  const isBusinessEpochDay = (epochDay: number): boolean => {
    const weekday = weekdayOfEpochDay(epochDay);
    if (weekday === 0 || weekday === 6) return false;
    let business = weekdayIsBusiness.get(epochDay);
    if (business === undefined) {
      const date = fromEpochDay(epochDay);
      business = !localDays.has(date) && !nationalHolidaysOf(yearOf(date)).has(date);
      weekdayIsBusiness.set(epochDay, business);
    }
    return business;
  };

  const nextBusinessEpochDay = (epochDay: number): number => {
    let next = epochDay + 1;
    while (!isBusinessEpochDay(next)) next += 1;
    return next;
  };

  const countBusinessDays = (fromExclusive: number, toInclusive: number): number => {
    let count = 0;
    for (let day = fromExclusive + 1; day <= toInclusive; day += 1) if (isBusinessEpochDay(day)) count += 1;
    return count;
  };

  return {
    isBusinessDay: (date) => isBusinessEpochDay(toEpochDay(date)),

    addBusinessDays(date, days) {
      if (!Number.isInteger(days) || days < 0) {
        throw new CalendarError(
          "calendar.invalid_day_count",
          `Invalid business-day count ${days}: expected an integer ≥ 0.`,
        );
      }
      let day = toEpochDay(date);
      if (days === 0) return fromEpochDay(isBusinessEpochDay(day) ? day : nextBusinessEpochDay(day));
      for (let remaining = days; remaining > 0; remaining -= 1) day = nextBusinessEpochDay(day);
      return fromEpochDay(day);
    },

    businessDaysBetween(from, to) {
      const [fromDay, toDay] = [toEpochDay(from), toEpochDay(to)];
      return fromDay <= toDay ? countBusinessDays(fromDay, toDay) : -countBusinessDays(toDay, fromDay);
    },

    nextBusinessDay: (date) => fromEpochDay(nextBusinessEpochDay(toEpochDay(date))),

    holidays(year) {
      const national: CalendarHoliday[] = [...nationalHolidaysOf(year)].map(([date, name]) => ({
        date,
        name,
        kind: "national",
      }));
      const local: CalendarHoliday[] = [...localDays]
        .filter((date) => yearOf(date) === year)
        .map((date) => ({ date, name: LOCAL_NON_WORKING_DAY_NAME, kind: "local" }));
      // Array#sort is stable, so on a tie the national entry (listed first) stays first.
      return [...national, ...local].sort((a, b) => a.date.localeCompare(b.date));
    },

    nonBusinessDaysBetween(from, to) {
      const days: NonBusinessDay[] = [];
      for (let day = toEpochDay(from), last = toEpochDay(to); day <= last; day += 1) {
        const nonBusinessDay = nonBusinessDayOfEpochDay(day);
        if (nonBusinessDay) days.push(nonBusinessDay);
      }
      return days;
    },
  };
}
