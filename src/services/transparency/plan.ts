/**
 * The accountability plan on the public site (issue 16): the evaluation report as
 * `publicPlanReport` gives it (no one's name, no internal notes), with counts of people — citizens
 * who said they would come, survey respondents — under the profile's `transparency.minCount`
 * suppressed, as every public figure is (issue 15).
 */
import { toLocalDate } from "../../core/calendar/index.ts";
import { definitionOf } from "../../core/surveys/index.ts";
import type { AppContext } from "../context.ts";
import { planReport, publicPlanReport, type PlanReport } from "../plan/report.ts";

export interface PublicPlan {
  report: PlanReport;
  years: number[];
  /** People who said they would come to the spaces held; null when fewer than minCount. */
  rsvpYes: number | null;
  groups: { key: string; name: string; events: number; rsvpYes: number | null }[];
  /** `titleKey`: the survey's title (a locale key), from the definition its runs carry. */
  satisfaction: {
    surveyId: string;
    titleKey: string | null;
    responses: number | null;
    mean: number | null;
    yesShare: number | null;
  }[];
  minCount: number;
}

/** The plan of `wantedYear` (else this year's, else the newest), or null when none is loaded. */
export async function publicPlanPage(app: AppContext, wantedYear?: number): Promise<PublicPlan | null> {
  const years = (await app.repos.plan.list()).map((r) => r.year);
  const thisYear = Number(toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone).slice(0, 4));
  const year =
    wantedYear !== undefined && years.includes(wantedYear)
      ? wantedYear
      : years.includes(thisYear)
        ? thisYear
        : years[0];
  if (year === undefined) return null;
  const outcome = await planReport(app, year);
  if (!outcome.ok) return null;
  const report = publicPlanReport(outcome.report);
  const minCount = app.profile.transparency.minCount;
  const people = (n: number) => (n < minCount ? null : n);
  const runs = await app.repos.surveys.listRuns();
  const titleOf = (surveyId: string) => {
    const run = runs.find((r) => r.surveyId === surveyId);
    return run ? definitionOf(run).title : null;
  };
  return {
    report,
    years,
    rsvpYes: people(report.spaces.rsvpYes),
    groups: report.groups
      .filter((g) => g.events > 0)
      .map((g) => ({ key: g.key, name: g.name, events: g.events, rsvpYes: people(g.rsvpYes) })),
    satisfaction: report.satisfaction.map((h) => {
      const shown = h.responses >= minCount;
      return {
        surveyId: h.surveyId,
        titleKey: titleOf(h.surveyId),
        responses: shown ? h.responses : null,
        mean: shown ? (h.mean ?? null) : null,
        yesShare: shown ? (h.yesShare ?? null) : null,
      };
    }),
    minCount,
  };
}
