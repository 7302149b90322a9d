/**
 * Follow-up of commitments by the durable scheduler (src/delivery/scheduler.ts):
 * - `commitment.sweep`, each business day at office opening: flags the commitments whose due date
 *   passed (followers and the office are told) and reminds the responsible office before due dates;
 * - `commitment.digest`, on the first business day of each month: every follower gets one message
 *   with the state of the commitments they follow;
 * - `commitment.notify`: a notice to followers held back by quiet hours.
 * Each job plans the next one; keys name the day or month, so planning twice is a no-op and a
 * catch-up after downtime runs one sweep, not one per missed day. The work itself is in
 * {@link runCommitmentSweep} and {@link sendMonthlyDigests}, idempotent by outbox key.
 */
import type { LocalDate } from "../../core/calendar/index.ts";
import {
  COMMITMENT_DIGEST_TIME,
  COMMITMENT_REMINDER_BUSINESS_DAYS,
  isNewlyOverdue,
  isOpen,
  monthOf,
  nextMonth,
  OPEN_COMMITMENT_STATUSES,
  previousMonth,
} from "../../core/commitments.ts";
import { quietUntilMs } from "../../core/quiet-hours.ts";
import {
  alertStages,
  isWithinOfficeHours,
  localTimeToMs,
  nextOfficeOpeningMs,
  reachedStage,
} from "../../core/deadline-schedule.ts";
import type { CommitmentRow } from "../../db/repositories/commitments.ts";
import type { JobHandler, JobOutcome } from "../../delivery/scheduler.ts";
import { dueDateText, render, type AppContext } from "../context.ts";
import { officeHoursOf } from "../deadlines/jobs.ts";
import {
  COMMITMENT_JOB_KINDS,
  deliverNotice,
  notifyOffice,
  quote,
  sendToCitizen,
  statusText,
  type CommitmentNotice,
  type DigestPayload,
} from "./notices.ts";
import { change, todayOf } from "./commitments.ts";

const DONE: JobOutcome = { kind: "done" };
/** Commitments listed by name in a digest; the rest are counted. */
const DIGEST_MAX_ITEMS = 10;

// ── the daily sweep ────────────────────────────────────────────────────────────────────────────

/**
 * Flags overdue commitments and sends the reminders due at `nowMs`. Safe to run any number of
 * times: a flagged commitment is not flagged again, and reminder messages are keyed by commitment,
 * due date, stage and recipient. Returns what it did.
 */
export async function runCommitmentSweep(
  app: AppContext,
  nowMs: number,
): Promise<{ flagged: number; reminded: number }> {
  return await app.store.withTransaction(async () => {
    const today = todayOf(app, nowMs);
    const hours = officeHoursOf(app);
    let flagged = 0;
    let reminded = 0;
    for (const commitment of await app.repos.commitments.list({ statuses: OPEN_COMMITMENT_STATUSES })) {
      if (isNewlyOverdue(commitment, today)) {
        const { commitment: updated } = await change(
          app,
          { kind: "system" },
          commitment,
          { kind: "overdue", status: "overdue", percent: commitment.progress, note: null, evidenceUrl: null },
          nowMs,
        );
        await notifyOffice(app, updated, `cm:c${commitment.id}:${commitment.dueDate}:overdue`, "overdue", {}, nowMs);
        flagged++;
        continue;
      }
      if (commitment.status === "overdue") continue;
      const stage = reachedStage(alertStages(commitment.dueDate, COMMITMENT_REMINDER_BUSINESS_DAYS, hours), nowMs);
      if (stage?.kind !== "reminder") continue;
      const days = Math.max(0, app.calendar.businessDaysBetween(today, commitment.dueDate));
      if (
        (await notifyOffice(
          app,
          commitment,
          `cm:c${commitment.id}:${commitment.dueDate}:${stage.id}`,
          "reminder",
          { days },
          nowMs,
        )) > 0
      )
        reminded++;
    }
    return { flagged, reminded };
  });
}

async function planSweep(app: AppContext, date: LocalDate, nowMs: number): Promise<void> {
  const runAtMs = localTimeToMs(date, app.profile.officeHours.start, app.profile.timezone);
  await app.repos.jobs.plan(
    { key: `cm:sweep:${date}`, kind: COMMITMENT_JOB_KINDS.sweep, runAtMs, payload: { date } },
    nowMs,
  );
}

/** The day of the next sweep: today while the office is still open (or not yet), else the next business day. */
function nextSweepDate(app: AppContext, nowMs: number): LocalDate {
  const today = todayOf(app, nowMs);
  const closesAtMs = localTimeToMs(today, app.profile.officeHours.end, app.profile.timezone);
  return app.calendar.isBusinessDay(today) && nowMs < closesAtMs ? today : app.calendar.nextBusinessDay(today);
}

const runSweepJob: (app: AppContext) => JobHandler = (app) => async (_job, nowMs) => {
  const hours = officeHoursOf(app);
  // Officials hear about deadlines in office hours; after downtime the sweep waits for the opening.
  if (!isWithinOfficeHours(nowMs, hours)) return { kind: "later", runAtMs: nextOfficeOpeningMs(nowMs, hours) };
  await runCommitmentSweep(app, nowMs);
  await planSweep(app, app.calendar.nextBusinessDay(todayOf(app, nowMs)), nowMs);
  return DONE;
};

