/**
 * The `rinde` process (bin/rinde.mjs runs its bundle dist/rinde.mjs; `npm run rinde`): runs one
 * command with the process's arguments, environment and streams (src/cli/run.ts prints any failure
 * as one line) and exits with its code.
 */
import { runCli } from "./run.ts";

process.exitCode = await runCli(process.argv.slice(2));
