/**
 * The `rinde` executable's entry: runs src/cli/run.ts with the process's arguments, environment
 * and streams, and exits with its code.
 */
import { runCli } from "./run.ts";

process.exitCode = await runCli(process.argv.slice(2));