// ── the monthly digest ─────────────────────────────────────────────────────────────────────────

function firstBusinessDayOf(app: AppContext, month: string): LocalDate {
  const first = `${month}-01`;
  return app.calendar.isBusinessDay(first) ? first : app.calendar.nextBusinessDay(first);
}

function digestAtMs(app: AppContext, month: string): number {
  return localTimeToMs(firstBusinessDayOf(app, month), COMMITMENT_DIGEST_TIME, app.profile.timezone);
}

/** Plans the first digest still ahead of `nowMs`: this month's, or next month's. */
async function planNextDigest(app: AppContext, nowMs: number): Promise<void> {
  let month = monthOf(todayOf(app, nowMs));
  if (digestAtMs(app, month) <= nowMs) month = nextMonth(month);
  const payload: DigestPayload = { month };
  await app.repos.jobs.plan(
    {
      key: `cm:digest:${month}`,
      kind: COMMITMENT_JOB_KINDS.digest,
      runAtMs: digestAtMs(app, month),
      payload: { ...payload },
    },
    nowMs,
  );
}

function monthName(month: string, locale: string): string {
  const format = new Intl.DateTimeFormat(locale === "en" ? "en-US" : "es-CO", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return format.format(new Date(`${month}-15T12:00:00Z`));
}

/** One follower's digest, in `locale`, or undefined when nothing they follow is worth a line. */
export function digestText(
  app: AppContext,
  locale: string,
  month: string,
  items: readonly CommitmentRow[],
): string | undefined {
  if (items.length === 0) return undefined;
  const t = (key: string, vars: Record<string, unknown> = {}) => render(app, locale, key, vars);
  const lines = [t("commitments.digest.title", { monthText: monthName(month, locale) })];
  for (const c of items.slice(0, DIGEST_MAX_ITEMS)) {
    lines.push(
      t("commitments.digest.item", {
        number: c.number,
        text: quote(c.text, 80),
        statusText: statusText(app, locale, c.status),
        percent: c.progress,
        dueDateText: dueDateText(c.dueDate, locale),
      }),
    );
  }
  if (items.length > DIGEST_MAX_ITEMS)
    lines.push(t("commitments.digest.more", { rest: items.length - DIGEST_MAX_ITEMS }));
  lines.push("", t("commitments.digest.footer"));
  return lines.join("\n");
}

/**
 * Sends every follower who may be messaged one digest for `month` (default: the month of `nowMs`):
 * the open commitments they follow and those closed since the start of the previous month. Keyed
 * by month and citizen: running it twice sends nothing more. Returns how many were queued.
 */
export async function sendMonthlyDigests(
  app: AppContext,
  nowMs: number,
  month = monthOf(todayOf(app, nowMs)),
): Promise<number> {
  return await app.store.withTransaction(async () => {
    const repo = app.repos.commitments;
    for (const c of await repo.openWithEvent()) await repo.followFromEvent(c.id, c.eventId!, nowMs);
    const recentSinceMs = localTimeToMs(`${previousMonth(month)}-01`, "00:00", app.profile.timezone);
    let queued = 0;
    for (const r of await repo.digestRecipients()) {
      const items = (await repo.list({ followedBy: r.citizenId })).filter(
        (c) => isOpen(c.status) || c.updatedAtMs >= recentSinceMs,
      );
      const text = digestText(app, r.locale, month, items);
      if (text && (await sendToCitizen(app, r.citizenId, `cm:digest:${month}:cit${r.citizenId}`, text, nowMs)))
        queued++;
    }
    return queued;
  });
}

const runDigestJob: (app: AppContext) => JobHandler = (app) => async (job, nowMs) => {
  const { month } = JSON.parse(job.payload) as DigestPayload;
  // A digest of a month already gone (the bot was down) is stale: skip it, the next one follows.
  if (monthOf(todayOf(app, nowMs)) === month) {
    const quietEnd = quietUntilMs(nowMs, app.profile.quietHours, app.profile.timezone);
    if (quietEnd !== undefined) return { kind: "later", runAtMs: quietEnd };
    await sendMonthlyDigests(app, nowMs, month);
  }
  await planNextDigest(app, Math.max(nowMs, digestAtMs(app, month)));
  return DONE;
};

const runNotifyJob: (app: AppContext) => JobHandler = (app) => async (job, nowMs) => {
  const quietEnd = quietUntilMs(nowMs, app.profile.quietHours, app.profile.timezone);
  if (quietEnd !== undefined) return { kind: "later", runAtMs: quietEnd };
  await deliverNotice(app, JSON.parse(job.payload) as CommitmentNotice, nowMs);
  return DONE;
};

/** The scheduler handlers of the commitments feature, by job kind. */
export function commitmentJobHandlers(app: AppContext): Record<string, JobHandler> {
  return {
    [COMMITMENT_JOB_KINDS.sweep]: runSweepJob(app),
    [COMMITMENT_JOB_KINDS.digest]: runDigestJob(app),
    [COMMITMENT_JOB_KINDS.notify]: runNotifyJob(app),
  };
}

/** Plans the next sweep and the next digest (idempotent; run at start-up). */
export async function ensureCommitmentJobs(app: AppContext, nowMs = app.clock.nowMs()): Promise<void> {
  await app.store.withTransaction(async () => {
    await planSweep(app, nextSweepDate(app, nowMs), nowMs);
    await planNextDigest(app, nowMs);
  });
}
