/**
 * Runs `rinde` in-process (src/cli/run.ts) with captured stdout and stderr, an injected environment
 * and optionally a clock: the same code path as the executable, without ~3 s of process start-up
 * per command. `status` is the exit code, as with spawnSync.
 */
import type { Clock } from "../../src/core/clock.ts";
import { createTranslator, type Translator } from "../../src/i18n/index.ts";
import { runStatus } from "../../src/cli/commands/status.ts";
import { createCli, type CliLang } from "../../src/cli/context.ts";
import { CliError } from "../../src/cli/output.ts";
import { COMMANDS, errorLine, runCli } from "../../src/cli/run.ts";
import type { Runtime } from "../../src/runtime.ts";

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

let translator: Translator | undefined;

export async function runRinde(args: readonly string[], env: Record<string, string | undefined>, options: { clock?: Clock; stdinTTY?: boolean } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  translator ??= createTranslator();
  const status = await runCli(args, {
    env,
    clock: options.clock,
    translator,
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  });
  return { status, stdout, stderr };
}

/**
 * Runs one synchronous command on an existing runtime (a harness's), as `rinde <args>` would:
 * output captured, a refusal returned as its one line in `error` instead of thrown.
 */
export function runOn(runtime: Runtime, args: readonly string[], lang: CliLang = "es"): CliRun & { error?: string } {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
  const cli = createCli(runtime, runtime.app.translator, lang, io);
  const [name, sub, ...rest] = args;
  try {
    const result = name === "status" ? runStatus(cli, [sub, ...rest].filter((a): a is string => a !== undefined)) : COMMANDS[name!]![sub!]!(cli, rest);
    if (result instanceof Promise) throw new Error("runOn runs synchronous commands only; use runRinde");
    return { status: 0, stdout, stderr };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    for (const line of error.details) stderr += `${line}\n`;
    const text = errorLine((key, vars) => runtime.app.translator.t(lang, `cli.${key}`, vars), error);
    stderr += `rinde: ${text}\n`;
    return { status: 1, stdout, stderr, error: text };
  }
}
