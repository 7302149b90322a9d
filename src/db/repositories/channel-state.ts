/**
 * Each chat channel's connection state as its adapter last reported it. The bot writes it; `rinde
 * status` (another process) reads it.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { channelState } from "../schema.ts";

export type ChannelStateRow = typeof channelState.$inferSelect;

export function createChannelStateRepo(db: Db) {
  return {
    set(channel: string, state: string, detail: string | null, nowMs: number): void {
      const values = { state, detail, updatedAtMs: nowMs };
      db.insert(channelState)
        .values({ channel, ...values })
        .onConflictDoUpdate({ target: channelState.channel, set: values })
        .run();
    },
    get(channel: string): ChannelStateRow | undefined {
      return db.select().from(channelState).where(eq(channelState.channel, channel)).get();
    },
    list(): ChannelStateRow[] {
      return db.select().from(channelState).orderBy(channelState.channel).all();
    },
  };
}

export type ChannelStateRepo = ReturnType<typeof createChannelStateRepo>;
