/** Offices' answer templates (issue 14). Archiving hides a template; nothing is deleted. */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../client.ts";
import { answerTemplates } from "../schema.ts";

export type AnswerTemplateRow = typeof answerTemplates.$inferSelect;

export function createAnswerTemplatesRepo(db: Db) {
  return {
    /** The office's templates in use, by name. */
    list(officeKey: string): AnswerTemplateRow[] {
      return db
        .select()
        .from(answerTemplates)
        .where(and(eq(answerTemplates.officeKey, officeKey), isNull(answerTemplates.archivedAtMs)))
        .orderBy(asc(answerTemplates.name), asc(answerTemplates.id))
        .all();
    },
    get(id: number): AnswerTemplateRow | undefined {
      return db.select().from(answerTemplates).where(eq(answerTemplates.id, id)).get();
    },
    add(row: {
      officeKey: string;
      name: string;
      body: string;
      createdBy: number | null;
      nowMs: number;
    }): AnswerTemplateRow {
      return db
        .insert(answerTemplates)
        .values({
          officeKey: row.officeKey,
          name: row.name,
          body: row.body,
          createdBy: row.createdBy,
          createdAtMs: row.nowMs,
          updatedAtMs: row.nowMs,
        })
        .returning()
        .get();
    },
    update(id: number, changes: { name: string; body: string }, nowMs: number): void {
      db.update(answerTemplates)
        .set({ ...changes, updatedAtMs: nowMs })
        .where(eq(answerTemplates.id, id))
        .run();
    },
    archive(id: number, nowMs: number): void {
      db.update(answerTemplates)
        .set({ archivedAtMs: nowMs, updatedAtMs: nowMs })
        .where(eq(answerTemplates.id, id))
        .run();
    },
  };
}
