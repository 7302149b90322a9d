/**
 * The durable outbox. Rows are written in the same transaction as the state change they announce;
 * dispatchers claim due rows atomically under their worker's lease (renewed while the worker lives,
 * taken over when it dies: src/delivery/worker-lease.ts), mark each attempt before calling the
 * channel, and record the outcome. A row found with an attempt mark and a lapsed claim was being
 * sent when its process died: its `guarantee` decides whether it is sent again or left `uncertain`. Per chat, a row is only claimed once every earlier row of that
 * chat with the same or a more urgent priority is settled, so a chat's messages never overtake each
 * other, except that a reply (priority 0) is never held back by a bulk announcement (priority 1)
 * still waiting its turn (issue 6: replies always go before bulk). Consequence: rows are enqueued
 * when they are due (the scheduler enqueues reminders at their time); a row dated in the future
 * would hold back every later row of its chat and priority.
 */
import { and, asc, eq, gte, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { outbox } from "../schema.ts";

export interface OutboxPayload {
  text: string;
  options?: string[];
  replyToChannelMessageId?: string;
  /** Action buttons, forced reply, edit of an earlier message, one file: see OutboundMessage. */
  buttons?: { label: string; action: string }[];
  forceReply?: boolean;
  editChannelMessageId?: string;
  media?: { kind: "photo" | "document"; fileRef: string; fileName?: string };
  /** A place sent as the channel's location message after `text`, see OutboundMessage.location. */
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** A file made by the bot (an event's .ics), see OutboundMessage.document. */
  document?: { fileName: string; mimeType: string; content: string };
  /** What an official's reply to this message does (a prompt sent after a notice's button). */
  staffPrompt?: { kind: "answer" | "request_info" | "reassign" | "extend"; officeKey?: string };
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
  /**
   * When a send's outcome is unknown: `at_least_once` sends again, `at_most_once` does not (the row
   * becomes `uncertain`). Default: at most once for bulk (priority 1), at least once otherwise.
   */
  guarantee?: "at_least_once" | "at_most_once";
  /** Legal weight (answer, information request, extension): delivered again when an unreachable citizen writes. */
  legal?: boolean;
  /** Once sent, drop the address and the channel's message id (the confirmation of an erasure). */
  forgetAddressWhenSent?: boolean;
}

export type OutboxRow = typeof outbox.$inferSelect;

export type DeliveryStatus = "sent" | "delivered" | "read" | "failed";
/** Later statuses win; a failure after delivery (rare) still shows, a read message stays read. */
const DELIVERY_RANK: Record<DeliveryStatus, number> = { sent: 1, delivered: 2, failed: 3, read: 4 };

/** One message about a question and what became of it (see `deliveriesForQuestion`). */
export interface QuestionDelivery {
  outboxId: number;
  /** The idempotency key: names what the message was (`q:7:answer`, `q:7:new:official-3`). */
  key: string;
  channel: string;
  /** Set on messages to the citizen (null on notices to the office's chats). */
  citizenId: number | null;
  status: OutboxRow["status"];
  createdAtMs: number;
  sentAtMs: number | null;
  template: string | null;
  deliveryStatus: DeliveryStatus | null;
  deliveryStatusAtMs: number | null;
  deliveryError: string | null;
  lastError: string | null;
}

/** Keys starting with `prefix`, as a range the unique key index serves (portable, unlike LIKE). */
function keyPrefixRange(prefix: string) {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return and(gte(outbox.idempotencyKey, prefix), lt(outbox.idempotencyKey, upper));
}

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
      guarantee: sql.placeholder("guarantee"),
      legal: sql.placeholder("legal"),
      forgetAddressWhenSent: sql.placeholder("forget"),
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
        guarantee: row.guarantee ?? (row.priority === 1 ? "at_most_once" : "at_least_once"),
        legal: row.legal ? 1 : 0,
        forget: row.forgetAddressWhenSent ? 1 : 0,
        now: nowMs,
      })?.id;
    },

    /**
     * Claims up to `limit` due rows of the given channels for `workerId` until `claimMs` from now,
     * replies before bulk, earliest due first, at most one row per chat. Claim one channel at a time
     * (as the dispatcher does) so the index serves the order.
     */
    claim(input: {
      channels: readonly string[];
      workerId: string;
      nowMs: number;
      claimMs: number;
      limit: number;
      maxPriority?: 0 | 1;
    }): OutboxRow[] {
      if (input.channels.length === 0) return [];
      const { nowMs } = input;
      // A row is claimable while pending, due and not under a live claim. `{ recheck }` is the form
      // for the outer UPDATE (see below): `status || ''` is the same test, written as an expression so
      // SQLite keeps looking rows up by the subquery's ids instead of scanning the status index.
      const claimable = ({ recheck }: { recheck: boolean }) =>
        and(
          recheck ? sql`(${outbox.status} || '') = 'pending'` : eq(outbox.status, "pending"),
          sql`${outbox.notBeforeMs} <= ${nowMs}`,
          sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`,
        );
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            claimable({ recheck: false }),
            inArray(outbox.channel, [...input.channels]),
            input.maxPriority === undefined ? undefined : lte(outbox.priority, input.maxPriority),
            sql`not exists (select 1 from ${outbox} as earlier where earlier.channel = ${outbox.channel} and earlier.address = ${outbox.address} and earlier.status = 'pending' and earlier.id < ${outbox.id} and earlier.priority <= ${outbox.priority})`,
          ),
        )
        // In the order of the index outbox_due (status, channel, priority, not_before_ms): a claim reads
        // the first due rows instead of sorting a whole broadcast (0.5 ms instead of 300 ms with
        // 100,000 queued). Rows due at the same instant keep id order.
        .orderBy(asc(outbox.priority), asc(outbox.notBeforeMs), asc(outbox.id))
        .limit(input.limit);
      // The outer WHERE repeats the claimability test. SQLite runs the statement alone (one writer),
      // but on PostgreSQL (READ COMMITTED) the subquery reads a snapshot: two processes may pick the
      // same ids, and the second UPDATE, after waiting for the first one's row lock, re-evaluates only
      // its WHERE on the updated row version ("the second updater … will re-evaluate its search
      // condition to see if the updated version of the row still matches", PostgreSQL manual,
      // 13.2.1 Read Committed Isolation Level). With the conditions here, a row claimed meanwhile
      // is skipped instead of claimed twice. On SQLite the plan is unchanged: rowid lookups from the
      // subquery's id list, the subquery served by outbox_due.
      return db
        .update(outbox)
        .set({ claimedBy: input.workerId, claimedUntilMs: nowMs + input.claimMs })
        .where(and(inArray(outbox.id, due), claimable({ recheck: true })))
        .returning()
        .all()
        .sort((a, b) => a.priority - b.priority || a.id - b.id);
    },

    /**
     * Records that a send is about to start (before the channel is called), so a process that dies
     * mid-send leaves a visible mark: the next claimer applies the row's guarantee. False when the
     * claim is no longer ours (taken over): then the row must not be sent.
     */
    markAttempt(id: number, workerId: string, nowMs: number): boolean {
      return (
        db
          .update(outbox)
          .set({ attemptStartedAtMs: nowMs })
          .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId), eq(outbox.status, "pending")))
          .run().changes > 0
      );
    },

    markSent(id: number, workerId: string, channelMessageId: string | undefined, nowMs: number): void {
      db.update(outbox)
        .set({
          status: "sent",
          sentAtMs: nowMs,
          channelMessageId: sql`case when ${outbox.forgetAddressWhenSent} then null else ${channelMessageId ?? null} end`,
          address: sql`case when ${outbox.forgetAddressWhenSent} then '' else ${outbox.address} end`,
          attempts: sql`${outbox.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
          attemptStartedAtMs: null,
        })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /**
     * An at-most-once row whose send may or may not have arrived (the process died mid-send, the
     * connection dropped after the request): never sent again, counted as uncertain.
     */
    markUncertain(id: number, workerId: string, reason: string): void {
      db.update(outbox)
        .set({
          status: "uncertain",
          lastError: reason,
          attempts: sql`${outbox.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
          attemptStartedAtMs: null,
        })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /** Gives a row back to retry at `notBeforeMs`; a rate-limit refusal passes `countAttempt: false`. */
    markRetry(
      id: number,
      workerId: string,
      notBeforeMs: number,
      error: string,
      options: { countAttempt?: boolean } = {},
    ): void {
      db.update(outbox)
        .set({
          notBeforeMs,
          lastError: error,
          attempts: options.countAttempt === false ? outbox.attempts : sql`${outbox.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
          attemptStartedAtMs: null,
        })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /** Gives a claimed row back without counting an attempt (e.g. a rate limit slot was not free). */
    release(id: number, workerId: string, notBeforeMs: number): void {
      db.update(outbox)
        .set({ notBeforeMs, claimedBy: null, claimedUntilMs: null, attemptStartedAtMs: null })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /** A permanent failure; `countAttempt: false` when the channel was not even tried (a chat known unreachable). */
    markFailed(
      id: number,
      workerId: string,
      status: "failed" | "unreachable",
      error: string,
      options: { countAttempt?: boolean } = {},
    ): void {
      db.update(outbox)
        .set({
          status,
          lastError: error,
          attempts: options.countAttempt === false ? outbox.attempts : sql`${outbox.attempts} + 1`,
          claimedBy: null,
          claimedUntilMs: null,
          attemptStartedAtMs: null,
        })
        .where(and(eq(outbox.id, id), eq(outbox.claimedBy, workerId)))
        .run();
    },

    /**
     * A chat turned out unreachable (the citizen blocked the bot): its other pending rows that no
     * live claim holds and no send has touched become `unreachable` without being tried. Returns how many.
     */
    settleUnreachableChat(channel: string, address: string, reason: string, nowMs: number): number {
      return db
        .update(outbox)
        .set({ status: "unreachable", lastError: reason, claimedBy: null, claimedUntilMs: null })
        .where(
          and(
            eq(outbox.channel, channel),
            eq(outbox.address, address),
            eq(outbox.status, "pending"),
            sql`${outbox.attemptStartedAtMs} is null`,
            sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`,
          ),
        )
        .run().changes;
    },

    /**
     * The citizen of an unreachable chat wrote again: what has legal weight and never arrived (an
     * answer, an information request, an extension notice) is queued again, in its order. Returns how many.
     */
    redeliverLegal(channel: string, address: string, nowMs: number): number {
      return db
        .update(outbox)
        .set({ status: "pending", attempts: 0, notBeforeMs: nowMs, lastError: null })
        .where(
          and(
            eq(outbox.channel, channel),
            eq(outbox.address, address),
            eq(outbox.status, "unreachable"),
            eq(outbox.legal, true),
          ),
        )
        .run().changes;
    },

    /** Legal rows about a question that could not be delivered (the citizen's chat is unreachable). */
    undeliveredLegalForQuestion(questionId: number): OutboxRow[] {
      return db
        .select()
        .from(outbox)
        .where(and(eq(outbox.questionId, questionId), eq(outbox.legal, true), eq(outbox.status, "unreachable")))
        .orderBy(asc(outbox.id))
        .all();
    },

    /** Counts by channel and status, for `rinde status`. */
    stats() {
      return db
        .select({ channel: outbox.channel, status: outbox.status, count: sql<number>`count(*)` })
        .from(outbox)
        .groupBy(outbox.channel, outbox.status)
        .all();
    },

    /** Pending rows by channel and priority, with the earliest one's due time, for `rinde status`. */
    pendingByPriority(): { channel: string; priority: number; count: number; oldestDueMs: number }[] {
      return db
        .select({
          channel: outbox.channel,
          priority: outbox.priority,
          count: sql<number>`count(*)`,
          oldestDueMs: sql<number>`min(${outbox.notBeforeMs})`,
        })
        .from(outbox)
        .where(eq(outbox.status, "pending"))
        .groupBy(outbox.channel, outbox.priority)
        .orderBy(asc(outbox.channel), asc(outbox.priority))
        .all();
    },

    /**
     * The earliest time an unclaimed pending row of these channels (and at most this priority)
     * becomes due, if any: one ordered index lookup per channel and priority, however long the
     * queue. Rows under a live claim are not counted; lapsed claims (a dead worker's) are.
     */
    nextDueMs(channels: readonly string[], maxPriority?: 0 | 1, nowMs = 0): number | undefined {
      let earliest: number | undefined;
      for (const channel of channels) {
        for (const priority of maxPriority === 0 ? [0] : [0, 1]) {
          const row = db
            .select({ at: outbox.notBeforeMs })
            .from(outbox)
            .where(
              and(
                eq(outbox.status, "pending"),
                eq(outbox.channel, channel),
                eq(outbox.priority, priority),
                sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`,
              ),
            )
            .orderBy(asc(outbox.notBeforeMs))
            .limit(1)
            .get();
          if (row && (earliest === undefined || row.at < earliest)) earliest = row.at;
        }
      }
      return earliest;
    },

    findById(id: number): OutboxRow | undefined {
      return db.select().from(outbox).where(eq(outbox.id, id)).get();
    },

    /**
     * Withdraws one pending row no dispatcher holds (it becomes `failed` with `reason`). Returns
     * false when it is no longer pending or is being sent right now.
     */
    withdrawPending(id: number, reason: string, nowMs: number): boolean {
      return (
        db
          .update(outbox)
          .set({ status: "failed", lastError: reason })
          .where(
            and(
              eq(outbox.id, id),
              eq(outbox.status, "pending"),
              sql`${outbox.attemptStartedAtMs} is null`,
              sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`,
            ),
          )
          .run().changes > 0
      );
    },

    /**
     * Delivery figures of the rows whose key starts with `prefix` (an announcement's `ann:<id>:`),
     * read through the unique key index as a range.
     */
    countByKeyPrefix(prefix: string): {
      pending: number;
      sent: number;
      failed: number;
      unreachable: number;
      uncertain: number;
    } {
      const rows = db
        .select({ status: outbox.status, count: sql<number>`count(*)` })
        .from(outbox)
        .where(keyPrefixRange(prefix))
        .groupBy(outbox.status)
        .all();
      const count = (status: OutboxRow["status"]) => rows.find((r) => r.status === status)?.count ?? 0;
      return {
        pending: count("pending"),
        sent: count("sent"),
        failed: count("failed"),
        unreachable: count("unreachable"),
        uncertain: count("uncertain"),
      };
    },

    /**
     * Withdraws pending bulk rows no dispatcher holds: those of one chat (a citizen who wrote a stop
     * word) or those whose key starts with `keyPrefix` (a cancelled announcement). They become
     * `failed` with `reason`, so figures still add up. Returns how many.
     */
    withdrawPendingBulk(
      target: { channel: string; address: string } | { keyPrefix: string },
      reason: string,
      nowMs: number,
    ): number {
      const scope =
        "keyPrefix" in target
          ? keyPrefixRange(target.keyPrefix)
          : and(eq(outbox.channel, target.channel), eq(outbox.address, target.address));
      return db
        .update(outbox)
        .set({ status: "failed", lastError: reason })
        .where(
          and(
            scope,
            eq(outbox.status, "pending"),
            eq(outbox.priority, 1),
            sql`${outbox.attemptStartedAtMs} is null`,
            sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`,
          ),
        )
        .run().changes;
    },

    /**
     * Rows an erasure must scrub (Ley 1581 de 2012): those for the citizen (by id, or sent to one of
     * their addresses) and those about their questions (by question id, or keyed `q:<id>:`).
     */
    forErasure(target: {
      citizenId: number;
      addresses: readonly { channel: string; address: string }[];
      questionIds: readonly number[];
    }): OutboxRow[] {
      const scopes = [
        eq(outbox.citizenId, target.citizenId),
        ...target.addresses.map((a) => and(eq(outbox.channel, a.channel), eq(outbox.address, a.address))),
        ...(target.questionIds.length > 0 ? [inArray(outbox.questionId, [...target.questionIds])] : []),
        ...target.questionIds.map((id) => keyPrefixRange(`q:${id}:`)),
      ];
      return db
        .select()
        .from(outbox)
        .where(or(...scopes))
        .orderBy(asc(outbox.id))
        .all();
    },

    /**
     * Overwrites a row's payload after an erasure; a new address also drops the channel's message id
     * (a Telegram id names the chat). With `withdraw`, a row not yet
     * sent becomes `failed` ("erased") and loses any claim, so a dispatcher never sends or marks it.
     */
    scrub(id: number, change: { payload: OutboxPayload; address?: string; withdraw: boolean }): void {
      db.update(outbox)
        .set({
          payload: JSON.stringify(change.payload),
          ...(change.address === undefined ? {} : { address: change.address, channelMessageId: null }),
        })
        .where(eq(outbox.id, id))
        .run();
      if (!change.withdraw) return;
      db.update(outbox)
        .set({ status: "failed", lastError: "erased", claimedBy: null, claimedUntilMs: null, attemptStartedAtMs: null })
        .where(and(eq(outbox.id, id), eq(outbox.status, "pending")))
        .run();
    },

    /**
     * A free-form row the channel accepted and later reported failed because the 24-hour window had
     * closed (WhatsApp Cloud's 131047 in a status webhook): queued again, to go out as its template.
     * Only a `sent` row without a template moves, so a repeated webhook changes nothing. Returns whether it moved.
     */
    requeueSent(id: number, reason: string, nowMs: number): boolean {
      return (
        db
          .update(outbox)
          .set({
            status: "pending",
            notBeforeMs: nowMs,
            lastError: reason,
            channelMessageId: null,
            sentAtMs: null,
            deliveryStatus: null,
            deliveryStatusAtMs: null,
            deliveryError: null,
          })
          .where(and(eq(outbox.id, id), eq(outbox.status, "sent"), sql`${outbox.template} is null`))
          .run().changes > 0
      );
    },

    /**
     * A row the channel accepted and later reported undeliverable to that chat (WhatsApp Cloud's
     * 131026 in a status webhook): `unreachable`, like a refusal at send time. Returns whether it moved.
     */
    markSentUnreachable(id: number, reason: string): boolean {
      return (
        db
          .update(outbox)
          .set({ status: "unreachable", lastError: reason })
          .where(and(eq(outbox.id, id), eq(outbox.status, "sent")))
          .run().changes > 0
      );
    },

    /** Records the approved template a sent row went out as (WhatsApp Cloud outside the 24-hour window). */
    recordTemplate(id: number, template: string): void {
      db.update(outbox).set({ template }).where(eq(outbox.id, id)).run();
    },

    /**
     * Records what the channel reported about a sent message (a WhatsApp Cloud status webhook).
     * Statuses arrive out of order, so one never goes backwards (read after delivered after sent);
     * `failed` replaces anything but `read`. Returns false when no row carries that message id.
     */
    recordDeliveryStatus(
      channel: string,
      channelMessageId: string,
      update: { status: DeliveryStatus; atMs: number; errorCode?: string },
    ): boolean {
      const row = db
        .select({ id: outbox.id, status: outbox.deliveryStatus })
        .from(outbox)
        .where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId)))
        .get();
      if (!row) return false;
      if (row.status !== null && DELIVERY_RANK[row.status] >= DELIVERY_RANK[update.status]) return true;
      db.update(outbox)
        .set({
          deliveryStatus: update.status,
          deliveryStatusAtMs: update.atMs,
          deliveryError: update.status === "failed" ? (update.errorCode ?? null) : null,
        })
        .where(eq(outbox.id, row.id))
        .run();
      return true;
    },

    /**
     * Every message about a question (rows with its id, or keyed `q:<id>:`), oldest first, with what
     * the channel reported about each: for the question's timeline in the back-office.
     */
    deliveriesForQuestion(questionId: number): QuestionDelivery[] {
      return db
        .select({
          outboxId: outbox.id,
          key: outbox.idempotencyKey,
          channel: outbox.channel,
          citizenId: outbox.citizenId,
          status: outbox.status,
          createdAtMs: outbox.createdAtMs,
          sentAtMs: outbox.sentAtMs,
          template: outbox.template,
          deliveryStatus: outbox.deliveryStatus,
          deliveryStatusAtMs: outbox.deliveryStatusAtMs,
          deliveryError: outbox.deliveryError,
          lastError: outbox.lastError,
        })
        .from(outbox)
        .where(or(eq(outbox.questionId, questionId), keyPrefixRange(`q:${questionId}:`)))
        .orderBy(asc(outbox.id))
        .all();
    },

    findByChannelMessage(channel: string, channelMessageId: string): OutboxRow | undefined {
      return db
        .select()
        .from(outbox)
        .where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId)))
        .get();
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
