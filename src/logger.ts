/**
 * Structured logs (pino) on stderr, so stdout stays the console chat. Info level never carries
 * personal data: ids and reasons only (DESIGN.md invariant 5).
 *
 * pino is required on first use, not imported: its dozen CommonJS files were a tenth of a `rinde`
 * command's start-up, and the CLI never logs (issue 12, point 7). src/runtime.ts builds its silent
 * logger only when something asks for it.
 */
import { createRequire } from "node:module";
import type { default as Pino, Logger } from "pino";

const requirePino = (): typeof Pino => createRequire(import.meta.url)("pino") as typeof Pino;

export function createLogger(level: string): Logger {
  const pino = requirePino();
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that writes nothing. */
export function createSilentLogger(): Logger {
  return requirePino()({ level: "silent" });
}

/** One shared silent logger (tests, fakes). Bundles that never use it drop it (and so never load pino). */
export const silentLogger: Logger = /* @__PURE__ */ createSilentLogger();
