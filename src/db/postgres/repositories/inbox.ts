/**
 * The back-office inbox on PostgreSQL: the port of src/db/repositories/inbox.ts (the
 * specification). Same predicates, so the same indexes drive it (office, status, due date) and
 * keyset paging keeps page 500 as cheap as page 1. Word search is `ilike` under the "C" collation:
 * case-insensitive for ASCII letters only, exactly as SQLite's `like` ("Ó" and "ó" differ in both),
 * and about twice as fast as `ilike` under a linguistic collation.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Port } from "../../port.ts";
import type { InboxQuery } from "../../repositories/inbox.ts";
import type { SyncRepos } from "../../repositories/index.ts";
import type { PgDb } from "../client.ts";
import { questionEvents, questions } from "../schema.ts";

function viewCondition(q: InboxQuery): SQL | undefined {
  const office = eq(questions.officeKey, q.officeKey);
  switch (q.view) {
    case "new":
      return and(office, eq(questions.status, "open"), isNull(questions.assignedTo));
    case "mine":
      return and(
        office,
        eq(questions.assignedTo, q.officialId ?? -1),
        inArray(questions.status, ["open", "info_requested"]),
      );
    case "due_soon":
      return and(
        office,
        eq(questions.status, "open"),
        gte(questions.dueDate, q.today),
        lte(questions.dueDate, q.dueSoonThrough),
      );
    case "overdue":
      return and(office, eq(questions.status, "open"), lt(questions.dueDate, q.today));
    case "extended":
      return and(office, eq(questions.status, "open"), isNotNull(questions.extendedTo));
    case "waiting":
      return and(office, eq(questions.status, "info_requested"));
    case "answered":
      return and(office, eq(questions.status, "answered"));
    case "transferred":
      return and(office, eq(questions.status, "transferred"));
    case "all":
      return office;
  }
}

/** ILIKE with the user's % and _ taken literally, folding ASCII letters only (SQLite's `like`). */
function likeWord(word: string): SQL {
  const escaped = word.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`(${questions.text} collate "C") ilike ${`%${escaped}%`} escape '\\'`;
}

/** sum(...) is a bigint, which node-postgres returns as a string. */
function total(expression: SQL) {
  return sql<number>`sum(${expression})`.mapWith(Number);
}

/**
 * An office's answered questions, counted from the (office, status, due date) index alone. The
 * other counts read only the office's open and waiting rows: most of an office's questions are
 * answered, and reading all their rows for the view counts cost the inbox most of its time.
 */
/** An office's questions in one closed status, counted from the (office, status, due date) index alone. */
function countWithStatus(officeKey: string, status: "answered" | "transferred") {
  return sql<number>`(select count(*) from "questions" a where a."office_key" = ${officeKey} and a."status" = ${status})`.mapWith(
    Number,
  );
}

function zeroIfNone(expression: SQL) {
  return sql<number>`coalesce(sum(${expression}), 0)`.mapWith(Number);
}

