/**
 * `rinde` — the officials' and administrators' command line. Works on the same database as the
 * running bot (RINDE_DB); the bot delivers whatever the CLI queues in the outbox.
 * Errors print one line and exit non-zero.
 */
import { ConfigError } from "../config/errors.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { runOffices } from "./commands/offices.ts";
import { runOfficials } from "./commands/officials.ts";
import { runQuestions } from "./commands/questions.ts";
import { runStatus } from "./commands/status.ts";
import { CliError } from "./output.ts";

const USAGE = `Usage: rinde <command> [options]

  offices list [--json]
  offices bind <office> --telegram-chat <chat id>
  officials add --name <name> --role official|head|communications|internal_control|admin [--office <key>] [--channel telegram|whatsapp --address <id>]
  officials invite --office <key> --role official|head|communications [--name <name>] [--ttl-hours 48]
  officials list [--office <key>] [--json]
  officials remove <id>
  questions list [--office <key>] [--status open|info_requested|answered|withdrawn] [--overdue] [--json]
  questions show <radicado> [--json]
  questions answer <radicado> --text <answer> [--as <official id>]
  questions reassign <radicado> --to <office> --reason <reason> [--as <official id>]
  questions request-info <radicado> --text <what is missing> [--as <official id>]
  questions export [--out <file.csv>] [--office <key>] [--status <status>]
  status [--json]

Environment: RINDE_DB (database file), RINDE_PROFILE (municipality profile).`;

type Command = (runtime: Runtime, args: string[]) => Promise<void> | void;

const COMMANDS: Record<string, Command> = {
  offices: runOffices,
  officials: runOfficials,
  questions: runQuestions,
  status: runStatus,
};

export async function runCli(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}'. Run 'rinde help' for the list.`);
  const runtime = createRuntime();
  try {
    await command(runtime, rest);
  } finally {
    runtime.close();
  }
}

runCli(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || error instanceof ConfigError) {
    process.stderr.write(`rinde: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  if (error instanceof Error && error.name === "TypeError" && /parseArgs|ERR_PARSE_ARGS/.test(`${(error as { code?: string }).code}`)) {
    process.stderr.write(`rinde: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`rinde: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
