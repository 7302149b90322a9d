/**
 * `rinde calendar`: the business-day calendar of the profile in force (national holidays plus the
 * profile's local non-working days).
 *
 *   rinde calendar add-business-days 2026-03-02 15     → 2026-03-24 (counting from the day after)
 *   rinde calendar holidays 2026 [--json]
 */
import { CalendarError, SUPPORTED_YEARS } from "../../core/calendar/index.ts";
import { dateArg, parse, wholeNumberArg } from "../args.ts";
import { CliError } from "../output.ts";
import type { Subcommand } from "../context.ts";

/** The longest count that makes sense for a legal term (twice the 30-day consultation term, with margin). */
const MAX_BUSINESS_DAYS = 365;

/** A date outside the calendar's years, as a one-line error. */
function calendarCall<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CalendarError && error.code === "calendar.year_out_of_range")
      throw new CliError("calendar.out_of_range", SUPPORTED_YEARS);
    throw error;
  }
}

export const calendarCommands: Record<string, Subcommand> = {
  "add-business-days"(cli, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } }, 2);
    const from = dateArg(positionals[0], "<AAAA-MM-DD>");
    const count = wholeNumberArg(positionals[1], "<N>", 0, MAX_BUSINESS_DAYS);
    const { calendar } = cli.runtime.app;
    const date = calendarCall(() => calendar.addBusinessDays(from, count));
    if (!values.json) return cli.out(cli.t("calendar.added", { date, dateText: cli.day(date), from, count }));
    const skipped = calendarCall(() => calendar.nonBusinessDaysBetween(from, date));
    cli.json({ from, businessDays: count, date, dateText: cli.day(date), skipped });
  },
  holidays(cli, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } }, 1);
    const year = wholeNumberArg(positionals[0], "<año>", SUPPORTED_YEARS.first, SUPPORTED_YEARS.last);
    const holidays = calendarCall(() => cli.runtime.app.calendar.holidays(year));
    if (values.json) return cli.json(holidays);
    const rows = holidays.map((h) => ({
      date: h.date,
      day: cli.day(h.date),
      name: h.name,
      kind: cli.t(`holiday_kinds.${h.kind}`),
    }));
    cli.out(cli.table(rows, ["date", "day", "name", "kind"]));
  },
};
