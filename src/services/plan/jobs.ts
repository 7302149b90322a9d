/**
 * Follow-up of the plan by the durable scheduler (src/delivery/scheduler.ts):
 * - `plan.remind`, one per activity and end date, {@link PLAN_REMINDER_BUSINESS_DAYS} business days
 *   before the end, at office opening: if the goal is not met yet, each responsible office is told
 *   where the activity stands. Keyed `plan:remind:<year>:<activity>:<end>`, so loading the plan
 *   again or restarting plans nothing new, and the outbox key makes the message go out once.
 * - `plan.digest`, on the first business day of each month: the plan leader (profile `planLeader`)
 *   gets the state of the current year's plan (in January, also last year's: the evaluation).
 */
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { monthOf, nextMonth } from "../../core/commitments.ts";
import {
  isWithinOfficeHours,
  localTimeToMs,
  nextOfficeOpeningMs,
  subtractBusinessDays,
} from "../../core/deadline-schedule.ts";
import {
  findActivity,
  PLAN_DIGEST_TIME,
  PLAN_REMINDER_BUSINESS_DAYS,
  spanOf,
  type PlanDefinition,
} from "../../core/plan/index.ts";
import type { JobHandler, JobOutcome } from "../../delivery/scheduler.ts";
import { dueDateText, officeName, staffText, type AppContext } from "../context.ts";
import { officeHoursOf } from "../deadlines/jobs.ts";
import { officeTargets, sendToTargets } from "../staff/office-targets.ts";
import { leaderTargets } from "./leader.ts";
import { assessAll, countByState, type ActivityStatus } from "./status.ts";

export const PLAN_JOB_KINDS = { remind: "plan.remind", digest: "plan.digest" } as const;

interface RemindPayload {
  year: number;
  activityId: string;
  end: LocalDate;
}

const DONE: JobOutcome = { kind: "done" };
/** Activities listed by name per list in a digest; the rest are counted. */
const DIGEST_MAX_ITEMS = 10;

const todayOf = (app: AppContext, nowMs: number) => toLocalDate(new Date(nowMs), app.profile.timezone);

/** Plans the reminder of every activity whose end date has not passed (idempotent by key). */
export async function planReminders(app: AppContext, plan: PlanDefinition, nowMs: number): Promise<number> {
  const today = todayOf(app, nowMs);
  let planned = 0;
  for (const component of plan.components) {
    for (const activity of component.activities) {
      const { end } = spanOf(activity);
      if (end < today) continue;
      const remindOn = subtractBusinessDays(end, PLAN_REMINDER_BUSINESS_DAYS, app.calendar);
      const runAtMs = Math.max(nowMs, localTimeToMs(remindOn, app.profile.officeHours.start, app.profile.timezone));
      const payload: RemindPayload = { year: plan.year, activityId: activity.id, end };
      if (
        (await app.repos.jobs.plan(
          {
            key: `plan:remind:${plan.year}:${activity.id}:${end}`,
            kind: PLAN_JOB_KINDS.remind,
            runAtMs,
            payload: { ...payload },
          },
          nowMs,
        )) !== undefined
      )
        planned++;
    }
  }
  return planned;
}

async function statusOf(
  app: AppContext,
  plan: PlanDefinition,
  activityId: string,
  nowMs: number,
): Promise<ActivityStatus | undefined> {
  const found = findActivity(plan, activityId);
  if (!found) return undefined;
  const single: PlanDefinition = { ...plan, components: [{ ...found.component, activities: [found.activity] }] };
  return (await assessAll(app, single, nowMs))[0];
}

/** Sends the reminder of one activity if its goal is not met; returns how many chats it reached. */
export async function remindActivity(app: AppContext, payload: RemindPayload, nowMs: number): Promise<number> {
  const plan = (await app.repos.plan.get(payload.year))?.definition;
  const found = plan && findActivity(plan, payload.activityId);
  // The plan was replaced and the activity moved or left: its own reminder was planned on load.
  if (!plan || !found || spanOf(found.activity).end !== payload.end) return 0;
  const status = (await statusOf(app, plan, payload.activityId, nowMs))!;
  if (status.state === "done" || todayOf(app, nowMs) > payload.end) return 0;
  let reached = 0;
  for (const office of status.offices) {
    const text = staffText(app, "plan.reminder", {
      id: status.id,
      activity: status.activity,
      goalText: status.goal.text,
      progress: progressText(app, status),
      endText: dueDateText(status.end, "es"),
      days: app.calendar.businessDaysBetween(todayOf(app, nowMs), status.end),
      officeName: officeName(app, office),
    });
    reached += await sendToTargets(
      app,
      await officeTargets(app, office),
      `plan:remind:${payload.year}:${payload.activityId}:${payload.end}:${office}`,
      text,
      nowMs,
    );
  }
  return reached;
}

/** "5 de 20" (or "80% de 100%"), with the districts missing when there are district minimums. */
export function progressText(app: AppContext, a: ActivityStatus): string {
  const unit = a.goal.unit === "percent" ? "%" : "";
  const lines = [
    staffText(app, "plan.value_of_goal", { value: `${a.value ?? 0}${unit}`, goal: `${a.goal.value}${unit}` }),
  ];
  for (const d of a.districts)
    lines.push(
      staffText(app, "plan.districts_reached", {
        kind: staffText(app, `plan.district_kind.${d.kind}`),
        reached: d.reachedNow,
        required: d.required,
      }),
    );
  return lines.join("; ");
}

