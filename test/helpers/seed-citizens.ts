/**
 * Many citizens at once for broadcast tests and the bench: consent granted, one channel identity
 * each, and a subscription, written in one transaction with prepared statements (100,000 in about
 * a second). Addresses are `<prefix><n>`.
 */
import type { Db } from "../../src/db/client.ts";

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

/** Inserts the citizens; returns their ids in order. */
export function seedCitizens(db: Db, options: SeedOptions): number[] {
  const sqlite = db.$client;
  const insertCitizen = sqlite.prepare("insert into citizens (locale, consent, created_at_ms) values (?, ?, ?)");
  const insertIdentity = sqlite.prepare("insert into channel_identities (citizen_id, channel, address, created_at_ms) values (?, ?, ?, ?)");
  const insertSubscription = sqlite.prepare("insert into subscriptions (citizen_id, kind, key, created_at_ms) values (?, ?, ?, ?)");
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
