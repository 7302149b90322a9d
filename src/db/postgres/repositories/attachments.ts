/** Question attachments on PostgreSQL: the port of src/db/repositories/attachments.ts (the specification). */
import { asc, eq, inArray } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { questionAttachments, questions } from "../schema.ts";

export function createPgAttachmentsRepo(q: () => PgDb): Port<SyncRepos["attachments"]> {
  return {
    async add(questionId, attachments, nowMs) {
      if (attachments.length === 0) return;
      await q()
        .insert(questionAttachments)
        .values(
          attachments.map((a) => ({
            questionId,
            channel: a.channel,
            kind: a.kind,
            fileRef: a.fileRef,
            mimeType: a.mimeType ?? null,
            fileName: a.fileName ?? null,
            placeName: a.placeName ?? null,
            placeAddress: a.placeAddress ?? null,
            createdAtMs: nowMs,
          })),
        );
    },
    async forQuestion(questionId) {
      return q()
        .select()
        .from(questionAttachments)
        .where(eq(questionAttachments.questionId, questionId))
        .orderBy(asc(questionAttachments.id));
    },
    async deleteForCitizen(citizenId) {
      const own = q().select({ id: questions.id }).from(questions).where(eq(questions.citizenId, citizenId));
      const result = await q().delete(questionAttachments).where(inArray(questionAttachments.questionId, own));
      return result.rowCount ?? 0;
    },
  };
}