const runRemindJob: (app: AppContext) => JobHandler = (app) => async (job, nowMs) => {
  const hours = officeHoursOf(app);
  if (!isWithinOfficeHours(nowMs, hours)) return { kind: "later", runAtMs: nextOfficeOpeningMs(nowMs, hours) };
  await remindActivity(app, JSON.parse(job.payload) as RemindPayload, nowMs);
  return DONE;
};

// ── the leader's monthly digest ─────────────────────────────────────────────────────────────────

function firstBusinessDayOf(app: AppContext, month: string): LocalDate {
  const first = `${month}-01`;
  return app.calendar.isBusinessDay(first) ? first : app.calendar.nextBusinessDay(first);
}

function digestAtMs(app: AppContext, month: string): number {
  return localTimeToMs(firstBusinessDayOf(app, month), PLAN_DIGEST_TIME, app.profile.timezone);
}

async function planNextDigest(app: AppContext, nowMs: number): Promise<void> {
  let month = monthOf(todayOf(app, nowMs));
  if (digestAtMs(app, month) <= nowMs) month = nextMonth(month);
  await app.repos.jobs.plan(
    { key: `plan:digest:${month}`, kind: PLAN_JOB_KINDS.digest, runAtMs: digestAtMs(app, month), payload: { month } },
    nowMs,
  );
}

function monthText(month: string): string {
  return new Intl.DateTimeFormat("es-CO", { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${month}-15T12:00:00Z`),
  );
}

function itemLine(app: AppContext, a: ActivityStatus): string {
  return staffText(app, "plan.digest.item", {
    id: a.id,
    activity: shorten(a.activity, 90),
    progress: progressText(app, a),
    endText: dueDateText(a.end, "es"),
    offices: a.offices.map((o) => officeName(app, o)).join(", "),
  });
}

function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
}

/** The digest text of one plan, in Spanish (staff). */
export async function digestText(app: AppContext, plan: PlanDefinition, month: string, nowMs: number): Promise<string> {
  const activities = await assessAll(app, plan, nowMs);
  const counts = countByState(activities);
  const lines = [
    staffText(app, "plan.digest.title", { year: plan.year, monthText: monthText(month) }),
    staffText(app, "plan.digest.counts", { total: activities.length, ...counts }),
  ];
  for (const state of ["late", "at_risk"] as const) {
    const items = activities.filter((a) => a.state === state);
    if (items.length === 0) continue;
    lines.push("", staffText(app, `plan.digest.heading_${state}`, { count: items.length }));
    lines.push(...items.slice(0, DIGEST_MAX_ITEMS).map((a) => itemLine(app, a)));
    if (items.length > DIGEST_MAX_ITEMS)
      lines.push(staffText(app, "plan.digest.more", { rest: items.length - DIGEST_MAX_ITEMS }));
  }
  lines.push("", staffText(app, "plan.digest.footer", { year: plan.year }));
  return lines.join("\n");
}

/** Sends the leader the digest of `month`; keyed by month and plan year, so it goes out once. Returns the chats reached. */
export async function sendPlanDigest(app: AppContext, month: string, nowMs: number): Promise<number> {
  return await app.store.withTransaction(async () => {
    const year = Number(month.slice(0, 4));
    const years = month.endsWith("-01") ? [year, year - 1] : [year];
    const targets = await leaderTargets(app);
    let reached = 0;
    for (const y of years) {
      const plan = (await app.repos.plan.get(y))?.definition;
      if (!plan) continue;
      reached += await sendToTargets(
        app,
        targets,
        `plan:digest:${month}:${y}`,
        await digestText(app, plan, month, nowMs),
        nowMs,
      );
    }
    return reached;
  });
}

const runDigestJob: (app: AppContext) => JobHandler = (app) => async (job, nowMs) => {
  const { month } = JSON.parse(job.payload) as { month: string };
  // A digest of a month already gone (the bot was down) is stale: skip it, the next one follows.
  if (monthOf(todayOf(app, nowMs)) === month) await sendPlanDigest(app, month, nowMs);
  await planNextDigest(app, Math.max(nowMs, digestAtMs(app, month)));
  return DONE;
};

export function planJobHandlers(app: AppContext): Record<string, JobHandler> {
  return { [PLAN_JOB_KINDS.remind]: runRemindJob(app), [PLAN_JOB_KINDS.digest]: runDigestJob(app) };
}

/** Plans the next digest and the reminders of this year's and later plans (idempotent; run at start-up). */
export async function ensurePlanJobs(app: AppContext, nowMs = app.clock.nowMs()): Promise<void> {
  await app.store.withTransaction(async () => {
    await planNextDigest(app, nowMs);
    const year = Number(todayOf(app, nowMs).slice(0, 4));
    for (const row of await app.repos.plan.list())
      if (row.year >= year) await planReminders(app, row.definition, nowMs);
  });
}
