/** Files attached to questions (channel file references only, never the bytes) and shared locations. */
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client.ts";
import { questionAttachments, questions } from "../schema.ts";

export type AttachmentRow = typeof questionAttachments.$inferSelect;

export interface NewAttachment {
  channel: string;
  kind: AttachmentRow["kind"];
  fileRef: string;
  mimeType?: string | null;
  fileName?: string | null;
  /** A location's place name and address (kind "location"). */
  placeName?: string | null;
  placeAddress?: string | null;
}

export function createAttachmentsRepo(db: Db) {
  return {
    add(questionId: number, attachments: readonly NewAttachment[], nowMs: number): void {
      if (attachments.length === 0) return;
      db.insert(questionAttachments)
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
        )
        .run();
    },
    forQuestion(questionId: number): AttachmentRow[] {
      return db
        .select()
        .from(questionAttachments)
        .where(eq(questionAttachments.questionId, questionId))
        .orderBy(asc(questionAttachments.id))
        .all();
    },
    /** Deletes every attachment of a citizen's questions (the citizen erased their data). */
    deleteForCitizen(citizenId: number): number {
      const own = db.select({ id: questions.id }).from(questions).where(eq(questions.citizenId, citizenId));
      return db.delete(questionAttachments).where(inArray(questionAttachments.questionId, own)).run().changes;
    },
  };
}

export type AttachmentsRepo = ReturnType<typeof createAttachmentsRepo>;
