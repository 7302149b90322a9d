/**
 * Announcements and their recipients on PostgreSQL: the port of src/db/repositories/announcements.ts
 * (the specification). A segment is one SQL condition over citizens, so counting it and releasing
 * it read the same set; release is one INSERT … SELECT … ON CONFLICT DO NOTHING in the caller's
 * transaction, each row keyed `ann:<id>:<citizenId>`, so a repeated release (or a second process)
 * adds nothing.
 */
import { and, asc, count, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Segment } from "../../../core/events.ts";
import type { Port } from "../../port.ts";
import { announcementKeyPrefix } from "../../repositories/announcements.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { announcements, channelIdentities, citizens, eventRsvps, outbox, subscriptions } from "../schema.ts";

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

export function createPgAnnouncementsRepo(q: () => PgDb): Port<SyncRepos["announcements"]> {
  return {
    async insert(row) {
      const [inserted] = await q().insert(announcements).values(row).returning();
      return inserted!;
    },

    async get(id) {
      const [row] = await q().select().from(announcements).where(eq(announcements.id, id));
      return row;
    },

    async list(filter = {}) {
      const where = filter.eventId !== undefined ? eq(announcements.eventId, filter.eventId) : undefined;
      return q()
        .select()
        .from(announcements)
        .where(where)
        .orderBy(desc(announcements.id))
        .limit(filter.limit ?? 50);
    },

    async countForEvent(eventId, purposes) {
      const [row] = await q()
        .select({ n: count() })
        .from(announcements)
        .where(and(eq(announcements.eventId, eventId), inArray(announcements.purpose, [...purposes])));
      return row?.n ?? 0;
    },

    async markReleased(id, recipientCount, nowMs) {
      const updated = await q()
        .update(announcements)
        .set({ status: "released", recipientCount, releasedAtMs: nowMs })
        .where(and(eq(announcements.id, id), eq(announcements.status, "scheduled")))
        .returning({ id: announcements.id });
      return updated.length > 0;
    },

    async markCancelled(id) {
      const updated = await q()
        .update(announcements)
        .set({ status: "cancelled" })
        .where(and(eq(announcements.id, id), inArray(announcements.status, ["scheduled", "released"])))
        .returning({ id: announcements.id });
      return updated.length > 0;
    },

    async countRecipients(segment) {
      const [row] = await q()
        .select({ n: count() })
        .from(citizens)
        .innerJoin(channelIdentities, eq(channelIdentities.citizenId, citizens.id))
        .where(and(reachableCitizens(), segmentCondition(segment)));
      return row?.n ?? 0;
    },

    async recipientIds(segment) {
      const rows = await q()
        .select({ id: citizens.id })
        .from(citizens)
        .innerJoin(channelIdentities, eq(channelIdentities.citizenId, citizens.id))
        .where(and(reachableCitizens(), segmentCondition(segment)))
        .orderBy(asc(citizens.id));
      return rows.map((r) => r.id);
    },

    async release(input) {
      const fallback = input.payloadByLocale[input.defaultLocale]!;
      const cases = Object.entries(input.payloadByLocale)
        .filter(([locale]) => locale !== input.defaultLocale)
        .map(([locale, payload]) => sql`when ${locale}::text then ${payload}::text`);
      const payload = cases.length
        ? sql`case ${citizens.locale} ${sql.join(cases, sql` `)} else ${fallback}::text end`
        : sql`${fallback}::text`;
      const prefix = announcementKeyPrefix(input.announcementId);
      // Ordered by citizen, so outbox ids (the dispatcher's tie-break) follow citizen ids as in SQLite.
      const result = await q().execute(sql`
        insert into ${outbox} (idempotency_key, channel, address, citizen_id, priority, guarantee, payload, status, attempts, not_before_ms, created_at_ms)
        select ${prefix}::text || ${citizens.id}::text, ${channelIdentities.channel}, ${channelIdentities.address}, ${citizens.id}, 1, 'at_most_once', ${payload}, 'pending', 0, ${input.nowMs}::bigint, ${input.nowMs}::bigint
        from ${citizens} inner join ${channelIdentities} on ${channelIdentities.citizenId} = ${citizens.id}
        where ${reachableCitizens()} and ${segmentCondition(input.segment)}
        order by ${citizens.id}
        on conflict (idempotency_key) do nothing`);
      return result.rowCount ?? 0;
    },
  };
}
