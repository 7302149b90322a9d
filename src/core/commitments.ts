/**
 * Commitments made in dialogue spaces (Ley 1757 de 2015, art. 56; MURC): the rules of the registry.
 * Pure: dates are `YYYY-MM-DD` civil dates in the profile's zone, instants epoch milliseconds UTC,
 * and "today" is a parameter.
 *
 * Statuses: `pending` (nothing reported yet) → `in_progress` (some progress) → `done` (100 %);
 * `overdue` when the due date passed before it was done (set by the daily sweep; progress may still
 * be posted, and 100 % makes it `done`, late); `cancelled` at any open point, with a reason told to
 * the citizens who follow it. `done` and `cancelled` are final.
 */
import { isLongerThan, textLength } from "./text-length.ts";
import { canActOnQuestion, type Actor } from "./authorization.ts";
import { isLocalDate, type LocalDate } from "./calendar/index.ts";

export const COMMITMENT_STATUSES = ["pending", "in_progress", "done", "overdue", "cancelled"] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];
/** Statuses in which a commitment still takes progress. */
export const OPEN_COMMITMENT_STATUSES: readonly CommitmentStatus[] = ["pending", "in_progress", "overdue"];

export const MIN_COMMITMENT_TEXT_LENGTH = 5;
export const MAX_COMMITMENT_TEXT_LENGTH = 1000;
export const MAX_NOTE_LENGTH = 2000;
export const MAX_EVIDENCE_URL_LENGTH = 500;
/** Reminders to the responsible office, business days before the due date, at office opening. */
export const COMMITMENT_REMINDER_BUSINESS_DAYS = [10, 3] as const;
/** Local time of the followers' monthly digest, on the month's first business day. */
export const COMMITMENT_DIGEST_TIME = "10:00";
/** Commitments per page in a chat listing (then "más"). */
export const COMMITMENTS_PER_PAGE = 5;

export type CommitmentError =
  | "commitment_not_found"
  | "not_allowed"
  | "empty_text"
  | "text_too_long"
  | "unknown_office"
  | "unknown_event"
  | "unknown_district"
  | "invalid_due_date"
  | "due_date_in_past"
  | "progress_out_of_range"
  | "progress_backwards"
  | "note_required"
  | "note_too_long"
  | "invalid_evidence_url"
  | "reason_required"
  | "already_closed";

export type CommitmentAction = "record" | "progress" | "cancel" | "view";

/**
 * Who may do what with a commitment of `officeKey`:
 * - record: communications (any office: they keep the minutes of a hearing), the office's head, admin;
 * - progress: the responsible office only (its officials and head) — and admin, acting for it;
 * - cancel: the office's head, communications, admin;
 * - view: everyone.
 * The CLI operator (server access) and the system may do everything, as for questions.
 */
export function canActOnCommitment(actor: Actor, action: CommitmentAction, officeKey: string): boolean {
  if (action === "view") return true;
  if (actor.kind !== "official") return true;
  if (!actor.active) return false;
  if (actor.role === "admin") return true;
  switch (action) {
    case "record":
    case "cancel":
      return actor.role === "communications" || (actor.role === "head" && actor.officeKey === officeKey);
    case "progress":
      // Same rule as answering a question: officials and heads of the office itself.
      return canActOnQuestion(actor, "answer", officeKey);
  }
}

export function isOpen(status: CommitmentStatus): boolean {
  return OPEN_COMMITMENT_STATUSES.includes(status);
}

/** Checks a commitment's text: trimmed, not empty, not too long. */
export function checkText(text: string): CommitmentError | undefined {
  const length = textLength(text.trim());
  if (length < MIN_COMMITMENT_TEXT_LENGTH) return "empty_text";
  if (length > MAX_COMMITMENT_TEXT_LENGTH) return "text_too_long";
  return undefined;
}

/**
 * A due date is a real `YYYY-MM-DD` date on or after the day the commitment was made (`madeOn`:
 * today for a new one). A commitment cannot be born late.
 */
export function checkDueDate(dueDate: string, madeOn: LocalDate): CommitmentError | undefined {
  if (!isLocalDate(dueDate)) return "invalid_due_date";
  return dueDate < madeOn ? "due_date_in_past" : undefined;
}

/** An evidence link is an http(s) URL without spaces. */
export function checkEvidenceUrl(url: string): CommitmentError | undefined {
  if (url.length > MAX_EVIDENCE_URL_LENGTH || !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(url)) return "invalid_evidence_url";
  return undefined;
}

export function checkPercent(percent: number): CommitmentError | undefined {
  return Number.isInteger(percent) && percent >= 0 && percent <= 100 ? undefined : "progress_out_of_range";
}

export interface ProgressState {
  status: CommitmentStatus;
  progress: number;
}

export type Transition =
  { ok: true; status: CommitmentStatus; progress: number } | { ok: false; error: CommitmentError };

/**
 * Posting progress `percent` with `note`: 100 % completes it (even if overdue); otherwise an
 * overdue commitment stays overdue and any other becomes `in_progress` once above 0 %. Progress
 * never goes back: a correction is a new note at the same percentage.
 */
