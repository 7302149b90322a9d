/** Offices (dependencias), kept in step with the municipality profile at start-up. */
import { and, asc, eq, notInArray, sql } from "drizzle-orm";
import type { Office } from "../../config/profile.ts";
import type { Db } from "../client.ts";
import { officeEvents, offices } from "../schema.ts";

export type OfficeRow = typeof offices.$inferSelect;

export function createOfficesRepo(db: Db) {
  const byKey = db
    .select()
    .from(offices)
    .where(eq(offices.key, sql.placeholder("key")))
    .prepare();
  return {
    /**
     * Inserts or updates the profile's offices and deactivates offices the profile no longer has
     * (they stay, because questions reference them). Channel bindings are kept. Writes only the
     * offices that differ (`updatedAtMs` is the time of the last change): every start — each CLI
     * command — ran one write per office, and a checkpoint at close, for a profile that had not
     * changed (issue 12, point 7).
     */
    syncFromProfile(profileOffices: readonly Office[], nowMs: number): void {
      const current = new Map(
        db
          .select()
          .from(offices)
          .all()
          .map((row) => [row.key, row] as const),
      );
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
        db.insert(offices)
          .values({ key: o.key, ...values })
          .onConflictDoUpdate({ target: offices.key, set: values })
          .run();
      }
      const keys = new Set(profileOffices.map((o) => o.key));
      if (![...current.values()].some((row) => row.active && !keys.has(row.key))) return;
      db.update(offices)
        .set({ active: false, updatedAtMs: nowMs })
        .where(and(eq(offices.active, true), notInArray(offices.key, [...keys])))
        .run();
    },
    list(): OfficeRow[] {
      return db.select().from(offices).orderBy(offices.name).all();
    },
    get(key: string): OfficeRow | undefined {
      return byKey.get({ key });
    },
    bind(key: string, binding: { telegramChatId?: string | null; whatsappJid?: string | null }, nowMs: number): void {
      db.update(offices)
        .set({ ...binding, updatedAtMs: nowMs })
        .where(eq(offices.key, key))
        .run();
    },
    /** The first office (by key) a group chat is bound to, if any. */
    boundTo(channel: string, chat: string): OfficeRow | undefined {
      const column = channel === "whatsapp" ? offices.whatsappJid : offices.telegramChatId;
      return db.select().from(offices).where(eq(column, chat)).orderBy(asc(offices.key)).get();
    },
    /** Appends to the office's history (see officeEvents). */
    addEvent(officeKey: string, kind: string, actor: string, nowMs: number, data: Record<string, unknown>): void {
      db.insert(officeEvents)
        .values({ officeKey, kind, actor, atMs: nowMs, data: JSON.stringify(data) })
        .run();
    },
    history(officeKey: string) {
      return db
        .select()
        .from(officeEvents)
        .where(eq(officeEvents.officeKey, officeKey))
        .orderBy(asc(officeEvents.id))
        .all();
    },
  };
}

export type OfficesRepo = ReturnType<typeof createOfficesRepo>;

/** Whether an office's row already holds what the profile says (and is active). */
export function isInStep(row: OfficeRow | undefined, office: Office): boolean {
  return (
    row !== undefined &&
    row.active &&
    row.category === office.category &&
    row.name === office.name &&
    row.head === office.head &&
    row.description === office.description
  );
}
