/** One-time codes that link an official's chat account. */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../client.ts";
import { officialInvites } from "../schema.ts";

export type InviteRow = typeof officialInvites.$inferSelect;

export function createInvitesRepo(db: Db) {
  return {
    add(invite: Omit<typeof officialInvites.$inferInsert, "id">): void {
      db.insert(officialInvites).values(invite).run();
    },
    /** The unused invite with this code, if any (expired ones included: the caller checks). */
    findUnused(code: string): InviteRow | undefined {
      return db
        .select()
        .from(officialInvites)
        .where(and(eq(officialInvites.code, code), isNull(officialInvites.usedAtMs)))
        .get();
    },
    markUsed(id: number, officialId: number, nowMs: number): void {
      db.update(officialInvites)
        .set({ usedAtMs: nowMs, usedByOfficialId: officialId })
        .where(eq(officialInvites.id, id))
        .run();
    },
  };
}
