/**
 * A calendar function was called with input it cannot interpret (malformed date, unknown time
 * zone, negative term, year outside the supported range). These are programming or
 * configuration bugs, never expected outcomes: callers validate profiles and user input first.
 * `code` is stable; `message` says how to fix and never carries personal data.
 */
export class CalendarError extends Error {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CalendarError";
  }
}

export type CalendarErrorCode =
  | "calendar.invalid_date"
  | "calendar.invalid_instant"
  | "calendar.invalid_time_zone"
  | "calendar.invalid_clock_time"
  | "calendar.invalid_day_count"
  | "calendar.year_out_of_range";
