/** The back-office audit log and the idempotency keys of submitted forms. Append-only: no update, no delete. */
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { officials, staffAudit, staffFormSubmissions } from "../schema.ts";

export type StaffAuditRow = typeof staffAudit.$inferSelect;
/** A new entry; `via` defaults to the back-office. */
export type NewStaffAudit = Omit<StaffAuditRow, "id" | "via"> & { via?: StaffAuditRow["via"] };

export function createStaffAuditRepo(db: Db) {
  return {
    append(entry: NewStaffAudit): void {
      db.insert(staffAudit).values(entry).run();
    },
    /** Newest first, `limit` rows older than the `beforeId` cursor; with the official's name. */
    page(filter: {
      officialId?: number;
      action?: string;
      via?: StaffAuditRow["via"];
      beforeId?: number;
      limit: number;
    }): (StaffAuditRow & { officialName: string | null })[] {
      const conditions: SQL[] = [];
      if (filter.officialId !== undefined) conditions.push(eq(staffAudit.officialId, filter.officialId));
      if (filter.action) conditions.push(eq(staffAudit.action, filter.action));
      if (filter.via) conditions.push(eq(staffAudit.via, filter.via));
      if (filter.beforeId !== undefined) conditions.push(lt(staffAudit.id, filter.beforeId));
      return db
        .select({
          id: staffAudit.id,
          atMs: staffAudit.atMs,
          officialId: staffAudit.officialId,
          action: staffAudit.action,
          subject: staffAudit.subject,
          outcome: staffAudit.outcome,
          before: staffAudit.before,
          after: staffAudit.after,
          via: staffAudit.via,
          officialName: sql<string | null>`${officials.name}`,
        })
        .from(staffAudit)
        .leftJoin(officials, eq(officials.id, staffAudit.officialId))
        .where(and(...conditions))
        .orderBy(desc(staffAudit.id))
        .limit(filter.limit)
        .all();
    },
    /** Records a form's key; false when it was already recorded (the form was submitted before). */
    claimForm(row: typeof staffFormSubmissions.$inferInsert): boolean {
      return db.insert(staffFormSubmissions).values(row).onConflictDoNothing().run().changes > 0;
    },
    /** Where a claimed form's duplicate submits go, once the action knows (e.g. the record it created). */
    setFormRedirect(key: string, redirectTo: string): void {
      db.update(staffFormSubmissions).set({ redirectTo }).where(eq(staffFormSubmissions.key, key)).run();
    },
    form(key: string): typeof staffFormSubmissions.$inferSelect | undefined {
      return db.select().from(staffFormSubmissions).where(eq(staffFormSubmissions.key, key)).get();
    },
  };
}

export type StaffAuditRepo = ReturnType<typeof createStaffAuditRepo>;
