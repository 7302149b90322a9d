/**
 * The inbound log on PostgreSQL: the port of src/db/repositories/inbound.ts (the specification). One
 * row per channel message id, stored as the same keyed hash (`inboundKey`, HMAC-SHA-256 under the
 * installation secret), so a log copied from SQLite (`rinde db copy`) keeps dropping redeliveries.
 * The secret lives outside the database; the caller passes it.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import { inboundKey } from "../../repositories/inbound.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { preparedStatement } from "../prepared.ts";
import { channelIdentities, inboundMessages } from "../schema.ts";

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgInboundRepo(q: () => PgDb, options: { secret: Buffer }): Port<SyncRepos["inbound"]> {
  const { secret } = options;
  // Named prepared statements (src/db/postgres/prepared.ts): both run on every inbound message.
  const insert = preparedStatement(q, "inbound_record", (db, name) =>
    db
      .insert(inboundMessages)
      .values({
        channel: sql.placeholder("channel"),
        channelMessageId: sql.placeholder("id"),
        receivedAtMs: sql.placeholder("now"),
        citizenId: sql`(select ${channelIdentities.citizenId} from ${channelIdentities} where ${channelIdentities.channel} = ${sql.placeholder("channel")} and ${channelIdentities.address} = ${sql.placeholder("address")})`,
      })
      .onConflictDoNothing()
      .returning({ id: inboundMessages.id, citizenId: inboundMessages.citizenId })
      .prepare(name),
  );
  const attach = preparedStatement(q, "inbound_attach", (db, name) =>
    db
      .update(inboundMessages)
      .set({ citizenId: sql`${sql.placeholder("citizenId")}` })
      .where(eq(inboundMessages.id, sql.placeholder("id")))
      .prepare(name),
  );
  return {
    async record(channel, channelMessageId, nowMs, address) {
      // Two processes receiving the same redelivery at once: the unique index lets one insert win.
      const inserted = await insert({
        channel,
        id: inboundKey(channelMessageId, secret),
        now: nowMs,
        address: address ?? null,
      });
      return inserted[0];
    },

    async attach(id, citizenId) {
      await attach({ id, citizenId });
    },

    async forgetCitizen(citizenId, keepFromMs) {
      await q()
        .delete(inboundMessages)
        .where(and(eq(inboundMessages.citizenId, citizenId), lt(inboundMessages.receivedAtMs, keepFromMs)));
      await q().update(inboundMessages).set({ citizenId: null }).where(eq(inboundMessages.citizenId, citizenId));
    },
  };
}
