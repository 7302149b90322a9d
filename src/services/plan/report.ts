/**
 * `planReport`: the MURC evaluation of a year — per component and activity, goal against what was
 * achieved, on time or late, with the evidence; the dialogue spaces held by kind and district, the
 * groups reached (the profile's topics: Rinde's events are tagged by topic, its stand-in for
 * "grupos de valor"), the questions of those spaces, the state of the commitments made in the year
 * and the citizens' satisfaction from the surveys. A typed value for the CLI and the web pages.
 */
import { addCalendarDays, toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import { buildReport, type ReportFigures } from "../../core/commitments.ts";
import { type ActivityState, type PlanComponentKind } from "../../core/plan/index.ts";
import { aggregateResponses, definitionOf } from "../../core/surveys/index.ts";
import type { Window } from "../../db/repositories/plan.ts";
import type { AppContext } from "../context.ts";
import { headline, type SurveyHeadline } from "../surveys/results.ts";
import { topicsOf } from "../events/subscriptions.ts";
import { dayStartMs, onTimeShare, type Evidence } from "./measure.ts";
import { countByState, planStatus, type ActivityStatus } from "./status.ts";
import { mapInOrder } from "../../core/in-order.ts";

export interface ComponentReport {
  key: string;
  kind: PlanComponentKind;
  name: string;
  byState: Record<ActivityState, number>;
  activities: ActivityStatus[];
}

export interface PlanReport {
  year: number;
  title: string;
  source?: string;
  today: LocalDate;
  totals: { activities: number; byState: Record<ActivityState, number>; doneOnTime: number; doneLate: number };
  components: ComponentReport[];
  spaces: {
    held: number;
    byKind: { kind: string; held: number }[];
    /** Every profile district, with the spaces held there (0 shows where nobody went). */
    byDistrict: { key: string; name: string; kind: string; held: number }[];
    /** Spaces for the whole municipality (no district). */
    municipalityWide: number;
    /** Citizens who said they would come, over all spaces held. */
    rsvpYes: number;
  };
  groups: { key: string; name: string; events: number; rsvpYes: number }[];
  questions: {
    received: number;
    answered: number;
    onTimeShare: number | null;
    cameDue: number;
    answeredOnTime: number;
  };
  commitments: ReportFigures & { withProgress: number };
  satisfaction: SurveyHeadline[];
}

export type PlanReportOutcome = { ok: true; report: PlanReport } | { ok: false; error: "plan_not_found" };

function yearWindow(app: AppContext, year: number, nowMs: number): Window {
  return {
    fromMs: dayStartMs(app, `${year}-01-01`),
    toMs: Math.min(nowMs + 1, dayStartMs(app, addCalendarDays(`${year}-12-31`, 1))),
  };
}

async function spacesOf(app: AppContext, window: Window, nowMs: number) {
  const held = await app.repos.plan.heldEvents(window, nowMs);
  const rsvps = await app.repos.plan.rsvpYesByEvent(held.map((e) => e.id));
  const kinds = [...new Set(held.map((e) => e.kind))].sort();
  const spaces: PlanReport["spaces"] = {
    held: held.length,
    byKind: kinds.map((kind) => ({ kind, held: held.filter((e) => e.kind === kind).length })),
    byDistrict: app.profile.districts.map((d) => ({
      key: d.key,
      name: d.name,
      kind: d.kind,
      held: held.filter((e) => e.districts.includes(d.key)).length,
    })),
    municipalityWide: held.filter((e) => e.districts.length === 0).length,
    rsvpYes: held.reduce((n, e) => n + (rsvps.get(e.id) ?? 0), 0),
  };
  const groups = topicsOf(app).map((t) => {
    const events = held.filter((e) => e.topics.includes(t.key));
    return {
      key: t.key,
      name: t.name,
      events: events.length,
      rsvpYes: events.reduce((n, e) => n + (rsvps.get(e.id) ?? 0), 0),
    };
  });
  return { spaces, groups };
}

async function commitmentsOf(app: AppContext, window: Window, today: LocalDate): Promise<PlanReport["commitments"]> {
  const created = await app.repos.plan.commitmentsCreated(window);
  const items = created.map((c) => ({
    number: c.number,
    officeKey: c.officeKey,
    status: c.status,
    dueDate: c.dueDate,
    progress: c.progress,
    doneOn: c.doneAtMs === null ? null : toLocalDate(new Date(c.doneAtMs), app.profile.timezone),
  }));
  const { byOffice: _offices, overdue: _overdue, today: _today, ...figures } = buildReport(items, today);
  const history = await app.repos.commitments.allHistory();
  const withProgress = created.filter((c) => (history.get(c.id) ?? []).some((u) => u.kind === "progress")).length;
  return { ...figures, withProgress };
}

async function satisfactionOf(app: AppContext, window: Window): Promise<SurveyHeadline[]> {
  const repo = app.repos.surveys;
  const runIds = new Set(await app.repos.plan.surveyRunIds(window));
  const runs = (await repo.listRuns()).filter((r) => runIds.has(r.id));
  const bySurvey = new Map<string, typeof runs>();
  for (const run of runs) bySurvey.set(run.surveyId, [...(bySurvey.get(run.surveyId) ?? []), run]);
  return await mapInOrder(
    [...bySurvey.entries()].sort(([a], [b]) => a.localeCompare(b)),
    async ([surveyId, group]) => {
      const definition = definitionOf(group[0]!);
      const ids = group.map((r) => r.id);
      const results = aggregateResponses(definition.questions, await repo.tally(ids), await repo.responses(ids));
      return headline({ surveyId, definition, runIds: ids, results });
    },
  );
}

/** The evaluation of `year`'s plan as of now. */
export async function planReport(app: AppContext, year: number, nowMs = app.clock.nowMs()): Promise<PlanReportOutcome> {
  const outcome = await planStatus(app, year, nowMs);
  if (!outcome.ok) return outcome;
  const status = outcome.status;
  const plan = (await app.repos.plan.get(year))!.definition;
  const window = yearWindow(app, year, nowMs);
  const components = plan.components.map((c) => {
    const activities = status.activities.filter((a) => a.componentKey === c.key);
    return { key: c.key, kind: c.kind, name: c.name, byState: countByState(activities), activities };
  });
  const done = status.activities.filter((a) => a.state === "done");
  const { spaces, groups } = await spacesOf(app, window, nowMs);
  const scope = { eventsOnly: true };
  const share = await onTimeShare(app, `${year}-01-01`, `${year}-12-31`, scope, nowMs);
  return {
    ok: true,
    report: {
      year,
      title: status.title,
      ...(status.source ? { source: status.source } : {}),
      today: status.today,
      totals: {
        activities: status.activities.length,
        byState: status.byState,
        doneOnTime: done.filter((a) => a.onTime).length,
        doneLate: done.filter((a) => a.onTime === false).length,
      },
      components,
      spaces,
      groups,
      questions: {
        received: await app.repos.plan.questionsFiled(window, scope),
        answered: await app.repos.plan.questionsAnswered(window, scope),
        onTimeShare: share.value,
        cameDue: share.due,
        answeredOnTime: share.onTime,
      },
      commitments: await commitmentsOf(app, window, status.today),
      satisfaction: await satisfactionOf(app, window),
    },
  };
}

/**
 * The report as a public page may show it: the same figures and links, without who recorded each
 * manual progress entry or their notes (staff identifiers and internal remarks).
 */
export function publicPlanReport(report: PlanReport): PlanReport {
  const clean = (e: Evidence): Evidence =>
    e.kind === "progress" ? { kind: "progress", value: e.value, url: e.url, date: e.date } : e;
  return {
    ...report,
    components: report.components.map((c) => ({
      ...c,
      activities: c.activities.map((a) => ({ ...a, evidence: a.evidence.map(clean) })),
    })),
  };
}
