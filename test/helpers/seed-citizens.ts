/**
 * Many citizens at once for broadcast tests and the bench: consent granted, one channel identity
 * each, and a subscription, written in one transaction (100,000 in about a second on SQLite, with
 * prepared statements; on PostgreSQL in multi-row inserts of a thousand). Addresses are
 * `<prefix><n>`.
 */
import type { Db } from "../../src/db/client.ts";
import { channelIdentities, citizens, subscriptions } from "../../src/db/postgres/schema.ts";
import type { PostgresStore } from "../../src/db/postgres/store.ts";
import type { Runtime } from "../../src/runtime.ts";

export interface SeedOptions {
  count: number;
  channel: string;
  prefix?: string;
  nowMs: number;
  /** Every 10th citizen gets English when set. */
  mixLocales?: boolean;
  subscription?: { kind: "all" | "topic" | "district"; key: string };
  consent?: "granted" | "none" | "refused" | "revoked";
}

const BATCH = 1000;

/** Inserts the citizens into the runtime's database, SQLite or PostgreSQL; returns their ids in order. */
export async function seedCitizens(runtime: Pick<Runtime, "db" | "store">, options: SeedOptions): Promise<number[]> {
  if (runtime.db) return seedCitizensSqlite(runtime.db, options);
  const store = runtime.store as PostgresStore;
  const prefix = options.prefix ?? "c";
  const subscription = options.subscription ?? { kind: "all" as const, key: "" };
  const createdAtMs = options.nowMs;
  return store.withTransaction(async () => {
    const ids: number[] = [];
    for (let start = 0; start < options.count; start += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, options.count - start) }, (_, i) => start + i);
      const rows = numbers.map((n) => ({
        locale: options.mixLocales && n % 10 === 9 ? "en" : "es",
        consent: options.consent ?? "granted",
        createdAtMs,
      }));
      const inserted = await store.q().insert(citizens).values(rows).returning({ id: citizens.id });
      const batchIds = inserted.map((row) => row.id).sort((a, b) => a - b);
      await store
        .q()
        .insert(channelIdentities)
        .values(
          numbers.map((n, i) => ({
            citizenId: batchIds[i]!,
            channel: options.channel,
            address: `${prefix}${n}`,
            createdAtMs,
          })),
        );
      await store
        .q()
        .insert(subscriptions)
        .values(
          batchIds.map((citizenId) => ({ citizenId, kind: subscription.kind, key: subscription.key, createdAtMs })),
        );
      ids.push(...batchIds);
    }
    return ids;
  });
}

/** The SQLite path of `seedCitizens`, synchronous (the bench seeds before it measures). */
export function seedCitizensSqlite(db: Db, options: SeedOptions): number[] {
  const sqlite = db.$client;
  const insertCitizen = sqlite.prepare("insert into citizens (locale, consent, created_at_ms) values (?, ?, ?)");
  const insertIdentity = sqlite.prepare(
    "insert into channel_identities (citizen_id, channel, address, created_at_ms) values (?, ?, ?, ?)",
  );
  const insertSubscription = sqlite.prepare(
    "insert into subscriptions (citizen_id, kind, key, created_at_ms) values (?, ?, ?, ?)",
  );
  const prefix = options.prefix ?? "c";
  const subscription = options.subscription ?? { kind: "all", key: "" };
  const ids: number[] = [];
  sqlite.transaction(() => {
    for (let n = 0; n < options.count; n++) {
      const locale = options.mixLocales && n % 10 === 9 ? "en" : "es";
      const id = Number(insertCitizen.run(locale, options.consent ?? "granted", options.nowMs).lastInsertRowid);
      insertIdentity.run(id, options.channel, `${prefix}${n}`, options.nowMs);
      insertSubscription.run(id, subscription.kind, subscription.key, options.nowMs);
      ids.push(id);
    }
  })();
  return ids;
}
