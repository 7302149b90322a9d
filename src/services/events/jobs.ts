/**
 * Scheduled work for events and announcements, run by the durable scheduler
 * (src/delivery/scheduler.ts) inside each job's transaction, so a release or a reminder happens
 * once even with two bot processes or after a crash:
 * - `announcement.release`: a scheduled announcement falls due and its outbox rows are written;
 * - `event.reminder`: a day and an hour before an event, a reminder to those who said yes;
 * - `announcement.progress`: tells the official who sent an announcement from chat how it goes.
 * Reminder keys carry the event's start, so a moved event gets new reminders and the old ones,
 * finding a different start, do nothing.
 */
import type { JobRow } from "../../db/repositories/jobs.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { JobHandler, JobOutcome } from "../../delivery/scheduler.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import {
  ANNOUNCEMENT_JOB_KINDS,
  announcementProgress,
  createSystemAnnouncement,
  releaseAnnouncement,
  type Progress,
} from "./announcements.ts";
import { render, type AppContext } from "../context.ts";

export const EVENT_JOB_KINDS = {
  release: ANNOUNCEMENT_JOB_KINDS.release,
  reminder: "event.reminder",
  progress: ANNOUNCEMENT_JOB_KINDS.progress,
} as const;

const HOUR_MS = 3_600_000;
export const REMINDERS = [
  { stage: "day", beforeMs: 24 * HOUR_MS, purpose: "reminder_day" },
  { stage: "hour", beforeMs: HOUR_MS, purpose: "reminder_hour" },
] as const;

/** How often the progress job looks at an announcement sent from chat, and for how long at most. */
export const PROGRESS_INTERVAL_MS = 30_000;
const PROGRESS_MAX_MS = 24 * HOUR_MS;

interface ReminderPayload {
  eventId: number;
  startsAtMs: number;
  stage: (typeof REMINDERS)[number]["stage"];
}

interface ProgressPayload {
  announcementId: number;
  channel: string;
  address: string;
}

/** Plans the day-before and hour-before reminders still ahead. Idempotent for the same start. */
export async function planEventReminders(
  app: AppContext,
  event: Pick<EventRecord, "id" | "startsAtMs">,
  nowMs: number,
): Promise<void> {
  for (const reminder of REMINDERS) {
    const runAtMs = event.startsAtMs - reminder.beforeMs;
    if (runAtMs <= nowMs) continue;
    const payload: ReminderPayload = { eventId: event.id, startsAtMs: event.startsAtMs, stage: reminder.stage };
    await app.repos.jobs.plan(
      {
        key: `event-reminder:${event.id}:${event.startsAtMs}:${reminder.stage}`,
        kind: EVENT_JOB_KINDS.reminder,
        runAtMs,
        payload: { ...payload },
      },
      nowMs,
    );
  }
}

/** Plans the progress reports of an announcement sent from a staff chat. */
export async function planProgressReports(
  app: AppContext,
  announcementId: number,
  chat: { channel: string; address: string },
  nowMs: number,
): Promise<void> {
  const payload: ProgressPayload = { announcementId, ...chat };
  await app.repos.jobs.plan(
    {
      key: `ann-progress:${announcementId}`,
      kind: EVENT_JOB_KINDS.progress,
      runAtMs: nowMs + PROGRESS_INTERVAL_MS,
      payload: { ...payload },
    },
    nowMs,
  );
}

const DONE: JobOutcome = { kind: "done" };

async function runReminder(app: AppContext, job: JobRow, nowMs: number): Promise<JobOutcome> {
  const payload = JSON.parse(job.payload) as ReminderPayload;
  const event = await app.repos.events.get(payload.eventId);
  // Moved (a newer reminder exists), cancelled, or already started (after downtime): nothing to say.
  if (
    !event ||
    event.startsAtMs !== payload.startsAtMs ||
    event.status === "cancelled" ||
    event.status === "held" ||
    nowMs >= event.startsAtMs
  )
    return DONE;
  // After downtime the day-before reminder is stale once the hour-before one is due: send only that one.
  if (payload.stage === "day" && nowMs >= event.startsAtMs - HOUR_MS) return DONE;
  const reminder = REMINDERS.find((r) => r.stage === payload.stage)!;
  await createSystemAnnouncement(app, {
    purpose: reminder.purpose,
    eventId: event.id,
    segment: { kind: "rsvps", eventId: event.id, answer: "yes" },
  });
  return DONE;
}

async function runRelease(app: AppContext, job: JobRow, nowMs: number): Promise<JobOutcome> {
  const { announcementId } = JSON.parse(job.payload) as { announcementId: number };
  await releaseAnnouncement(app, announcementId, nowMs);
  return DONE;
}

function progressText(app: AppContext, announcementId: number, progress: Progress, final: boolean): string {
  return render(app, DEFAULT_LOCALE, final ? "announce.progress_done" : "announce.progress_update", {
    id: announcementId,
    bar: progressBar(progress),
    ...progress,
  });
}

/**
 * Reports at each quarter of the recipients settled, and once when nothing is left queued. Each
 * report's key names its quarter, so looking again never repeats one.
 */
async function runProgress(app: AppContext, job: JobRow, nowMs: number): Promise<JobOutcome> {
  const payload = JSON.parse(job.payload) as ProgressPayload;
  const announcement = await app.repos.announcements.get(payload.announcementId);
  if (!announcement || announcement.status === "cancelled") return DONE;
  if (announcement.status === "scheduled")
    return { kind: "later", runAtMs: Math.max(nowMs, announcement.scheduledAtMs) + PROGRESS_INTERVAL_MS };
  const progress = await announcementProgress(app, payload.announcementId);
  // Rows for a channel no bot runs would stay queued: stop reporting after a day.
  if (progress.queued > 0 && nowMs - (announcement.releasedAtMs ?? nowMs) > PROGRESS_MAX_MS) return DONE;
  const final = progress.queued === 0;
  const quarter = progress.total === 0 ? 4 : Math.floor(((progress.total - progress.queued) * 4) / progress.total);
  if (final || quarter > 0) {
    const key = `ann-progress:${payload.announcementId}:${final ? "done" : `q${quarter}`}`;
    await app.repos.outbox.enqueue(
      {
        idempotencyKey: key,
        channel: payload.channel,
        address: payload.address,
        payload: { text: progressText(app, payload.announcementId, progress, final) },
      },
      nowMs,
    );
  }
  return final ? DONE : { kind: "later", runAtMs: nowMs + PROGRESS_INTERVAL_MS };
}

/** `[██████░░░░] 60%` of the recipients settled (sent, failed or unreachable). */
export function progressBar(progress: Progress, width = 20): string {
  const settled = progress.total - progress.queued;
  const ratio = progress.total === 0 ? 1 : settled / progress.total;
  const filled = Math.round(ratio * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${Math.floor(ratio * 100)}%`;
}

/** The scheduler's handlers for events and announcements (wired in src/main.ts). */
export function eventJobHandlers(app: AppContext): Record<string, JobHandler> {
  return {
    [EVENT_JOB_KINDS.release]: async (job, nowMs) => await runRelease(app, job, nowMs),
    [EVENT_JOB_KINDS.reminder]: async (job, nowMs) => await runReminder(app, job, nowMs),
    [EVENT_JOB_KINDS.progress]: async (job, nowMs) => await runProgress(app, job, nowMs),
  };
}
