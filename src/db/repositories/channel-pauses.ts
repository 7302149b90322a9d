/**
 * Channel-wide pauses (the `channel_pauses` table): a channel's flood control told one process to
 * stop sending until an instant (Telegram's 429 `retry_after`), and every process sharing the
 * database must respect it (issue 13). The dispatcher writes a pause when it is told and reads the
 * table every few hundred milliseconds.
 */
import { gt, inArray, and, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { channelPauses } from "../schema.ts";

export type ChannelPauseRow = typeof channelPauses.$inferSelect;

export function createChannelPausesRepo(db: Db) {
  return {
    /**
     * Pauses `channel` until `untilMs` (epoch ms). A pause already running longer is kept: the
     * instant only moves forward, whichever process writes first.
     */
    pauseUntil(channel: string, untilMs: number, reason: string | null, nowMs: number): void {
      db.insert(channelPauses)
        .values({ channel, pausedUntilMs: untilMs, reason, updatedAtMs: nowMs })
        .onConflictDoUpdate({
          target: channelPauses.channel,
          set: { pausedUntilMs: untilMs, reason, updatedAtMs: nowMs },
          setWhere: sql`${channelPauses.pausedUntilMs} < ${untilMs}`,
        })
        .run();
    },
    /** The pauses of `channels` still running at `nowMs`, by channel. */
    active(channels: readonly string[], nowMs: number): ChannelPauseRow[] {
      if (channels.length === 0) return [];
      return db
        .select()
        .from(channelPauses)
        .where(and(inArray(channelPauses.channel, [...channels]), gt(channelPauses.pausedUntilMs, nowMs)))
        .orderBy(channelPauses.channel)
        .all();
    },
  };
}

export type ChannelPausesRepo = ReturnType<typeof createChannelPausesRepo>;
