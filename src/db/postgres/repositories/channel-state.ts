/**
 * Each chat channel's connection state on PostgreSQL: the port of
 * src/db/repositories/channel-state.ts (the specification). The bot writes it; `rinde status` and
 * the back-office (other processes) read it.
 */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import { channelStateUpdate } from "../../repositories/channel-state.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { channelState } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgChannelStateRepo(q: () => PgDb): Port<SyncRepos["channelState"]> {
  return {
    async set(channel, report, nowMs) {
      await q()
        .insert(channelState)
        .values({ channel, ...report, updatedAtMs: nowMs, sinceMs: nowMs })
        .onConflictDoUpdate({ target: channelState.channel, set: channelStateUpdate(report, nowMs) });
    },

    async get(channel) {
      return (await q().select().from(channelState).where(eq(channelState.channel, channel)).limit(1))[0];
    },

    async list() {
      // Byte order, as SQLite's BINARY collation sorts.
      return q()
        .select()
        .from(channelState)
        .orderBy(sql`${channelState.channel} collate "C"`);
    },

    async requestUnlink(channel, nowMs) {
      const rows = await q()
        .update(channelState)
        .set({ unlinkRequestedAtMs: sql`coalesce(${channelState.unlinkRequestedAtMs}, ${nowMs}::bigint)` })
        .where(and(eq(channelState.channel, channel), eq(channelState.state, "open")))
        .returning({ channel: channelState.channel });
      return rows.length > 0;
    },

    async takeUnlinkRequest(channel) {
      // One statement: of two processes racing, the row lock lets one clear it and the other match nothing.
      const rows = await q()
        .update(channelState)
        .set({ unlinkRequestedAtMs: null })
        .where(and(eq(channelState.channel, channel), isNotNull(channelState.unlinkRequestedAtMs)))
        .returning({ channel: channelState.channel });
      return rows.length > 0;
    },
  };
}
