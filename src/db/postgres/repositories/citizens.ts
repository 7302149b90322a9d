/**
 * Citizens on PostgreSQL: the port of src/db/repositories/citizens.ts (the specification).
 * PostgreSQL has no per-row `secure_delete`: erased values stay in dead tuples until VACUUM.
 */
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { CitizenContext } from "../../repositories/citizens.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { preparedStatement } from "../prepared.ts";
import { channelIdentities, citizens, consents, conversations, questionEvents, questions } from "../schema.ts";

export function createPgCitizensRepo(q: () => PgDb): Port<SyncRepos["citizens"]> {
  // Named prepared statements (src/db/postgres/prepared.ts): both run on every inbound message.
  const context = preparedStatement(q, "citizens_context", (db, name) =>
    db
      .select({
        citizenId: citizens.id,
        identityId: channelIdentities.id,
        locale: citizens.locale,
        consent: citizens.consent,
        deletedAtMs: citizens.deletedAtMs,
        unreachableAtMs: channelIdentities.unreachableAtMs,
        flowId: conversations.flowId,
        stepId: conversations.stepId,
        flowVersion: conversations.flowVersion,
        data: conversations.data,
      })
      .from(channelIdentities)
      .innerJoin(citizens, eq(citizens.id, channelIdentities.citizenId))
      .leftJoin(conversations, eq(conversations.citizenId, citizens.id))
      .where(
        and(
          eq(channelIdentities.channel, sql.placeholder("channel")),
          eq(channelIdentities.address, sql.placeholder("address")),
        ),
      )
      .prepare(name),
  );
  const conversationValues = {
    flowId: sql.placeholder("flowId"),
    stepId: sql.placeholder("stepId"),
    flowVersion: sql.placeholder("flowVersion"),
    data: sql.placeholder("data"),
    updatedAtMs: sql.placeholder("now"),
  };
  const upsertConversation = preparedStatement(q, "citizens_save_conversation", (db, name) =>
    db
      .insert(conversations)
      .values({ citizenId: sql.placeholder("citizenId"), ...conversationValues })
      .onConflictDoUpdate({
        target: conversations.citizenId,
        set: {
          flowId: sql`excluded.flow_id`,
          stepId: sql`excluded.step_id`,
          flowVersion: sql`excluded.flow_version`,
          data: sql`excluded.data`,
          updatedAtMs: sql`excluded.updated_at_ms`,
        },
      })
      .prepare(name),
  );
  return {
    async findContext(channel, address) {
      const [row] = await context({ channel, address });
      return row as CitizenContext | undefined;
    },

    async create(channel, address, locale, nowMs) {
      const db = q();
      const [citizen] = await db.insert(citizens).values({ locale, createdAtMs: nowMs }).returning({ id: citizens.id });
      const citizenId = citizen!.id;
      const [identity] = await db
        .insert(channelIdentities)
        .values({ citizenId, channel, address, createdAtMs: nowMs })
        .returning({ id: channelIdentities.id });
      return {
        citizenId,
        identityId: identity!.id,
        locale,
        consent: "none",
        deletedAtMs: null,
        unreachableAtMs: null,
        flowId: null,
        stepId: null,
        flowVersion: null,
        data: null,
      };
    },

    async saveConversation(citizenId, state, nowMs) {
      await upsertConversation({
        citizenId,
        flowId: state.flowId,
        stepId: state.stepId,
        flowVersion: state.flowVersion,
        data: state.data,
        now: nowMs,
      });
    },

    async setLocale(citizenId, locale) {
      await q().update(citizens).set({ locale }).where(eq(citizens.id, citizenId));
    },

    async recordConsent(input) {
      const db = q();
      await db.insert(consents).values({
        citizenId: input.citizenId,
        decision: input.decision,
        noticeVersion: input.noticeVersion,
        channel: input.channel,
        decidedAtMs: input.nowMs,
      });
      await db.update(citizens).set({ consent: input.decision }).where(eq(citizens.id, input.citizenId));
    },

    async consentHistory(citizenId) {
      return q().select().from(consents).where(eq(consents.citizenId, citizenId)).orderBy(consents.id);
    },

    async identities(citizenId) {
      return q()
        .select()
        .from(channelIdentities)
        .where(eq(channelIdentities.citizenId, citizenId))
        .orderBy(sql`${channelIdentities.id} desc`);
    },

    async get(citizenId) {
      const [row] = await q().select().from(citizens).where(eq(citizens.id, citizenId));
      return row;
    },

    async isUnreachable(channel, address) {
      const [row] = await q()
        .select({ id: channelIdentities.id })
        .from(channelIdentities)
        .where(
          and(
            eq(channelIdentities.channel, channel),
            eq(channelIdentities.address, address),
            isNotNull(channelIdentities.unreachableAtMs),
          ),
        )
        .limit(1);
      return row !== undefined;
    },

    async markReachable(channel, address) {
      const result = await q()
        .update(channelIdentities)
        .set({ unreachableAtMs: null })
        .where(
          and(
            eq(channelIdentities.channel, channel),
            eq(channelIdentities.address, address),
            isNotNull(channelIdentities.unreachableAtMs),
          ),
        );
      return (result.rowCount ?? 0) > 0;
    },

    async markUnreachable(channel, address, nowMs) {
      await q()
        .update(channelIdentities)
        .set({ unreachableAtMs: nowMs })
        .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.address, address)));
    },

    async erasePersonalData(citizenId, placeholder, nowMs) {
      const db = q();
      await db.delete(conversations).where(eq(conversations.citizenId, citizenId));
      await db.delete(channelIdentities).where(eq(channelIdentities.citizenId, citizenId));
      await db
        .update(questions)
        .set({ text: placeholder, updatedAtMs: nowMs })
        .where(eq(questions.citizenId, citizenId));
      // SQLite's json_remove(data, '$.text') returns minified JSON with the other keys in order: the
      // same text JSON.stringify gives for what JSON.stringify wrote, whereas jsonb's text form
      // adds spaces and reorders keys. So the key is removed here, on the few rows that have it.
      const withText = await db
        .select({ id: questionEvents.id, data: questionEvents.data })
        .from(questionEvents)
        .where(
          and(
            inArray(
              questionEvents.questionId,
              db.select({ id: questions.id }).from(questions).where(eq(questions.citizenId, citizenId)),
            ),
            sql`jsonb_typeof((${questionEvents.data})::jsonb) = 'object' and (${questionEvents.data})::jsonb ? 'text'`,
          ),
        )
        .orderBy(questionEvents.id);
      for (const row of withText) {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        delete data.text;
        await db
          .update(questionEvents)
          .set({ data: JSON.stringify(data) })
          .where(eq(questionEvents.id, row.id));
      }
      await db
        .update(citizens)
        .set({ deletedAtMs: nowMs, consent: "revoked", locale: "es" })
        .where(eq(citizens.id, citizenId));
    },
  };
}
