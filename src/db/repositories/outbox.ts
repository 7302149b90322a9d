/**
 * The durable outbox. Rows are written in the same transaction as the state change they announce;
 * dispatchers claim due rows atomically (a claim expires, so a crashed dispatcher's rows are
 * reclaimed) and record the outcome. Per chat, a row is only claimed once every earlier row of that
 * chat is settled, so a chat's messages never overtake each other. Consequence: rows are enqueued
 * when they are due (the scheduler enqueues reminders at their time); a row dated in the future
 * would hold back every later row of its chat.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { outbox } from "../schema.ts";

export interface OutboxPayload {
  text: string;
  options?: string[];
  replyToChannelMessageId?: string;
}

export interface NewOutboxRow {
  idempotencyKey: string;
  channel: string;
  address: string;
  citizenId?: number | null;
  priority?: 0 | 1;
  payload: OutboxPayload;
  notBeforeMs?: number;
  questionId?: number | null;
}

export type OutboxRow = typeof outbox.$inferSelect;

export function createOutboxRepo(db: Db) {
  const insert = db
    .insert(outbox)
    .values({
      idempotencyKey: sql.placeholder("key"),
      channel: sql.placeholder("channel"),
      address: sql.placeholder("address"),
      citizenId: sql.placeholder("citizenId"),
      priority: sql.placeholder("priority"),
      payload: sql.placeholder("payload"),
      notBeforeMs: sql.placeholder("notBefore"),
      questionId: sql.placeholder("questionId"),
      createdAtMs: sql.placeholder("now"),
    })
    .onConflictDoNothing()
    .returning({ id: outbox.id })
    .prepare();

  return {
    /** Queues a message; a second enqueue with the same key is ignored (returns undefined). */
    enqueue(row: NewOutboxRow, nowMs: number): number | undefined {
      return insert.get({
        key: row.idempotencyKey,
        channel: row.channel,
        address: row.address,
        citizenId: row.citizenId ?? null,
        priority: row.priority ?? 0,
        payload: JSON.stringify(row.payload),
        notBefore: row.notBeforeMs ?? nowMs,
        questionId: row.questionId ?? null,
        now: nowMs,
      })?.id;
    },

    /**
     * Claims up to `limit` due rows of the given channels for `workerId` until `claimMs` from now,
     * replies before bulk, oldest first, at most one row per chat.
     */
    claim(input: { channels: readonly string[]; workerId: string; nowMs: number; claimMs: number; limit: number }): OutboxRow[] {
      if (input.channels.length === 0) return [];
      const { nowMs } = input;
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            eq(outbox.status, "pending"),
            inArray(outbox.channel, [...input.channels]),
            sql`${outbox.notBeforeMs} <= ${nowMs}`,
            sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`,
            sql`not exists (select 1 from ${outbox} as earlier where earlier.channel = ${outbox.channel} and earlier.address = ${outbox.address} and earlier.status = 'pending' and earlier.id < ${outbox.id})`,
          ),
        )
        .orderBy(asc(outbox.priority), asc(outbox.id))
        .limit(input.limit);
      return db
        .update(outbox)
        .set({ claimedBy: input.workerId, claimedUntilMs: nowMs + input.claimMs })
        .where(inArray(outbox.id, due))
        .returning()
        .all()
        .sort((a, b) => a.priority - b.priority || a.id - b.id);
    },

    markSent(id: number, workerId: string, channelMessageId: string | undefined, nowMs: number): void {
      db.update(outbox)
        .set({ status: "sent", sentAtMs: nowMs, channelMessageId: channelMessageId ?? null, attempts: sql`${outbox.attempts} + 1`, claimedBy: null, claimedUntilMs: null })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    markRetry(id: number, workerId: string, notBeforeMs: number, error: string): void {
      db.update(outbox)
        .set({ notBeforeMs, lastError: error, attempts: sql`${outbox.attempts} + 1`, claimedBy: null, claimedUntilMs: null })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /** Gives a claimed row back without counting an attempt (e.g. a rate limit slot was not free). */
    release(id: number, workerId: string, notBeforeMs: number): void {
      db.update(outbox)
        .set({ notBeforeMs, claimedBy: null, claimedUntilMs: null })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    markFailed(id: number, workerId: string, status: "failed" | "unreachable", error: string): void {
      db.update(outbox)
        .set({ status, lastError: error, attempts: sql`${outbox.attempts} + 1`, claimedBy: null, claimedUntilMs: null })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /** Counts by channel and status, for `rinde status`. */
    stats() {
      return db
        .select({ channel: outbox.channel, status: outbox.status, count: sql<number>`count(*)` })
        .from(outbox)
        .groupBy(outbox.channel, outbox.status)
        .all();
    },

    /** The earliest time any pending row of these channels becomes due, if any. */
    nextDueMs(channels: readonly string[]): number | undefined {
      if (channels.length === 0) return undefined;
      const row = db
        .select({ at: sql<number | null>`min(max(${outbox.notBeforeMs}, coalesce(${outbox.claimedUntilMs} + 1, 0)))` })
        .from(outbox)
        .where(and(eq(outbox.status, "pending"), inArray(outbox.channel, [...channels])))
        .get();
      return row?.at ?? undefined;
    },

    findById(id: number): OutboxRow | undefined {
      return db.select().from(outbox).where(eq(outbox.id, id)).get();
    },

    findByChannelMessage(channel: string, channelMessageId: string): OutboxRow | undefined {
      return db.select().from(outbox).where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId))).get();
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
