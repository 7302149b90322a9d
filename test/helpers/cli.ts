/**
 * Runs `rinde` in-process (src/cli/run.ts) with captured stdout and stderr, an injected environment
 * and optionally a clock: the same code path as the executable, without ~3 s of process start-up
 * per command. `status` is the exit code, as with spawnSync.
 */
import type { Clock } from "../../src/core/clock.ts";
import { createTranslator, type Translator } from "../../src/i18n/index.ts";
import { runCli } from "../../src/cli/run.ts";

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
