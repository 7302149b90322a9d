/** Dialogue events, their districts and topics, RSVPs, and the questions citizens sent for them. */
import { and, asc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { eventDistricts, eventRsvps, events, eventTopics, questions } from "../schema.ts";

export type EventRow = typeof events.$inferSelect;
export type NewEvent = Omit<typeof events.$inferInsert, "id">;
export type RsvpAnswer = "yes" | "no";

/** An event with its districts and topics. */
export interface EventRecord extends EventRow {
  districts: string[];
  topics: string[];
}

export interface UpcomingFilter {
  /** Events that end after this instant. */
  afterMs: number;
  district?: string;
  topic?: string;
  limit?: number;
}

export function createEventsRepo(db: Db) {
  function withTags(rows: EventRow[]): EventRecord[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const districts = db.select().from(eventDistricts).where(inArray(eventDistricts.eventId, ids)).all();
    const topics = db.select().from(eventTopics).where(inArray(eventTopics.eventId, ids)).all();
    return rows.map((row) => ({
      ...row,
      districts: districts
        .filter((d) => d.eventId === row.id)
        .map((d) => d.districtKey)
        .sort(),
      topics: topics
        .filter((t) => t.eventId === row.id)
        .map((t) => t.topicKey)
        .sort(),
    }));
  }

  function setTags(eventId: number, districts: readonly string[], topics: readonly string[]): void {
    db.delete(eventDistricts).where(eq(eventDistricts.eventId, eventId)).run();
    db.delete(eventTopics).where(eq(eventTopics.eventId, eventId)).run();
    if (districts.length)
      db.insert(eventDistricts)
        .values(districts.map((districtKey) => ({ eventId, districtKey })))
        .run();
    if (topics.length)
      db.insert(eventTopics)
        .values(topics.map((topicKey) => ({ eventId, topicKey })))
        .run();
  }

  return {
    insert(row: NewEvent, districts: readonly string[], topics: readonly string[]): EventRecord {
      const inserted = db.insert(events).values(row).returning().get();
      setTags(inserted.id, districts, topics);
      return withTags([inserted])[0]!;
    },

    update(
      id: number,
      changes: Partial<NewEvent>,
      tags?: { districts: readonly string[]; topics: readonly string[] },
    ): void {
      db.update(events).set(changes).where(eq(events.id, id)).run();
      if (tags) setTags(id, tags.districts, tags.topics);
    },

    get(id: number): EventRecord | undefined {
      const row = db.select().from(events).where(eq(events.id, id)).get();
      return row ? withTags([row])[0] : undefined;
    },

    /** Events not cancelled that end after `afterMs`, soonest first, optionally in a district or topic. */
    upcoming(filter: UpcomingFilter): EventRecord[] {
      const conditions: SQL[] = [inArray(events.status, ["scheduled", "changed"]), gt(events.endsAtMs, filter.afterMs)];
      if (filter.district) {
        // An event with no districts is for the whole municipality: it shows in every district.
        conditions.push(
          sql`(exists (select 1 from ${eventDistricts} d where d.event_id = ${events.id} and d.district_key = ${filter.district}) or not exists (select 1 from ${eventDistricts} d where d.event_id = ${events.id}))`,
        );
      }
      if (filter.topic)
        conditions.push(
          sql`exists (select 1 from ${eventTopics} t where t.event_id = ${events.id} and t.topic_key = ${filter.topic})`,
        );
      const rows = db
        .select()
        .from(events)
        .where(and(...conditions))
        .orderBy(asc(events.startsAtMs), asc(events.id))
        .limit(filter.limit ?? 50)
        .all();
      return withTags(rows);
    },

    /** Every event, newest start first (CLI listing). */
    list(filter: { status?: EventRow["status"]; fromMs?: number; limit?: number } = {}): EventRecord[] {
      const conditions: SQL[] = [];
      if (filter.status) conditions.push(eq(events.status, filter.status));
      if (filter.fromMs !== undefined) conditions.push(gt(events.endsAtMs, filter.fromMs));
      const rows = db
        .select()
        .from(events)
        .where(and(...conditions))
        .orderBy(asc(events.startsAtMs), asc(events.id))
        .limit(filter.limit ?? 500)
        .all();
      return withTags(rows);
    },

    /** Records (or changes) a citizen's answer; returns the previous answer, if any. */
    setRsvp(eventId: number, citizenId: number, answer: RsvpAnswer, nowMs: number): RsvpAnswer | undefined {
      const previous = db
        .select({ answer: eventRsvps.answer })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.citizenId, citizenId)))
        .get()?.answer;
      db.insert(eventRsvps)
        .values({ eventId, citizenId, answer, createdAtMs: nowMs, updatedAtMs: nowMs })
        .onConflictDoUpdate({ target: [eventRsvps.eventId, eventRsvps.citizenId], set: { answer, updatedAtMs: nowMs } })
        .run();
      return previous;
    },

    rsvpOf(eventId: number, citizenId: number): RsvpAnswer | undefined {
      return db
        .select({ answer: eventRsvps.answer })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.citizenId, citizenId)))
        .get()?.answer;
    },

    rsvpCounts(eventId: number): { yes: number; no: number } {
      const rows = db
        .select({ answer: eventRsvps.answer, count: sql<number>`count(*)` })
        .from(eventRsvps)
        .where(eq(eventRsvps.eventId, eventId))
        .groupBy(eventRsvps.answer)
        .all();
      return {
        yes: rows.find((r) => r.answer === "yes")?.count ?? 0,
        no: rows.find((r) => r.answer === "no")?.count ?? 0,
      };
    },

    /** Events not cancelled, ending after `afterMs`, that the citizen said "yes" to, soonest first. */
    attendingOf(citizenId: number, afterMs: number): EventRecord[] {
      const rows = db
        .select()
        .from(events)
        .where(
          and(
            inArray(events.status, ["scheduled", "changed"]),
            gt(events.endsAtMs, afterMs),
            sql`${events.id} in (select ${eventRsvps.eventId} from ${eventRsvps} where ${eventRsvps.citizenId} = ${citizenId} and ${eventRsvps.answer} = 'yes')`,
          ),
        )
        .orderBy(asc(events.startsAtMs), asc(events.id))
        .all();
      return withTags(rows);
    },

    /** Turns a citizen's "yes" answers for events that have not ended into "no" (they chose to drop them). */
    withdrawUpcomingRsvps(citizenId: number, afterMs: number, nowMs: number): number {
      return db
        .update(eventRsvps)
        .set({ answer: "no", updatedAtMs: nowMs })
        .where(
          and(
            eq(eventRsvps.citizenId, citizenId),
            eq(eventRsvps.answer, "yes"),
            sql`${eventRsvps.eventId} in (select ${events.id} from ${events} where ${events.endsAtMs} > ${afterMs})`,
          ),
        )
        .run().changes;
    },

    /** Deletes every answer of a citizen (consent withdrawn, data erased). */
    deleteRsvpsOf(citizenId: number): number {
      return db.delete(eventRsvps).where(eq(eventRsvps.citizenId, citizenId)).run().changes;
    },

    /** The questions filed for an event, oldest first. */
    questions(eventId: number) {
      return db.select().from(questions).where(eq(questions.eventId, eventId)).orderBy(asc(questions.id)).all();
    },
  };
}

export type EventsRepo = ReturnType<typeof createEventsRepo>;
