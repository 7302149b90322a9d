/**
 * The accountability plan: the loaded definitions, the append-only manual progress, published
 * answer reports, and the counts the plan's indicators read from the other features' tables
 * (events, survey responses, questions, commitment updates). Windows are `[fromMs, toMs)` UTC.
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
import type { Db } from "../client.ts";
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

export type PlanRow = typeof plans.$inferSelect;
export type PlanProgressRow = typeof planProgress.$inferSelect;
export type AnswerReportRow = typeof answerReports.$inferSelect;

export interface Window {
  fromMs: number;
  toMs: number;
}

/** An event that took place: its kind, office, districts and topics. */
export interface HeldEvent {
  id: number;
  kind: string;
  title: string;
  officeKey: string | null;
  startsAtMs: number;
  districts: string[];
  topics: string[];
}

export interface QuestionScope {
  /** Only questions filed for a dialogue space. */
  eventsOnly: boolean;
  offices?: readonly string[];
}

export function createPlanRepo(db: Db) {
  function questionConditions(scope: QuestionScope): SQL[] {
    const conditions: SQL[] = [];
    if (scope.eventsOnly) conditions.push(isNotNull(questions.eventId));
    if (scope.offices?.length) conditions.push(inArray(questions.officeKey, [...scope.offices]));
    return conditions;
  }

  return {
    get(year: number): PlanRow | undefined {
      return db.select().from(plans).where(eq(plans.year, year)).get();
    },
    list(): PlanRow[] {
      return db.select().from(plans).orderBy(desc(plans.year)).all();
    },
    /** Stores (or replaces) the plan of `row.year`; returns whether one was there before. */
    save(row: PlanRow): boolean {
      const existed = db.select({ year: plans.year }).from(plans).where(eq(plans.year, row.year)).get() !== undefined;
      db.insert(plans)
        .values(row)
        .onConflictDoUpdate({ target: plans.year, set: { ...row } })
        .run();
      return existed;
    },

    addProgress(entry: Omit<PlanProgressRow, "id">): PlanProgressRow {
      return db.insert(planProgress).values(entry).returning().get();
    },
    /** The activity's progress entries, oldest first. */
    progressHistory(year: number, activityId: string): PlanProgressRow[] {
      return db
        .select()
        .from(planProgress)
        .where(and(eq(planProgress.year, year), eq(planProgress.activityId, activityId)))
        .orderBy(asc(planProgress.id))
        .all();
    },

    addAnswerReport(entry: Omit<AnswerReportRow, "id">): AnswerReportRow {
      return db.insert(answerReports).values(entry).returning().get();
    },
    answerReports(window: Window): AnswerReportRow[] {
      return db
        .select()
        .from(answerReports)
        .where(and(gte(answerReports.publishedAtMs, window.fromMs), lt(answerReports.publishedAtMs, window.toMs)))
        .orderBy(asc(answerReports.id))
        .all();
    },

    /**
     * Events that took place with a start in the window: marked held, or ended by `nowMs` without
     * being cancelled (most spaces are never marked held by hand).
     */
    heldEvents(
      window: Window,
      nowMs: number,
      filter: { kinds?: readonly string[]; offices?: readonly string[] } = {},
    ): HeldEvent[] {
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
      const rows = db
        .select({
          id: events.id,
          kind: events.kind,
          title: events.title,
          officeKey: events.officeKey,
          startsAtMs: events.startsAtMs,
        })
        .from(events)
        .where(and(...conditions))
        .orderBy(asc(events.startsAtMs), asc(events.id))
        .all();
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      const districts = db.select().from(eventDistricts).where(inArray(eventDistricts.eventId, ids)).all();
      const topics = db.select().from(eventTopics).where(inArray(eventTopics.eventId, ids)).all();
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

    /** "Yes" answers to each event's invitation. */
    rsvpYesByEvent(eventIds: readonly number[]): Map<number, number> {
      if (eventIds.length === 0) return new Map();
      const rows = db
        .select({ eventId: eventRsvps.eventId, n: count() })
        .from(eventRsvps)
        .where(and(inArray(eventRsvps.eventId, [...eventIds]), eq(eventRsvps.answer, "yes")))
        .groupBy(eventRsvps.eventId)
        .all();
      return new Map(rows.map((r) => [r.eventId, r.n]));
    },

    /**
     * Completed survey responses in the window, from chat and paper. A paper form of an event's run
     * counts on the day of the event (it was filled there, imported later); others when completed.
     */
    surveyResponses(window: Window, filter: { surveys?: readonly string[]; eventsOnly: boolean }): number {
      const at = sql`case when ${surveyResponses.source} = 'paper' and ${events.endsAtMs} is not null then ${events.endsAtMs} else ${surveyResponses.completedAtMs} end`;
      const conditions: SQL[] = [
        isNotNull(surveyResponses.completedAtMs),
        sql`${at} >= ${window.fromMs}`,
        sql`${at} < ${window.toMs}`,
      ];
      if (filter.surveys?.length) conditions.push(inArray(surveyRuns.surveyId, [...filter.surveys]));
      if (filter.eventsOnly) conditions.push(isNotNull(surveyRuns.eventId));
      return (
        db
          .select({ n: count() })
          .from(surveyResponses)
          .innerJoin(surveyRuns, eq(surveyRuns.id, surveyResponses.runId))
          .leftJoin(events, eq(events.id, surveyRuns.eventId))
          .where(and(...conditions))
          .get()?.n ?? 0
      );
    },

    /** The runs of surveys given for events that took place in the window, or for answers given in it (satisfaction). */
    surveyRunIds(window: Window): number[] {
      return db
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
        .all()
        .map((r) => r.id);
    },

    /** Questions filed in the window (for dialogue spaces only, when scoped so). */
    questionsFiled(window: Window, scope: QuestionScope): number {
      const conditions = [
        gte(questions.filedAtMs, window.fromMs),
        lt(questions.filedAtMs, window.toMs),
        ...questionConditions(scope),
      ];
      return (
        db
          .select({ n: count() })
          .from(questions)
          .where(and(...conditions))
          .get()?.n ?? 0
      );
    },

    /** Questions answered in the window. */
    questionsAnswered(window: Window, scope: QuestionScope): number {
      const conditions = [
        eq(questions.status, "answered"),
        gte(questions.answeredAtMs, window.fromMs),
        lt(questions.answeredAtMs, window.toMs),
        ...questionConditions(scope),
      ];
      return (
        db
          .select({ n: count() })
          .from(questions)
          .where(and(...conditions))
          .get()?.n ?? 0
      );
    },

    /** Questions (not withdrawn) due between two civil dates, with what the on-time share needs. */
    questionsDueBetween(
      from: string,
      through: string,
      scope: QuestionScope,
    ): { dueDate: string; status: string; answeredAtMs: number | null }[] {
      const conditions = [
        gte(questions.dueDate, from),
        lte(questions.dueDate, through),
        ne(questions.status, "withdrawn"),
        ...questionConditions(scope),
      ];
      return db
        .select({ dueDate: questions.dueDate, status: questions.status, answeredAtMs: questions.answeredAtMs })
        .from(questions)
        .where(and(...conditions))
        .all();
    },

    /** Commitments (not cancelled) with progress reported in the window. */
    commitmentsReported(window: Window, offices?: readonly string[]): number {
      const conditions: SQL[] = [
        eq(commitmentUpdates.kind, "progress"),
        gte(commitmentUpdates.atMs, window.fromMs),
        lt(commitmentUpdates.atMs, window.toMs),
        ne(commitments.status, "cancelled"),
      ];
      if (offices?.length) conditions.push(inArray(commitments.officeKey, [...offices]));
      return (
        db
          .select({ n: countDistinct(commitmentUpdates.commitmentId) })
          .from(commitmentUpdates)
          .innerJoin(commitments, eq(commitments.id, commitmentUpdates.commitmentId))
          .where(and(...conditions))
          .get()?.n ?? 0
      );
    },

    /** Commitments (not cancelled) that existed before the window's end: the share's denominator. */
    commitmentsExisting(beforeMs: number, offices?: readonly string[]): number {
      const conditions: SQL[] = [lt(commitments.createdAtMs, beforeMs), ne(commitments.status, "cancelled")];
      if (offices?.length) conditions.push(inArray(commitments.officeKey, [...offices]));
      return (
        db
          .select({ n: count() })
          .from(commitments)
          .where(and(...conditions))
          .get()?.n ?? 0
      );
    },

    /** Commitments recorded in the window (the evaluation's "commitments' state"). */
    commitmentsCreated(window: Window) {
      return db
        .select()
        .from(commitments)
        .where(and(gte(commitments.createdAtMs, window.fromMs), lt(commitments.createdAtMs, window.toMs)))
        .orderBy(asc(commitments.number))
        .all();
    },

    /** Answer reports counted once per event (a corrected report published again is the same report). */
    answerReportEvents(window: Window): number {
      return (
        db
          .select({ n: countDistinct(answerReports.eventId) })
          .from(answerReports)
          .where(and(gte(answerReports.publishedAtMs, window.fromMs), lt(answerReports.publishedAtMs, window.toMs)))
          .get()?.n ?? 0
      );
    },
  };
}

export type PlanRepo = ReturnType<typeof createPlanRepo>;
