/**
 * Legal deadlines at work (Ley 1755 de 2015): the scheduler's handlers for reminders and overdue
 * escalations, the offices' daily digest and the withdrawal of incomplete petitions; the
 * recomputation of due dates when the calendar changes. Officials hear about deadlines only during
 * office hours on business days: a job that comes due outside them (after downtime) waits for the
 * next opening, because a reminder at 2 a.m. is noise and the work cannot start before anyway.
 */
import { createHash } from "node:crypto";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { holidayLawCitations, NATIONAL_CALENDAR_VERSION } from "../../core/calendar/holiday-laws.ts";
import {
  isWithinOfficeHours,
  localTimeToMs,
  nextOfficeOpeningMs,
  reachedStage,
  type AlertStage,
} from "../../core/deadline-schedule.ts";
import type { JobRow } from "../../db/repositories/jobs.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import type { JobHandler, JobOutcome } from "../../delivery/scheduler.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, render, type AppContext } from "../context.ts";
import {
  alertKey,
  alertStagesOf,
  cancelDeadlineJobs,
  DEADLINE_JOB_KINDS,
  officeHoursOf,
  planNextAlert,
  planWithdrawal,
  replanAlerts,
  type AlertPayload,
  type DigestPayload,
  type WithdrawalPayload,
} from "./jobs.ts";
import { dueDateFrom } from "../questions/questions.ts";
import { notifyCitizen } from "../questions/notify-citizen.ts";
import { officeTargets, sendToTargets, uniqueTargets, type NoticeTarget } from "../staff/office-targets.ts";

const DONE: JobOutcome = { kind: "done" };
/** Questions listed by name in a digest; the rest are counted. */
const DIGEST_MAX_ITEMS = 10;
const CALENDAR_FINGERPRINT_KEY = "calendar.fingerprint";
/** The holiday laws (citations, JSON array) in force at the last start: a new one is named to citizens. */
const CALENDAR_LAWS_KEY = "calendar.laws";

function today(app: AppContext, nowMs: number): LocalDate {
  return toLocalDate(new Date(nowMs), app.profile.timezone);
}

/**
 * Escalation: the office's heads and internal control (control interno), in their private chats
 * and, with SMTP configured, by e-mail as well (issue 14: a head without a linked chat still hears).
 */
async function escalationTargets(app: AppContext, officeKey: string): Promise<NoticeTarget[]> {
  const officials = (await app.repos.officials.list()).filter(
    (o) => (o.role === "head" && o.officeKey === officeKey) || o.role === "internal_control",
  );
  const chats = officials
    .filter((o) => o.channel && o.address)
    .map((o) => ({ channel: o.channel!, address: o.address!, id: `official-${o.id}` }));
  const emails = app.emailNotices
    ? officials
        .filter((o) => o.active && o.email)
        .map((o) => ({ channel: "email", address: o.email!, id: `official-${o.id}-email` }))
    : [];
  return uniqueTargets([...chats, ...emails]);
}

// ── reminders and escalations ──────────────────────────────────────────────────────────────────

function reminderText(app: AppContext, question: QuestionRow, nowMs: number): string {
  const days = app.calendar.businessDaysBetween(today(app, nowMs), question.dueDate);
  const key =
    days <= 0 ? "deadlines.reminder.today" : days === 1 ? "deadlines.reminder.one_day" : "deadlines.reminder.days";
  return render(app, DEFAULT_LOCALE, key, {
    reference: question.reference,
    officeName: officeName(app, question.officeKey),
    dueDateText: dueDateText(question.dueDate, DEFAULT_LOCALE),
    days,
  });
}

async function sendAlert(app: AppContext, question: QuestionRow, stage: AlertStage, nowMs: number): Promise<void> {
  const key = alertKey(question.id, question.dueDate, stage.id);
  if (stage.kind === "reminder") {
    await sendToTargets(
      app,
      await officeTargets(app, question.officeKey),
      key,
      reminderText(app, question, nowMs),
      nowMs,
    );
    return;
  }
  const text = render(app, DEFAULT_LOCALE, "deadlines.escalation", {
    reference: question.reference,
    officeName: officeName(app, question.officeKey),
    dueDateText: dueDateText(question.dueDate, DEFAULT_LOCALE),
  });
  const notified = await sendToTargets(app, await escalationTargets(app, question.officeKey), key, text, nowMs);
  await app.repos.questions.addEvent(question.id, "escalated", "system", nowMs, {
    dueDate: question.dueDate,
    notified,
  });
}

