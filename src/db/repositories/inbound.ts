/** The inbound log: one row per channel message id, so a redelivered message is seen once. */
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
      return insert.get({ channel, id: channelMessageId, now: nowMs })?.id;
    },
  };
}

export type InboundRepo = ReturnType<typeof createInboundRepo>;
