/** Commitments, their append-only history and their followers. */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import {
  channelIdentities,
  citizens,
  commitmentFollowers,
  commitments,
  commitmentUpdates,
  eventDistricts,
  eventRsvps,
  events,
} from "../schema.ts";

export type CommitmentRow = typeof commitments.$inferSelect;
export type NewCommitment = Omit<typeof commitments.$inferInsert, "id">;
export type CommitmentUpdateRow = typeof commitmentUpdates.$inferSelect;
export type NewCommitmentUpdate = Omit<typeof commitmentUpdates.$inferInsert, "id">;
export type CommitmentStatusValue = CommitmentRow["status"];

export interface CommitmentFilter {
  officeKey?: string;
  /** Commitments about the district, or made at an event held for it. */
  districtKey?: string;
  eventId?: number;
  statuses?: readonly CommitmentStatusValue[];
  /** Commitments the citizen follows now. */
  followedBy?: number;
}

/** A follower who may be messaged: following, consent granted, data not deleted. */
export interface Recipient {
  citizenId: number;
  locale: string;
}

export function createCommitmentsRepo(db: Db) {
  function where(filter: CommitmentFilter): SQL | undefined {
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

  return {
    /** The next public number (call inside the writing transaction: BEGIN IMMEDIATE serializes writers). */
    nextNumber(): number {
      const row = db
        .select({ max: sql<number | null>`max(${commitments.number})` })
        .from(commitments)
        .get();
      return (row?.max ?? 0) + 1;
    },
    insert(row: NewCommitment): CommitmentRow {
      return db.insert(commitments).values(row).returning().get();
    },
    update(id: number, changes: Partial<NewCommitment>): void {
      db.update(commitments).set(changes).where(eq(commitments.id, id)).run();
    },
    byId(id: number): CommitmentRow | undefined {
      return db.select().from(commitments).where(eq(commitments.id, id)).get();
    },
    byNumber(number: number): CommitmentRow | undefined {
      return db.select().from(commitments).where(eq(commitments.number, number)).get();
    },
    /** Matching commitments by due date then number; `limit`/`offset` page them. */
    list(filter: CommitmentFilter = {}, page?: { limit: number; offset: number }): CommitmentRow[] {
      const query = db
        .select()
        .from(commitments)
        .where(where(filter))
        .orderBy(asc(commitments.dueDate), asc(commitments.number));
      return page ? query.limit(page.limit).offset(page.offset).all() : query.all();
    },
    count(filter: CommitmentFilter = {}): number {
      return db.select({ n: count() }).from(commitments).where(where(filter)).get()?.n ?? 0;
    },
    /** Commitments per office, event or district key, for the citizens' menus. */
    countsByOffice(): { key: string; count: number }[] {
      return db
        .select({ key: commitments.officeKey, count: count() })
        .from(commitments)
        .groupBy(commitments.officeKey)
        .all();
    },
    countsByEvent(): { eventId: number; title: string; startsAtMs: number; count: number }[] {
      return db
        .select({ eventId: events.id, title: events.title, startsAtMs: events.startsAtMs, count: count() })
        .from(commitments)
        .innerJoin(events, eq(events.id, commitments.eventId))
        .groupBy(events.id)
        .orderBy(desc(events.startsAtMs))
        .all();
    },
    event(eventId: number): { id: number; title: string; startsAtMs: number } | undefined {
      return db
        .select({ id: events.id, title: events.title, startsAtMs: events.startsAtMs })
        .from(events)
        .where(eq(events.id, eventId))
        .get();
    },

    // ── history ──
    addUpdate(entry: NewCommitmentUpdate): CommitmentUpdateRow {
      return db.insert(commitmentUpdates).values(entry).returning().get();
    },
    updateById(id: number): CommitmentUpdateRow | undefined {
      return db.select().from(commitmentUpdates).where(eq(commitmentUpdates.id, id)).get();
    },
    history(commitmentId: number): CommitmentUpdateRow[] {
      return db
        .select()
        .from(commitmentUpdates)
        .where(eq(commitmentUpdates.commitmentId, commitmentId))
        .orderBy(asc(commitmentUpdates.id))
        .all();
    },
    /** Every commitment's history, grouped (for the CSV export). */
    allHistory(): Map<number, CommitmentUpdateRow[]> {
      const byCommitment = new Map<number, CommitmentUpdateRow[]>();
      for (const row of db.select().from(commitmentUpdates).orderBy(asc(commitmentUpdates.id)).all()) {
        byCommitment.set(row.commitmentId, [...(byCommitment.get(row.commitmentId) ?? []), row]);
      }
      return byCommitment;
    },

    // ── followers ──
    /** Starts (or resumes) following by the citizen's own choice. */
    follow(commitmentId: number, citizenId: number, nowMs: number): void {
      db.insert(commitmentFollowers)
        .values({ commitmentId, citizenId, source: "citizen", createdAtMs: nowMs })
        .onConflictDoUpdate({
          target: [commitmentFollowers.commitmentId, commitmentFollowers.citizenId],
          set: { unfollowedAtMs: null, source: "citizen" },
        })
        .run();
    },
    unfollow(commitmentId: number, citizenId: number, nowMs: number): boolean {
      return (
        db
          .update(commitmentFollowers)
          .set({ unfollowedAtMs: nowMs })
          .where(
            and(
              eq(commitmentFollowers.commitmentId, commitmentId),
              eq(commitmentFollowers.citizenId, citizenId),
              isNull(commitmentFollowers.unfollowedAtMs),
            ),
          )
          .run().changes > 0
      );
    },
    /** Ends every follow of a citizen (a stop word); returns how many were active. */
    unfollowAll(citizenId: number, nowMs: number): number {
      return db
        .update(commitmentFollowers)
        .set({ unfollowedAtMs: nowMs })
        .where(and(eq(commitmentFollowers.citizenId, citizenId), isNull(commitmentFollowers.unfollowedAtMs)))
        .run().changes;
    },
    /** Deletes every follow of a citizen (the citizen erased their data). */
    deleteFollowersOf(citizenId: number): number {
      return db.delete(commitmentFollowers).where(eq(commitmentFollowers.citizenId, citizenId)).run().changes;
    },
    isFollowing(commitmentId: number, citizenId: number): boolean {
      const row = db
        .select({ id: commitmentFollowers.citizenId })
        .from(commitmentFollowers)
        .where(
          and(
            eq(commitmentFollowers.commitmentId, commitmentId),
            eq(commitmentFollowers.citizenId, citizenId),
            isNull(commitmentFollowers.unfollowedAtMs),
          ),
        )
        .get();
      return row !== undefined;
    },
    /**
     * Makes every citizen who answered "yes" to the event follow the commitment, except those who
     * already have a row (following, or unfollowed: their choice stands). Returns the new followers.
     */
    followFromEvent(commitmentId: number, eventId: number, nowMs: number): number[] {
      const attendees = db
        .select({ citizenId: eventRsvps.citizenId })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.answer, "yes")))
        .all();
      const added: number[] = [];
      for (const { citizenId } of attendees) {
        const inserted = db
          .insert(commitmentFollowers)
          .values({ commitmentId, citizenId, source: "event", createdAtMs: nowMs })
          .onConflictDoNothing()
          .run();
        if (inserted.changes > 0) added.push(citizenId);
      }
      return added;
    },
    /** Followers who may be messaged now: following, consent granted, not deleted, reachable somewhere. */
    recipients(commitmentId: number): Recipient[] {
      return db
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
        .orderBy(asc(citizens.id))
        .all();
    },
    /** Everyone who follows at least one commitment and may be messaged (the monthly digest). */
    digestRecipients(): Recipient[] {
      return db
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
        .orderBy(asc(citizens.id))
        .all();
    },
    /** Open commitments made at an event (to pick up RSVPs recorded after they were). */
    openWithEvent(): CommitmentRow[] {
      return db
        .select()
        .from(commitments)
        .where(and(isNotNull(commitments.eventId), inArray(commitments.status, ["pending", "in_progress", "overdue"])))
        .all();
    },
  };
}

export type CommitmentsRepo = ReturnType<typeof createCommitmentsRepo>;
