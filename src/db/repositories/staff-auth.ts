/**
 * Back-office identity (issue 14): sessions and one-time links, both stored only as SHA-256
 * hashes; officials' sign-in fields (e-mail, password hash, password required). No rules here:
 * expiry and single use are decided by src/services/backoffice/auth.ts.
 */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { officialInvites, officials, staffLoginTokens, staffSessions } from "../schema.ts";

export type StaffSessionRow = typeof staffSessions.$inferSelect;
export type StaffLoginTokenRow = typeof staffLoginTokens.$inferSelect;

export function createStaffAuthRepo(db: Db) {
  // Every back-office request resolves its session: prepared once.
  const sessionByHash = db
    .select()
    .from(staffSessions)
    .where(eq(staffSessions.idHash, sql.placeholder("idHash")))
    .prepare();
  return {
    addSession(row: Omit<StaffSessionRow, "revokedAtMs">): void {
      db.insert(staffSessions).values(row).run();
    },
    session(idHash: string): StaffSessionRow | undefined {
      return sessionByHash.get({ idHash });
    },
    touchSession(idHash: string, nowMs: number): void {
      db.update(staffSessions).set({ lastSeenAtMs: nowMs }).where(eq(staffSessions.idHash, idHash)).run();
    },
    revokeSession(idHash: string, nowMs: number): void {
      db.update(staffSessions)
        .set({ revokedAtMs: nowMs })
        .where(and(eq(staffSessions.idHash, idHash), isNull(staffSessions.revokedAtMs)))
        .run();
    },
    /** Ends every open session of an official ("cerrar sesión en todas partes", deactivation). */
    revokeAllSessions(officialId: number, nowMs: number): number {
      return db
        .update(staffSessions)
        .set({ revokedAtMs: nowMs })
        .where(and(eq(staffSessions.officialId, officialId), isNull(staffSessions.revokedAtMs)))
        .run().changes;
    },
    addToken(row: Omit<StaffLoginTokenRow, "id" | "usedAtMs">): StaffLoginTokenRow {
      return db.insert(staffLoginTokens).values(row).returning().get();
    },
    token(tokenHash: string): StaffLoginTokenRow | undefined {
      return db.select().from(staffLoginTokens).where(eq(staffLoginTokens.tokenHash, tokenHash)).get();
    },
    /** Marks a link used; false when it already was (a concurrent use lost the race). */
    useToken(id: number, nowMs: number): boolean {
      return (
        db
          .update(staffLoginTokens)
          .set({ usedAtMs: nowMs })
          .where(and(eq(staffLoginTokens.id, id), isNull(staffLoginTokens.usedAtMs)))
          .run().changes > 0
      );
    },
    /** The active official with this sign-in e-mail (stored lower-case). */
    officialByEmail(email: string) {
      return db
        .select()
        .from(officials)
        .where(and(eq(officials.email, email), eq(officials.active, true)))
        .get();
    },
    /** Chat-link invitations not used yet and not expired, for the administration page. */
    pendingInvites(nowMs: number) {
      return db
        .select()
        .from(officialInvites)
        .where(and(isNull(officialInvites.usedAtMs), gt(officialInvites.expiresAtMs, nowMs)))
        .orderBy(asc(officialInvites.id))
        .all();
    },
    hasActiveAdmin(): boolean {
      return (
        db
          .select({ id: officials.id })
          .from(officials)
          .where(and(eq(officials.role, "admin"), eq(officials.active, true)))
          .limit(1)
          .get() !== undefined
      );
    },
    setPassword(officialId: number, passwordHash: string | null): void {
      db.update(officials).set({ passwordHash }).where(eq(officials.id, officialId)).run();
    },
    setAccount(
      officialId: number,
      changes: {
        email?: string | null;
        passwordRequired?: boolean;
        role?: (typeof officials.$inferSelect)["role"];
        officeKey?: string | null;
      },
    ): void {
      db.update(officials).set(changes).where(eq(officials.id, officialId)).run();
    },
  };
}

export type StaffAuthRepo = ReturnType<typeof createStaffAuthRepo>;
