/** Offices' answer templates on PostgreSQL: the port of src/db/repositories/answer-templates.ts (the specification). */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { answerTemplates } from "../schema.ts";

export function createPgAnswerTemplatesRepo(q: () => PgDb): Port<SyncRepos["answerTemplates"]> {
  return {
    async list(officeKey) {
      return await q()
        .select()
        .from(answerTemplates)
        .where(and(eq(answerTemplates.officeKey, officeKey), isNull(answerTemplates.archivedAtMs)))
        .orderBy(asc(answerTemplates.name), asc(answerTemplates.id));
    },
    async get(id) {
      const [row] = await q().select().from(answerTemplates).where(eq(answerTemplates.id, id));
      return row;
    },
    async add(row) {
      const [inserted] = await q()
        .insert(answerTemplates)
        .values({
          officeKey: row.officeKey,
          name: row.name,
          body: row.body,
          createdBy: row.createdBy,
          createdAtMs: row.nowMs,
          updatedAtMs: row.nowMs,
        })
        .returning();
      return inserted!;
    },
    async update(id, changes, nowMs) {
      await q()
        .update(answerTemplates)
        .set({ ...changes, updatedAtMs: nowMs })
        .where(eq(answerTemplates.id, id));
    },
    async archive(id, nowMs) {
      await q()
        .update(answerTemplates)
        .set({ archivedAtMs: nowMs, updatedAtMs: nowMs })
        .where(eq(answerTemplates.id, id));
    },
  };
}
