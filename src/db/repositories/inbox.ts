/**
 * The back-office inbox (issue 14): an office's questions in fixed views, filtered, searched and
 * paged by keyset (due date, id) so page 500 costs what page 1 costs. Counts per view read the
 * `questions_office_status_due` index. No rules here: which views exist and who may see them is
 * decided by src/services/backoffice/inbox.ts.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { questions } from "../schema.ts";

/** `transferred`: sent to another entity (art. 21), out of the work views but findable. */
export const INBOX_VIEWS = [
  "new",
  "mine",
  "due_soon",
  "overdue",
  "extended",
  "waiting",
  "answered",
  "transferred",
  "all",
] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export interface InboxQuery {
  officeKey: string;
  view: InboxView;
  /** The viewer (for "mine"). */
  officialId: number | null;
  today: string;
  /** Last date still "due soon". */
  dueSoonThrough: string;
  requestType?: string;
  channel?: string;
  filedFromMs?: number;
  filedBeforeMs?: number;
  /** Words that must all appear in the question's text. */
  words?: string[];
  /** Keyset cursor: the last row of the previous page. */
  after?: { dueDate: string; id: number };
  limit: number;
}

export interface InboxRow {
  id: number;
  reference: string;
  officeKey: string;
  requestType: string;
  status: string;
  channel: string;
  filedAtMs: number;
  dueDate: string;
  extendedTo: string | null;
  assignedTo: number | null;
  excerpt: string;
}

export type InboxCounts = Record<Exclude<InboxView, "all">, number>;

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

/** LIKE with the user's % and _ taken literally. */
function likeWord(word: string): SQL {
  const escaped = word.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${questions.text} like ${`%${escaped}%`} escape '\\'`;
}

export function createInboxRepo(db: Db) {
  return {
    page(q: InboxQuery): InboxRow[] {
      // Answered questions newest first; the work views by the nearest due date.
      const descending = q.view === "answered" || q.view === "transferred" || q.view === "all";
      const conditions: SQL[] = [viewCondition(q)!];
      if (q.requestType) conditions.push(eq(questions.requestType, q.requestType as "general"));
      if (q.channel) conditions.push(eq(questions.channel, q.channel));
      if (q.filedFromMs !== undefined) conditions.push(gte(questions.filedAtMs, q.filedFromMs));
      if (q.filedBeforeMs !== undefined) conditions.push(lt(questions.filedAtMs, q.filedBeforeMs));
      for (const word of q.words ?? []) conditions.push(likeWord(word));
      if (q.after) {
        const { dueDate, id } = q.after;
        conditions.push(
          descending
            ? or(lt(questions.dueDate, dueDate), and(eq(questions.dueDate, dueDate), lt(questions.id, id)))!
            : or(gt(questions.dueDate, dueDate), and(eq(questions.dueDate, dueDate), gt(questions.id, id)))!,
        );
      }
      const order = descending
        ? [desc(questions.dueDate), desc(questions.id)]
        : [asc(questions.dueDate), asc(questions.id)];
      return db
        .select(inboxColumns(160))
        .from(questions)
        .where(and(...conditions))
        .orderBy(...order)
        .limit(q.limit)
        .all();
    },
    counts(officeKey: string, officialId: number | null, today: string, dueSoonThrough: string): InboxCounts {
      const open = sql`${questions.status} = 'open'`;
      const row = db
        .select({
          new: sql<number>`coalesce(sum(case when ${open} and ${questions.assignedTo} is null then 1 else 0 end), 0)`,
          mine: sql<number>`coalesce(sum(case when ${questions.status} in ('open', 'info_requested') and ${questions.assignedTo} = ${officialId ?? -1} then 1 else 0 end), 0)`,
          due_soon: sql<number>`coalesce(sum(case when ${open} and ${questions.dueDate} >= ${today} and ${questions.dueDate} <= ${dueSoonThrough} then 1 else 0 end), 0)`,
          overdue: sql<number>`coalesce(sum(case when ${open} and ${questions.dueDate} < ${today} then 1 else 0 end), 0)`,
          extended: sql<number>`coalesce(sum(case when ${open} and ${questions.extendedTo} is not null then 1 else 0 end), 0)`,
          waiting: sql<number>`coalesce(sum(case when ${questions.status} = 'info_requested' then 1 else 0 end), 0)`,
          // Counted from the (office, status, due date) index alone; the other counts read only the
          // office's open and waiting rows, not the many answered ones (issue 14: inbox p95 ≤ 30 ms).
          answered: sql<number>`(select count(*) from "questions" a where a."office_key" = ${officeKey} and a."status" = 'answered')`,
          transferred: sql<number>`(select count(*) from "questions" a where a."office_key" = ${officeKey} and a."status" = 'transferred')`,
        })
        .from(questions)
        .where(and(eq(questions.officeKey, officeKey), inArray(questions.status, ["open", "info_requested"])))
        .get();
      return row ?? { new: 0, mine: 0, due_soon: 0, overdue: 0, extended: 0, waiting: 0, answered: 0, transferred: 0 };
    },
    /**
     * Per office: open questions overdue (and how many of those were escalated to the head), due
     * in [today, dueSoonThrough], and waiting for the citizen. Reads the (status, due_date) index.
     */
    deadlineSummary(
      today: string,
      dueSoonThrough: string,
    ): { officeKey: string; overdue: number; escalated: number; dueSoon: number; waiting: number }[] {
      const escalated = wasEscalated();
      return db
        .select({
          officeKey: questions.officeKey,
          overdue: sql<number>`sum(case when ${questions.status} = 'open' and ${questions.dueDate} < ${today} then 1 else 0 end)`,
          escalated: sql<number>`sum(case when ${questions.status} = 'open' and ${questions.dueDate} < ${today} and ${escalated} then 1 else 0 end)`,
          dueSoon: sql<number>`sum(case when ${questions.status} = 'open' and ${questions.dueDate} >= ${today} then 1 else 0 end)`,
          waiting: sql<number>`sum(case when ${questions.status} = 'info_requested' then 1 else 0 end)`,
        })
        .from(questions)
        .where(
          or(
            and(eq(questions.status, "open"), lte(questions.dueDate, dueSoonThrough)),
            eq(questions.status, "info_requested"),
          ),
        )
        .groupBy(questions.officeKey)
        .all();
    },
    /** The most overdue open questions of the given offices, oldest due date first, with whether each was escalated. */
    mostOverdue(officeKeys: readonly string[], today: string, limit: number): (InboxRow & { escalated: number })[] {
      if (officeKeys.length === 0) return [];
      return db
        .select({ ...inboxColumns(120), escalated: wasEscalated() })
        .from(questions)
        .where(
          and(
            eq(questions.status, "open"),
            lt(questions.dueDate, today),
            inArray(questions.officeKey, [...officeKeys]),
          ),
        )
        .orderBy(asc(questions.dueDate), asc(questions.id))
        .limit(limit)
        .all();
    },
    assign(questionId: number, officialId: number | null, nowMs: number): void {
      db.update(questions)
        .set({ assignedTo: officialId, updatedAtMs: nowMs })
        .where(eq(questions.id, questionId))
        .run();
    },
  };
}

export type InboxRepo = ReturnType<typeof createInboxRepo>;

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
  // Columns written out qualified: in a one-table select drizzle's SQLite dialect leaves them bare, and
  // a bare "id" inside this subquery would be question_events.id, not the question's.
  return sql<number>`exists (select 1 from "question_events" e where e."question_id" = "questions"."id" and e."kind" = 'escalated')`;
}
