/** Citizens, their channel identities, consent proof and conversation state. */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { channelIdentities, citizens, consents, conversations, questionEvents, questions } from "../schema.ts";

export type ConsentState = "none" | "granted" | "refused" | "revoked";

/** Everything the hot path needs about the sender, in one read. */
export interface CitizenContext {
  citizenId: number;
  identityId: number;
  locale: string;
  consent: ConsentState;
  deletedAtMs: number | null;
  /** When the channel reported this chat unreachable (the citizen blocked the bot); null when reachable. */
  unreachableAtMs: number | null;
  flowId: string | null;
  stepId: string | null;
  flowVersion: number | null;
  data: string | null;
}

export function createCitizensRepo(db: Db) {
  const findContext = db
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
    .prepare();

  const insertCitizen = db
    .insert(citizens)
    .values({ locale: sql.placeholder("locale"), createdAtMs: sql.placeholder("now") })
    .returning({ id: citizens.id })
    .prepare();

  const insertIdentity = db
    .insert(channelIdentities)
    .values({
      citizenId: sql.placeholder("citizenId"),
      channel: sql.placeholder("channel"),
      address: sql.placeholder("address"),
      createdAtMs: sql.placeholder("now"),
    })
    .returning({ id: channelIdentities.id })
    .prepare();

  const upsertConversation = db
    .insert(conversations)
    .values({
      citizenId: sql.placeholder("citizenId"),
      flowId: sql.placeholder("flowId"),
      stepId: sql.placeholder("stepId"),
      flowVersion: sql.placeholder("flowVersion"),
      data: sql.placeholder("data"),
      updatedAtMs: sql.placeholder("now"),
    })
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
    .prepare();

  const byId = db
    .select()
    .from(citizens)
    .where(eq(citizens.id, sql.placeholder("id")))
    .prepare();
  const insertConsent = db
    .insert(consents)
    .values({
      citizenId: sql.placeholder("citizenId"),
      decision: sql.placeholder("decision"),
      noticeVersion: sql.placeholder("noticeVersion"),
      channel: sql.placeholder("channel"),
      decidedAtMs: sql.placeholder("now"),
    })
    .prepare();
  const setConsent = db
    .update(citizens)
    .set({ consent: sql.placeholder("decision") as unknown as "granted" })
    .where(eq(citizens.id, sql.placeholder("citizenId")))
    .prepare();

  const unreachable = db
    .select({ id: channelIdentities.id })
    .from(channelIdentities)
    .where(
      and(
        eq(channelIdentities.channel, sql.placeholder("channel")),
        eq(channelIdentities.address, sql.placeholder("address")),
        sql`${channelIdentities.unreachableAtMs} is not null`,
      ),
    )
    .prepare();

  return {
    findContext(channel: string, address: string): CitizenContext | undefined {
      return findContext.get({ channel, address }) as CitizenContext | undefined;
    },

    create(channel: string, address: string, locale: string, nowMs: number): CitizenContext {
      const { id: citizenId } = insertCitizen.get({ locale, now: nowMs })!;
      const { id: identityId } = insertIdentity.get({ citizenId, channel, address, now: nowMs })!;
      return {
        citizenId,
        identityId,
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

    saveConversation(
      citizenId: number,
      state: { flowId: string; stepId: string; flowVersion: number; data: string },
      nowMs: number,
    ): void {
      upsertConversation.run({ citizenId, ...state, now: nowMs });
    },

    setLocale(citizenId: number, locale: string): void {
      db.update(citizens).set({ locale }).where(eq(citizens.id, citizenId)).run();
    },

    /** Records a consent decision as proof and updates the current state. */
    recordConsent(input: {
      citizenId: number;
      decision: "granted" | "refused" | "revoked";
      noticeVersion: string;
      channel: string;
      nowMs: number;
    }): void {
      insertConsent.run({
        citizenId: input.citizenId,
        decision: input.decision,
        noticeVersion: input.noticeVersion,
        channel: input.channel,
        now: input.nowMs,
      });
      setConsent.run({ citizenId: input.citizenId, decision: input.decision });
    },

    consentHistory(citizenId: number) {
      return db.select().from(consents).where(eq(consents.citizenId, citizenId)).orderBy(consents.id).all();
    },

    /** Channel addresses where the citizen can be reached, most recent first. */
    identities(citizenId: number) {
      return db
        .select()
        .from(channelIdentities)
        .where(eq(channelIdentities.citizenId, citizenId))
        .orderBy(sql`${channelIdentities.id} desc`)
        .all();
    },

    get(citizenId: number) {
      return byId.get({ id: citizenId });
    },

    /** Whether this chat is a citizen's that the channel reported unreachable (blocked, deleted). */
    isUnreachable(channel: string, address: string): boolean {
      return unreachable.get({ channel, address }) !== undefined;
    },

    /** The citizen wrote from this chat again: reachable. Returns true when it was marked unreachable. */
    markReachable(channel: string, address: string): boolean {
      return (
        db
          .update(channelIdentities)
          .set({ unreachableAtMs: null })
          .where(
            and(
              eq(channelIdentities.channel, channel),
              eq(channelIdentities.address, address),
              sql`${channelIdentities.unreachableAtMs} is not null`,
            ),
          )
          .run().changes > 0
      );
    },

    markUnreachable(channel: string, address: string, nowMs: number): void {
      db.update(channelIdentities)
        .set({ unreachableAtMs: nowMs })
        .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.address, address)))
        .run();
    },

    /**
     * Erases a citizen's personal data (Ley 1581 de 2012, art. 8 e): channel identities, conversation
     * and the text of their questions. Questions stay, anonymized, as the entity's legal record;
     * consent proof stays (Decreto 1377 de 2013, art. 8), tied only to the anonymous citizen row.
     */
    erasePersonalData(citizenId: number, placeholder: string, nowMs: number): void {
      db.delete(conversations).where(eq(conversations.citizenId, citizenId)).run();
      db.delete(channelIdentities).where(eq(channelIdentities.citizenId, citizenId)).run();
      db.update(questions)
        .set({ text: placeholder, updatedAtMs: nowMs })
        .where(eq(questions.citizenId, citizenId))
        .run();
      db.update(questionEvents)
        .set({ data: sql`json_remove(${questionEvents.data}, '$.text')` })
        .where(
          sql`${questionEvents.questionId} in (select ${questions.id} from ${questions} where ${questions.citizenId} = ${citizenId})`,
        )
        .run();
      db.update(citizens)
        .set({ deletedAtMs: nowMs, consent: "revoked", locale: "es" })
        .where(eq(citizens.id, citizenId))
        .run();
    },
  };
}

export type CitizensRepo = ReturnType<typeof createCitizensRepo>;