export function createPgInboxRepo(q: () => PgDb): Port<SyncRepos["inbox"]> {
  return {
    async page(query) {
      // Answered questions newest first; the work views by the nearest due date.
      const descending = query.view === "answered" || query.view === "transferred" || query.view === "all";
      const conditions: SQL[] = [viewCondition(query)!];
      if (query.requestType) conditions.push(eq(questions.requestType, query.requestType as "general"));
      if (query.channel) conditions.push(eq(questions.channel, query.channel));
      if (query.filedFromMs !== undefined) conditions.push(gte(questions.filedAtMs, query.filedFromMs));
      if (query.filedBeforeMs !== undefined) conditions.push(lt(questions.filedAtMs, query.filedBeforeMs));
      for (const word of query.words ?? []) conditions.push(likeWord(word));
      if (query.after) {
        const { dueDate, id } = query.after;
        conditions.push(
          descending
            ? or(lt(questions.dueDate, dueDate), and(eq(questions.dueDate, dueDate), lt(questions.id, id)))!
            : or(gt(questions.dueDate, dueDate), and(eq(questions.dueDate, dueDate), gt(questions.id, id)))!,
        );
      }
      const order = descending
        ? [desc(questions.dueDate), desc(questions.id)]
        : [asc(questions.dueDate), asc(questions.id)];
      return q()
        .select(inboxColumns(160))
        .from(questions)
        .where(and(...conditions))
        .orderBy(...order)
        .limit(query.limit);
    },
    async counts(officeKey, officialId, today, dueSoonThrough) {
      const open = sql`${questions.status} = 'open'`;
      const [row] = await q()
        .select({
          new: zeroIfNone(sql`case when ${open} and ${questions.assignedTo} is null then 1 else 0 end`),
          mine: zeroIfNone(
            sql`case when ${questions.status} in ('open', 'info_requested') and ${questions.assignedTo} = ${officialId ?? -1} then 1 else 0 end`,
          ),
          due_soon: zeroIfNone(
            sql`case when ${open} and ${questions.dueDate} >= ${today} and ${questions.dueDate} <= ${dueSoonThrough} then 1 else 0 end`,
          ),
          overdue: zeroIfNone(sql`case when ${open} and ${questions.dueDate} < ${today} then 1 else 0 end`),
          extended: zeroIfNone(sql`case when ${open} and ${questions.extendedTo} is not null then 1 else 0 end`),
          waiting: zeroIfNone(sql`case when ${questions.status} = 'info_requested' then 1 else 0 end`),
          answered: countWithStatus(officeKey, "answered"),
          transferred: countWithStatus(officeKey, "transferred"),
        })
        .from(questions)
        .where(and(eq(questions.officeKey, officeKey), inArray(questions.status, ["open", "info_requested"])));
      return row ?? { new: 0, mine: 0, due_soon: 0, overdue: 0, extended: 0, waiting: 0, answered: 0, transferred: 0 };
    },
    async deadlineSummary(today, dueSoonThrough) {
      const escalated = wasEscalated();
      return (
        q()
          .select({
            officeKey: questions.officeKey,
            overdue: total(
              sql`case when ${questions.status} = 'open' and ${questions.dueDate} < ${today} then 1 else 0 end`,
            ),
            escalated: total(
              sql`case when ${questions.status} = 'open' and ${questions.dueDate} < ${today} and ${escalated} then 1 else 0 end`,
            ),
            dueSoon: total(
              sql`case when ${questions.status} = 'open' and ${questions.dueDate} >= ${today} then 1 else 0 end`,
            ),
            waiting: total(sql`case when ${questions.status} = 'info_requested' then 1 else 0 end`),
          })
          .from(questions)
          .where(
            or(
              and(eq(questions.status, "open"), lte(questions.dueDate, dueSoonThrough)),
              eq(questions.status, "info_requested"),
            ),
          )
          .groupBy(questions.officeKey)
          // SQLite returns its groups in key order (binary collation); a hash aggregate would not.
          .orderBy(sql`${questions.officeKey} collate "C"`)
      );
    },
    async mostOverdue(officeKeys, today, limit) {
      if (officeKeys.length === 0) return [];
      return q()
        .select({ ...inboxColumns(120), escalated: sql<number>`(${wasEscalated()})::int` })
        .from(questions)
        .where(
          and(
            eq(questions.status, "open"),
            lt(questions.dueDate, today),
            inArray(questions.officeKey, [...officeKeys]),
          ),
        )
        .orderBy(asc(questions.dueDate), asc(questions.id))
        .limit(limit);
    },
    async assign(questionId, officialId, nowMs) {
      await q()
        .update(questions)
        .set({ assignedTo: officialId, updatedAtMs: nowMs })
        .where(eq(questions.id, questionId));
    },
  };
}

/** The columns of an inbox row, with the question's first `excerptLength` characters. */
function inboxColumns(excerptLength: number) {
  return {
    id: questions.id,
    reference: questions.reference,
    officeKey: questions.officeKey,
    requestType: questions.requestType,
    status: questions.status,
    channel: questions.channel,
    filedAtMs: questions.filedAtMs,
    dueDate: questions.dueDate,
    extendedTo: questions.extendedTo,
    assignedTo: questions.assignedTo,
    excerpt: sql<string>`substr(${questions.text}, 1, ${sql.raw(String(excerptLength))})`,
  };
}

/** Whether the question was escalated to the head (an `escalated` entry in its history). */
function wasEscalated() {
  return sql`exists (select 1 from ${questionEvents} where ${questionEvents.questionId} = ${questions.id} and ${questionEvents.kind} = 'escalated')`;
}
