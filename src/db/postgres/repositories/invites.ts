/** Official invite codes on PostgreSQL: the port of src/db/repositories/invites.ts (the specification). */
import { and, eq, isNull } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { officialInvites } from "../schema.ts";

export function createPgInvitesRepo(q: () => PgDb): Port<SyncRepos["invites"]> {
  return {
    async add(invite) {
      await q().insert(officialInvites).values(invite);
    },
    async findUnused(code) {
      // SQLite's `.get()` without an order takes the first row in rowid order.
      const [row] = await q()
        .select()
        .from(officialInvites)
        .where(and(eq(officialInvites.code, code), isNull(officialInvites.usedAtMs)))
        .orderBy(officialInvites.id)
        .limit(1);
      return row;
    },
    async markUsed(id, officialId, nowMs) {
      await q()
        .update(officialInvites)
        .set({ usedAtMs: nowMs, usedByOfficialId: officialId })
        .where(eq(officialInvites.id, id));
    },
  };
}
