/**
 * Structured logs (pino) on stderr, so stdout stays the console chat. Info level never carries
 * personal data: ids and reasons only (DESIGN.md invariant 5).
 */
import pino, { type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: false }));
}

export const silentLogger: Logger = pino({ level: "silent" });