/** `deadline.alert`: the most urgent stage reached now (one message even after downtime), then the next. */
const runAlert: (app: AppContext) => JobHandler = (app) => async (job, nowMs) => {
  const payload = JSON.parse(job.payload) as AlertPayload;
  const question = await app.repos.questions.byId(payload.questionId);
  // Answered, paused, withdrawn or re-dated since planning: a newer job (if any) took over.
  if (!question || question.status !== "open" || question.dueDate !== payload.dueDate) return DONE;
  const hours = officeHoursOf(app);
  if (!isWithinOfficeHours(nowMs, hours)) return { kind: "later", runAtMs: nextOfficeOpeningMs(nowMs, hours) };
  const stage = reachedStage(alertStagesOf(app, question.dueDate), nowMs);
  if (stage) await sendAlert(app, question, stage, nowMs);
  await planNextAlert(app, question, nowMs);
  return DONE;
};

// ── daily digest ───────────────────────────────────────────────────────────────────────────────

/**
 * The next digest day: the first business day from today on, strictly after `after` (the day just
 * digested). Today's digest time may have passed: the job is then due at once (catch-up) and waits
 * for office hours if needed.
 */
function nextDigestDate(app: AppContext, nowMs: number, after?: LocalDate): LocalDate {
  let date = today(app, nowMs);
  while (!app.calendar.isBusinessDay(date) || (after !== undefined && date <= after))
    date = app.calendar.nextBusinessDay(date);
  return date;
}

async function planDigest(app: AppContext, officeKey: string, date: LocalDate, nowMs: number): Promise<void> {
  const payload: DigestPayload = { officeKey, date };
  const runAtMs = localTimeToMs(date, app.profile.reminders.digestTime, app.profile.timezone);
  await app.repos.jobs.plan(
    { key: `deadline:digest:${officeKey}:${date}`, kind: DEADLINE_JOB_KINDS.digest, runAtMs, payload: { ...payload } },
    nowMs,
  );
}

/** Plans the next digest of every active office (idempotent; run at start-up). */
export async function ensureDigests(app: AppContext, nowMs: number): Promise<void> {
  for (const office of await app.repos.offices.list())
    if (office.active) await planDigest(app, office.key, nextDigestDate(app, nowMs), nowMs);
}

/** The digest text for an office on `date`, or undefined when nothing is due soon or overdue. */
export async function digestText(app: AppContext, officeKey: string, date: LocalDate): Promise<string | undefined> {
  const through = app.calendar.addBusinessDays(date, app.profile.dueSoonBusinessDays);
  const counts = await app.repos.questions.countDue(officeKey, date, through);
  if (counts.overdue + counts.dueSoon === 0) return undefined;
  const t = (key: string, vars: Record<string, unknown> = {}) => render(app, DEFAULT_LOCALE, key, vars);
  const items = await app.repos.questions.dueThrough(officeKey, through, DIGEST_MAX_ITEMS);
  const line = (q: QuestionRow) =>
    t(q.dueDate < date ? "deadlines.digest.item_overdue" : "deadlines.digest.item", {
      reference: q.reference,
      dueDateText: dueDateText(q.dueDate, DEFAULT_LOCALE),
    });
  const overdue = items.filter((q) => q.dueDate < date).map(line);
  const soon = items.filter((q) => q.dueDate >= date).map(line);
  const lines = [
    t("deadlines.digest.title", {
      officeName: officeName(app, officeKey),
      dateText: dueDateText(date, DEFAULT_LOCALE),
    }),
  ];
  if (counts.overdue > 0) lines.push("", t("deadlines.digest.overdue", { count: counts.overdue }), ...overdue);
  if (counts.dueSoon > 0) lines.push("", t("deadlines.digest.due_soon", { count: counts.dueSoon }), ...soon);
  const rest = counts.overdue + counts.dueSoon - items.length;
  if (rest > 0) lines.push("", t("deadlines.digest.more", { count: rest }));
  return lines.join("\n");
}

