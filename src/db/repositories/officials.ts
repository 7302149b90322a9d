/** Officials (funcionarios) with their role, office and optional chat identity. */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { officials } from "../schema.ts";

export type OfficialRow = typeof officials.$inferSelect;
export type OfficialRole = OfficialRow["role"];

export function createOfficialsRepo(db: Db) {
  // Asked for every inbound message (is the sender an official?): prepared once.
  const byAddress = db
    .select()
    .from(officials)
    .where(
      and(
        eq(officials.channel, sql.placeholder("channel")),
        eq(officials.address, sql.placeholder("address")),
        eq(officials.active, true),
      ),
    )
    .prepare();
  const reachableIn = db
    .select()
    .from(officials)
    .where(
      and(
        eq(officials.officeKey, sql.placeholder("officeKey")),
        eq(officials.active, true),
        isNotNull(officials.channel),
        isNotNull(officials.address),
      ),
    )
    .prepare();
  return {
    add(
      input: {
        name: string;
        officeKey: string | null;
        role: OfficialRole;
        channel?: string | null;
        address?: string | null;
      },
      nowMs: number,
    ): OfficialRow {
      return db
        .insert(officials)
        .values({
          name: input.name,
          officeKey: input.officeKey,
          role: input.role,
          channel: input.channel ?? null,
          address: input.address ?? null,
          createdAtMs: nowMs,
        })
        .returning()
        .get();
    },
    list(filter: { officeKey?: string; includeRemoved?: boolean } = {}): OfficialRow[] {
      const conditions = [];
      if (filter.officeKey) conditions.push(eq(officials.officeKey, filter.officeKey));
      if (!filter.includeRemoved) conditions.push(eq(officials.active, true));
      return db
        .select()
        .from(officials)
        .where(and(...conditions))
        .orderBy(officials.id)
        .all();
    },
    get(id: number): OfficialRow | undefined {
      return db.select().from(officials).where(eq(officials.id, id)).get();
    },
    findByAddress(channel: string, address: string): OfficialRow | undefined {
      return byAddress.get({ channel, address });
    },
    /** Active officials of an office who can be reached on a chat channel. */
    reachable(officeKey: string): OfficialRow[] {
      return reachableIn.all({ officeKey });
    },
    remove(id: number, nowMs: number): boolean {
      return (
        db
          .update(officials)
          .set({ active: false, removedAtMs: nowMs })
          .where(and(eq(officials.id, id), eq(officials.active, true)))
          .run().changes > 0
      );
    },
  };
}

export type OfficialsRepo = ReturnType<typeof createOfficialsRepo>;
