/**
 * When each chat last wrote to us, on PostgreSQL: the port of src/db/repositories/channel-windows.ts
 * (the specification). Addresses are stored as the same keyed hashes as on SQLite (`inboundKey`
 * under the installation secret, which the caller passes), so a copied table keeps its windows.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import { inboundKey } from "../../repositories/inbound.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { channelWindows } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgChannelWindowsRepo(
  q: () => PgDb,
  options: { secret: Buffer },
): Port<SyncRepos["channelWindows"]> {
  const keyOf = (address: string) => inboundKey(address, options.secret);
  const ofAddress = (channel: string, address: string) =>
    and(eq(channelWindows.channel, channel), eq(channelWindows.addressKey, keyOf(address)));
  return {
    async touch(channel, address, atMs) {
      await q()
        .insert(channelWindows)
        .values({ channel, addressKey: keyOf(address), lastInboundAtMs: atMs })
        .onConflictDoUpdate({
          target: [channelWindows.channel, channelWindows.addressKey],
          // An older time never replaces a newer one (webhooks arrive out of order).
          set: { lastInboundAtMs: sql`greatest(excluded.last_inbound_at_ms, ${channelWindows.lastInboundAtMs})` },
        });
    },

    async lastInboundMs(channel, address) {
      const rows = await q()
        .select({ at: channelWindows.lastInboundAtMs })
        .from(channelWindows)
        .where(ofAddress(channel, address))
        .limit(1);
      return rows[0]?.at;
    },

    async closeAt(channel, address, atMs) {
      await q()
        .delete(channelWindows)
        .where(and(ofAddress(channel, address), lte(channelWindows.lastInboundAtMs, atMs)));
    },

    async forget(channel, address) {
      await q().delete(channelWindows).where(ofAddress(channel, address));
    },
  };
}
