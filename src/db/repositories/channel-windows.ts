/**
 * When each chat last wrote to us (WhatsApp Cloud's 24-hour customer-service window, issue 17).
 * Addresses are stored as the inbound log stores message ids: keyed hashes under the installation
 * secret, since only equality is needed.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import { installationSecret, type Db } from "../client.ts";
import { channelWindows } from "../schema.ts";
import { inboundKey } from "./inbound.ts";

export function createChannelWindowsRepo(db: Db) {
  const secret = installationSecret(db);
  const keyOf = (address: string) => inboundKey(address, secret);
  return {
    /** Records an inbound message from `address` at `atMs`; an older time never replaces a newer one. */
    touch(channel: string, address: string, atMs: number): void {
      db.insert(channelWindows)
        .values({ channel, addressKey: keyOf(address), lastInboundAtMs: atMs })
        .onConflictDoUpdate({
          target: [channelWindows.channel, channelWindows.addressKey],
          // A portable "greatest" (PostgreSQL has no two-argument max()).
          set: {
            lastInboundAtMs: sql`case when excluded.last_inbound_at_ms > ${channelWindows.lastInboundAtMs} then excluded.last_inbound_at_ms else ${channelWindows.lastInboundAtMs} end`,
          },
        })
        .run();
    },
    /** When `address` last wrote on `channel`, if ever. */
    lastInboundMs(channel: string, address: string): number | undefined {
      return db
        .select({ at: channelWindows.lastInboundAtMs })
        .from(channelWindows)
        .where(and(eq(channelWindows.channel, channel), eq(channelWindows.addressKey, keyOf(address))))
        .get()?.at;
    },
    /**
     * The channel said the window was closed at `atMs` (WhatsApp Cloud's 131047): a last message
     * recorded at or before then is forgotten, so what follows goes as a template until they write again.
     */
    closeAt(channel: string, address: string, atMs: number): void {
      db.delete(channelWindows)
        .where(
          and(
            eq(channelWindows.channel, channel),
            eq(channelWindows.addressKey, keyOf(address)),
            lte(channelWindows.lastInboundAtMs, atMs),
          ),
        )
        .run();
    },
    /** Forgets an address (data deletion). */
    forget(channel: string, address: string): void {
      db.delete(channelWindows)
        .where(and(eq(channelWindows.channel, channel), eq(channelWindows.addressKey, keyOf(address))))
        .run();
    },
  };
}

export type ChannelWindowsRepo = ReturnType<typeof createChannelWindowsRepo>;
