/**
 * Each chat channel's connection state as the process running it last reported it. The bot writes
 * it; `rinde status` and the back-office (other processes, maybe on other machines sharing
 * PostgreSQL) read it.
 */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { channelState } from "../schema.ts";

export type ChannelStateRow = typeof channelState.$inferSelect;

/**
 * One report. `state` and `detail` are always written; every other field is written when present
 * (null clears it) and kept when left out.
 */
export type ChannelStateReport = Pick<ChannelStateRow, "state" | "detail"> &
  Partial<
    Pick<
      ChannelStateRow,
      | "account"
      | "lastError"
      | "lastErrorAtMs"
      | "pairingQr"
      | "pairingCode"
      | "pairingExpiresAtMs"
      | "unlinkRequestedAtMs"
    >
  >;

/**
 * The upsert's `set`: `since_ms` moves only when the state changes. `excluded` is the row the
 * insert proposed (SQLite and PostgreSQL both name it so).
 */
export function channelStateUpdate(report: ChannelStateReport, nowMs: number) {
  return {
    ...report,
    updatedAtMs: nowMs,
    sinceMs: sql`case when ${channelState.state} = excluded.state then coalesce(${channelState.sinceMs}, excluded.since_ms) else excluded.since_ms end`,
  };
}

export function createChannelStateRepo(db: Db) {
  return {
    set(channel: string, report: ChannelStateReport, nowMs: number): void {
      db.insert(channelState)
        .values({ channel, ...report, updatedAtMs: nowMs, sinceMs: nowMs })
        .onConflictDoUpdate({ target: channelState.channel, set: channelStateUpdate(report, nowMs) })
        .run();
    },
    get(channel: string): ChannelStateRow | undefined {
      return db.select().from(channelState).where(eq(channelState.channel, channel)).get();
    },
    list(): ChannelStateRow[] {
      return db.select().from(channelState).orderBy(channelState.channel).all();
    },
    /**
     * Records an administrator's request to unlink the channel's account, only while the channel
     * reports `open` (a request already pending keeps its time). False when it is not open.
     */
    requestUnlink(channel: string, nowMs: number): boolean {
      const row = db
        .update(channelState)
        .set({ unlinkRequestedAtMs: sql`coalesce(${channelState.unlinkRequestedAtMs}, ${nowMs})` })
        .where(and(eq(channelState.channel, channel), eq(channelState.state, "open")))
        .returning({ channel: channelState.channel })
        .get();
      return row !== undefined;
    },
    /** Takes a pending unlink request: true for exactly one caller per request, across processes. */
    takeUnlinkRequest(channel: string): boolean {
      const row = db
        .update(channelState)
        .set({ unlinkRequestedAtMs: null })
        .where(and(eq(channelState.channel, channel), isNotNull(channelState.unlinkRequestedAtMs)))
        .returning({ channel: channelState.channel })
        .get();
      return row !== undefined;
    },
  };
}

export type ChannelStateRepo = ReturnType<typeof createChannelStateRepo>;
