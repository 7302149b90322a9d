/**
 * A failed Graph API call → SendResult, from Meta's error codes ("Cloud API error codes"):
 * throughput (130429) pauses the whole number, pair rate (131056) the one chat, neither counts as
 * a failed attempt; 5xx and temporary errors retry with backoff; 131047 (more than 24 hours since
 * the person wrote) is permanent with code `window_closed`, so the delivery policy sends the
 * template; undeliverable numbers are unreachable; an expired or revoked token (190, HTTP 401) and
 * faults of the whole account (isAccountFault) are reported by the channel, which pauses sending. Reasons carry Meta's code and title, never text.
 */
import type { SendResult } from "../channel.ts";

export interface GraphError {
  httpStatus: number;
  code?: number;
  subcode?: number;
  title?: string;
}

/** A chat that cannot receive: not on WhatsApp, or the number is invalid. */
const UNREACHABLE_CODES = new Set([131026, 131021, 1013]);
const TEMPORARY_CODES = new Set([1, 2, 131000, 131016, 133004, 131057]);
/** Limits of the whole business account (API calls, spam rate): wait and try the channel again. */
const ACCOUNT_LIMIT_CODES = new Set([4, 80007, 131048, 130472]);

export const PAIR_RATE_RETRY_MS = 6_000;
export const THROUGHPUT_RETRY_MS = 1_000;
export const ACCOUNT_LIMIT_RETRY_MS = 5 * 60_000;

export function isTokenError(error: GraphError): boolean {
  return error.httpStatus === 401 || error.code === 190;
}

/**
 * Faults of the whole WhatsApp account, not of one message: blocked for policy violations (368),
 * locked (131031), a payment problem (131042), a display name not yet approved (131037), the
 * number not registered on the Cloud API (133010), permissions missing (10, 200–299). Every send
 * would fail the same way until someone fixes it at Meta, so the channel pauses (like an expired
 * token) instead of failing each message (Meta, "Error codes").
 */
export function isAccountFault(error: GraphError): boolean {
  const { code } = error;
  return code !== undefined && (ACCOUNT_FAULT_CODES.has(code) || (code >= 200 && code <= 299));
}
const ACCOUNT_FAULT_CODES = new Set([368, 131031, 131042, 131037, 133010, 10]);

export function classifyGraphError(error: GraphError): Exclude<SendResult, { ok: true }> {
  const { code } = error;
  const reason = `whatsapp ${code ?? `http ${error.httpStatus}`}${error.title ? ` ${error.title}` : ""}`.slice(0, 300);
  if (code === 130429) return { ok: false, kind: "retry", retryAfterMs: THROUGHPUT_RETRY_MS, reason, scope: "channel" };
  if (code === 131056) return { ok: false, kind: "retry", retryAfterMs: PAIR_RATE_RETRY_MS, reason, scope: "chat" };
  if (code !== undefined && ACCOUNT_LIMIT_CODES.has(code))
    return { ok: false, kind: "retry", retryAfterMs: ACCOUNT_LIMIT_RETRY_MS, reason, scope: "channel" };
  if (code === 131047) return { ok: false, kind: "permanent", reason, unreachable: false, code: "window_closed" };
  if (code !== undefined && UNREACHABLE_CODES.has(code))
    return { ok: false, kind: "permanent", reason, unreachable: true };
  if (error.httpStatus >= 500 || error.httpStatus === 429 || (code !== undefined && TEMPORARY_CODES.has(code)))
    return { ok: false, kind: "retry", retryAfterMs: 0, reason };
  return { ok: false, kind: "permanent", reason, unreachable: false };
}

/** Reads Meta's `{ error: { code, error_subcode, message, error_data } }`. */
export function graphErrorOf(httpStatus: number, body: unknown): GraphError {
  const error = (
    body as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown; title?: unknown } } | null
  )?.error;
  return {
    httpStatus,
    ...(typeof error?.code === "number" ? { code: error.code } : {}),
    ...(typeof error?.error_subcode === "number" ? { subcode: error.error_subcode } : {}),
    ...(typeof error?.title === "string"
      ? { title: error.title }
      : typeof error?.message === "string"
        ? { title: error.message }
        : {}),
  };
}

/** The account faults whose channel status detail is "<what> (<Meta's code>); sending paused". */
export const ACCOUNT_FAULT_STATES: readonly string[] = ["token_expired", "account_blocked"];

/**
 * Meta's code in a fault's stored status detail (written by cloud-channel.ts), so staff screens can
 * say it in their own language instead of showing the adapter's English; "?" when there is none.
 */
export function faultCodeOf(detail: string | null | undefined): string {
  return /\((\w+)\); sending paused/.exec(detail ?? "")?.[1] ?? "?";
}
