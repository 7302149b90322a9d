/**
 * Dialogue events, their districts and topics, RSVPs, and the questions citizens sent for them, on
 * PostgreSQL: the port of src/db/repositories/events.ts (the specification).
 */
import { and, asc, count, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { EventRecord, EventRow } from "../../repositories/events.ts";
import type { Port } from "../../port.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { eventDistricts, eventRsvps, events, eventTopics, questions } from "../schema.ts";

async function withTags(db: PgDb, rows: EventRow[]): Promise<EventRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const districts = await db.select().from(eventDistricts).where(inArray(eventDistricts.eventId, ids));
  const topics = await db.select().from(eventTopics).where(inArray(eventTopics.eventId, ids));
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

async function setTags(
  db: PgDb,
  eventId: number,
  districts: readonly string[],
  topics: readonly string[],
): Promise<void> {
  await db.delete(eventDistricts).where(eq(eventDistricts.eventId, eventId));
  await db.delete(eventTopics).where(eq(eventTopics.eventId, eventId));
  if (districts.length)
    await db.insert(eventDistricts).values(districts.map((districtKey) => ({ eventId, districtKey })));
  if (topics.length) await db.insert(eventTopics).values(topics.map((topicKey) => ({ eventId, topicKey })));
}

export function createPgEventsRepo(q: () => PgDb): Port<SyncRepos["events"]> {
  /** Several writes as one: a savepoint inside the caller's transaction, else a transaction of their own. */
  function unit<T>(work: (db: PgDb) => Promise<T>): Promise<T> {
    return q().transaction((tx) => work(tx));
  }

  return {
    async insert(row, districts, topics) {
      return unit(async (db) => {
        const [inserted] = await db.insert(events).values(row).returning();
        await setTags(db, inserted!.id, districts, topics);
        return (await withTags(db, [inserted!]))[0]!;
      });
    },

    async update(id, changes, tags) {
      if (!tags) {
        await q().update(events).set(changes).where(eq(events.id, id));
        return;
      }
      await unit(async (db) => {
        await db.update(events).set(changes).where(eq(events.id, id));
        await setTags(db, id, tags.districts, tags.topics);
      });
    },

    async get(id) {
      const db = q();
      const [row] = await db.select().from(events).where(eq(events.id, id));
      return row ? (await withTags(db, [row]))[0] : undefined;
    },

    async upcoming(filter) {
      const db = q();
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
      const rows = await db
        .select()
        .from(events)
        .where(and(...conditions))
        .orderBy(asc(events.startsAtMs), asc(events.id))
        .limit(filter.limit ?? 50);
      return withTags(db, rows);
    },

    async list(filter = {}) {
      const db = q();
      const conditions: SQL[] = [];
      if (filter.status) conditions.push(eq(events.status, filter.status));
      if (filter.fromMs !== undefined) conditions.push(gt(events.endsAtMs, filter.fromMs));
      const rows = await db
        .select()
        .from(events)
        .where(and(...conditions))
        .orderBy(asc(events.startsAtMs), asc(events.id))
        .limit(filter.limit ?? 500);
      return withTags(db, rows);
    },

    async setRsvp(eventId, citizenId, answer, nowMs) {
      const db = q();
      const [previous] = await db
        .select({ answer: eventRsvps.answer })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.citizenId, citizenId)));
      await db
        .insert(eventRsvps)
        .values({ eventId, citizenId, answer, createdAtMs: nowMs, updatedAtMs: nowMs })
        .onConflictDoUpdate({
          target: [eventRsvps.eventId, eventRsvps.citizenId],
          set: { answer, updatedAtMs: nowMs },
        });
      return previous?.answer;
    },

    async rsvpOf(eventId, citizenId) {
      const [row] = await q()
        .select({ answer: eventRsvps.answer })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.citizenId, citizenId)));
      return row?.answer;
    },

    async rsvpCounts(eventId) {
      const rows = await q()
        .select({ answer: eventRsvps.answer, count: count() })
        .from(eventRsvps)
        .where(eq(eventRsvps.eventId, eventId))
        .groupBy(eventRsvps.answer);
      return {
        yes: rows.find((r) => r.answer === "yes")?.count ?? 0,
        no: rows.find((r) => r.answer === "no")?.count ?? 0,
      };
    },

    async attendingOf(citizenId, afterMs) {
      const db = q();
      const rows = await db
        .select()
        .from(events)
        .where(
          and(
            inArray(events.status, ["scheduled", "changed"]),
            gt(events.endsAtMs, afterMs),
            sql`${events.id} in (select ${eventRsvps.eventId} from ${eventRsvps} where ${eventRsvps.citizenId} = ${citizenId} and ${eventRsvps.answer} = 'yes')`,
          ),
        )
        .orderBy(asc(events.startsAtMs), asc(events.id));
      return withTags(db, rows);
    },

    async withdrawUpcomingRsvps(citizenId, afterMs, nowMs) {
      const updated = await q()
        .update(eventRsvps)
        .set({ answer: "no", updatedAtMs: nowMs })
        .where(
          and(
            eq(eventRsvps.citizenId, citizenId),
            eq(eventRsvps.answer, "yes"),
            sql`${eventRsvps.eventId} in (select ${events.id} from ${events} where ${events.endsAtMs} > ${afterMs})`,
          ),
        )
        .returning({ eventId: eventRsvps.eventId });
      return updated.length;
    },

    async deleteRsvpsOf(citizenId) {
      const deleted = await q()
        .delete(eventRsvps)
        .where(eq(eventRsvps.citizenId, citizenId))
        .returning({ eventId: eventRsvps.eventId });
      return deleted.length;
    },

    async questions(eventId) {
      return q().select().from(questions).where(eq(questions.eventId, eventId)).orderBy(asc(questions.id));
    },
  };
}
