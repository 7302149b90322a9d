/**
 * The profile's quiet hours: no bulk messages (announcements, surveys, commitment notices) while
 * they last. Pure: the instant and the time zone are parameters.
 */
import { addCalendarDays, clockTimeToSeconds, toWallClock } from "./calendar/index.ts";
import { localTimeToMs } from "./deadline-schedule.ts";

export interface QuietHours {
  /** `HH:MM`, 24 h: when quiet starts (e.g. 21:00). */
  start: string;
  /** `HH:MM`: when it ends (e.g. 07:00); may be earlier than `start` (it spans midnight). */
  end: string;
}

/** Whether `nowMs` falls inside [start, end) on the zone's wall clock. Equal start and end mean none. */
export function isQuietTime(nowMs: number, quiet: QuietHours, timeZone: string): boolean {
  const seconds = toWallClock(new Date(nowMs), timeZone).secondsOfDay;
  const start = clockTimeToSeconds(quiet.start);
  const end = clockTimeToSeconds(quiet.end);
  if (start === end) return false;
  return start < end ? seconds >= start && seconds < end : seconds >= start || seconds < end;
}

/** The instant quiet hours end, when `nowMs` falls in them; undefined otherwise. */
export function quietUntilMs(nowMs: number, quiet: QuietHours, timeZone: string): number | undefined {
  if (!isQuietTime(nowMs, quiet, timeZone)) return undefined;
  const wall = toWallClock(new Date(nowMs), timeZone);
  // Past the start of quiet hours that span midnight, they end tomorrow.
  const spansMidnight = clockTimeToSeconds(quiet.start) > clockTimeToSeconds(quiet.end);
  const endDate =
    spansMidnight && wall.secondsOfDay >= clockTimeToSeconds(quiet.start) ? addCalendarDays(wall.date, 1) : wall.date;
  return localTimeToMs(endDate, quiet.end, timeZone);
}
