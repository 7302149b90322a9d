/** Citizens' subscriptions to announcements: everything, or topics and districts. */
import { and, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { subscriptions } from "../schema.ts";

export type SubscriptionKind = "all" | "topic" | "district";
export interface Subscription {
  kind: SubscriptionKind;
  key: string;
}

export function createSubscriptionsRepo(db: Db) {
  return {
    /** Adds a subscription; true when it is new. */
    add(citizenId: number, subscription: Subscription, nowMs: number): boolean {
      return (
        db
          .insert(subscriptions)
          .values({ citizenId, ...subscription, createdAtMs: nowMs })
          .onConflictDoNothing()
          .run().changes > 0
      );
    },
    remove(citizenId: number, subscription: Subscription): boolean {
      return (
        db
          .delete(subscriptions)
          .where(
            and(
              eq(subscriptions.citizenId, citizenId),
              eq(subscriptions.kind, subscription.kind),
              eq(subscriptions.key, subscription.key),
            ),
          )
          .run().changes > 0
      );
    },
    /** Removes every subscription of a citizen; returns how many there were. */
    removeAll(citizenId: number): number {
      return db.delete(subscriptions).where(eq(subscriptions.citizenId, citizenId)).run().changes;
    },
    list(citizenId: number): Subscription[] {
      return db
        .select({ kind: subscriptions.kind, key: subscriptions.key })
        .from(subscriptions)
        .where(eq(subscriptions.citizenId, citizenId))
        .orderBy(subscriptions.kind, subscriptions.key)
        .all();
    },
  };
}

export type SubscriptionsRepo = ReturnType<typeof createSubscriptionsRepo>;
