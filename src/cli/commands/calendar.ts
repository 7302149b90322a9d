/**
 * `rinde calendar`: the business-day calendar of the profile in force (national holidays plus the
 * profile's local non-working days).
 *
 *   rinde calendar add-business-days 2026-03-02 15     → 2026-03-23 (counting from the day after)
 *   rinde calendar holidays 2026 [--json]
 */
import { CalendarError, formatLongDate, isLocalDate } from "../../core/calendar/index.ts";
import type { Runtime } from "../../runtime.ts";
import { parse, required } from "../args.ts";
import { CliError, printJson, table } from "../output.ts";

/** Calendar errors (year outside the holiday data, malformed date) as one-line CLI errors. */
function calendarCall<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CalendarError) throw new CliError(error.message);
    throw error;
  }
}

const subcommands: Record<string, (runtime: Runtime, args: string[]) => void> = {
  "add-business-days"(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } });
    const from = required(positionals[0], "<YYYY-MM-DD>");
    const count = required(positionals[1], "<N>");
    if (!isLocalDate(from)) throw new CliError(`'${from}' is not a date: use YYYY-MM-DD, e.g. 2026-03-02`);
    if (!/^\d{1,4}$/.test(count)) throw new CliError(`'${count}' is not a number of business days: use a whole number ≥ 0`);
    const { calendar } = runtime.app;
    const date = calendarCall(() => calendar.addBusinessDays(from, Number(count)));
    if (!values.json) return void process.stdout.write(`${date}\n`);
    const skipped = calendarCall(() => calendar.nonBusinessDaysBetween(from, date));
    printJson({ from, businessDays: Number(count), date, dateText: formatLongDate(date, "es"), skipped });
  },
  holidays(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } });
    const yearText = required(positionals[0], "<year>");
    if (!/^\d{4}$/.test(yearText)) throw new CliError(`'${yearText}' is not a year: use four digits, e.g. 2026`);
    const holidays = calendarCall(() => runtime.app.calendar.holidays(Number(yearText)));
    const rows = holidays.map((h) => ({ date: h.date, day: formatLongDate(h.date, "es"), name: h.name, kind: h.kind }));
    if (values.json) return printJson(rows);
    process.stdout.write(`${table(rows, ["date", "day", "name", "kind"])}\n`);
  },
};

export function runCalendar(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const command = sub ? subcommands[sub] : undefined;
  if (!command) throw new CliError(`unknown 'calendar' command '${sub ?? ""}'. Use: ${Object.keys(subcommands).join(" | ")}`);
  command(runtime, rest);
}
