/**
 * A failed Bot API call → SendResult. telegraf never retries sends, so this decides, as grammY's
 * `withRetries` does: 429 → retry after `parameters.retry_after`; 5xx and network errors → retry
 * (the dispatcher backs off); 403 (blocked, kicked, deactivated) and "chat not found" → permanent
 * and the chat is unreachable; any other 4xx → permanent. Reasons carry Telegram's description,
 * never the message text.
 */
import { TelegramError } from "telegraf";
import type { SendResult } from "../channel.ts";

const UNREACHABLE_400 =
  /chat not found|user not found|PEER_ID_INVALID|bot was kicked|not a member|have no rights to send|not enough rights to send|CHAT_WRITE_FORBIDDEN|chat_admin_required/i;

/**
 * Network errors that prove the request never reached Telegram (no connection was made): sending
 * again cannot duplicate. Any other network failure (ECONNRESET and "socket hang up" after the
 * request was written, timeouts) is ambiguous: Telegram may have delivered the message.
 */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ERR_INVALID_URL",
]);

export function classifySendError(error: unknown): SendResult {
  if (error instanceof TelegramError) return classifyTelegramError(error);
  const name = (error as { name?: string } | null)?.name ?? "";
  const code = (error as { code?: string } | null)?.code;
  // node-fetch reports connection failures as FetchError (ECONNREFUSED, ECONNRESET, timeouts…).
  if (name === "FetchError") {
    const ambiguous = !(code && NOT_SENT_CODES.has(code));
    return {
      ok: false,
      kind: "retry",
      retryAfterMs: 0,
      reason: `network error${code ? ` (${code})` : ""}${ambiguous ? ", outcome unknown" : ""}`,
      ambiguous,
    };
  }
  // A failure we cannot place may have happened after the request left: treat it as ambiguous.
  return {
    ok: false,
    kind: "retry",
    retryAfterMs: 0,
    reason: `unexpected error: ${name || typeof error}`,
    ambiguous: true,
  };
}

function classifyTelegramError(error: TelegramError): SendResult {
  const code = error.code;
  const reason = `${code} ${error.description}`.slice(0, 300);
  if (code === 429) {
    const retryAfterSeconds = error.parameters?.retry_after ?? 1;
    return { ok: false, kind: "retry", retryAfterMs: retryAfterSeconds * 1000, reason, scope: "channel" };
  }
  if (code >= 500) return { ok: false, kind: "retry", retryAfterMs: 0, reason };
  if (code === 403) return { ok: false, kind: "permanent", reason, unreachable: true };
  if (code === 400 && error.parameters?.migrate_to_chat_id !== undefined) {
    // A group became a supergroup: its id changed. Rebind the office to the new id.
    return {
      ok: false,
      kind: "permanent",
      reason: `${reason}; the group is now ${error.parameters.migrate_to_chat_id}: run 'rinde offices bind <office> --telegram-chat ${error.parameters.migrate_to_chat_id}'`,
      unreachable: true,
    };
  }
  if (code === 400 && UNREACHABLE_400.test(error.description))
    return { ok: false, kind: "permanent", reason, unreachable: true };
  // 401 (token revoked) and 404 are configuration faults: retry, so the rows survive a fixed token.
  if (code === 401 || code === 404) return { ok: false, kind: "retry", retryAfterMs: 60_000, reason };
  return { ok: false, kind: "permanent", reason, unreachable: false };
}

/** Whether an edit failed only because the message already shows that content. */
export function isNotModified(error: unknown): boolean {
  return error instanceof TelegramError && error.code === 400 && /message is not modified/i.test(error.description);
}
