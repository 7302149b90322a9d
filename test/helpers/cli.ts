/**
 * The `rinde` CLI run in-process: the same entry (`runCli`) and the same error-to-exit-code mapping
 * as the `rinde` process, without paying ~1–2 s of Node start-up and module loading per command.
 * Use a real process (test/integration/cli-process.test.ts) only where the process boundary itself
 * is under test: exit codes seen by a shell, two processes on one database, signals.
 */
import { describeCliError, runCli } from "../../src/cli/index.ts";
import { loadEnv } from "../../src/config/env.ts";
import type { Clock } from "../../src/core/clock.ts";
import { sharedRouterFactory } from "./shared-router.ts";

export interface CliResult {
  stdout: string;
  stderr: string;
  /** 0 on success; the code the `rinde` process would exit with otherwise. */
  status: number;
}

export interface InProcessCliOptions {
  /** Environment of the command (RINDE_DB, RINDE_PROFILE, ...); process.env is not read. */
  env: Record<string, string>;
  clock?: Clock;
}

/**
 * Runs `rinde <args…>` and captures what it prints. Commands run one at a time per test process
 * (stdout is swapped while a command runs), which is how vitest runs the tests of one file.
 */
export async function runCliInProcess(args: readonly string[], options: InProcessCliOptions): Promise<CliResult> {
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
  // As under a test runner's pipes: no terminal, so nothing prompts or redraws.
  const tty = { stdin: Object.getOwnPropertyDescriptor(process.stdin, "isTTY"), stdout: Object.getOwnPropertyDescriptor(process.stdout, "isTTY") };
  Object.defineProperty(process.stdin, "isTTY", { value: false, configurable: true });
  Object.defineProperty(process.stdout, "isTTY", { value: false, configurable: true });
  let status = 0;
  try {
    await runCli([...args], { env: loadEnv(options.env), clock: options.clock, routerFactory: sharedRouterFactory });
  } catch (error) {
    const described = describeCliError(error);
    out.stderr += described.message;
    status = described.exitCode;
  } finally {
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
    for (const [name, descriptor] of Object.entries(tty)) {
      const stream = name === "stdin" ? process.stdin : process.stdout;
      if (descriptor) Object.defineProperty(stream, "isTTY", descriptor);
      else delete (stream as { isTTY?: boolean }).isTTY;
    }
  }
  return { ...out, status };
}

/** A `cli(...args)` bound to one database and clock, like the helpers the process tests had. */
export function bindCli(options: InProcessCliOptions): (...args: string[]) => Promise<CliResult> {
  return (...args) => runCliInProcess(args, options);
}
