/**
 * The `rinde` process (bin/rinde.mjs runs its bundle dist/rinde.mjs; `npm run rinde`): runs one
 * command with the process's arguments, environment and streams (src/cli/run.ts prints any failure
 * as one line) and exits with its code. A reader that stops early (`rinde offices list | head`)
 * ends the run quietly instead of with an EPIPE stack trace.
 */
import { runCli } from "./run.ts";

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2));
