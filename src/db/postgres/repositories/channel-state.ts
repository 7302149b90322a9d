/**
 * Each chat channel's connection state on PostgreSQL: the port of
 * src/db/repositories/channel-state.ts (the specification). The bot writes it; `rinde status`
 * (another process) reads it.
 */
import { eq, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { channelState } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgChannelStateRepo(q: () => PgDb): Port<SyncRepos["channelState"]> {
  return {
    async set(channel, state, detail, nowMs) {
      const values = { state, detail, updatedAtMs: nowMs };
      await q()
        .insert(channelState)
        .values({ channel, ...values })
        .onConflictDoUpdate({ target: channelState.channel, set: values });
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
  };
}
