/**
 * What a WhatsApp Cloud status webhook changes (issue 17). The state (sent, delivered, read,
 * failed with Meta's code) goes on the outbox row for the question's timeline. And since Meta
 * often accepts a message and only later reports it failed (its "Error codes" page: errors arrive
 * synchronously, by webhook, or both), a late failure does what the same refusal at send time
 * does (send-errors.ts): 131047, the 24-hour window had closed, sends the same row again as its
 * template; 131026, the number cannot receive, marks the chat unreachable.
 */
import type { Store } from "../db/port.ts";
import type { DeliveryStatusUpdate } from "../channels/whatsapp-cloud/normalize.ts";

/** Meta's codes for a closed window and an undeliverable number (send-errors.ts). */
const WINDOW_CLOSED = "131047";
const UNDELIVERABLE = "131026";

export type StatusOutcome = "unknown_message" | "recorded" | "resent_as_template" | "unreachable";

/** Records `update` for the row sent as that wamid, in one transaction. */
export async function recordWhatsAppStatus(
  store: Store,
  channel: string,
  update: DeliveryStatusUpdate,
  nowMs: number,
): Promise<StatusOutcome> {
  return await store.withTransaction(async (repos) => {
    const { channelMessageId, status, errorCode } = update;
    const found = await repos.outbox.recordDeliveryStatus(channel, channelMessageId, {
      status,
      atMs: update.atMs || nowMs,
      ...(errorCode ? { errorCode } : {}),
    });
    if (!found) return "unknown_message";
    if (status !== "failed") return "recorded";
    // Only a failure needs the whole row (sent, delivered and read, the bulk of the traffic, do not).
    const row = (await repos.outbox.findByChannelMessage(channel, channelMessageId))!;
    if (errorCode === WINDOW_CLOSED && row.template === null) {
      // Meta's clock says the window had closed when it went: so our record of their last message is
      // stale; forget it, so this row and the ones after it go as templates until they write again.
      await repos.channelWindows.closeAt(channel, row.address, row.sentAtMs ?? nowMs);
      const reason = "whatsapp 131047 reported after sending: sent again as its template";
      return (await repos.outbox.requeueSent(row.id, reason, nowMs)) ? "resent_as_template" : "recorded";
    }
    if (errorCode === UNDELIVERABLE) {
      const reason = "whatsapp 131026 Message undeliverable (reported after sending)";
      if (!(await repos.outbox.markSentUnreachable(row.id, reason))) return "recorded";
      await repos.citizens.markUnreachable(channel, row.address, nowMs);
      await repos.outbox.settleUnreachableChat(channel, row.address, "chat unreachable: not attempted", nowMs);
      return "unreachable";
    }
    return "recorded";
  });
}
