/**
 * Survey runs, invitations, responses and answers on PostgreSQL: the port of
 * src/db/repositories/surveys.ts (the specification). Reads the events, subscriptions and
 * conversations tables owned by other features, and never writes them.
 */
import { and, asc, count, desc, eq, exists, inArray, isNull, notExists, or, sql, type SQL } from "drizzle-orm";
import type { Segment } from "../../../core/surveys/segment.ts";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { StoredResponse, SurveyInvitationRow } from "../../repositories/surveys.ts";
import type { PgDb } from "../client.ts";
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

const eventSummary = {
  id: events.id,
  title: events.title,
  officeKey: events.officeKey,
  endsAtMs: events.endsAtMs,
  status: events.status,
};

export function createPgSurveysRepo(q: () => PgDb): Port<SyncRepos["surveys"]> {
  /** Conditions every invited citizen meets: consent, not deleted, not opted out, a reachable chat. */
  function askable(db: PgDb, channel?: string): SQL[] {
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

  function segmentCondition(db: PgDb, segment: Segment): SQL | undefined {
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

  async function isOptedOut(citizenId: number): Promise<boolean> {
    const rows = await q()
      .select({ id: surveyOptOuts.citizenId })
      .from(surveyOptOuts)
      .where(eq(surveyOptOuts.citizenId, citizenId));
    return rows.length > 0;
  }

  return {
    async insertRun(row) {
      const [inserted] = await q().insert(surveyRuns).values(row).returning();
      return inserted!;
    },
    async insertRunOnce(row) {
      const [inserted] = await q()
        .insert(surveyRuns)
        .values(row)
        .onConflictDoNothing({ target: surveyRuns.triggerKey })
        .returning();
      return inserted;
    },
    async runById(id) {
      const [row] = await q().select().from(surveyRuns).where(eq(surveyRuns.id, id));
      return row;
    },
    async runByTriggerKey(key) {
      const [row] = await q().select().from(surveyRuns).where(eq(surveyRuns.triggerKey, key));
      return row;
    },
    async listRuns(filter = {}) {
      const conditions: SQL[] = [];
      if (filter.surveyId) conditions.push(eq(surveyRuns.surveyId, filter.surveyId));
      if (filter.officeKey) conditions.push(eq(surveyRuns.officeKey, filter.officeKey));
      if (filter.eventId !== undefined) conditions.push(eq(surveyRuns.eventId, filter.eventId));
      if (filter.trigger) conditions.push(eq(surveyRuns.trigger, filter.trigger));
      if (filter.runIds) conditions.push(inArray(surveyRuns.id, filter.runIds));
      return q()
        .select()
        .from(surveyRuns)
        .where(and(...conditions))
        .orderBy(desc(surveyRuns.id));
    },
    async closeRun(id, nowMs) {
      await q()
        .update(surveyRuns)
        .set({ closedAtMs: nowMs })
        .where(and(eq(surveyRuns.id, id), isNull(surveyRuns.closedAtMs)));
    },

    async invite(runId, citizenIds, nowMs) {
      if (citizenIds.length === 0) return [];
      const rows = [...new Set(citizenIds)].map((citizenId) => ({ runId, citizenId, createdAtMs: nowMs }));
      const insert = async (db: PgDb) => {
        const created: SurveyInvitationRow[] = [];
        // Chunks keep each statement well under PostgreSQL's 65,535 bound parameters.
        for (let i = 0; i < rows.length; i += 500) {
          created.push(
            ...(await db
              .insert(surveyInvitations)
              .values(rows.slice(i, i + 500))
              .onConflictDoNothing()
              .returning()),
          );
        }
        return created;
      };
      // Several statements are one unit: a savepoint inside the caller's transaction, else their own.
      return rows.length <= 500 ? insert(q()) : q().transaction((tx) => insert(tx as PgDb));
    },
    async invitationById(id) {
      const [row] = await q().select().from(surveyInvitations).where(eq(surveyInvitations.id, id));
      return row;
    },
    async invitationsOfRun(runId, statuses) {
      const conditions = [eq(surveyInvitations.runId, runId)];
      if (statuses) conditions.push(inArray(surveyInvitations.status, [...statuses]));
      return q()
        .select()
        .from(surveyInvitations)
        .where(and(...conditions))
        .orderBy(asc(surveyInvitations.id));
    },
    async invitationsOfCitizen(citizenId) {
      return q()
        .select()
        .from(surveyInvitations)
        .where(eq(surveyInvitations.citizenId, citizenId))
        .orderBy(asc(surveyInvitations.id));
    },
    async setInvitationStatus(id, from, changes) {
      const updated = await q()
        .update(surveyInvitations)
        .set(changes)
        .where(and(eq(surveyInvitations.id, id), inArray(surveyInvitations.status, [...from])))
        .returning({ id: surveyInvitations.id });
      return updated.length > 0;
    },
    async tally(runIds) {
      if (runIds.length === 0) return { invited: 0, delivered: 0 };
      const [row] = await q()
        .select({ invited: count(), delivered: count(surveyInvitations.deliveredAtMs) })
        .from(surveyInvitations)
        .where(inArray(surveyInvitations.runId, [...runIds]));
      return { invited: Number(row?.invited ?? 0), delivered: Number(row?.delivered ?? 0) };
    },
    async statusCounts(runId) {
      const rows = await q()
        .select({ status: surveyInvitations.status, n: count() })
        .from(surveyInvitations)
        .where(eq(surveyInvitations.runId, runId))
        .groupBy(surveyInvitations.status)
        .orderBy(sql`${surveyInvitations.status} collate "C"`);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    async responseOfInvitation(invitationId) {
      const [row] = await q().select().from(surveyResponses).where(eq(surveyResponses.invitationId, invitationId));
      return row;
    },
    async createResponse(input, nowMs) {
      const [row] = await q()
        .insert(surveyResponses)
        .values({
          runId: input.runId,
          invitationId: input.invitationId ?? null,
          source: input.source,
          sourceRef: input.sourceRef ?? null,
          completedAtMs: input.completedAtMs ?? null,
          createdAtMs: nowMs,
        })
        .returning({ id: surveyResponses.id });
      return row!.id;
    },
    async completeResponse(id, nowMs) {
      await q()
        .update(surveyResponses)
        .set({ completedAtMs: nowMs })
        .where(and(eq(surveyResponses.id, id), isNull(surveyResponses.completedAtMs)));
    },
    async addAnswer(responseId, questionKey, value, nowMs) {
      const inserted = await q()
        .insert(surveyAnswers)
        .values({ responseId, questionKey, value, createdAtMs: nowMs })
        .onConflictDoNothing()
        .returning({ id: surveyAnswers.id });
      return inserted.length > 0;
    },
    async answersOf(responseId) {
      const rows = await q()
        .select()
        .from(surveyAnswers)
        .where(eq(surveyAnswers.responseId, responseId))
        // SQLite reads them through the index survey_answers_response_question: by question key.
        .orderBy(sql`${surveyAnswers.questionKey} collate "C"`);
      return Object.fromEntries(rows.map((r) => [r.questionKey, r.value]));
    },
    async responses(runIds) {
      if (runIds.length === 0) return [];
      const rows = await q()
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
        .orderBy(asc(surveyResponses.id), asc(surveyAnswers.id));
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
    async hasSourcePrefix(runId, prefix) {
      const rows = await q()
        .select({ id: surveyResponses.id })
        .from(surveyResponses)
        .where(
          and(
            eq(surveyResponses.runId, runId),
            sql`substr(${surveyResponses.sourceRef}, 1, ${prefix.length}::integer) = ${prefix}::text`,
          ),
        )
        .limit(1);
      return rows.length > 0;
    },
    async deleteAnswersOfCitizen(citizenId, questionKeysByRun) {
      let deleted = 0;
      for (const [runId, keys] of questionKeysByRun) {
        if (keys.length === 0) continue;
        const db = q();
        const responseIds = db
          .select({ id: surveyResponses.id })
          .from(surveyResponses)
          .innerJoin(surveyInvitations, eq(surveyInvitations.id, surveyResponses.invitationId))
          .where(and(eq(surveyInvitations.citizenId, citizenId), eq(surveyResponses.runId, runId)));
        const removed = await db
          .delete(surveyAnswers)
          .where(and(inArray(surveyAnswers.responseId, responseIds), inArray(surveyAnswers.questionKey, [...keys])))
          .returning({ id: surveyAnswers.id });
        deleted += removed.length;
      }
      return deleted;
    },

    async optOut(citizenId, nowMs) {
      await q().insert(surveyOptOuts).values({ citizenId, atMs: nowMs }).onConflictDoNothing();
    },
    isOptedOut,

    async eligibility(citizenId) {
      const [citizen] = await q()
        .select({ consent: citizens.consent, deletedAtMs: citizens.deletedAtMs })
        .from(citizens)
        .where(eq(citizens.id, citizenId));
      if (!citizen || citizen.deletedAtMs !== null) return { ok: false, reason: "deleted" };
      if (citizen.consent !== "granted") return { ok: false, reason: "no_consent" };
      if (await isOptedOut(citizenId)) return { ok: false, reason: "opted_out" };
      const identities = await q()
        .select({ channel: channelIdentities.channel, address: channelIdentities.address })
        .from(channelIdentities)
        .where(and(eq(channelIdentities.citizenId, citizenId), isNull(channelIdentities.unreachableAtMs)))
        .orderBy(desc(channelIdentities.id));
      return identities.length ? { ok: true, identities } : { ok: false, reason: "unreachable" };
    },
    async segmentCitizens(segment) {
      const db = q();
      const extra = segmentCondition(db, segment);
      const conditions = [
        ...askable(db, segment.kind === "channel" ? segment.channel : undefined),
        ...(extra ? [extra] : []),
      ];
      const rows = await db
        .select({ id: citizens.id })
        .from(citizens)
        .where(and(...conditions))
        .orderBy(asc(citizens.id));
      return rows.map((r) => r.id);
    },

    async conversationOf(citizenId) {
      const [row] = await q()
        .select({
          flowId: conversations.flowId,
          stepId: conversations.stepId,
          data: conversations.data,
          updatedAtMs: conversations.updatedAtMs,
        })
        .from(conversations)
        .where(eq(conversations.citizenId, citizenId));
      return row;
    },

    async eventById(id) {
      const [row] = await q().select(eventSummary).from(events).where(eq(events.id, id));
      return row;
    },
    async eventsEndedBetween(fromMs, toMs) {
      return (
        q()
          .select(eventSummary)
          .from(events)
          .where(
            and(
              sql`${events.endsAtMs} >= ${fromMs}`,
              sql`${events.endsAtMs} <= ${toMs}`,
              sql`${events.status} <> 'cancelled'`,
            ),
          )
          // SQLite breaks ties by rowid (the events_status_starts index does not cover ends_at_ms).
          .orderBy(asc(events.endsAtMs), asc(events.id))
      );
    },
  };
}
