/**
 * Survey runs, invitations, responses and answers; who may be asked (consent, deletion, opt-out,
 * a reachable chat) and who a segment names. Reads the events, subscriptions and conversations
 * tables owned by other features, and never writes them.
 */
import { and, asc, desc, eq, exists, inArray, isNull, notExists, or, sql, type SQL } from "drizzle-orm";
import type { Segment } from "../../core/surveys/segment.ts";
import type { Db } from "../client.ts";
import {
  channelIdentities,
  citizens,
  conversations,
  eventRsvps,
  events,
  questions,
  subscriptions,
  surveyAnswers,
  surveyInvitations,
  surveyOptOuts,
  surveyResponses,
  surveyRuns,
} from "../schema.ts";

export type SurveyRunRow = typeof surveyRuns.$inferSelect;
export type NewSurveyRun = Omit<typeof surveyRuns.$inferInsert, "id">;
export type SurveyInvitationRow = typeof surveyInvitations.$inferSelect;
export type InvitationStatus = SurveyInvitationRow["status"];
export type SurveyResponseRow = typeof surveyResponses.$inferSelect;

export interface RunFilter {
  surveyId?: string;
  officeKey?: string;
  eventId?: number;
  trigger?: SurveyRunRow["trigger"];
  runIds?: number[];
}

export interface StoredResponse {
  id: number;
  runId: number;
  source: "chat" | "paper";
  completed: boolean;
  answers: Record<string, string | null>;
}

export interface EventSummary {
  id: number;
  title: string;
  officeKey: string | null;
  endsAtMs: number;
  status: string;
}

/** Why a citizen may not be asked, or `ok` with the chats they can be reached on (most recent first). */
export type Eligibility =
  | { ok: true; identities: { channel: string; address: string }[] }
  | { ok: false; reason: "deleted" | "no_consent" | "opted_out" | "unreachable" };

