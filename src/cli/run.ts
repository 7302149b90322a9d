/**
 * `rinde` — the command line of officials, heads, communications and internal control. Spanish by
 * default (`--lang en` or `RINDE_LANG=en` for English); every text comes from `locales/*\/cli.json`.
 * Works on the same database as the running bot (RINDE_DB, or DATABASE_URL for PostgreSQL); the bot
 * delivers what the CLI queues.
 *
 * One boundary: expected failures print one line (`rinde: …`) and exit 1; a bad environment exits
 * 2; anything unexpected prints one line without a stack trace (RINDE_DEBUG=1 shows it) and exits 1.
 * A database that does not exist — a SQLite file not there, a PostgreSQL database without Rinde's
 * tables — is created only by `npm start` or `rinde db init` (and `rinde db migrate` on PostgreSQL):
 * a typo in RINDE_DB or DATABASE_URL must not silently start an empty institution.
 */
import { resolve } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { loadEnv } from "../config/env.ts";
import type { Clock } from "../core/clock.ts";
import { closestKey } from "../core/strict-parse.ts";
import { createTranslator, type Translator } from "../i18n/index.ts";
import { createRuntime, type RuntimeOptions } from "../runtime.ts";
import { HelpRequested } from "./args.ts";
import { withCliAudit } from "./audit.ts";
import { cliErrorOfOpen, runDb } from "./commands/db.ts";
import { createCli, type Cli, type CliIo, type CliLang, type Subcommand } from "./context.ts";
import { CliError } from "./output.ts";

type Subcommands = Record<string, Subcommand>;

/**
 * Commands with subcommands, each loaded when run (`status` and `db` are handled apart): a command
 * then parses and evaluates only its own module and libraries (ics, csv-parse, the plan importer…),
 * a good part of a command's start-up when every module was loaded (issue 12, point 7).
 */
export const COMMANDS: Record<string, () => Promise<Subcommands>> = {
  offices: async () => (await import("./commands/offices.ts")).officeCommands,
  districts: async () => (await import("./commands/districts.ts")).districtCommands,
  topics: async () => (await import("./commands/districts.ts")).topicCommands,
  officials: async () => (await import("./commands/officials.ts")).officialCommands,
  questions: async () => (await import("./commands/questions.ts")).questionCommands,
  commitments: async () => (await import("./commands/commitments.ts")).commitmentCommands,
  calendar: async () => (await import("./commands/calendar.ts")).calendarCommands,
  events: async () => (await import("./commands/events.ts")).eventCommands,
  announcements: async () => (await import("./commands/announcements.ts")).announcementCommands,
  surveys: async () => (await import("./commands/surveys.ts")).surveyCommands,
  admin: async () => (await import("./commands/admin.ts")).adminCommands,
  opendata: async () => (await import("./commands/publication.ts")).openDataCommands,
  plan: async () => (await import("./commands/plan.ts")).planCommands,
};
/** Subcommands that print their own `--help` (the management report explains each figure). */
const OWN_HELP = new Set(["questions report"]);
const COMMAND_NAMES = [...Object.keys(COMMANDS), "status", "db"];

export interface RunOptions {
  /** Environment variables (RINDE_DB, RINDE_PROFILE, RINDE_LANG, RINDE_DEBUG); process.env by default. */
  env?: Record<string, string | undefined>;
  io?: CliIo;
  clock?: Clock;
  translator?: Translator;
  /** How the routing model is built; tests share one trained model per process. */
  routerFactory?: RuntimeOptions["routerFactory"];
}

