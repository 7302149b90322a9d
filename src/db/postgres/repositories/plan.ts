/**
 * The accountability plan on PostgreSQL: the port of src/db/repositories/plan.ts (the
 * specification). Windows are `[fromMs, toMs)` UTC; every count is mapped from node-postgres'
 * bigint strings to numbers.
 */
import {
  and,
  asc,
  count,
  countDistinct,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  lt,
  lte,
  ne,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { QuestionScope } from "../../repositories/plan.ts";
import type { PgDb } from "../client.ts";
import {
  answerReports,
  commitments,
  commitmentUpdates,
  eventDistricts,
  eventRsvps,
  events,
  eventTopics,
  planProgress,
  plans,
  questions,
  surveyResponses,
  surveyRuns,
} from "../schema.ts";

function questionConditions(scope: QuestionScope): SQL[] {
  const conditions: SQL[] = [];
  if (scope.eventsOnly) conditions.push(isNotNull(questions.eventId));
  if (scope.offices?.length) conditions.push(inArray(questions.officeKey, [...scope.offices]));
  return conditions;
}

export function createPgPlanRepo(q: () => PgDb): Port<SyncRepos["plan"]> {
  return {
    async get(year) {
      const [row] = await q().select().from(plans).where(eq(plans.year, year));
      return row;
    },
    async list() {
      return q().select().from(plans).orderBy(desc(plans.year));
    },
    async save(row) {
      // One statement, so two processes loading the same year agree on which one replaced it.
      // `xmax = 0` holds for a row this statement inserted, not for one it updated.
      const [result] = await q()
        .insert(plans)
        .values(row)
        .onConflictDoUpdate({ target: plans.year, set: { ...row } })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      return !result!.inserted;
    },

    async addProgress(entry) {
      const [row] = await q().insert(planProgress).values(entry).returning();
      return row!;
    },
    async progressHistory(year, activityId) {
      return q()
        .select()
        .from(planProgress)
        .where(and(eq(planProgress.year, year), eq(planProgress.activityId, activityId)))
        .orderBy(asc(planProgress.id));
    },

    async addAnswerReport(entry) {
      const [row] = await q().insert(answerReports).values(entry).returning();
      return row!;
    },
    async answerReports(window) {
      return q()
        .select()
        .from(answerReports)
        .where(and(gte(answerReports.publishedAtMs, window.fromMs), lt(answerReports.publishedAtMs, window.toMs)))
        .orderBy(asc(answerReports.id));
    },

    async heldEvents(window, nowMs, filter = {}) {
      const conditions: SQL[] = [
        gte(events.startsAtMs, window.fromMs),
        lt(events.startsAtMs, window.toMs),
        or(
          eq(events.status, "held"),
          and(inArray(events.status, ["scheduled", "changed"]), lte(events.endsAtMs, nowMs)),
        )!,
      ];
      if (filter.kinds?.length)
        conditions.push(inArray(events.kind, [...filter.kinds] as (typeof events.kind.enumValues)[number][]));
      if (filter.offices?.length) conditions.push(inArray(events.officeKey, [...filter.offices]));
      const rows = await q()
        .select({
          id: events.id,
          kind: events.kind,
          title: events.title,
          officeKey: events.officeKey,
          startsAtMs: events.startsAtMs,
        })
        .from(events)
        .where(and(...conditions))
        .orderBy(asc(events.startsAtMs), asc(events.id));
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      const districts = await q().select().from(eventDistricts).where(inArray(eventDistricts.eventId, ids));
      const topics = await q().select().from(eventTopics).where(inArray(eventTopics.eventId, ids));
      return rows.map((r) => ({
        ...r,
        districts: districts
          .filter((d) => d.eventId === r.id)
          .map((d) => d.districtKey)
          .sort(),
        topics: topics
          .filter((t) => t.eventId === r.id)
          .map((t) => t.topicKey)
          .sort(),
      }));
    },

    async rsvpYesByEvent(eventIds) {
      if (eventIds.length === 0) return new Map();
      const rows = await q()
        .select({ eventId: eventRsvps.eventId, n: count() })
        .from(eventRsvps)
        .where(and(inArray(eventRsvps.eventId, [...eventIds]), eq(eventRsvps.answer, "yes")))
        .groupBy(eventRsvps.eventId)
        .orderBy(asc(eventRsvps.eventId));
      return new Map(rows.map((r) => [r.eventId, r.n]));
    },

    async surveyResponses(window, filter) {
      const at = sql`case when ${surveyResponses.source} = 'paper' and ${events.endsAtMs} is not null then ${events.endsAtMs} else ${surveyResponses.completedAtMs} end`;
      const conditions: SQL[] = [
        isNotNull(surveyResponses.completedAtMs),
        sql`${at} >= ${window.fromMs}`,
        sql`${at} < ${window.toMs}`,
      ];
      if (filter.surveys?.length) conditions.push(inArray(surveyRuns.surveyId, [...filter.surveys]));
      if (filter.eventsOnly) conditions.push(isNotNull(surveyRuns.eventId));
      const [row] = await q()
        .select({ n: count() })
        .from(surveyResponses)
        .innerJoin(surveyRuns, eq(surveyRuns.id, surveyResponses.runId))
        .leftJoin(events, eq(events.id, surveyRuns.eventId))
        .where(and(...conditions));
      return row?.n ?? 0;
    },

    async surveyRunIds(window) {
      const rows = await q()
        .select({ id: surveyRuns.id })
        .from(surveyRuns)
        .leftJoin(events, eq(events.id, surveyRuns.eventId))
        .where(
          or(
            and(
              isNotNull(surveyRuns.eventId),
              gte(events.startsAtMs, window.fromMs),
              lt(events.startsAtMs, window.toMs),
            ),
            and(
              eq(surveyRuns.trigger, "question_answered"),
              gte(surveyRuns.createdAtMs, window.fromMs),
              lt(surveyRuns.createdAtMs, window.toMs),
            ),
          ),
        )
        .orderBy(asc(surveyRuns.id));
      return rows.map((r) => r.id);
    },

    async questionsFiled(window, scope) {
      const conditions = [
        gte(questions.filedAtMs, window.fromMs),
        lt(questions.filedAtMs, window.toMs),
        ...questionConditions(scope),
      ];
      const [row] = await q()
        .select({ n: count() })
        .from(questions)
        .where(and(...conditions));
      return row?.n ?? 0;
    },

    async questionsAnswered(window, scope) {
      const conditions = [
        eq(questions.status, "answered"),
        gte(questions.answeredAtMs, window.fromMs),
        lt(questions.answeredAtMs, window.toMs),
        ...questionConditions(scope),
      ];
      const [row] = await q()
        .select({ n: count() })
        .from(questions)
        .where(and(...conditions));
      return row?.n ?? 0;
    },

    async questionsDueBetween(from, through, scope) {
      const conditions = [
        gte(questions.dueDate, from),
        lte(questions.dueDate, through),
        ne(questions.status, "withdrawn"),
        ...questionConditions(scope),
      ];
      return q()
        .select({ dueDate: questions.dueDate, status: questions.status, answeredAtMs: questions.answeredAtMs })
        .from(questions)
        .where(and(...conditions))
        .orderBy(asc(questions.id));
    },

    async commitmentsReported(window, offices) {
      const conditions: SQL[] = [
        eq(commitmentUpdates.kind, "progress"),
        gte(commitmentUpdates.atMs, window.fromMs),
        lt(commitmentUpdates.atMs, window.toMs),
        ne(commitments.status, "cancelled"),
      ];
      if (offices?.length) conditions.push(inArray(commitments.officeKey, [...offices]));
      const [row] = await q()
        .select({ n: countDistinct(commitmentUpdates.commitmentId) })
        .from(commitmentUpdates)
        .innerJoin(commitments, eq(commitments.id, commitmentUpdates.commitmentId))
        .where(and(...conditions));
      return row?.n ?? 0;
    },

    async commitmentsExisting(beforeMs, offices) {
      const conditions: SQL[] = [lt(commitments.createdAtMs, beforeMs), ne(commitments.status, "cancelled")];
      if (offices?.length) conditions.push(inArray(commitments.officeKey, [...offices]));
      const [row] = await q()
        .select({ n: count() })
        .from(commitments)
        .where(and(...conditions));
      return row?.n ?? 0;
    },

    async commitmentsCreated(window) {
      return q()
        .select()
        .from(commitments)
        .where(and(gte(commitments.createdAtMs, window.fromMs), lt(commitments.createdAtMs, window.toMs)))
        .orderBy(asc(commitments.number));
    },

    async answerReportEvents(window) {
      const [row] = await q()
        .select({ n: countDistinct(answerReports.eventId) })
        .from(answerReports)
        .where(and(gte(answerReports.publishedAtMs, window.fromMs), lt(answerReports.publishedAtMs, window.toMs)));
      return row?.n ?? 0;
    },
  };
}