export function createSurveysRepo(db: Db) {
  /** Conditions every invited citizen meets: consent, not deleted, not opted out, a reachable chat. */
  function askable(channel?: string): SQL[] {
    const reachable = [eq(channelIdentities.citizenId, citizens.id), isNull(channelIdentities.unreachableAtMs)];
    if (channel) reachable.push(eq(channelIdentities.channel, channel));
    return [
      eq(citizens.consent, "granted"),
      isNull(citizens.deletedAtMs),
      notExists(
        db
          .select({ one: sql`1` })
          .from(surveyOptOuts)
          .where(eq(surveyOptOuts.citizenId, citizens.id)),
      ),
      exists(
        db
          .select({ one: sql`1` })
          .from(channelIdentities)
          .where(and(...reachable)),
      ),
    ];
  }

  function segmentCondition(segment: Segment): SQL | undefined {
    const subscribed = (kind: "topic" | "district", keys: string[]) =>
      exists(
        db
          .select({ one: sql`1` })
          .from(subscriptions)
          .where(
            and(
              eq(subscriptions.citizenId, citizens.id),
              // Whoever follows everything hears about every topic; a district is where one lives.
              kind === "topic"
                ? or(
                    and(eq(subscriptions.kind, "topic"), inArray(subscriptions.key, keys)),
                    eq(subscriptions.kind, "all"),
                  )
                : and(eq(subscriptions.kind, "district"), inArray(subscriptions.key, keys)),
            ),
          ),
      );
    switch (segment.kind) {
      case "everyone":
      case "channel":
        return undefined;
      case "topics":
        return subscribed("topic", segment.keys);
      case "districts":
        return subscribed("district", segment.keys);
      case "event":
        return exists(
          db
            .select({ one: sql`1` })
            .from(eventRsvps)
            .where(
              and(
                eq(eventRsvps.citizenId, citizens.id),
                eq(eventRsvps.eventId, segment.eventId),
                eq(eventRsvps.answer, "yes"),
              ),
            ),
        );
      case "office":
        return exists(
          db
            .select({ one: sql`1` })
            .from(questions)
            .where(and(eq(questions.citizenId, citizens.id), eq(questions.officeKey, segment.officeKey))),
        );
    }
  }

  function isOptedOut(citizenId: number): boolean {
    return (
      db
        .select({ id: surveyOptOuts.citizenId })
        .from(surveyOptOuts)
        .where(eq(surveyOptOuts.citizenId, citizenId))
        .get() !== undefined
    );
  }

  return {
    insertRun(row: NewSurveyRun): SurveyRunRow {
      return db.insert(surveyRuns).values(row).returning().get();
    },
    /** Inserts a triggered run unless its trigger key is taken (by a concurrent trigger); undefined then. */
    insertRunOnce(row: NewSurveyRun & { triggerKey: string }): SurveyRunRow | undefined {
      return db.insert(surveyRuns).values(row).onConflictDoNothing({ target: surveyRuns.triggerKey }).returning().get();
    },
    runById(id: number): SurveyRunRow | undefined {
      return db.select().from(surveyRuns).where(eq(surveyRuns.id, id)).get();
    },
    runByTriggerKey(key: string): SurveyRunRow | undefined {
      return db.select().from(surveyRuns).where(eq(surveyRuns.triggerKey, key)).get();
    },
    listRuns(filter: RunFilter = {}): SurveyRunRow[] {
      const conditions: SQL[] = [];
      if (filter.surveyId) conditions.push(eq(surveyRuns.surveyId, filter.surveyId));
      if (filter.officeKey) conditions.push(eq(surveyRuns.officeKey, filter.officeKey));
      if (filter.eventId !== undefined) conditions.push(eq(surveyRuns.eventId, filter.eventId));
      if (filter.trigger) conditions.push(eq(surveyRuns.trigger, filter.trigger));
      if (filter.runIds) conditions.push(inArray(surveyRuns.id, filter.runIds));
      return db
        .select()
        .from(surveyRuns)
        .where(and(...conditions))
        .orderBy(desc(surveyRuns.id))
        .all();
    },
    closeRun(id: number, nowMs: number): void {
      db.update(surveyRuns)
        .set({ closedAtMs: nowMs })
        .where(and(eq(surveyRuns.id, id), isNull(surveyRuns.closedAtMs)))
        .run();
    },

    /** Invites citizens to a run; those already invited are skipped. Returns the new invitations. */
    invite(runId: number, citizenIds: readonly number[], nowMs: number): SurveyInvitationRow[] {
      if (citizenIds.length === 0) return [];
      const rows = [...new Set(citizenIds)].map((citizenId) => ({ runId, citizenId, createdAtMs: nowMs }));
      const created: SurveyInvitationRow[] = [];
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < rows.length; i += 500) {
        created.push(
          ...db
            .insert(surveyInvitations)
            .values(rows.slice(i, i + 500))
            .onConflictDoNothing()
            .returning()
            .all(),
        );
      }
      return created;
    },
    invitationById(id: number): SurveyInvitationRow | undefined {
      return db.select().from(surveyInvitations).where(eq(surveyInvitations.id, id)).get();
    },
    invitationsOfRun(runId: number, statuses?: readonly InvitationStatus[]): SurveyInvitationRow[] {
      const conditions = [eq(surveyInvitations.runId, runId)];
      if (statuses) conditions.push(inArray(surveyInvitations.status, [...statuses]));
      return db
        .select()
        .from(surveyInvitations)
        .where(and(...conditions))
        .orderBy(asc(surveyInvitations.id))
        .all();
    },
    invitationsOfCitizen(citizenId: number): SurveyInvitationRow[] {
      return db
        .select()
        .from(surveyInvitations)
        .where(eq(surveyInvitations.citizenId, citizenId))
        .orderBy(asc(surveyInvitations.id))
        .all();
    },
    /** Moves an invitation on, only from one of `from` (so a finished invitation never reopens). */
    setInvitationStatus(
      id: number,
      from: readonly InvitationStatus[],
      changes: Partial<
        Pick<SurveyInvitationRow, "status" | "cancelReason" | "channel" | "deliveredAtMs" | "finishedAtMs">
      >,
    ): boolean {
      return (
        db
          .update(surveyInvitations)
          .set(changes)
          .where(and(eq(surveyInvitations.id, id), inArray(surveyInvitations.status, [...from])))
          .run().changes > 0
      );
    },
    /** Invited and delivered counts over runs. */
    tally(runIds: readonly number[]): { invited: number; delivered: number } {
      if (runIds.length === 0) return { invited: 0, delivered: 0 };
      const row = db
        .select({ invited: sql<number>`count(*)`, delivered: sql<number>`count(${surveyInvitations.deliveredAtMs})` })
        .from(surveyInvitations)
        .where(inArray(surveyInvitations.runId, [...runIds]))
        .get();
      return { invited: Number(row?.invited ?? 0), delivered: Number(row?.delivered ?? 0) };
    },
    statusCounts(runId: number): Record<string, number> {
      const rows = db
        .select({ status: surveyInvitations.status, n: sql<number>`count(*)` })
        .from(surveyInvitations)
        .where(eq(surveyInvitations.runId, runId))
        .groupBy(surveyInvitations.status)
        .all();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    responseOfInvitation(invitationId: number): SurveyResponseRow | undefined {
      return db.select().from(surveyResponses).where(eq(surveyResponses.invitationId, invitationId)).get();
    },
    createResponse(
      input: {
        runId: number;
        invitationId?: number | null;
        source: "chat" | "paper";
        sourceRef?: string | null;
        completedAtMs?: number | null;
      },
      nowMs: number,
    ): number {
      return db
        .insert(surveyResponses)
        .values({
          runId: input.runId,
          invitationId: input.invitationId ?? null,
          source: input.source,
          sourceRef: input.sourceRef ?? null,
          completedAtMs: input.completedAtMs ?? null,
          createdAtMs: nowMs,
        })
        .returning({ id: surveyResponses.id })
        .get().id;
    },
    completeResponse(id: number, nowMs: number): void {
      db.update(surveyResponses)
        .set({ completedAtMs: nowMs })
        .where(and(eq(surveyResponses.id, id), isNull(surveyResponses.completedAtMs)))
        .run();
    },
    /** Records an answer; a question already answered in this response keeps its first answer. */
    addAnswer(responseId: number, questionKey: string, value: string | null, nowMs: number): boolean {
      return (
        db
          .insert(surveyAnswers)
          .values({ responseId, questionKey, value, createdAtMs: nowMs })
          .onConflictDoNothing()
          .run().changes > 0
      );
    },
    answersOf(responseId: number): Record<string, string | null> {
      const rows = db.select().from(surveyAnswers).where(eq(surveyAnswers.responseId, responseId)).all();
      return Object.fromEntries(rows.map((r) => [r.questionKey, r.value]));
    },
    /** Responses of runs with their answers, oldest first. */
    responses(runIds: readonly number[]): StoredResponse[] {
      if (runIds.length === 0) return [];
      const rows = db
        .select({
          id: surveyResponses.id,
          runId: surveyResponses.runId,
          source: surveyResponses.source,
          completedAtMs: surveyResponses.completedAtMs,
          questionKey: surveyAnswers.questionKey,
          value: surveyAnswers.value,
        })
        .from(surveyResponses)
        .leftJoin(surveyAnswers, eq(surveyAnswers.responseId, surveyResponses.id))
        .where(inArray(surveyResponses.runId, [...runIds]))
        .orderBy(asc(surveyResponses.id), asc(surveyAnswers.id))
        .all();
      const byId = new Map<number, StoredResponse>();
      for (const r of rows) {
        let response = byId.get(r.id);
        if (!response) {
          response = { id: r.id, runId: r.runId, source: r.source, completed: r.completedAtMs !== null, answers: {} };
          byId.set(r.id, response);
        }
        if (r.questionKey !== null) response.answers[r.questionKey] = r.value;
      }
      return [...byId.values()];
    },
    /** Whether responses whose sourceRef starts with `prefix` exist in a run (a file imported before). */
    hasSourcePrefix(runId: number, prefix: string): boolean {
      return (
        db
          .select({ id: surveyResponses.id })
          .from(surveyResponses)
          .where(
            and(
              eq(surveyResponses.runId, runId),
              sql`substr(${surveyResponses.sourceRef}, 1, ${prefix.length}) = ${prefix}`,
            ),
          )
          .get() !== undefined
      );
    },
    /** Deletes given answers of a citizen's chat responses (free text, when they erase their data). */
    deleteAnswersOfCitizen(citizenId: number, questionKeysByRun: ReadonlyMap<number, readonly string[]>): number {
      let deleted = 0;
      for (const [runId, keys] of questionKeysByRun) {
        if (keys.length === 0) continue;
        const responseIds = db
          .select({ id: surveyResponses.id })
          .from(surveyResponses)
          .innerJoin(surveyInvitations, eq(surveyInvitations.id, surveyResponses.invitationId))
          .where(and(eq(surveyInvitations.citizenId, citizenId), eq(surveyResponses.runId, runId)));
        deleted += db
          .delete(surveyAnswers)
          .where(and(inArray(surveyAnswers.responseId, responseIds), inArray(surveyAnswers.questionKey, [...keys])))
          .run().changes;
      }
      return deleted;
    },

    optOut(citizenId: number, nowMs: number): void {
      db.insert(surveyOptOuts).values({ citizenId, atMs: nowMs }).onConflictDoNothing().run();
    },
    isOptedOut,

    /** Whether a citizen may be asked now, and where. */
    eligibility(citizenId: number): Eligibility {
      const citizen = db
        .select({ consent: citizens.consent, deletedAtMs: citizens.deletedAtMs })
        .from(citizens)
        .where(eq(citizens.id, citizenId))
        .get();
      if (!citizen || citizen.deletedAtMs !== null) return { ok: false, reason: "deleted" };
      if (citizen.consent !== "granted") return { ok: false, reason: "no_consent" };
      if (isOptedOut(citizenId)) return { ok: false, reason: "opted_out" };
      const identities = db
        .select({ channel: channelIdentities.channel, address: channelIdentities.address })
        .from(channelIdentities)
        .where(and(eq(channelIdentities.citizenId, citizenId), isNull(channelIdentities.unreachableAtMs)))
        .orderBy(desc(channelIdentities.id))
        .all();
      return identities.length ? { ok: true, identities } : { ok: false, reason: "unreachable" };
    },
    /** The citizens a segment names who may be asked, by id. */
    segmentCitizens(segment: Segment): number[] {
      const extra = segmentCondition(segment);
      const conditions = [
        ...askable(segment.kind === "channel" ? segment.channel : undefined),
        ...(extra ? [extra] : []),
      ];
      return db
        .select({ id: citizens.id })
        .from(citizens)
        .where(and(...conditions))
        .orderBy(asc(citizens.id))
        .all()
        .map((r) => r.id);
    },

    conversationOf(
      citizenId: number,
    ): { flowId: string; stepId: string; data: string; updatedAtMs: number } | undefined {
      return db
        .select({
          flowId: conversations.flowId,
          stepId: conversations.stepId,
          data: conversations.data,
          updatedAtMs: conversations.updatedAtMs,
        })
        .from(conversations)
        .where(eq(conversations.citizenId, citizenId))
        .get();
    },

    eventById(id: number): EventSummary | undefined {
      return db
        .select({
          id: events.id,
          title: events.title,
          officeKey: events.officeKey,
          endsAtMs: events.endsAtMs,
          status: events.status,
        })
        .from(events)
        .where(eq(events.id, id))
        .get();
    },
    /** Events not cancelled that ended in [fromMs, toMs]. */
    eventsEndedBetween(fromMs: number, toMs: number): EventSummary[] {
      return db
        .select({
          id: events.id,
          title: events.title,
          officeKey: events.officeKey,
          endsAtMs: events.endsAtMs,
          status: events.status,
        })
        .from(events)
        .where(
          and(
            sql`${events.endsAtMs} >= ${fromMs}`,
            sql`${events.endsAtMs} <= ${toMs}`,
            sql`${events.status} <> 'cancelled'`,
          ),
        )
        .orderBy(asc(events.endsAtMs))
        .all();
    },
  };
}

export type SurveysRepo = ReturnType<typeof createSurveysRepo>;
