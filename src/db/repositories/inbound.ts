/**
 * The inbound log: one row per channel message id, so a redelivered message is seen once. The id
 * is stored as a keyed hash (HMAC-SHA-256 with the installation's secret, kept outside the database):
 * Telegram's ids embed the chat id (the citizen's user id), which must not outlive a data deletion
 * (Ley 1581 de 2012); an unkeyed hash could be reversed by hashing guesses (issue 19). Dedup only
 * needs equality.
 */
import { createHmac } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { installationSecret, type Db } from "../client.ts";
import { inboundMessages } from "../schema.ts";

export function createInboundRepo(db: Db) {
  const insert = db
    .insert(inboundMessages)
    .values({
      channel: sql.placeholder("channel"),
      channelMessageId: sql.placeholder("id"),
      receivedAtMs: sql.placeholder("now"),
    })
    .onConflictDoNothing()
    .returning({ id: inboundMessages.id })
    .prepare();
  const secret = installationSecret(db);
  const attach = db
    .update(inboundMessages)
    .set({ citizenId: sql`${sql.placeholder("citizenId")}` })
    .where(eq(inboundMessages.id, sql.placeholder("id")))
    .prepare();
  return {
    /** The new log id, or undefined when this channel message id was already recorded. */
    record(channel: string, channelMessageId: string, nowMs: number): number | undefined {
      return insert.get({ channel, id: inboundKey(channelMessageId, secret), now: nowMs })?.id;
    },
    /** Records which citizen wrote a logged message (so an erasure can drop their rows). */
    attach(id: number, citizenId: number): void {
      attach.run({ id, citizenId });
    },
    /**
     * An erasure: the citizen's rows older than `keepFromMs` (beyond the deduplication window) are
     * deleted; the newer ones stay, to drop a late redelivery, no longer tied to the citizen.
     */
    forgetCitizen(citizenId: number, keepFromMs: number): void {
      db.delete(inboundMessages)
        .where(and(eq(inboundMessages.citizenId, citizenId), lt(inboundMessages.receivedAtMs, keepFromMs)))
        .run();
      db.update(inboundMessages).set({ citizenId: null }).where(eq(inboundMessages.citizenId, citizenId)).run();
    },
  };
}

/**
 * How long a channel may deliver a message again: Telegram keeps an unconfirmed update for 24 hours;
 * a week covers WhatsApp's offline redelivery too.
 */
export const DEDUP_WINDOW_MS = 7 * 24 * 3_600_000;

export type InboundRepo = ReturnType<typeof createInboundRepo>;

/** What the inbound log stores for a channel message id: its HMAC under the installation secret. */
export function inboundKey(channelMessageId: string, secret: Buffer): string {
  return createHmac("sha256", secret).update(channelMessageId).digest("base64url").slice(0, 32);
}
