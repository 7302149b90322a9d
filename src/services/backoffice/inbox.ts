/**
 * The office inbox of the back-office (issue 14): fixed views with counts, filters, search by
 * radicado or words, and keyset paging. Who may see which office is decided here
 * (core/authorization), never in the web handlers.
 */
import { DateTime } from "luxon";
import { canViewOffice, type Actor } from "../../core/authorization.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { deadlineState, type DeadlineState } from "../../core/deadlines.ts";
import { parseReference } from "../../core/reference.ts";
import type { InboxCounts, InboxRow, InboxView } from "../../db/repositories/inbox.ts";
import type { AppContext } from "../context.ts";

export const INBOX_PAGE_SIZE = 25;

export interface InboxInput {
  officeKey?: string;
  view: InboxView;
  search?: string;
  requestType?: string;
  channel?: string;
  filedFrom?: LocalDate;
  filedTo?: LocalDate;
  /** Opaque cursor from the previous page. */
  after?: string;
}

export interface InboxItem extends InboxRow {
  deadline: DeadlineState;
  /** Business days from today to the due date; negative when overdue. */
  businessDaysLeft: number;
}

export type InboxOutcome =
  | {
      ok: true;
      kind: "page";
      officeKey: string;
      offices: { key: string; name: string }[];
      counts: InboxCounts;
      items: InboxItem[];
      nextCursor: string | null;
      today: LocalDate;
    }
  | { ok: true; kind: "question"; reference: string }
  | { ok: false; error: "not_allowed" | "no_office" };

/** The offices an actor may open in the inbox, in the profile's order. */
export async function visibleOffices(app: AppContext, actor: Actor): Promise<{ key: string; name: string }[]> {
  return (await app.repos.offices.list())
    .filter((o) => o.active && canViewOffice(actor, o.key))
    .map((o) => ({ key: o.key, name: o.name }));
}

export function encodeCursor(row: { dueDate: string; id: number }): string {
  return Buffer.from(`${row.dueDate}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): { dueDate: string; id: number } | undefined {
  if (!cursor) return undefined;
  const [dueDate, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  return dueDate && /^\d{4}-\d{2}-\d{2}$/.test(dueDate) && /^\d+$/.test(id ?? "")
    ? { dueDate, id: Number(id) }
    : undefined;
}

/**
 * Business days left until `dueDate` (0 on the day itself), negative once it has passed. With
 * `filedAtMs`, the day the question counts as filed is never among them: a question filed on a
 * Saturday counts as filed on the next business day and its term starts the day after (Ley 1755
 * de 2015, art. 14), so on the Saturday a 15-day term has 15 days left, not 16.
 */
export function businessDaysLeft(app: AppContext, today: LocalDate, dueDate: LocalDate, filedAtMs?: number): number {
  const filedOn =
    filedAtMs === undefined
      ? undefined
      : app.calendar.addBusinessDays(toLocalDate(new Date(filedAtMs), app.profile.timezone), 0);
  const from = filedOn !== undefined && filedOn > today ? filedOn : today;
  return dueDate >= from
    ? app.calendar.businessDaysBetween(from, dueDate)
    : -app.calendar.businessDaysBetween(dueDate, today);
}

function startOfDayMs(app: AppContext, date: LocalDate): number {
  return DateTime.fromISO(date, { zone: app.profile.timezone }).toMillis();
}

export async function officeInbox(app: AppContext, actor: Actor, input: InboxInput): Promise<InboxOutcome> {
  const offices = await visibleOffices(app, actor);
  const ownOffice = actor.kind === "official" ? actor.officeKey : null;
  const officeKey =
    input.officeKey ?? (ownOffice && offices.some((o) => o.key === ownOffice) ? ownOffice : offices[0]?.key);
  if (!officeKey) return { ok: false, error: "no_office" };
  if (!canViewOffice(actor, officeKey)) return { ok: false, error: "not_allowed" };
  const search = input.search?.trim() ?? "";
  const reference = parseReference(search);
  if (reference) {
    const question = await app.repos.questions.byReference(reference);
    if (question && canViewOffice(actor, question.officeKey)) return { ok: true, kind: "question", reference };
  }
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const dueSoonThrough = app.calendar.addBusinessDays(today, app.profile.dueSoonBusinessDays);
  const officialId = actor.kind === "official" ? actor.officialId : null;
  const words = reference
    ? []
    : search
        .split(/\s+/)
        .filter((w) => w.length > 0)
        .slice(0, 8);
  const rows = await app.repos.inbox.page({
    officeKey,
    view: input.view,
    officialId,
    today,
    dueSoonThrough,
    requestType: input.requestType,
    channel: input.channel,
    filedFromMs: input.filedFrom ? startOfDayMs(app, input.filedFrom) : undefined,
    filedBeforeMs: input.filedTo ? startOfDayMs(app, nextDay(input.filedTo)) : undefined,
    words: reference ? [reference] : words,
    after: decodeCursor(input.after),
    limit: INBOX_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, INBOX_PAGE_SIZE);
  const items = page.map((row) => ({
    ...row,
    deadline: deadlineState({
      status: row.status,
      dueDate: row.dueDate,
      today,
      dueSoonBusinessDays: app.profile.dueSoonBusinessDays,
      calendar: app.calendar,
    }),
    businessDaysLeft: businessDaysLeft(app, today, row.dueDate, row.filedAtMs),
  }));
  return {
    ok: true,
    kind: "page",
    officeKey,
    offices,
    counts: await app.repos.inbox.counts(officeKey, officialId, today, dueSoonThrough),
    items,
    nextCursor: rows.length > INBOX_PAGE_SIZE ? encodeCursor(page.at(-1)!) : null,
    today,
  };
}

function nextDay(date: LocalDate): LocalDate {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days: 1 }).toISODate()!;
}
