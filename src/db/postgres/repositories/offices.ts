/**
 * Offices on PostgreSQL: the port of src/db/repositories/offices.ts (the specification). Text
 * orderings use the "C" collation: SQLite compares text byte by byte, whatever the database locale.
 */
import { and, asc, eq, notInArray, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import { isInStep } from "../../repositories/offices.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { officeEvents, offices } from "../schema.ts";

export function createPgOfficesRepo(q: () => PgDb): Port<SyncRepos["offices"]> {
  return {
    async syncFromProfile(profileOffices, nowMs) {
      const db = q();
      const current = new Map((await db.select().from(offices)).map((row) => [row.key, row] as const));
      for (const o of profileOffices) {
        if (isInStep(current.get(o.key), o)) continue;
        const values = {
          category: o.category,
          name: o.name,
          head: o.head,
          description: o.description,
          active: true,
          updatedAtMs: nowMs,
        };
        await db
          .insert(offices)
          .values({ key: o.key, ...values })
          .onConflictDoUpdate({ target: offices.key, set: values });
      }
      const keys = new Set(profileOffices.map((o) => o.key));
      if (![...current.values()].some((row) => row.active && !keys.has(row.key))) return;
      await db
        .update(offices)
        .set({ active: false, updatedAtMs: nowMs })
        .where(and(eq(offices.active, true), notInArray(offices.key, [...keys])));
    },
    async list() {
      return q()
        .select()
        .from(offices)
        .orderBy(sql`${offices.name} collate "C"`);
    },
    async get(key) {
      const [row] = await q().select().from(offices).where(eq(offices.key, key));
      return row;
    },
    async bind(key, binding, nowMs) {
      await q()
        .update(offices)
        .set({ ...binding, updatedAtMs: nowMs })
        .where(eq(offices.key, key));
    },
    async boundTo(channel, chat) {
      const column = channel === "whatsapp" ? offices.whatsappJid : offices.telegramChatId;
      const [row] = await q()
        .select()
        .from(offices)
        .where(eq(column, chat))
        .orderBy(sql`${offices.key} collate "C"`)
        .limit(1);
      return row;
    },
    async addEvent(officeKey, kind, actor, nowMs, data) {
      await q()
        .insert(officeEvents)
        .values({ officeKey, kind, actor, atMs: nowMs, data: JSON.stringify(data) });
    },
    async history(officeKey) {
      return q().select().from(officeEvents).where(eq(officeEvents.officeKey, officeKey)).orderBy(asc(officeEvents.id));
    },
  };
}
