/**
 * Commitments, their append-only history and their followers on PostgreSQL: the port of
 * src/db/repositories/commitments.ts (the specification).
 *
 * Public numbers come from a counter row in `app_state` (`INSERT … ON CONFLICT DO UPDATE`, then an
 * `UPDATE … RETURNING`), never from `max(number) + 1` alone: with several processes two
 * transactions could read the same maximum. The counter row stays locked until the recording
 * transaction ends, so numbers are unique, and a rolled-back transaction gives its number back.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { CommitmentFilter, CommitmentUpdateRow } from "../../repositories/commitments.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import {
  appState,
  channelIdentities,
  citizens,
  commitmentFollowers,
  commitments,
  commitmentUpdates,
  eventDistricts,
  eventRsvps,
  events,
} from "../schema.ts";

/** The `app_state` key of the last public commitment number handed out. */
export const COMMITMENT_NUMBER_KEY = "commitments.last_number";

const nowMsSql = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

function where(db: PgDb, filter: CommitmentFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.officeKey) conditions.push(eq(commitments.officeKey, filter.officeKey));
  if (filter.eventId !== undefined) conditions.push(eq(commitments.eventId, filter.eventId));
  if (filter.statuses) conditions.push(inArray(commitments.status, [...filter.statuses]));
  if (filter.districtKey) {
    const eventsOfDistrict = db
      .select({ id: eventDistricts.eventId })
      .from(eventDistricts)
      .where(eq(eventDistricts.districtKey, filter.districtKey));
    conditions.push(
      or(
        eq(commitments.districtKey, filter.districtKey),
        and(isNull(commitments.districtKey), inArray(commitments.eventId, eventsOfDistrict)),
      ),
    );
  }
  if (filter.followedBy !== undefined) {
    const followed = db
      .select({ id: commitmentFollowers.commitmentId })
      .from(commitmentFollowers)
      .where(and(eq(commitmentFollowers.citizenId, filter.followedBy), isNull(commitmentFollowers.unfollowedAtMs)));
    conditions.push(inArray(commitments.id, followed));
  }
  return and(...conditions);
}

