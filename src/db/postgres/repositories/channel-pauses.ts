/**
 * Channel-wide pauses on PostgreSQL: the port of src/db/repositories/channel-pauses.ts (the
 * specification). Several processes may be told to pause at once; the upsert keeps the later
 * instant whichever commits first.
 */
import { and, gt, inArray, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { channelPauses } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgChannelPausesRepo(q: () => PgDb): Port<SyncRepos["channelPauses"]> {
  return {
    async pauseUntil(channel, untilMs, reason, nowMs) {
      await q()
        .insert(channelPauses)
        .values({ channel, pausedUntilMs: untilMs, reason, updatedAtMs: nowMs })
        .onConflictDoUpdate({
          target: channelPauses.channel,
          set: { pausedUntilMs: untilMs, reason, updatedAtMs: nowMs },
          setWhere: sql`${channelPauses.pausedUntilMs} < ${untilMs}`,
        });
    },

    async active(channels, nowMs) {
      if (channels.length === 0) return [];
      return (
        q()
          .select()
          .from(channelPauses)
          .where(and(inArray(channelPauses.channel, [...channels]), gt(channelPauses.pausedUntilMs, nowMs)))
          // Byte order, as SQLite's BINARY collation sorts.
          .orderBy(sql`${channelPauses.channel} collate "C"`)
      );
    },
  };
}