/** `deadline.digest`: one office's due-soon and overdue questions, once per business day. */
const runDigest: (app: AppContext) => JobHandler = (app) => async (job, nowMs) => {
  const { officeKey, date } = JSON.parse(job.payload) as DigestPayload;
  if (!(await app.repos.offices.get(officeKey))?.active) return DONE;
  const hours = officeHoursOf(app);
  const isToday = date === today(app, nowMs);
  if (isToday && !isWithinOfficeHours(nowMs, hours))
    return { kind: "later", runAtMs: nextOfficeOpeningMs(nowMs, hours) };
  // A digest of a past day (the bot was down then) is stale: not sent; the next one is planned.
  if (isToday) {
    const text = await digestText(app, officeKey, date);
    if (text)
      await sendToTargets(
        app,
        await officeTargets(app, officeKey),
        `deadline:digest:${officeKey}:${date}`,
        text,
        nowMs,
      );
  }
  await planDigest(app, officeKey, nextDigestDate(app, nowMs, date), nowMs);
  return DONE;
};

// ── incomplete petitions ───────────────────────────────────────────────────────────────────────

/** `question.withdrawal`: a month passed without the requested information (Ley 1755, art. 17). */
const runWithdrawal: (app: AppContext) => JobHandler = (app) => async (job: JobRow, nowMs) => {
  const payload = JSON.parse(job.payload) as WithdrawalPayload;
  // Locked: the citizen's information may be arriving at this moment (provideInfo locks it too).
  const question = await app.repos.questions.byIdForUpdate(payload.questionId);
  if (question?.status !== "info_requested") return DONE;
  // Only the request this job was planned for: a later request has its own month.
  if ((await app.repos.questions.lastEvent(question.id, "info_requested"))?.id !== payload.requestEventId) return DONE;
  await app.repos.questions.update(question.id, { status: "withdrawn", updatedAtMs: nowMs });
  await app.repos.questions.addEvent(question.id, "withdrawn", "system", nowMs, {
    rule: "Ley 1755 de 2015, art. 17",
    lastDay: payload.lastDay,
  });
  await cancelDeadlineJobs(app, question.id, nowMs, [DEADLINE_JOB_KINDS.alert]);
  await notifyCitizen(
    app,
    question,
    `q:${question.id}:withdrawn:e${payload.requestEventId}`,
    "deadlines.notify.withdrawn",
    { lastDayText: dueDateText(payload.lastDay, await localeOf(app, question)) },
    { legal: true },
  );
  return DONE;
};

async function localeOf(app: AppContext, question: QuestionRow): Promise<string> {
  return (await app.repos.citizens.get(question.citizenId))?.locale ?? DEFAULT_LOCALE;
}

/** The scheduler handlers of this module, by job kind. */
export function deadlineJobHandlers(app: AppContext): Record<string, JobHandler> {
  return {
    [DEADLINE_JOB_KINDS.alert]: runAlert(app),
    [DEADLINE_JOB_KINDS.digest]: runDigest(app),
    [DEADLINE_JOB_KINDS.withdrawal]: runWithdrawal(app),
  };
}

// ── calendar changes ───────────────────────────────────────────────────────────────────────────

/** The instant the question's current term started (filing, or the citizen's answer to an info request). */
export async function termStartMs(app: AppContext, question: QuestionRow): Promise<number> {
  return (
    question.termStartedAtMs ??
    (await app.repos.questions.lastEvent(question.id, "info_provided"))?.atMs ??
    question.filedAtMs
  );
}

/** The due date the current calendar gives an open question (an extension keeps its chosen day). */
export async function expectedDueDate(app: AppContext, question: QuestionRow): Promise<LocalDate> {
  if (question.extendedTo)
    return app.calendar.isBusinessDay(question.extendedTo)
      ? question.extendedTo
      : app.calendar.nextBusinessDay(question.extendedTo);
  return dueDateFrom(app, await termStartMs(app, question), question.termBusinessDays).dueDate;
}

/**
 * What the due dates depend on besides each question: zone, office-hours end, the profile's local
 * non-working days and the national holidays around now. A change means due dates may move.
 */
