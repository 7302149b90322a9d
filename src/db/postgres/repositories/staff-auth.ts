/** Back-office identity on PostgreSQL: the port of src/db/repositories/staff-auth.ts (the specification). */
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { officialInvites, officials, staffLoginTokens, staffSessions } from "../schema.ts";

export function createPgStaffAuthRepo(q: () => PgDb): Port<SyncRepos["staffAuth"]> {
  return {
    async addSession(row) {
      await q().insert(staffSessions).values(row);
    },
    async session(idHash) {
      const [row] = await q().select().from(staffSessions).where(eq(staffSessions.idHash, idHash));
      return row;
    },
    async touchSession(idHash, nowMs) {
      await q().update(staffSessions).set({ lastSeenAtMs: nowMs }).where(eq(staffSessions.idHash, idHash));
    },
    async revokeSession(idHash, nowMs) {
      await q()
        .update(staffSessions)
        .set({ revokedAtMs: nowMs })
        .where(and(eq(staffSessions.idHash, idHash), isNull(staffSessions.revokedAtMs)));
    },
    async revokeAllSessions(officialId, nowMs) {
      const result = await q()
        .update(staffSessions)
        .set({ revokedAtMs: nowMs })
        .where(and(eq(staffSessions.officialId, officialId), isNull(staffSessions.revokedAtMs)));
      return result.rowCount ?? 0;
    },
    async addToken(row) {
      const [inserted] = await q().insert(staffLoginTokens).values(row).returning();
      return inserted!;
    },
    async token(tokenHash) {
      const [row] = await q().select().from(staffLoginTokens).where(eq(staffLoginTokens.tokenHash, tokenHash));
      return row;
    },
    async useToken(id, nowMs) {
      const result = await q()
        .update(staffLoginTokens)
        .set({ usedAtMs: nowMs })
        .where(and(eq(staffLoginTokens.id, id), isNull(staffLoginTokens.usedAtMs)));
      return (result.rowCount ?? 0) > 0;
    },
    async officialByEmail(email) {
      const [row] = await q()
        .select()
        .from(officials)
        .where(and(eq(officials.email, email), eq(officials.active, true)));
      return row;
    },
    async pendingInvites(nowMs) {
      return q()
        .select()
        .from(officialInvites)
        .where(and(isNull(officialInvites.usedAtMs), gt(officialInvites.expiresAtMs, nowMs)))
        .orderBy(asc(officialInvites.id));
    },
    async hasActiveAdmin() {
      const [row] = await q()
        .select({ id: officials.id })
        .from(officials)
        .where(and(eq(officials.role, "admin"), eq(officials.active, true)))
        .limit(1);
      return row !== undefined;
    },
    async setPassword(officialId, passwordHash) {
      await q().update(officials).set({ passwordHash }).where(eq(officials.id, officialId));
    },
    async setAccount(officialId, changes) {
      await q().update(officials).set(changes).where(eq(officials.id, officialId));
    },
  };
}