/** Runs one `rinde` invocation; returns the exit code (0 done, 1 refused or failed, 2 bad environment). */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const io = options.io ?? { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const translator = options.translator ?? createTranslator();
  const { lang, args, langError } = languageOf(argv, env.RINDE_LANG);
  const t = (key: string, vars?: Record<string, unknown>) => translator.t(lang, `cli.${key}`, vars);
  try {
    if (langError) throw new CliError("errors.unknown_lang", { value: langError });
    await dispatch(args, { env, io, translator, lang, clock: options.clock, routerFactory: options.routerFactory });
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      for (const line of error.details) io.stderr.write(`${line}\n`);
      io.stderr.write(`rinde: ${errorLine(t, error, (key) => translator.hasKey(lang, `cli.${key}`))}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`rinde: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`rinde: ${t("errors.unexpected", { detail: unexpectedDetail(error) })}\n`);
    if (env.RINDE_DEBUG === "1" && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** `CODE: first line of the message` of an unexpected error (never the stack). */
export function unexpectedDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code ?? error.name;
  const message = error.message.split("\n")[0]!;
  return message.startsWith(code) ? message : `${code}: ${message}`;
}

/**
 * The error's text, with "¿Quiso decir …?" when it carries a suggestion. A key that is no `cli.`
 * text is printed as it is.
 */
export function errorLine(
  t: (key: string, vars?: Record<string, unknown>) => string,
  error: CliError,
  isKey: (key: string) => boolean = () => true,
): string {
  if (!isKey(error.key)) return error.key;
  const vars = { ...error.vars, what: error.vars.what ?? "" };
  const text = t(error.key, vars);
  return error.vars.suggestion ? `${text} ${t("did_you_mean", { suggestion: error.vars.suggestion })}` : text;
}

/** `--lang en` anywhere before `--`, else RINDE_LANG, else Spanish. */
function languageOf(
  argv: readonly string[],
  fromEnv: string | undefined,
): { lang: CliLang; args: string[]; langError?: string } {
  const args = [...argv];
  let value = fromEnv || "es";
  const end = args.indexOf("--");
  for (let i = 0; i < (end === -1 ? args.length : end); i++) {
    const inline = /^--lang=(.*)$/.exec(args[i]!);
    if (inline || args[i] === "--lang") {
      value = inline ? inline[1]! : (args[i + 1] ?? "");
      args.splice(i, inline ? 1 : 2);
      break;
    }
  }
  if (value === "es" || value === "en") return { lang: value, args };
  return { lang: "es", args, langError: value };
}

interface DispatchContext {
  env: Record<string, string | undefined>;
  io: CliIo;
  translator: Translator;
  lang: CliLang;
  clock: Clock | undefined;
  routerFactory: RuntimeOptions["routerFactory"];
}

async function dispatch(args: string[], ctx: DispatchContext): Promise<void> {
  const t = (key: string, vars?: Record<string, unknown>) => ctx.translator.t(ctx.lang, `cli.${key}`, vars);
  const print = (text: string) => void ctx.io.stdout.write(`${text.trimEnd()}\n`);
  const [name, ...rest] = args;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic === undefined) return print(t("help.overview"));
    if (!COMMAND_NAMES.includes(topic)) throw unknownCommand(topic);
    return print(t(`help.${topic}`));
  }
  if (!COMMAND_NAMES.includes(name)) throw unknownCommand(name);
  const loadSubcommands = COMMANDS[name];
  const [sub, ...subArgs] = rest;
  if (name === "db" && sub === "copy")
    return (await import("./commands/db-copy.ts")).runDbCopy(subArgs, { env: ctx.env, print, t });
  const ownHelp = OWN_HELP.has(`${name} ${sub}`);
  if (
    !ownHelp &&
    (rest.includes("--help") || rest.includes("-h") || (loadSubcommands && (sub === undefined || sub === "help")))
  )
    return print(t(`help.${name}`));
  const env = loadEnv(ctx.env);
  const dbPath = env.RINDE_DB === ":memory:" ? env.RINDE_DB : resolve(env.RINDE_DB);
  if (name === "db") return await runDb({ ...env, RINDE_DB: dbPath }, rest, print, t);
  let run: (cli: Cli) => Promise<void> | void;
  const subcommands = await loadSubcommands?.();
  if (subcommands) {
    const command = subcommands[sub!];
    if (!command)
      throw new CliError("errors.unknown_subcommand", {
        command: name,
        value: sub,
        suggestion: closestKey(sub!, Object.keys(subcommands)),
        list: Object.keys(subcommands).join(", "),
      });
    run = (cli) => command(cli, subArgs);
  } else run = async (cli) => await (await import("./commands/status.ts")).runStatus(cli, rest);
  const runtimeEnv = { ...env, RINDE_DB: dbPath };
  const runtime = await createRuntime({
    env: runtimeEnv,
    existingOnly: true,
    conversation: false,
    translator: ctx.translator,
    ...(ctx.clock ? { clock: ctx.clock } : {}),
    ...(ctx.routerFactory ? { routerFactory: ctx.routerFactory } : {}),
  }).catch((error: unknown) => {
    throw cliErrorOfOpen(error, runtimeEnv) ?? error;
  });
  try {
    const cli = createCli(runtime, ctx.translator, ctx.lang, ctx.io);
    await withCliAudit(runtime.app, `${name} ${sub ?? ""}`, subArgs, async () => await run(cli));
  } catch (error) {
    if (error instanceof HelpRequested) return print(t(`help.${name}`));
    throw error;
  } finally {
    await runtime.close();
  }
}

function unknownCommand(name: string): CliError {
  return new CliError("errors.unknown_command", { value: name, suggestion: closestKey(name, COMMAND_NAMES) });
}
