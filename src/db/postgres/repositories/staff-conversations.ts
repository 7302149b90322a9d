/** Officials' chat-flow positions on PostgreSQL: the port of src/db/repositories/staff-conversations.ts (the specification). */
import { eq } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { staffConversations } from "../schema.ts";

export function createPgStaffConversationsRepo(q: () => PgDb): Port<SyncRepos["staffConversations"]> {
  return {
    async get(officialId) {
      const [row] = await q().select().from(staffConversations).where(eq(staffConversations.officialId, officialId));
      return row;
    },
    async save(officialId, state, nowMs) {
      await q()
        .insert(staffConversations)
        .values({ officialId, ...state, updatedAtMs: nowMs })
        .onConflictDoUpdate({ target: staffConversations.officialId, set: { ...state, updatedAtMs: nowMs } });
    },
    async clear(officialId) {
      await q().delete(staffConversations).where(eq(staffConversations.officialId, officialId));
    },
  };
}
