/** Officials on PostgreSQL: the port of src/db/repositories/officials.ts (the specification). */
import { and, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { preparedStatement } from "../prepared.ts";
import { officials } from "../schema.ts";

export function createPgOfficialsRepo(q: () => PgDb): Port<SyncRepos["officials"]> {
  // A named prepared statement (src/db/postgres/prepared.ts): every inbound message asks whether
  // the sender is staff.
  const byAddress = preparedStatement(q, "officials_by_address", (db, name) =>
    db
      .select()
      .from(officials)
      .where(
        and(
          eq(officials.channel, sql.placeholder("channel")),
          eq(officials.address, sql.placeholder("address")),
          eq(officials.active, true),
        ),
      )
      .orderBy(officials.id)
      .limit(1)
      .prepare(name),
  );
  return {
    async add(input, nowMs) {
      const [row] = await q()
        .insert(officials)
        .values({
          name: input.name,
          officeKey: input.officeKey,
          role: input.role,
          channel: input.channel ?? null,
          address: input.address ?? null,
          createdAtMs: nowMs,
        })
        .returning();
      return row!;
    },
    async list(filter = {}) {
      const conditions: SQL[] = [];
      if (filter.officeKey) conditions.push(eq(officials.officeKey, filter.officeKey));
      if (!filter.includeRemoved) conditions.push(eq(officials.active, true));
      return q()
        .select()
        .from(officials)
        .where(and(...conditions))
        .orderBy(officials.id);
    },
    async get(id) {
      const [row] = await q().select().from(officials).where(eq(officials.id, id));
      return row;
    },
    async findByAddress(channel, address) {
      // SQLite reads the (channel, address) index: the first match in id order.
      const [row] = await byAddress({ channel, address });
      return row;
    },
    async reachable(officeKey) {
      return q()
        .select()
        .from(officials)
        .where(
          and(
            eq(officials.officeKey, officeKey),
            eq(officials.active, true),
            isNotNull(officials.channel),
            isNotNull(officials.address),
          ),
        )
        .orderBy(officials.id);
    },
    async remove(id, nowMs) {
      const result = await q()
        .update(officials)
        .set({ active: false, removedAtMs: nowMs })
        .where(and(eq(officials.id, id), eq(officials.active, true)));
      return (result.rowCount ?? 0) > 0;
    },
  };
}
