/** What sent messages are about, on PostgreSQL: the port of src/db/repositories/sent-refs.ts (the specification). */
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { preparedStatement } from "../prepared.ts";
import { outbox, sentRefs } from "../schema.ts";

const refColumns = {
  outboxId: sentRefs.outboxId,
  kind: sentRefs.kind,
  questionId: sentRefs.questionId,
  citizenId: sentRefs.citizenId,
  surveyInvitationId: sentRefs.surveyInvitationId,
  staffPrompt: sentRefs.staffPrompt,
};

export function createPgSentRefsRepo(q: () => PgDb): Port<SyncRepos["sentRefs"]> {
  // A named prepared statement (src/db/postgres/prepared.ts): most inbound messages record a menu.
  const insert = preparedStatement(q, "sent_refs_record", (db, name) =>
    db
      .insert(sentRefs)
      .values({
        outboxId: sql.placeholder("outboxId"),
        kind: sql.placeholder("kind"),
        questionId: sql.placeholder("questionId"),
        citizenId: sql.placeholder("citizenId"),
        surveyInvitationId: sql.placeholder("surveyInvitationId"),
        // Raw, not through the jsonb column's encoder, which would store a null as the JSON value null.
        staffPrompt: sql`${sql.placeholder("staffPrompt")}`,
        createdAtMs: sql.placeholder("createdAtMs"),
      })
      .onConflictDoNothing()
      .prepare(name),
  );
  const firstRowSentAs = (channel: string, channelMessageId: string) =>
    q()
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId)))
      .orderBy(asc(outbox.id))
      .limit(1);
  return {
    async record(outboxId, about, nowMs) {
      await insert({
        outboxId,
        kind: about.kind,
        questionId: about.questionId ?? null,
        citizenId: about.citizenId ?? null,
        surveyInvitationId: about.surveyInvitationId ?? null,
        staffPrompt: about.staffPrompt ? JSON.stringify(about.staffPrompt) : null,
        createdAtMs: nowMs,
      });
    },

    async byChannelMessage(channel, channelMessageId) {
      return (
        await q()
          .select(refColumns)
          .from(sentRefs)
          .where(eq(sentRefs.outboxId, sql`(${firstRowSentAs(channel, channelMessageId)})`))
      )[0];
    },

    async firstOutboxId(channel, channelMessageId) {
      return (await firstRowSentAs(channel, channelMessageId))[0]?.id;
    },

    async sentNotices(questionId) {
      return q()
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
        .orderBy(asc(outbox.id));
    },

    async latestSurveyStart(invitationId) {
      return (
        await q()
          .select({ outboxId: outbox.id, status: outbox.status })
          .from(sentRefs)
          .innerJoin(outbox, eq(outbox.id, sentRefs.outboxId))
          .where(and(eq(sentRefs.surveyInvitationId, invitationId), eq(sentRefs.kind, "survey_start")))
          .orderBy(desc(outbox.id))
          .limit(1)
      )[0];
    },
  };
}
