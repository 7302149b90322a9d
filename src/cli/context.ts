/**
 * What every command receives: the runtime (database, services), the operator's language, the
 * output streams, and the formatters for local dates and times. Built by src/cli/run.ts; tests
 * build it in-process with captured streams and an injected environment and clock.
 */
import { createInterface } from "node:readline/promises";
import { formatDateTime, formatIsoOffset, formatShortDate } from "../core/local-time.ts";
import type { Translator } from "../i18n/index.ts";
import type { Runtime } from "../runtime.ts";
import { CliError, table } from "./output.ts";

/** The streams a run writes to and reads confirmations from. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export type CliLang = "es" | "en";

/** One `rinde <command> <subcommand>`: runs with the remaining arguments. */
export type Subcommand = (cli: Cli, args: string[]) => Promise<void> | void;

export interface Cli {
  readonly runtime: Runtime;
  readonly lang: CliLang;
  readonly io: CliIo;
  /** Text of `cli.<key>` in the operator's language. */
  t(key: string, vars?: Record<string, unknown>): string;
  /** Text of any locale key (outside `cli.`), e.g. `staff.roles.head`. */
  tr(key: string, vars?: Record<string, unknown>): string;
  /** Whether a full locale key exists in the operator's language. */
  has(key: string): boolean;
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a line to stderr. */
  err(line: string): void;
  /** An instant in the profile's zone: `mié 10 dic 2026 14:00`. */
  when(ms: number): string;
  /** An instant as ISO 8601 with the zone's offset, for `--json`: `2026-12-10T14:00:00-05:00`. */
  iso(ms: number): string;
  isoOrNull(ms: number | null | undefined): string | null;
  /** A civil date: `mié 10 dic 2026`. */
  day(date: string): string;
  /** Rows as a table; headers from `cli.columns.<column>`. */
  table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string;
  json(value: unknown): void;
  /** Asks a yes/no question on a terminal; refuses (one line) when stdin is not a terminal. */
  confirm(question: string): Promise<boolean>;
}

export function createCli(runtime: Runtime, translator: Translator, lang: CliLang, io: CliIo): Cli {
  const zone = runtime.app.profile.timezone;
  const t = (key: string, vars?: Record<string, unknown>) => translator.t(lang, `cli.${key}`, vars);
  const cli: Cli = {
    runtime,
    lang,
    io,
    t,
    tr: (key, vars) => translator.t(lang, key, vars),
    has: (key) => translator.hasKey(lang, key),
    out: (line) => void io.stdout.write(`${line}\n`),
    err: (line) => void io.stderr.write(`${line}\n`),
    when: (ms) => formatDateTime(ms, zone, lang),
    iso: (ms) => formatIsoOffset(ms, zone),
    isoOrNull: (ms) => (ms === null || ms === undefined ? null : formatIsoOffset(ms, zone)),
    day: (date) => formatShortDate(date, lang),
    table: (rows, columns) =>
      table(
        rows,
        columns,
        columns.map((c) => t(`columns.${c}`)),
        t("none"),
      ),
    json: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    async confirm(question) {
      const stdin = io.stdin;
      if (!stdin?.isTTY) throw new CliError("errors.not_a_terminal");
      const rl = createInterface({ input: stdin, output: io.stdout as NodeJS.WritableStream });
      try {
        const answer = (await rl.question(question)).trim();
        return translator
          .wordsInAllLocales("cli.yes_words")
          .some((w) => w.localeCompare(answer, "es", { sensitivity: "base" }) === 0);
      } finally {
        rl.close();
      }
    },
  };
  return cli;
}
