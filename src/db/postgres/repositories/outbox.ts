/**
 * The durable outbox on PostgreSQL: the port of src/db/repositories/outbox.ts (the specification:
 * claims under a worker's lease, attempt marks, the per-chat order, replies before bulk). What
 * differs is how several processes share the table: a claim locks the rows it picks with
 * `FOR UPDATE SKIP LOCKED`, so two dispatchers never claim the same row and never wait on each
 * other, and the delivery status of a message moves forward in one conditional statement.
 * One difference remains: ids come from a sequence at insert, not at commit, so when two
 * transactions queue rows for one chat at once, the one committed first may be sent first even if
 * its id is higher (on SQLite, one writer at a time, id order is commit order).
 */
import { and, asc, eq, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { DeliveryStatus, NewOutboxRow, OutboxRow, QuestionDelivery } from "../../repositories/outbox.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { preparedStatement } from "../prepared.ts";
import { outbox } from "../schema.ts";

/**
 * Keys starting with `prefix`, as a range. Compared byte by byte (`collate "C"`, SQLite's BINARY):
 * under a linguistic collation (en_US) punctuation is ignored at first, so `ann:12:5` would sort
 * after `ann:12;` and fall out of the range.
 */
function keyPrefixRange(prefix: string): SQL {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return sql`(${outbox.idempotencyKey} collate "C" >= ${prefix} and ${outbox.idempotencyKey} collate "C" < ${upper})`;
}

/** Not under a live claim at `nowMs` (never claimed, released, or its lease lapsed). */
const unclaimedAt = (nowMs: number) => sql`(${outbox.claimedUntilMs} is null or ${outbox.claimedUntilMs} < ${nowMs})`;

/** The order of delivery statuses (see DELIVERY_RANK in the SQLite repository), in SQL. */
const deliveryRank = (status: SQL | typeof outbox.deliveryStatus) =>
  sql`(case ${status} when 'sent' then 1 when 'delivered' then 2 when 'failed' then 3 when 'read' then 4 end)`;
const DELIVERY_RANK: Record<DeliveryStatus, number> = { sent: 1, delivered: 2, failed: 3, read: 4 };

/** `q` returns the executor of the current transaction, or the pool (src/db/postgres/store.ts). */
export function createPgOutboxRepo(q: () => PgDb): Port<SyncRepos["outbox"]> {
  const releaseClaim = { claimedBy: null, claimedUntilMs: null, attemptStartedAtMs: null };
  const heldBy = (id: number, workerId: string) => and(eq(outbox.id, id), eq(outbox.claimedBy, workerId));
  const attemptsPlusOne = sql`${outbox.attempts} + 1`;
  // A named prepared statement (src/db/postgres/prepared.ts): every inbound message queues a reply.
  const insert = preparedStatement(q, "outbox_enqueue", (db, name) =>
    db
      .insert(outbox)
      .values({
        idempotencyKey: sql.placeholder("idempotencyKey"),
        channel: sql.placeholder("channel"),
        address: sql.placeholder("address"),
        citizenId: sql.placeholder("citizenId"),
        priority: sql.placeholder("priority"),
        payload: sql.placeholder("payload"),
        notBeforeMs: sql.placeholder("notBeforeMs"),
        questionId: sql.placeholder("questionId"),
        guarantee: sql.placeholder("guarantee"),
        legal: sql.placeholder("legal"),
        forgetAddressWhenSent: sql.placeholder("forgetAddressWhenSent"),
        createdAtMs: sql.placeholder("createdAtMs"),
      })
      .onConflictDoNothing()
      .returning({ id: outbox.id })
      .prepare(name),
  );

  return {
    async enqueue(row: NewOutboxRow, nowMs: number) {
      const inserted = await insert({
        idempotencyKey: row.idempotencyKey,
        channel: row.channel,
        address: row.address,
        citizenId: row.citizenId ?? null,
        priority: row.priority ?? 0,
        payload: JSON.stringify(row.payload),
        notBeforeMs: row.notBeforeMs ?? nowMs,
        questionId: row.questionId ?? null,
        guarantee: row.guarantee ?? (row.priority === 1 ? "at_most_once" : "at_least_once"),
        legal: row.legal === true,
        forgetAddressWhenSent: row.forgetAddressWhenSent === true,
        createdAtMs: nowMs,
      });
      return inserted[0]?.id;
    },

    async claim(input) {
      if (input.channels.length === 0) return [];
      const { nowMs } = input;
      const claimable = and(eq(outbox.status, "pending"), sql`${outbox.notBeforeMs} <= ${nowMs}`, unclaimedAt(nowMs));
      // The same selection as on SQLite (due, unclaimed, first of its chat at its priority or a more
      // urgent one, replies before bulk, earliest due first). The NOT EXISTS reads every pending row
      // of the chat, claimed or not, locked or not: a claimed earlier row still holds the later ones.
      // `offset 0` keeps it a subplan run per candidate through outbox_chat (channel, address):
      // flattened into an anti-join, right after a broadcast queued thousands of rows and before
      // autoanalyze saw them, the planner joined every pending row with every other (issue 13: a
      // claim of 100 among 5,000 took 30 s instead of 45 ms).
      const due = q()
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            claimable,
            inArray(outbox.channel, [...input.channels]),
            input.maxPriority === undefined ? undefined : lte(outbox.priority, input.maxPriority),
            sql`not exists (select 1 from ${outbox} as earlier where earlier.channel = ${outbox.channel} and earlier.address = ${outbox.address} and earlier.status = 'pending' and earlier.id < ${outbox.id} and earlier.priority <= ${outbox.priority} offset 0)`,
          ),
        )
        .orderBy(asc(outbox.priority), asc(outbox.notBeforeMs), asc(outbox.id))
        .limit(input.limit)
        // Rows another process is claiming right now are skipped, not waited for. A row it claimed
        // and committed after this statement's snapshot is re-read by FOR UPDATE and re-tested; the
        // outer WHERE repeats the test as well (PostgreSQL manual, 13.2.1 Read Committed).
        .for("update", { skipLocked: true });
      // `= any(array(…))`, not `in (…)`: the array is an init plan, run once. Planned as a join, the
      // subquery may be scanned again for later rows, and each scan locks up to `limit` more rows
      // (the test's claim of 2 claimed 3). A broadcast queues thousands of rows due at one instant;
      // reading them in id order without a sort needs `id` as the last column of outbox_due (SQLite
      // has the rowid there implicitly).
      const claimed = await q()
        .update(outbox)
        .set({ claimedBy: input.workerId, claimedUntilMs: nowMs + input.claimMs })
        .where(and(sql`${outbox.id} = any(array(${due}))`, claimable))
        .returning();
      return claimed.sort((a, b) => a.priority - b.priority || a.id - b.id);
    },

    async markAttempt(id, workerId, nowMs) {
      const result = await q()
        .update(outbox)
        .set({ attemptStartedAtMs: nowMs })
        .where(and(heldBy(id, workerId), eq(outbox.status, "pending")));
      return (result.rowCount ?? 0) > 0;
    },

    async markSent(id, workerId, channelMessageId, nowMs) {
      await q()
        .update(outbox)
        .set({
          status: "sent",
          sentAtMs: nowMs,
          channelMessageId: sql`case when ${outbox.forgetAddressWhenSent} then null else ${channelMessageId ?? null}::text end`,
          address: sql`case when ${outbox.forgetAddressWhenSent} then '' else ${outbox.address} end`,
          attempts: attemptsPlusOne,
          ...releaseClaim,
        })
        .where(heldBy(id, workerId));
    },

    async markUncertain(id, workerId, reason) {
      await q()
        .update(outbox)
        .set({ status: "uncertain", lastError: reason, attempts: attemptsPlusOne, ...releaseClaim })
        .where(heldBy(id, workerId));
    },

    async markRetry(id, workerId, notBeforeMs, error, options = {}) {
      await q()
        .update(outbox)
        .set({
          notBeforeMs,
          lastError: error,
          attempts: options.countAttempt === false ? sql`${outbox.attempts}` : attemptsPlusOne,
          ...releaseClaim,
        })
        .where(heldBy(id, workerId));
    },

    async release(id, workerId, notBeforeMs) {
      await q()
        .update(outbox)
        .set({ notBeforeMs, ...releaseClaim })
        .where(heldBy(id, workerId));
    },

    async markFailed(id, workerId, status, error, options = {}) {
      await q()
        .update(outbox)
        .set({
          status,
          lastError: error,
          attempts: options.countAttempt === false ? sql`${outbox.attempts}` : attemptsPlusOne,
          ...releaseClaim,
        })
        .where(heldBy(id, workerId));
    },

    async settleUnreachableChat(channel, address, reason, nowMs) {
      const result = await q()
        .update(outbox)
        .set({ status: "unreachable", lastError: reason, claimedBy: null, claimedUntilMs: null })
        .where(
          and(
            eq(outbox.channel, channel),
            eq(outbox.address, address),
            eq(outbox.status, "pending"),
            sql`${outbox.attemptStartedAtMs} is null`,
            unclaimedAt(nowMs),
          ),
        );
      return result.rowCount ?? 0;
    },

    async redeliverLegal(channel, address, nowMs) {
      const result = await q()
        .update(outbox)
        .set({ status: "pending", attempts: 0, notBeforeMs: nowMs, lastError: null })
        .where(
          and(
            eq(outbox.channel, channel),
            eq(outbox.address, address),
            eq(outbox.status, "unreachable"),
            eq(outbox.legal, true),
          ),
        );
      return result.rowCount ?? 0;
    },

    async undeliveredLegalForQuestion(questionId) {
      return q()
        .select()
        .from(outbox)
        .where(and(eq(outbox.questionId, questionId), eq(outbox.legal, true), eq(outbox.status, "unreachable")))
        .orderBy(asc(outbox.id));
    },

    async stats() {
      return q()
        .select({ channel: outbox.channel, status: outbox.status, count: sql<number>`count(*)`.mapWith(Number) })
        .from(outbox)
        .groupBy(outbox.channel, outbox.status)
        .orderBy(sql`${outbox.channel} collate "C"`, sql`${outbox.status} collate "C"`);
    },

    async pendingByPriority() {
      return q()
        .select({
          channel: outbox.channel,
          priority: outbox.priority,
          count: sql<number>`count(*)`.mapWith(Number),
          oldestDueMs: sql<number>`min(${outbox.notBeforeMs})`.mapWith(Number),
        })
        .from(outbox)
        .where(eq(outbox.status, "pending"))
        .groupBy(outbox.channel, outbox.priority)
        .orderBy(sql`${outbox.channel} collate "C"`, asc(outbox.priority));
    },

    async nextDueMs(channels, maxPriority, nowMs = 0) {
      // One ordered index lookup per channel and priority, as on SQLite, in one round trip;
      // least() ignores the lookups that found nothing.
      const lookups: SQL[] = [];
      for (const channel of channels) {
        for (const priority of maxPriority === 0 ? [0] : [0, 1]) {
          lookups.push(
            sql`(select ${outbox.notBeforeMs} from ${outbox} where ${outbox.status} = 'pending' and ${outbox.channel} = ${channel} and ${outbox.priority} = ${priority} and ${unclaimedAt(nowMs)} order by ${outbox.notBeforeMs} limit 1)`,
          );
        }
      }
      if (lookups.length === 0) return undefined;
      const { rows } = await q().execute<{ at: string | number | null }>(
        sql`select least(${sql.join(lookups, sql`, `)}) as at`,
      );
      const at = rows[0]?.at;
      return at === null || at === undefined ? undefined : Number(at);
    },

    async findById(id) {
      return (await q().select().from(outbox).where(eq(outbox.id, id)))[0];
    },

    async withdrawPending(id, reason, nowMs) {
      const result = await q()
        .update(outbox)
        .set({ status: "failed", lastError: reason })
        .where(
          and(
            eq(outbox.id, id),
            eq(outbox.status, "pending"),
            sql`${outbox.attemptStartedAtMs} is null`,
            unclaimedAt(nowMs),
          ),
        );
      return (result.rowCount ?? 0) > 0;
    },

    async countByKeyPrefix(prefix) {
      const rows = await q()
        .select({ status: outbox.status, count: sql<number>`count(*)`.mapWith(Number) })
        .from(outbox)
        .where(keyPrefixRange(prefix))
        .groupBy(outbox.status);
      const count = (status: OutboxRow["status"]) => rows.find((r) => r.status === status)?.count ?? 0;
      return {
        pending: count("pending"),
        sent: count("sent"),
        failed: count("failed"),
        unreachable: count("unreachable"),
        uncertain: count("uncertain"),
      };
    },

    async withdrawPendingBulk(target, reason, nowMs) {
      const scope =
        "keyPrefix" in target
          ? keyPrefixRange(target.keyPrefix)
          : and(eq(outbox.channel, target.channel), eq(outbox.address, target.address));
      const result = await q()
        .update(outbox)
        .set({ status: "failed", lastError: reason })
        .where(
          and(
            scope,
            eq(outbox.status, "pending"),
            eq(outbox.priority, 1),
            sql`${outbox.attemptStartedAtMs} is null`,
            unclaimedAt(nowMs),
          ),
        );
      return result.rowCount ?? 0;
    },

    async forErasure(target) {
      const scopes = [
        eq(outbox.citizenId, target.citizenId),
        ...target.addresses.map((a) => and(eq(outbox.channel, a.channel), eq(outbox.address, a.address))),
        ...(target.questionIds.length > 0 ? [inArray(outbox.questionId, [...target.questionIds])] : []),
        ...target.questionIds.map((id) => keyPrefixRange(`q:${id}:`)),
      ];
      return q()
        .select()
        .from(outbox)
        .where(or(...scopes))
        .orderBy(asc(outbox.id));
    },

    async scrub(id, change) {
      await q()
        .update(outbox)
        .set({
          payload: JSON.stringify(change.payload),
          ...(change.address === undefined ? {} : { address: change.address, channelMessageId: null }),
        })
        .where(eq(outbox.id, id));
      if (!change.withdraw) return;
      await q()
        .update(outbox)
        .set({ status: "failed", lastError: "erased", ...releaseClaim })
        .where(and(eq(outbox.id, id), eq(outbox.status, "pending")));
    },

    async requeueSent(id, reason, nowMs) {
      const moved = await q()
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
        .returning({ id: outbox.id });
      return moved.length > 0;
    },

    async markSentUnreachable(id, reason) {
      const moved = await q()
        .update(outbox)
        .set({ status: "unreachable", lastError: reason })
        .where(and(eq(outbox.id, id), eq(outbox.status, "sent")))
        .returning({ id: outbox.id });
      return moved.length > 0;
    },

    async recordTemplate(id, template) {
      await q().update(outbox).set({ template }).where(eq(outbox.id, id));
    },

    async recordDeliveryStatus(channel, channelMessageId, update) {
      // The row SQLite finds (the first carrying that message id), moved forward only, in one
      // statement: two status webhooks handled at once by two processes cannot move it backwards.
      const first = sql`(select ${outbox.id} from ${outbox} where ${outbox.channel} = ${channel} and ${outbox.channelMessageId} = ${channelMessageId} order by ${outbox.id} limit 1)`;
      const moved = await q()
        .update(outbox)
        .set({
          deliveryStatus: update.status,
          deliveryStatusAtMs: update.atMs,
          deliveryError: update.status === "failed" ? (update.errorCode ?? null) : null,
        })
        .where(
          and(
            sql`${outbox.id} = ${first}`,
            sql`(${outbox.deliveryStatus} is null or ${deliveryRank(outbox.deliveryStatus)} < ${DELIVERY_RANK[update.status]})`,
          ),
        )
        .returning({ id: outbox.id });
      if (moved.length > 0) return true;
      const found = await q()
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId)))
        .limit(1);
      return found.length > 0;
    },

    async deliveriesForQuestion(questionId): Promise<QuestionDelivery[]> {
      return q()
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
        .orderBy(asc(outbox.id));
    },

    async findByChannelMessage(channel, channelMessageId) {
      return (
        await q()
          .select()
          .from(outbox)
          .where(and(eq(outbox.channel, channel), eq(outbox.channelMessageId, channelMessageId)))
          .orderBy(asc(outbox.id))
          .limit(1)
      )[0];
    },
  };
}
