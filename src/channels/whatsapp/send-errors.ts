/**
 * Classifies a failed WhatsApp send for the dispatcher, which owns the retries. Baileys throws
 * `@hapi/boom` errors whose `output.statusCode` mostly reuses its `DisconnectReason` codes
 * (Types/index.ts); they are read by shape, so no Boom import is needed.
 */
import { DisconnectReason } from "@whiskeysockets/baileys";
import type { SendResult } from "../channel.ts";

type Failure = Exclude<SendResult, { ok: true }>;

/** The connection dropped or is reconnecting: try again soon (the dispatcher's backoff still applies). */
export const RETRY_DISCONNECTED_MS = 5_000;
/** The session is logged out until someone pairs again: no point trying every few seconds. */
export const RETRY_LOGGED_OUT_MS = 60_000;

const RETRY_CODES = new Set<number>([
  DisconnectReason.connectionClosed,
  DisconnectReason.connectionLost,
  DisconnectReason.connectionReplaced,
  DisconnectReason.timedOut,
  DisconnectReason.badSession,
  DisconnectReason.restartRequired,
  DisconnectReason.unavailableService,
  DisconnectReason.multideviceMismatch,
  429,
]);

function statusCodeOf(error: unknown): number | undefined {
  const e = error as { output?: { statusCode?: unknown }; statusCode?: unknown } | null;
  const code = e?.output?.statusCode ?? e?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** A short reason for the outbox row: the code and Baileys' message, which carry no personal data. */
function reasonOf(error: unknown, code: number | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return `whatsapp${code ? ` ${code}` : ""}: ${message.slice(0, 120)}`;
}

/** Thrown-error → retry, or permanent (with `unreachable` when the recipient cannot get messages). */
export function classifySendError(error: unknown): Failure {
  const code = statusCodeOf(error);
  const reason = reasonOf(error, code);
  const text = reason.toLowerCase();
  if (code === 404 || /not[ -]?on[ -]?whatsapp|not[ -]registered|item-not-found/.test(text)) {
    return { ok: false, kind: "permanent", reason, unreachable: true };
  }
  // Blocked by the person, or removed from the office group.
  if (code === DisconnectReason.forbidden || /not-authorized|forbidden/.test(text)) {
    return { ok: false, kind: "permanent", reason, unreachable: true };
  }
  if (code === DisconnectReason.loggedOut || /not authenticated/.test(text)) {
    return { ok: false, kind: "retry", retryAfterMs: RETRY_LOGGED_OUT_MS, reason };
  }
  if ((code !== undefined && RETRY_CODES.has(code)) || /connection (closed|lost)|timed out|econn|socket/.test(text)) {
    return { ok: false, kind: "retry", retryAfterMs: RETRY_DISCONNECTED_MS, reason };
  }
  if (code === 400 || code === 413 || /bad-request|too large/.test(text)) {
    return { ok: false, kind: "permanent", reason, unreachable: false };
  }
  // Unknown: retry; the dispatcher turns it permanent after its maximum attempts.
  return { ok: false, kind: "retry", retryAfterMs: 0, reason };
}
