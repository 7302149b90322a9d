/**
 * The `rinde` CLI run in-process (src/cli/run.ts): the same runner and the same exit codes as the
 * `rinde` process, with captured stdout and stderr, an injected environment (process.env is not
 * read) and optionally a clock, without paying ~1–2 s of Node start-up and module loading per
 * command. `status` is the exit code, as with spawnSync. Use a real process only where the process
 * boundary itself is under test: exit codes seen by a shell, two processes on one database, signals.
 */
import type { Clock } from "../../src/core/clock.ts";
import { createTranslator, type Translator } from "../../src/i18n/index.ts";
import { runStatus } from "../../src/cli/commands/status.ts";
import { createCli, type CliLang } from "../../src/cli/context.ts";
import { CliError } from "../../src/cli/output.ts";
import { COMMANDS, errorLine, runCli } from "../../src/cli/run.ts";
import type { Runtime } from "../../src/runtime.ts";
import { sharedRouterFactory } from "./shared-router.ts";

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}
/** The name main's tests use for a run's result. */
export type CliResult = CliRun;

export interface InProcessCliOptions {
  /** Environment of the command (RINDE_DB, RINDE_PROFILE, RINDE_LANG, ...); process.env is not read. */
  env: Record<string, string | undefined>;
  clock?: Clock;
  /** Whether stdin is a terminal (confirmations); false by default, as under a test runner's pipes. */
  stdinTTY?: boolean;
}

let translator: Translator | undefined;

/**
 * Runs `rinde <args…>` and captures what it prints. Commands that still write to process.stdout
 * (open data) are captured too: process.stdout/stderr are swapped
 * while a command runs, so commands run one at a time per test process (as vitest runs one file).
 */
export async function runCliInProcess(args: readonly string[], options: InProcessCliOptions): Promise<CliRun> {
  const out = { stdout: "", stderr: "" };
  const original = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (key: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      out[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture("stdout");
  process.stderr.write = capture("stderr");
  const tty = {
    stdin: Object.getOwnPropertyDescriptor(process.stdin, "isTTY"),
    stdout: Object.getOwnPropertyDescriptor(process.stdout, "isTTY"),
  };
  Object.defineProperty(process.stdin, "isTTY", { value: Boolean(options.stdinTTY), configurable: true });
  Object.defineProperty(process.stdout, "isTTY", { value: false, configurable: true });
  translator ??= createTranslator();
  try {
    const status = await runCli(args, {
      env: options.env,
      clock: options.clock,
      translator,
      routerFactory: sharedRouterFactory,
      io: {
        stdout: { write: (text: string) => (out.stdout += text) },
        stderr: { write: (text: string) => (out.stderr += text) },
      },
    });
    return { ...out, status };
  } finally {
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
    for (const [name, descriptor] of Object.entries(tty)) {
      const stream = name === "stdin" ? process.stdin : process.stdout;
      if (descriptor) Object.defineProperty(stream, "isTTY", descriptor);
      else delete (stream as { isTTY?: boolean }).isTTY;
    }
  }
}

/** `rinde <args…>` on an environment (the CLI tests' spelling of runCliInProcess). */
export function runRinde(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: { clock?: Clock; stdinTTY?: boolean } = {},
): Promise<CliRun> {
  return runCliInProcess(args, { env, ...options });
}

/** A `cli(...args)` bound to one database and clock, like the helpers the process tests had. */
export function bindCli(options: InProcessCliOptions): (...args: string[]) => Promise<CliRun> {
  return (...args) => runCliInProcess(args, options);
}

/**
 * Runs one command on an existing runtime (a harness's), as `rinde <args>` would:
 * output captured, a refusal returned as its one line in `error` instead of thrown.
 */
export async function runOn(
  runtime: Runtime,
  args: readonly string[],
  lang: CliLang = "es",
): Promise<CliRun & { error?: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const cli = createCli(runtime, runtime.app.translator, lang, io);
  const [name, sub, ...rest] = args;
  try {
    if (name === "status")
      await runStatus(
        cli,
        [sub, ...rest].filter((a): a is string => a !== undefined),
      );
    else await (await COMMANDS[name!]!())[sub!]!(cli, rest);
    return { status: 0, stdout, stderr };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    for (const line of error.details) stderr += `${line}\n`;
    const text = errorLine(
      (key, vars) => runtime.app.translator.t(lang, `cli.${key}`, vars),
      error,
      (key) => runtime.app.translator.hasKey(lang, `cli.${key}`),
    );
    stderr += `rinde: ${text}\n`;
    return { status: 1, stdout, stderr, error: text };
  }
}
