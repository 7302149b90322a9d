/** Announcement subscriptions on PostgreSQL: the port of src/db/repositories/subscriptions.ts (the specification). */
import { and, eq, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { Subscription } from "../../repositories/subscriptions.ts";
import type { PgDb } from "../client.ts";
import { subscriptions } from "../schema.ts";

export function createPgSubscriptionsRepo(q: () => PgDb): Port<SyncRepos["subscriptions"]> {
  return {
    async add(citizenId, subscription, nowMs) {
      const result = await q()
        .insert(subscriptions)
        .values({ citizenId, kind: subscription.kind, key: subscription.key, createdAtMs: nowMs })
        .onConflictDoNothing();
      return (result.rowCount ?? 0) > 0;
    },
    async remove(citizenId, subscription) {
      const result = await q()
        .delete(subscriptions)
        .where(
          and(
            eq(subscriptions.citizenId, citizenId),
            eq(subscriptions.kind, subscription.kind),
            eq(subscriptions.key, subscription.key),
          ),
        );
      return (result.rowCount ?? 0) > 0;
    },
    async removeAll(citizenId) {
      const result = await q().delete(subscriptions).where(eq(subscriptions.citizenId, citizenId));
      return result.rowCount ?? 0;
    },
    async list(citizenId) {
      // Byte order, as SQLite's binary collation, whatever the database locale.
      return (await q()
        .select({ kind: subscriptions.kind, key: subscriptions.key })
        .from(subscriptions)
        .where(eq(subscriptions.citizenId, citizenId))
        .orderBy(sql`${subscriptions.kind} collate "C"`, sql`${subscriptions.key} collate "C"`)) as Subscription[];
    },
  };
}
