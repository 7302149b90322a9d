/**
 * `rinde` — the command line of officials, heads, communications and internal control. The runner
 * lives in src/cli/run.ts (`runCli(argv, {env, io, clock, translator})`); the process entry that
 * esbuild bundles into dist/rinde.mjs is src/cli/entry.ts. Re-exported here for importers of the
 * former entry.
 */
export { COMMANDS, errorLine, runCli, type RunOptions } from "./run.ts";
