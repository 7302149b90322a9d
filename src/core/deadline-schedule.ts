/**
 * When deadline work happens: the reminder points before a due date, the overdue escalation, the
 * office's opening hours, and the one-month term of an incomplete petition. Pure: dates are
 * `YYYY-MM-DD` civil dates in the profile's zone, instants are epoch milliseconds UTC, and the
 * calendar and zone are parameters.
 */
import {
  addCalendarDays,
  clockTimeToSeconds,
  toWallClock,
  type BusinessCalendar,
  type LocalDate,
} from "./calendar/index.ts";
import { toEpochDay } from "./calendar/local-date.ts";

const MS_PER_DAY = 86_400_000;

/** Office opening hours in a zone, on the calendar's business days. */
export interface OfficeHours {
  /** `HH:MM`, 24 h. */
  start: string;
  /** `HH:MM`, 24 h. */
  end: string;
  timeZone: string;
  calendar: BusinessCalendar;
}

/** Memo of {@link localTimeToMs}: Intl is slow (~10 µs a call) and the same dates recur all day. */
const localTimes = new Map<string, number>();
const LOCAL_TIMES_MAX = 4096;

/**
 * The instant a wall clock in `timeZone` shows `clockTime` on `date`. Zones without a jump at that
 * time (Colombia has had none since 1993) give the exact instant; in a skipped hour, the closest.
 */
export function localTimeToMs(date: LocalDate, clockTime: string, timeZone: string): number {
  const key = `${timeZone}|${date}|${clockTime}`;
  const known = localTimes.get(key);
  if (known !== undefined) return known;
  const wanted = toEpochDay(date) * MS_PER_DAY + clockTimeToSeconds(clockTime) * 1000;
  let instant = wanted;
  // Two passes: the zone's offset at the first guess, then at the corrected instant.
  for (let pass = 0; pass < 2; pass++) {
    const wall = toWallClock(new Date(instant), timeZone);
    const shown = toEpochDay(wall.date) * MS_PER_DAY + wall.secondsOfDay * 1000;
    if (shown === wanted) break;
    instant += wanted - shown;
  }
  if (localTimes.size >= LOCAL_TIMES_MAX) localTimes.clear();
  localTimes.set(key, instant);
  return instant;
}

/** The business day `days` business days before `date` (a business day itself when `days` ≥ 1). */
export function subtractBusinessDays(date: LocalDate, days: number, calendar: BusinessCalendar): LocalDate {
  let current = date;
  for (let remaining = days; remaining > 0; remaining--) {
    do current = addCalendarDays(current, -1);
    while (!calendar.isBusinessDay(current));
  }
  return current;
}

/** True from office opening (inclusive) to closing (exclusive) on a business day. */
export function isWithinOfficeHours(nowMs: number, hours: OfficeHours): boolean {
  const wall = toWallClock(new Date(nowMs), hours.timeZone);
  return (
    hours.calendar.isBusinessDay(wall.date) &&
    wall.secondsOfDay >= clockTimeToSeconds(hours.start) &&
    wall.secondsOfDay < clockTimeToSeconds(hours.end)
  );
}

/** The next office opening at or after `nowMs` (today's if still ahead and a business day). */
export function nextOfficeOpeningMs(nowMs: number, hours: OfficeHours): number {
  const wall = toWallClock(new Date(nowMs), hours.timeZone);
  const todayOpen = hours.calendar.isBusinessDay(wall.date) && wall.secondsOfDay <= clockTimeToSeconds(hours.start);
  const day = todayOpen ? wall.date : hours.calendar.nextBusinessDay(wall.date);
  return localTimeToMs(day, hours.start, hours.timeZone);
}

/** A point at which the office hears about a question's deadline. */
export interface AlertStage {
  /** `r<N>` for the reminder N business days before the due date (`r0` on the due day), `overdue` after it. */
  id: string;
  kind: "reminder" | "overdue";
  /** Business days left on the reminder's day (0 on the due day); absent for `overdue`. */
  businessDaysLeft?: number;
  date: LocalDate;
  atMs: number;
}

/**
 * The alert stages of a due date, in time order: one reminder per point (N business days before,
 * at office opening; points that fall on the same day merge into the closer one), then the
 * escalation at the opening of the first business day after the due date — the first day the
 * question is overdue on which someone is at the office.
 */
export function alertStages(
  dueDate: LocalDate,
  reminderBusinessDaysBefore: readonly number[],
  hours: Pick<OfficeHours, "start" | "timeZone" | "calendar">,
): AlertStage[] {
  const points = [...new Set(reminderBusinessDaysBefore)]
    .filter((n) => Number.isInteger(n) && n >= 0)
    .sort((a, b) => b - a);
  const byDate = new Map<LocalDate, AlertStage>();
  for (const days of points) {
    const date = days === 0 ? dueDate : subtractBusinessDays(dueDate, days, hours.calendar);
    byDate.set(date, {
      id: `r${days}`,
      kind: "reminder",
      businessDaysLeft: days,
      date,
      atMs: localTimeToMs(date, hours.start, hours.timeZone),
    });
  }
  const overdueDate = hours.calendar.nextBusinessDay(dueDate);
  const stages = [
    ...byDate.values(),
    {
      id: "overdue",
      kind: "overdue" as const,
      date: overdueDate,
      atMs: localTimeToMs(overdueDate, hours.start, hours.timeZone),
    },
  ];
  return stages.sort((a, b) => a.atMs - b.atMs);
}

/** The first stage after `nowMs` (what to plan next), if any. */
export function nextStage(stages: readonly AlertStage[], nowMs: number): AlertStage | undefined {
  return stages.find((s) => s.atMs > nowMs);
}

/** The latest stage reached at `nowMs` (what to announce now, even after downtime), if any. */
export function reachedStage(stages: readonly AlertStage[], nowMs: number): AlertStage | undefined {
  return stages.filter((s) => s.atMs <= nowMs).at(-1);
}

/** `date` plus `months` calendar months; a day the target month lacks becomes its last day (31 Jan + 1 → 28/29 Feb). */
export function addCalendarMonths(date: LocalDate, months: number): LocalDate {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return `${String(targetYear).padStart(4, "0")}-${String(targetMonth).padStart(2, "0")}-${String(Math.min(day, lastDay)).padStart(2, "0")}`;
}

/**
 * Last day of a term of `months` months starting on `from`: the same day number `months` later
 * (Ley 4 de 1913, art. 59: terms of months run by the calendar), moved to the next business day
 * when that day is not one (art. 62: "si el último día fuere feriado o de vacante, se extenderá el
 * plazo hasta el primer día hábil").
 */
export function monthTermEnd(from: LocalDate, months: number, calendar: BusinessCalendar): LocalDate {
  const end = addCalendarMonths(from, months);
  return calendar.isBusinessDay(end) ? end : calendar.nextBusinessDay(end);
}