export function calendarFingerprint(app: AppContext, nowMs: number): string {
  const year = Number(today(app, nowMs).slice(0, 4));
  const national: string[] = [];
  for (let y = year - 1; y <= year + 2; y++) {
    try {
      national.push(
        ...app.calendar
          .holidays(y)
          .filter((h) => h.kind === "national")
          .map((h) => h.date),
      );
    } catch {
      // Years the holiday data does not cover cannot date a question either.
    }
  }
  const { timezone, officeHours, nonWorkingDays } = app.profile;
  const doc = JSON.stringify({
    timezone,
    officeHoursEnd: officeHours.end,
    local: [...nonWorkingDays].sort(),
    national,
    version: NATIONAL_CALENDAR_VERSION,
  });
  return createHash("sha256").update(doc).digest("hex").slice(0, 32);
}

/** Why due dates are being recomputed: the laws new since the last start, if any (else a profile change). */
export interface CalendarChange {
  newLaws: readonly string[];
}

/**
 * Recomputes the due date of every open question; a changed one gets a history event, new alerts
 * and, when the date moved later, a notice to the citizen naming the cause (a new holiday law, or
 * the entity's new non-working day). Paused questions get their due date when the term restarts.
 * Also plans the jobs of questions filed before jobs existed. Idempotent.
 */
export async function recomputeDueDates(
  app: AppContext,
  nowMs: number,
  change: CalendarChange = { newLaws: [] },
): Promise<{ checked: number; changed: number }> {
  const law = change.newLaws.join(", ");
  let changed = 0;
  const open = await app.repos.questions.list({ status: "open" });
  for (const question of open) {
    const dueDate = await expectedDueDate(app, question);
    if (dueDate === question.dueDate) {
      await planNextAlert(app, question, nowMs);
      continue;
    }
    changed++;
    await app.repos.questions.update(question.id, {
      dueDate,
      ...(question.extendedTo ? { extendedTo: dueDate } : {}),
      updatedAtMs: nowMs,
    });
    await app.repos.questions.addEvent(question.id, "due_date_recomputed", "system", nowMs, {
      from: question.dueDate,
      to: dueDate,
      reason: "calendar_changed",
      ...(law ? { law, calendarVersion: NATIONAL_CALENDAR_VERSION } : {}),
    });
    const updated = (await app.repos.questions.byId(question.id))!;
    const textKey = law ? "deadlines.notify.recomputed_law" : "deadlines.notify.recomputed";
    if (dueDate > question.dueDate)
      await notifyCitizen(app, updated, `q:${question.id}:recomputed:${dueDate}`, textKey, {
        law,
        previousDueDateText: dueDateText(question.dueDate, await localeOf(app, question)),
      });
    await replanAlerts(app, updated, nowMs);
  }
  for (const question of await app.repos.questions.list({ status: "info_requested" })) {
    const request = await app.repos.questions.lastEvent(question.id, "info_requested");
    if (request) await planWithdrawal(app, question.id, request.id, request.atMs);
  }
  return { checked: open.length, changed };
}

/**
 * Start-up work of the bot, in one transaction so a second process starting at the same time waits
 * and then finds it done: recompute due dates if the calendar changed since the last start (a
 * profile added a local non-working day, or an upgrade brought a holiday law: NATIONAL_CALENDAR_VERSION),
 * and plan every office's next digest.
 */
export async function prepareDeadlines(app: AppContext): Promise<{ recomputed: boolean; changed: number }> {
  return await app.store.withTransaction(async () => {
    const nowMs = app.clock.nowMs();
    const fingerprint = calendarFingerprint(app, nowMs);
    let result = { recomputed: false, changed: 0 };
    const laws = holidayLawCitations();
    if ((await app.repos.appState.get(CALENDAR_FINGERPRINT_KEY)) !== fingerprint) {
      const known = new Set(JSON.parse((await app.repos.appState.get(CALENDAR_LAWS_KEY)) ?? "[]") as string[]);
      result = {
        recomputed: true,
        changed: (await recomputeDueDates(app, nowMs, { newLaws: laws.filter((l) => !known.has(l)) })).changed,
      };
      await app.repos.appState.set(CALENDAR_FINGERPRINT_KEY, fingerprint, nowMs);
    }
    await app.repos.appState.set(CALENDAR_LAWS_KEY, JSON.stringify(laws), nowMs);
    await ensureDigests(app, nowMs);
    return result;
  });
}
