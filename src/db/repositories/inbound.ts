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
import { channelIdentities, inboundMessages } from "../schema.ts";

/** A new row of the inbound log: its id and the citizen it was tied to when recorded (if known then). */
export interface RecordedInbound {
  id: number;
  citizenId: number | null;
}

export function createInboundRepo(db: Db) {
  const insert = db
    .insert(inboundMessages)
    .values({
      channel: sql.placeholder("channel"),
      channelMessageId: sql.placeholder("id"),
      receivedAtMs: sql.placeholder("now"),
      citizenId: citizenOfSender,
    })
    .onConflictDoNothing()
    .returning({ id: inboundMessages.id, citizenId: inboundMessages.citizenId })
    .prepare();
  const secret = installationSecret(db);
  const attach = db
    .update(inboundMessages)
    .set({ citizenId: sql`${sql.placeholder("citizenId")}` })
    .where(eq(inboundMessages.id, sql.placeholder("id")))
    .prepare();
  return {
    /**
     * Logs a channel message; undefined when this channel message id was already recorded. The row
     * is tied at once to the citizen the sender's address belongs to, if any (in the same statement:
     * no second write per message); a first message from a new citizen is tied with `attach`.
     */
    record(channel: string, channelMessageId: string, nowMs: number, address?: string): RecordedInbound | undefined {
      return insert.get({ channel, id: inboundKey(channelMessageId, secret), now: nowMs, address: address ?? null });
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

/** The citizen whose chat (channel + address) a message comes from, as a column value of the insert. */
const citizenOfSender = sql`(select ${channelIdentities.citizenId} from ${channelIdentities} where ${channelIdentities.channel} = ${sql.placeholder("channel")} and ${channelIdentities.address} = ${sql.placeholder("address")})`;

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
