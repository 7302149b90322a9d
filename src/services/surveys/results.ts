/**
 * Survey results for staff: per run, per survey, per office (answer surveys, event surveys) and
 * per event (chat and paper together), one block per survey (the offices' satisfaction in
 * `rinde questions report` is computed in src/core/questions-report.ts). Runs of one survey are added up question by
 * question, with the questions of its most recent run.
 */
import {
  aggregateResponses,
  definitionOf,
  type SurveyDefinition,
  type SurveyResults,
} from "../../core/surveys/index.ts";
import type { RunFilter, SurveyRunRow } from "../../db/repositories/surveys.ts";
import type { AppContext } from "../context.ts";
import { mapInOrder } from "../../core/in-order.ts";

export interface ResultsFilter {
  runId?: number;
  surveyId?: string;
  officeKey?: string;
  eventId?: number;
  trigger?: SurveyRunRow["trigger"];
}

export interface SurveyResultBlock {
  surveyId: string;
  definition: SurveyDefinition;
  runIds: number[];
  results: SurveyResults;
}

export async function surveyResults(app: AppContext, filter: ResultsFilter): Promise<SurveyResultBlock[]> {
  const repo = app.repos.surveys;
  const runFilter: RunFilter = {
    surveyId: filter.surveyId,
    officeKey: filter.officeKey,
    eventId: filter.eventId,
    trigger: filter.trigger,
    ...(filter.runId !== undefined ? { runIds: [filter.runId] } : {}),
  };
  const bySurvey = new Map<string, SurveyRunRow[]>();
  for (const run of await repo.listRuns(runFilter))
    bySurvey.set(run.surveyId, [...(bySurvey.get(run.surveyId) ?? []), run]);
  return await mapInOrder(
    [...bySurvey.entries()].sort(([a], [b]) => a.localeCompare(b)),
    async ([surveyId, runs]) => {
      // listRuns is newest first: the newest run's questions label the block.
      const definition = definitionOf(runs[0]!);
      const runIds = runs.map((r) => r.id);
      const results = aggregateResponses(definition.questions, await repo.tally(runIds), await repo.responses(runIds));
      return { surveyId, definition, runIds, results };
    },
  );
}

export interface SurveyHeadline {
  surveyId: string;
  responses: number;
  /** Mean of the survey's first 1–5 question, if it has one. */
  mean?: number | null;
  /** Share of "yes" in the survey's first yes/no question, if it has one. */
  yesShare?: number | null;
}

/** Headline of a block: responses, and the first scale mean or the first yes/no share. */
export function headline(block: SurveyResultBlock): SurveyHeadline {
  const scale = block.results.questions.find((q) => q.type === "scale");
  const yesNo = block.results.questions.find((q) => q.type === "yes_no");
  const h: SurveyHeadline = { surveyId: block.surveyId, responses: block.results.responses };
  if (scale) h.mean = scale.mean ?? null;
  else if (yesNo) h.yesShare = yesNo.answered ? (yesNo.distribution?.find((d) => d.value === "yes")?.share ?? 0) : null;
  return h;
}
