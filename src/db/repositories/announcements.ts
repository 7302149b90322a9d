/**
 * Announcements and their recipients. A segment becomes one SQL condition over citizens, so
 * counting it (before staff confirm) and releasing it (one outbox row per recipient) read the same
 * set. Release is a single INSERT … SELECT in the caller's transaction: 100,000 rows in well under
 * two seconds, all or none, each keyed `ann:<id>:<citizenId>` so a repeated release adds nothing.
 */
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Segment } from "../../core/events.ts";
import type { Db } from "../client.ts";
import { announcements, channelIdentities, citizens, eventRsvps, outbox, subscriptions } from "../schema.ts";

export type AnnouncementRow = typeof announcements.$inferSelect;
export type NewAnnouncement = Omit<typeof announcements.$inferInsert, "id">;

/** The outbox key prefix of an announcement's rows; `ann:<id>;` sorts right after all of them. */
export function announcementKeyPrefix(announcementId: number): string {
  return `ann:${announcementId}:`;
}

/**
 * Who may receive any announcement: consent granted (Ley 1581 de 2012), not deleted, and a
 * reachable chat. The chat is the citizen's most recent reachable identity.
 */
function reachableCitizens(): SQL {
  return sql`${citizens.consent} = 'granted' and ${citizens.deletedAtMs} is null and ${channelIdentities.unreachableAtMs} is null
    and ${channelIdentities.id} = (select max(x.id) from ${channelIdentities} x where x.citizen_id = ${citizens.id} and x.unreachable_at_ms is null)`;
}

function inList(values: readonly string[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

/** The segment as a condition on `citizens`. */
function segmentCondition(segment: Segment): SQL {
  switch (segment.kind) {
    case "everyone":
      // Everyone who opted in to announcements (any subscription): no unsolicited bulk messages.
      return sql`exists (select 1 from ${subscriptions} s where s.citizen_id = ${citizens.id})`;
    case "interests": {
      const parts: SQL[] = [sql`s.kind = 'all'`];
      if (segment.topics.length) parts.push(sql`(s.kind = 'topic' and s.key in (${inList(segment.topics)}))`);
      if (segment.districts.length) parts.push(sql`(s.kind = 'district' and s.key in (${inList(segment.districts)}))`);
      return sql`exists (select 1 from ${subscriptions} s where s.citizen_id = ${citizens.id} and (${sql.join(parts, sql` or `)}))`;
    }
    case "rsvps":
      return segment.answer === "yes"
        ? sql`exists (select 1 from ${eventRsvps} r where r.citizen_id = ${citizens.id} and r.event_id = ${segment.eventId} and r.answer = 'yes')`
        : sql`exists (select 1 from ${eventRsvps} r where r.citizen_id = ${citizens.id} and r.event_id = ${segment.eventId})`;
  }
}

export interface ReleaseInput {
  announcementId: number;
  segment: Segment;
  /** The JSON outbox payload per locale; citizens whose locale is missing get `defaultLocale`'s. */
  payloadByLocale: Readonly<Record<string, string>>;
  defaultLocale: string;
  nowMs: number;
}

export function createAnnouncementsRepo(db: Db) {
  return {
    insert(row: NewAnnouncement): AnnouncementRow {
      return db.insert(announcements).values(row).returning().get();
    },

    get(id: number): AnnouncementRow | undefined {
      return db.select().from(announcements).where(eq(announcements.id, id)).get();
    },

    list(filter: { eventId?: number; limit?: number } = {}): AnnouncementRow[] {
      const where = filter.eventId !== undefined ? eq(announcements.eventId, filter.eventId) : undefined;
      return db
        .select()
        .from(announcements)
        .where(where)
        .orderBy(desc(announcements.id))
        .limit(filter.limit ?? 50)
        .all();
    },

    /** How many announcements of these purposes an event has had (for the calendar file's SEQUENCE). */
    countForEvent(eventId: number, purposes: readonly string[]): number {
      return (
        db
          .select({ n: sql<number>`count(*)` })
          .from(announcements)
          .where(and(eq(announcements.eventId, eventId), inArray(announcements.purpose, [...purposes])))
          .get()?.n ?? 0
      );
    },

    /** Marks a scheduled announcement released; false when it was not scheduled any more (already released or cancelled). */
    markReleased(id: number, recipientCount: number, nowMs: number): boolean {
      return (
        db
          .update(announcements)
          .set({ status: "released", recipientCount, releasedAtMs: nowMs })
          .where(and(eq(announcements.id, id), eq(announcements.status, "scheduled")))
          .run().changes > 0
      );
    },

    markCancelled(id: number): boolean {
      return (
        db
          .update(announcements)
          .set({ status: "cancelled" })
          .where(and(eq(announcements.id, id), inArray(announcements.status, ["scheduled", "released"])))
          .run().changes > 0
      );
    },

    /** How many citizens a segment reaches now. */
    countRecipients(segment: Segment): number {
      const row = db
        .select({ n: sql<number>`count(*)` })
        .from(citizens)
        .innerJoin(channelIdentities, eq(channelIdentities.citizenId, citizens.id))
        .where(and(sql`${reachableCitizens()}`, segmentCondition(segment)))
        .get();
      return row?.n ?? 0;
    },

    /** The recipients' ids (tests, reports). */
    recipientIds(segment: Segment): number[] {
      return db
        .select({ id: citizens.id })
        .from(citizens)
        .innerJoin(channelIdentities, eq(channelIdentities.citizenId, citizens.id))
        .where(and(sql`${reachableCitizens()}`, segmentCondition(segment)))
        .all()
        .map((r) => r.id);
    },

    /**
     * Writes one bulk (priority 1, at most once: never repeated when a send's outcome is unknown)
     * outbox row per recipient in one statement; rows already there
     * (same key) are left alone. Returns how many rows were written. Call inside a transaction.
     */
    release(input: ReleaseInput): number {
      const fallback = input.payloadByLocale[input.defaultLocale]!;
      const cases = Object.entries(input.payloadByLocale)
        .filter(([locale]) => locale !== input.defaultLocale)
        .map(([locale, payload]) => sql`when ${locale} then ${payload}`);
      const payload = cases.length
        ? sql`case ${citizens.locale} ${sql.join(cases, sql` `)} else ${fallback} end`
        : sql`${fallback}`;
      const prefix = announcementKeyPrefix(input.announcementId);
      const result = db.run(sql`
        insert into ${outbox} (idempotency_key, channel, address, citizen_id, priority, guarantee, payload, status, attempts, not_before_ms, created_at_ms)
        select ${prefix} || ${citizens.id}, ${channelIdentities.channel}, ${channelIdentities.address}, ${citizens.id}, 1, 'at_most_once', ${payload}, 'pending', 0, ${input.nowMs}, ${input.nowMs}
        from ${citizens} inner join ${channelIdentities} on ${channelIdentities.citizenId} = ${citizens.id}
        where ${reachableCitizens()} and ${segmentCondition(input.segment)}
        on conflict (idempotency_key) do nothing`);
      return result.changes;
    },
  };
}

export type AnnouncementsRepo = ReturnType<typeof createAnnouncementsRepo>;
