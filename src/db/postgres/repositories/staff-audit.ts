/** The back-office audit log on PostgreSQL: the port of src/db/repositories/staff-audit.ts (the specification). */
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { officials, staffAudit, staffFormSubmissions } from "../schema.ts";

export function createPgStaffAuditRepo(q: () => PgDb): Port<SyncRepos["staffAudit"]> {
  return {
    async append(entry) {
      await q().insert(staffAudit).values(entry);
    },
    async page(filter) {
      const conditions: SQL[] = [];
      if (filter.officialId !== undefined) conditions.push(eq(staffAudit.officialId, filter.officialId));
      if (filter.action) conditions.push(eq(staffAudit.action, filter.action));
      if (filter.via) conditions.push(eq(staffAudit.via, filter.via));
      if (filter.beforeId !== undefined) conditions.push(lt(staffAudit.id, filter.beforeId));
      return q()
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
        .limit(filter.limit);
    },
    async claimForm(row) {
      const result = await q().insert(staffFormSubmissions).values(row).onConflictDoNothing();
      return (result.rowCount ?? 0) > 0;
    },
    async setFormRedirect(key, redirectTo) {
      await q().update(staffFormSubmissions).set({ redirectTo }).where(eq(staffFormSubmissions.key, key));
    },
    async form(key) {
      const [row] = await q().select().from(staffFormSubmissions).where(eq(staffFormSubmissions.key, key));
      return row;
    },
  };
}
