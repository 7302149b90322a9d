/** Linked officials' positions in staff chat flows (the communications event wizard). */
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { staffConversations } from "../schema.ts";

export type StaffConversationRow = typeof staffConversations.$inferSelect;

export function createStaffConversationsRepo(db: Db) {
  return {
    get(officialId: number): StaffConversationRow | undefined {
      return db.select().from(staffConversations).where(eq(staffConversations.officialId, officialId)).get();
    },
    save(
      officialId: number,
      state: { flowId: string; stepId: string; flowVersion: number; data: string },
      nowMs: number,
    ): void {
      db.insert(staffConversations)
        .values({ officialId, ...state, updatedAtMs: nowMs })
        .onConflictDoUpdate({ target: staffConversations.officialId, set: { ...state, updatedAtMs: nowMs } })
        .run();
    },
    clear(officialId: number): void {
      db.delete(staffConversations).where(eq(staffConversations.officialId, officialId)).run();
    },
  };
}

export type StaffConversationsRepo = ReturnType<typeof createStaffConversationsRepo>;