export function applyProgress(current: ProgressState, percent: number, note: string): Transition {
  if (!isOpen(current.status)) return { ok: false, error: "already_closed" };
  const percentError = checkPercent(percent);
  if (percentError) return { ok: false, error: percentError };
  if (percent < current.progress) return { ok: false, error: "progress_backwards" };
  const noteError = checkNote(note);
  if (noteError) return { ok: false, error: noteError };
  if (percent === 100) return { ok: true, status: "done", progress: 100 };
  if (current.status === "overdue") return { ok: true, status: "overdue", progress: percent };
  return { ok: true, status: percent > 0 ? "in_progress" : current.status, progress: percent };
}

export function checkNote(note: string): CommitmentError | undefined {
  const length = textLength(note.trim());
  if (length === 0) return "note_required";
  return length > MAX_NOTE_LENGTH ? "note_too_long" : undefined;
}

/** Cancelling needs a reason (told to the followers); done or cancelled ones cannot be cancelled. */
export function applyCancel(current: ProgressState, reason: string): Transition {
  if (!isOpen(current.status)) return { ok: false, error: "already_closed" };
  if (!reason.trim()) return { ok: false, error: "reason_required" };
  if (isLongerThan(reason.trim(), MAX_NOTE_LENGTH)) return { ok: false, error: "note_too_long" };
  return { ok: true, status: "cancelled", progress: current.progress };
}

/** Whether the sweep on `today` flags the commitment overdue: open, not yet flagged, due date passed. */
export function isNewlyOverdue(
  commitment: { status: CommitmentStatus; dueDate: LocalDate },
  today: LocalDate,
): boolean {
  return (commitment.status === "pending" || commitment.status === "in_progress") && commitment.dueDate < today;
}

// ── report ─────────────────────────────────────────────────────────────────────────────────────

export interface ReportInput {
  number: number;
  officeKey: string;
  status: CommitmentStatus;
  dueDate: LocalDate;
  progress: number;
  /** Local date it reached 100 %, for done ones. */
  doneOn: LocalDate | null;
}

export type StatusCounts = Record<CommitmentStatus, number>;

export interface ReportFigures {
  total: number;
  byStatus: StatusCounts;
  /** Commitments that came due: done, or open past their due date (cancelled ones excluded). */
  dueSoFar: number;
  /** Done on or before their due date. */
  doneOnTime: number;
  /** doneOnTime / dueSoFar, 0..1; null when nothing came due yet. */
  shareDoneOnTime: number | null;
}

export interface Report extends ReportFigures {
  today: LocalDate;
  byOffice: ({ officeKey: string } & ReportFigures)[];
  /** Open commitments past their due date (flagged or not yet swept), oldest due date first. */
  overdue: (ReportInput & { daysOverdue: number })[];
}

function emptyCounts(): StatusCounts {
  return { pending: 0, in_progress: 0, done: 0, overdue: 0, cancelled: 0 };
}

function isPastDue(c: ReportInput, today: LocalDate): boolean {
  return isOpen(c.status) && c.dueDate < today;
}

function figures(items: readonly ReportInput[], today: LocalDate): ReportFigures {
  const byStatus = emptyCounts();
  let dueSoFar = 0;
  let doneOnTime = 0;
  for (const c of items) {
    byStatus[c.status]++;
    if (c.status === "done" || isPastDue(c, today)) dueSoFar++;
    if (c.status === "done" && c.doneOn !== null && c.doneOn <= c.dueDate) doneOnTime++;
  }
  return {
    total: items.length,
    byStatus,
    dueSoFar,
    doneOnTime,
    shareDoneOnTime: dueSoFar === 0 ? null : doneOnTime / dueSoFar,
  };
}

/** Days between two civil dates (b − a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The state of all commitments on `today`: counts by status and office, share done on time, overdue list. */
export function buildReport(items: readonly ReportInput[], today: LocalDate): Report {
  const offices = [...new Set(items.map((c) => c.officeKey))].sort();
  const overdue = items
    .filter((c) => isPastDue(c, today))
    .map((c) => ({ ...c, daysOverdue: daysBetween(c.dueDate, today) }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number - b.number);
  return {
    today,
    ...figures(items, today),
    byOffice: offices.map((officeKey) => ({
      officeKey,
      ...figures(
        items.filter((c) => c.officeKey === officeKey),
        today,
      ),
    })),
    overdue,
  };
}

// ── chat pagination ────────────────────────────────────────────────────────────────────────────

export interface Page {
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  offset: number;
  hasMore: boolean;
}

/** The page `page` (1-based) of `total` items, `size` per page. */
export function pageOf(total: number, page: number, size = COMMITMENTS_PER_PAGE): Page {
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  return { page: current, pages, offset: (current - 1) * size, hasMore: current < pages };
}

// ── months (the followers' digest) ─────────────────────────────────────────────────────────────

/** `YYYY-MM` of a civil date. */
export function monthOf(date: LocalDate): string {
  return date.slice(0, 7);
}

/** The month after `month` (`YYYY-MM`). */
export function nextMonth(month: string): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`;
}

/** The month before `month` (`YYYY-MM`). */
export function previousMonth(month: string): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, "0")}`;
}