export function createPgCommitmentsRepo(q: () => PgDb): Port<SyncRepos["commitments"]> {
  return {
    /**
     * The next public number, reserved: unlike SQLite's (which only reads the maximum), each call
     * returns a new number. Call inside the recording transaction, which holds the counter until it
     * ends; numbers inserted by hand (the CSV import) are skipped because the counter never falls
     * behind the largest number recorded.
     */
    async nextNumber() {
      const db = q();
      // First take the counter row's lock (creating it if needed): after waiting here for another
      // transaction, the next statement's snapshot sees every commitment that transaction recorded.
      await db
        .insert(appState)
        .values({ key: COMMITMENT_NUMBER_KEY, value: "0", updatedAtMs: nowMsSql })
        .onConflictDoUpdate({ target: appState.key, set: { value: sql`${appState.value}` } });
      const [row] = await db
        .update(appState)
        .set({
          value: sql`(greatest(${appState.value}::bigint, (select coalesce(max(${commitments.number}), 0) from ${commitments})) + 1)::text`,
          updatedAtMs: nowMsSql,
        })
        .where(eq(appState.key, COMMITMENT_NUMBER_KEY))
        .returning({ value: appState.value });
      return Number(row!.value);
    },
    async insert(row) {
      const [inserted] = await q().insert(commitments).values(row).returning();
      return inserted!;
    },
    async update(id, changes) {
      await q().update(commitments).set(changes).where(eq(commitments.id, id));
    },
    async byId(id) {
      const [row] = await q().select().from(commitments).where(eq(commitments.id, id));
      return row;
    },
    async byNumber(number) {
      const [row] = await q().select().from(commitments).where(eq(commitments.number, number));
      return row;
    },
    async list(filter = {}, page) {
      const db = q();
      const query = db
        .select()
        .from(commitments)
        .where(where(db, filter))
        .orderBy(asc(commitments.dueDate), asc(commitments.number));
      return page ? query.limit(page.limit).offset(page.offset) : query;
    },
    async count(filter = {}) {
      const db = q();
      const [row] = await db.select({ n: count() }).from(commitments).where(where(db, filter));
      return row?.n ?? 0;
    },
    async countsByOffice() {
      // SQLite returns the groups in key order (bytewise); "C" keeps it whatever the database collation.
      return q()
        .select({ key: commitments.officeKey, count: count() })
        .from(commitments)
        .groupBy(commitments.officeKey)
        .orderBy(sql`${commitments.officeKey} collate "C"`);
    },
    async countsByEvent() {
      return q()
        .select({ eventId: events.id, title: events.title, startsAtMs: events.startsAtMs, count: count() })
        .from(commitments)
        .innerJoin(events, eq(events.id, commitments.eventId))
        .groupBy(events.id)
        .orderBy(desc(events.startsAtMs), asc(events.id));
    },
    async event(eventId) {
      const [row] = await q()
        .select({ id: events.id, title: events.title, startsAtMs: events.startsAtMs })
        .from(events)
        .where(eq(events.id, eventId));
      return row;
    },

    // ── history ──
    async addUpdate(entry) {
      const [row] = await q().insert(commitmentUpdates).values(entry).returning();
      return row!;
    },
    async updateById(id) {
      const [row] = await q().select().from(commitmentUpdates).where(eq(commitmentUpdates.id, id));
      return row;
    },
    async history(commitmentId) {
      return q()
        .select()
        .from(commitmentUpdates)
        .where(eq(commitmentUpdates.commitmentId, commitmentId))
        .orderBy(asc(commitmentUpdates.id));
    },
    async allHistory() {
      const rows = await q().select().from(commitmentUpdates).orderBy(asc(commitmentUpdates.id));
      const byCommitment = new Map<number, CommitmentUpdateRow[]>();
      for (const row of rows) byCommitment.set(row.commitmentId, [...(byCommitment.get(row.commitmentId) ?? []), row]);
      return byCommitment;
    },

    // ── followers ──
    async follow(commitmentId, citizenId, nowMs) {
      await q()
        .insert(commitmentFollowers)
        .values({ commitmentId, citizenId, source: "citizen", createdAtMs: nowMs })
        .onConflictDoUpdate({
          target: [commitmentFollowers.commitmentId, commitmentFollowers.citizenId],
          set: { unfollowedAtMs: null, source: "citizen" },
        });
    },
    async unfollow(commitmentId, citizenId, nowMs) {
      const updated = await q()
        .update(commitmentFollowers)
        .set({ unfollowedAtMs: nowMs })
        .where(
          and(
            eq(commitmentFollowers.commitmentId, commitmentId),
            eq(commitmentFollowers.citizenId, citizenId),
            isNull(commitmentFollowers.unfollowedAtMs),
          ),
        )
        .returning({ id: commitmentFollowers.citizenId });
      return updated.length > 0;
    },
    async unfollowAll(citizenId, nowMs) {
      const updated = await q()
        .update(commitmentFollowers)
        .set({ unfollowedAtMs: nowMs })
        .where(and(eq(commitmentFollowers.citizenId, citizenId), isNull(commitmentFollowers.unfollowedAtMs)))
        .returning({ id: commitmentFollowers.commitmentId });
      return updated.length;
    },
    async deleteFollowersOf(citizenId) {
      const deleted = await q()
        .delete(commitmentFollowers)
        .where(eq(commitmentFollowers.citizenId, citizenId))
        .returning({ id: commitmentFollowers.commitmentId });
      return deleted.length;
    },
    async isFollowing(commitmentId, citizenId) {
      const rows = await q()
        .select({ id: commitmentFollowers.citizenId })
        .from(commitmentFollowers)
        .where(
          and(
            eq(commitmentFollowers.commitmentId, commitmentId),
            eq(commitmentFollowers.citizenId, citizenId),
            isNull(commitmentFollowers.unfollowedAtMs),
          ),
        );
      return rows.length > 0;
    },
    async followFromEvent(commitmentId, eventId, nowMs) {
      const attendees = await q()
        .select({ citizenId: eventRsvps.citizenId })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.answer, "yes")))
        .orderBy(asc(eventRsvps.citizenId));
      const added: number[] = [];
      // One statement per 1,000 attendees instead of one per attendee; a row already there (following
      // or unfollowed) is left alone, as in SQLite.
      for (let i = 0; i < attendees.length; i += 1000) {
        const rows = attendees
          .slice(i, i + 1000)
          .map(({ citizenId }) => ({ commitmentId, citizenId, source: "event" as const, createdAtMs: nowMs }));
        const inserted = await q()
          .insert(commitmentFollowers)
          .values(rows)
          .onConflictDoNothing()
          .returning({ citizenId: commitmentFollowers.citizenId });
        added.push(...inserted.map((r) => r.citizenId).sort((a, b) => a - b));
      }
      return added;
    },
    async recipients(commitmentId) {
      return q()
        .selectDistinct({ citizenId: citizens.id, locale: citizens.locale })
        .from(commitmentFollowers)
        .innerJoin(citizens, eq(citizens.id, commitmentFollowers.citizenId))
        .innerJoin(
          channelIdentities,
          and(eq(channelIdentities.citizenId, citizens.id), isNull(channelIdentities.unreachableAtMs)),
        )
        .where(
          and(
            eq(commitmentFollowers.commitmentId, commitmentId),
            isNull(commitmentFollowers.unfollowedAtMs),
            eq(citizens.consent, "granted"),
            isNull(citizens.deletedAtMs),
          ),
        )
        .orderBy(asc(citizens.id));
    },
    async digestRecipients() {
      return q()
        .selectDistinct({ citizenId: citizens.id, locale: citizens.locale })
        .from(commitmentFollowers)
        .innerJoin(citizens, eq(citizens.id, commitmentFollowers.citizenId))
        .where(
          and(
            isNull(commitmentFollowers.unfollowedAtMs),
            eq(citizens.consent, "granted"),
            isNull(citizens.deletedAtMs),
          ),
        )
        .orderBy(asc(citizens.id));
    },
    async openWithEvent() {
      return (
        q()
          .select()
          .from(commitments)
          .where(
            and(isNotNull(commitments.eventId), inArray(commitments.status, ["pending", "in_progress", "overdue"])),
          )
          // SQLite reads them through the index commitments_status_due: by status, due date, then id.
          .orderBy(sql`${commitments.status} collate "C"`, sql`${commitments.dueDate} collate "C"`, asc(commitments.id))
      );
    },
  };
}
