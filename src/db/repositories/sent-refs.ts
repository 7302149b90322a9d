/**
 * Which message was that? (DESIGN.md) What a queued message is about, written in the same
 * transaction as its outbox row: the question a notice or a prompt is about, the information
 * request a citizen may answer by replying, the menu whose buttons count, a survey's first message.
 * A reply, a quote or a button names the channel's message id: the outbox row that carries it
 * (once sent) leads to its reference. Services read these instead of idempotency keys and payloads.
 */
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { outbox, sentRefs } from "../schema.ts";
import type { SentRefKind, StaffPromptRef } from "../sent-ref-kinds.ts";

/** What one queued message is about. */
export interface SentRef {
  outboxId: number;
  kind: SentRefKind;
  questionId: number | null;
  citizenId: number | null;
  surveyInvitationId: number | null;
  staffPrompt: StaffPromptRef | null;
}

/** What to record about a message (its outbox id aside). */
export interface SentAbout {
  kind: SentRefKind;
  questionId?: number | null;
  citizenId?: number | null;
  surveyInvitationId?: number | null;
  staffPrompt?: StaffPromptRef | null;
}

/** A sent notice that can still be edited: where it went and the channel's id for it. */
export interface SentNotice {
  outboxId: number;
  channel: string;
  address: string;
  channelMessageId: string;
}

const refColumns = {
  outboxId: sentRefs.outboxId,
  kind: sentRefs.kind,
  questionId: sentRefs.questionId,
  citizenId: sentRefs.citizenId,
  surveyInvitationId: sentRefs.surveyInvitationId,
  staffPrompt: sentRefs.staffPrompt,
};

export function createSentRefsRepo(db: Db) {
  // Prepared once: most inbound messages record a menu reference, and building the insert cost more
  // than running it (issue 13 bench profile).
  const insert = db
    .insert(sentRefs)
    .values({
      outboxId: sql.placeholder("outboxId"),
      kind: sql.placeholder("kind"),
      questionId: sql.placeholder("questionId"),
      citizenId: sql.placeholder("citizenId"),
      surveyInvitationId: sql.placeholder("surveyInvitationId"),
      // Raw, not through the JSON column's encoder, which would store a null as the text 'null'.
      staffPrompt: sql`${sql.placeholder("staffPrompt")}`,
      createdAtMs: sql.placeholder("createdAtMs"),
    })
    .onConflictDoNothing()
    .prepare();
  const firstRowSentAs = (channel: string, channelMessageId: string) =>
    db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId)))
      .orderBy(asc(outbox.id))
      .limit(1);
  return {
    /** Records what the message queued as outbox row `outboxId` is about; a second record is ignored. */
    record(outboxId: number, about: SentAbout, nowMs: number): void {
      insert.run({
        outboxId,
        kind: about.kind,
        questionId: about.questionId ?? null,
        citizenId: about.citizenId ?? null,
        surveyInvitationId: about.surveyInvitationId ?? null,
        staffPrompt: about.staffPrompt ? JSON.stringify(about.staffPrompt) : null,
        createdAtMs: nowMs,
      });
    },

    /**
     * What the channel message `channelMessageId` is about: the reference of the first row sent as it
     * (an edit keeps the message's id, so the original comes first). Undefined for a message with no
     * reference (or one whose address was forgotten after an erasure).
     */
    byChannelMessage(channel: string, channelMessageId: string): SentRef | undefined {
      return db
        .select(refColumns)
        .from(sentRefs)
        .where(eq(sentRefs.outboxId, sql`(${firstRowSentAs(channel, channelMessageId)})`))
        .get();
    },

    /**
     * The outbox row first sent as channel message `channelMessageId` (what a button pressed on that
     * message answers), referenced or not: a menu needs no reference, the conversation waiting on it
     * records its row.
     */
    firstOutboxId(channel: string, channelMessageId: string): number | undefined {
      return firstRowSentAs(channel, channelMessageId).get()?.id;
    },

    /** The question's notices already sent to office chats (they carry a channel id to edit), oldest first. */
    sentNotices(questionId: number): SentNotice[] {
      return db
        .select({
          outboxId: outbox.id,
          channel: outbox.channel,
          address: outbox.address,
          channelMessageId: sql<string>`${outbox.channelMessageId}`,
        })
        .from(sentRefs)
        .innerJoin(outbox, eq(outbox.id, sentRefs.outboxId))
        .where(
          and(
            eq(sentRefs.questionId, questionId),
            eq(sentRefs.kind, "question_notice"),
            eq(outbox.status, "sent"),
            isNotNull(outbox.channelMessageId),
          ),
        )
        .orderBy(asc(outbox.id))
        .all();
    },

    /** The newest first message of a survey invitation (sent again under a new row when withdrawn) and its delivery status. */
    latestSurveyStart(
      invitationId: number,
    ): { outboxId: number; status: (typeof outbox.$inferSelect)["status"] } | undefined {
      return db
        .select({ outboxId: outbox.id, status: outbox.status })
        .from(sentRefs)
        .innerJoin(outbox, eq(outbox.id, sentRefs.outboxId))
        .where(and(eq(sentRefs.surveyInvitationId, invitationId), eq(sentRefs.kind, "survey_start")))
        .orderBy(desc(outbox.id))
        .limit(1)
        .get();
    },
  };
}

export type SentRefsRepo = ReturnType<typeof createSentRefsRepo>;
