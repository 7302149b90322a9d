/**
 * The inbound log: one row per channel message id, so a redelivered message is seen once. The id
 * is stored hashed: Telegram's ids embed the chat id (the citizen's user id), which must not outlive
 * a data deletion (Ley 1581 de 2012), and dedup only needs equality.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { inboundMessages } from "../schema.ts";

export function createInboundRepo(db: Db) {
  const insert = db
    .insert(inboundMessages)
    .values({ channel: sql.placeholder("channel"), channelMessageId: sql.placeholder("id"), receivedAtMs: sql.placeholder("now") })
    .onConflictDoNothing()
    .returning({ id: inboundMessages.id })
    .prepare();
  return {
    /** The new log id, or undefined when this channel message id was already recorded. */
    record(channel: string, channelMessageId: string, nowMs: number): number | undefined {
      return insert.get({ channel, id: inboundKey(channelMessageId), now: nowMs })?.id;
    },
  };
}

export type InboundRepo = ReturnType<typeof createInboundRepo>;

/** What the inbound log stores for a channel message id. */
export function inboundKey(channelMessageId: string): string {
  return createHash("sha256").update(channelMessageId).digest("base64url").slice(0, 32);
}
