/**
 * `rinde` — the officials' and administrators' command line. Works on the same database as the
 * running bot (RINDE_DB); the bot delivers whatever the CLI queues in the outbox.
 * Errors print one line and exit non-zero.
 */
import { ConfigError } from "../config/errors.ts";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime.ts";
import { runAdmin } from "./commands/admin.ts";
import { runAnnouncements } from "./commands/announcements.ts";
import { runCalendar } from "./commands/calendar.ts";
import { runCommitments } from "./commands/commitments.ts";
import { runEvents } from "./commands/events.ts";
import { runOffices } from "./commands/offices.ts";
import { runOfficials } from "./commands/officials.ts";
import { runPlan } from "./commands/plan.ts";
import { runOpenData } from "./commands/publication.ts";
import { runQuestions } from "./commands/questions.ts";
import { runStatus } from "./commands/status.ts";
import { runSurveys } from "./commands/surveys.ts";
import { CliError } from "./output.ts";

const USAGE = `Usage: rinde <command> [options]

  admin create                                              (one-time link to create a back-office administrator)
  offices list [--json]
  offices bind <office> (--telegram-chat <chat id> | --whatsapp-group <jid@g.us>)
  officials add --name <name> --role official|head|communications|internal_control|admin [--office <key>] [--channel telegram|whatsapp --address <id>]
  officials invite --office <key> --role official|head|communications [--name <name>] [--ttl-hours 48]
  officials list [--office <key>] [--json]
  officials remove <id>
  questions list [--office <key>] [--status open|info_requested|answered|withdrawn] [--overdue] [--json]
  questions show <radicado> [--json]
  questions answer <radicado> --text <answer> [--as <official id>]
  questions reassign <radicado> --to <office> --reason <reason> [--as <official id>]
  questions request-info <radicado> --text <what is missing> [--as <official id>]
  questions extend <radicado> --until <YYYY-MM-DD> --reason <reason> [--as <official id>]
  questions export [--out <file.csv> [--force]] [--office <key>] [--status <status>]
  questions report [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--office <key>] [--json | --csv [--out <file.csv> [--force]]] [--figure <figure>]
                                                              (management report per office; --help says what each figure counts)
  questions publish <radicado> [--summary <text>] [--answer | --no-answer | --default-answer] [--as <official id>]   (public pages; dialogue answers are published by default)
  commitments add --office <key> --due <YYYY-MM-DD> --text <text> [--district <key>] [--event <id>] [--as <official id>]
  commitments progress <number> --percent <0-100> --note <text> [--evidence <url>] [--as <official id>]
  commitments cancel <number> --reason <reason> [--as <official id>]
  commitments list [--office <key>] [--status pending|in_progress|done|overdue|cancelled] [--district <key>] [--event <id>] [--json]
  commitments show <number> [--json]
  commitments import <file.csv> [--as <official id>]        (all or nothing; problems listed by line)
  commitments export [--out <file.csv> [--force]] [--office <key>] [--status <status>]
  commitments report [--json] [--csv [--overdue]] [--out <file.csv> [--force]]
  calendar add-business-days <YYYY-MM-DD> <N> [--json]
  calendar holidays <year> [--json]
  status [--json]
  events list [--all] [--json]
  events show <id> [--json]
  events create --kind public_hearing|territorial_dialogue|thematic_dialogue|transparency_fair|mayor_live|site_visit|commitments_meeting|other
                --title <text> --date <YYYY-MM-DD> --start <HH:MM> --end <HH:MM> [--place <text>] [--link <https://…>]
                [--description <text>] [--districts a,b] [--topics a,b] [--office <key>] [--as <official id>] [--json]
  events edit <id> [any of the create options]               (time, place or link changes notify those who said yes)
  events cancel <id> [--as <official id>]                     (notifies those who said yes)
  events questions <id> [--json]
  events mark-answered <id> <radicado>… [--summary <text>] [--as <official id>]   (after the event; the rest stay open, 15 business days)
  events held <id> [--as <official id>]
  events minutes <id> [--url <minutes link>] [--recording <link>] [--as <official id>]   (shown on the public event page)
  events report <id> [--out <file.csv> [--force]] [--json] (questions with their answers, for publication)
  announcements send (--event <id> [--text <note>] | --text <message>) (--everyone | --topics a,b --districts x,y | --rsvps <event id> [--rsvps-any])
                [--at "YYYY-MM-DD HH:MM"] [--yes] [--watch | --no-watch] [--as <official id>] [--json]
  announcements status <id> [--watch] [--json]
  announcements list [--json]
  announcements cancel <id> [--as <official id>]
  surveys list [--runs] [--survey <id>] [--json]
  surveys send <survey> --segment everyone|topic:<key>|district:<key>|event:<id>|office:<key>|channel:<id> [--label <text>] [--office <key>] [--as <official id>]
  surveys import <run id|survey> <file.csv> [--event <id>] [--office <key>] [--label <text>] [--as <official id>]
  surveys publish <survey> [--withdraw] [--as <official id>]   (aggregated results on the public pages, small counts withheld)
  opendata export --out <dir> [--force] [--lang es|en]      (datos.gov.co files: five datasets and their dictionaries, CSV and JSON)
  surveys results --run <id>|--survey <id>|--office <key>|--event <id> [--csv <out.csv> [--force]] [--locale es|en] [--json]
  plan load|import|status|show|progress|publish-answers|report …   (accountability plan; "rinde plan help" for the options)

Export files are created with mode 0600 and never replace an existing file unless --force is given.
Environment: RINDE_DB (database file), RINDE_PROFILE (municipality profile).`;

type Command = (runtime: Runtime, args: string[]) => Promise<void> | void;

const COMMANDS: Record<string, Command> = {
  admin: runAdmin,
  announcements: runAnnouncements,
  calendar: runCalendar,
  commitments: runCommitments,
  events: runEvents,
  offices: runOffices,
  officials: runOfficials,
  opendata: runOpenData,
  plan: runPlan,
  questions: runQuestions,
  status: runStatus,
  surveys: runSurveys,
};

/**
 * Runs one command. `options` reach the runtime: tests pass an environment and a clock to run the
 * CLI in-process (test/helpers/cli.ts) instead of paying a Node process per command.
 */
export async function runCli(argv: string[], options: RuntimeOptions = {}): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}'. Run 'rinde help' for the list.`);
  const runtime = createRuntime(options);
  try {
    await command(runtime, rest);
  } finally {
    runtime.close();
  }
}

/** What the user sees when a command fails, and the exit code (2 for configuration, 1 otherwise). */
export function describeCliError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError || error instanceof ConfigError) return { message: `rinde: ${error.message}\n`, exitCode: error instanceof ConfigError ? 2 : 1 };
  if (error instanceof Error && error.name === "TypeError" && /parseArgs|ERR_PARSE_ARGS/.test(`${(error as { code?: string }).code}`)) {
    return { message: `rinde: ${error.message}\n`, exitCode: 1 };
  }
  return { message: `rinde: unexpected error: ${(error as Error).stack ?? String(error)}\n`, exitCode: 1 };
}
