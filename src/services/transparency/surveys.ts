/**
 * Published survey results (issue 15): counts per answer option, overall and by district, with
 * disclosure control. A cell counting people (an answer option within a district, or overall)
 * under 5 is suppressed, with complementary suppression so the visible totals do not reveal it
 * (src/core/transparency/suppression.ts). Districts with fewer than 20 responses are not shown on
 * their own: they are pooled into "other districts or unknown", itself shown only with 20 responses
 * or none (otherwise no district is shown apart). A question fewer than 5 people answered shows no
 * count at all. Free-text answers are never published (they may identify the person).
 */
import { optionValues } from "../../core/surveys/answers.ts";
import { definitionOf, type SurveyDefinition, type SurveyQuestion } from "../../core/surveys/index.ts";
import { MIN_CELL, suppressTable, type SuppressedTable } from "../../core/transparency/suppression.ts";
import type { SurveyRunRow } from "../../db/repositories/surveys.ts";
import type { AppContext } from "../context.ts";

/** Fewest responses a district needs to be shown as its own segment. */
export const MIN_SEGMENT_RESPONSES = 20;
/** The pooled segment's key. */
export const OTHER_SEGMENT = "_other";

export interface PublicSurveyQuestion {
  id: string;
  type: SurveyQuestion["type"];
  /** Locale key of the question text. */
  textKey: string;
  /** Option values, with their locale label keys (null = generic scale or yes/no label). */
  options: { value: string; labelKey: string | null }[];
  /** Everyone: a count per option (null = suppressed) and the number who answered. */
  overall: { cells: (number | null)[]; total: number };
  /** Row keys of `bySegment` (district keys, then OTHER_SEGMENT), empty when no district has 20 responses. */
  segments: string[];
  bySegment: { cells: (number | null)[][]; rowTotals: number[] } | null;
}

export interface PublicSurvey {
  surveyId: string;
  definition: SurveyDefinition;
  publishedAtMs: number;
  responses: number;
  /** Responses per shown segment (≥ 20 each) and the pool; keys as in the questions. */
  segmentResponses: { key: string; responses: number }[];
  questions: PublicSurveyQuestion[];
}

/** The district a run's responses belong to: an ad hoc run to one district, or a run for a one-district event. */
async function runDistrict(app: AppContext, run: SurveyRunRow): Promise<string | null> {
  if (run.segment?.startsWith("district:")) return run.segment.slice("district:".length);
  if (run.eventId !== null) {
    const event = await app.repos.events.get(run.eventId);
    if (event && event.districts.length === 1) return event.districts[0]!;
  }
  return null;
}

function optionLabels(question: SurveyQuestion): { value: string; labelKey: string | null }[] {
  if (question.type === "choice") return question.options.map((o) => ({ value: o.id, labelKey: o.label }));
  if (question.type === "scale" && question.labels)
    return optionValues(question).map((v, i) => ({ value: v, labelKey: question.labels![i]! }));
  return optionValues(question).map((v) => ({ value: v, labelKey: null }));
}

/** Every published survey with its protected tables, newest publication first. */
export async function publicSurveys(app: AppContext): Promise<PublicSurvey[]> {
  const surveys: PublicSurvey[] = [];
  for (const { surveyId, publishedAtMs } of await app.repos.transparency.publishedSurveys()) {
    const runs = await app.repos.surveys.listRuns({ surveyId });
    if (runs.length === 0) continue;
    const definition = definitionOf(runs[0]!);
    const districtOfRun = new Map<number, string | null>();
    for (const r of runs) districtOfRun.set(r.id, await runDistrict(app, r));
    const responses = await app.repos.surveys.responses(runs.map((r) => r.id));
    const perDistrict = new Map<string, number>();
    for (const r of responses) {
      const d = districtOfRun.get(r.runId) ?? OTHER_SEGMENT;
      perDistrict.set(d, (perDistrict.get(d) ?? 0) + 1);
    }
    const candidates = app.profile.districts
      .map((d) => d.key)
      .filter((k) => (perDistrict.get(k) ?? 0) >= MIN_SEGMENT_RESPONSES);
    const pooled = responses.length - candidates.reduce((sum, k) => sum + perDistrict.get(k)!, 0);
    // The pool is a segment too: shown only with 20 responses (or none). A smaller pool, say 3
    // people, could be read off as total minus the districts, with its zeros showing how they all
    // answered; then no district is shown apart.
    const shown = pooled === 0 || pooled >= MIN_SEGMENT_RESPONSES ? candidates : [];
    const segmentOf = (runId: number) => {
      const d = districtOfRun.get(runId);
      return d && shown.includes(d) ? d : OTHER_SEGMENT;
    };
    const segments = shown.length ? [...shown, OTHER_SEGMENT] : [];
    const segmentResponses = segments.map((key) => ({
      key,
      responses: responses.filter((r) => segmentOf(r.runId) === key).length,
    }));
    const questions = definition.questions
      .filter((q) => q.type !== "text")
      .map((q): PublicSurveyQuestion => {
        const options = optionLabels(q);
        const matrix = (segments.length ? segments : ["all"]).map(() => options.map(() => 0));
        const overall = [options.map(() => 0)];
        for (const r of responses) {
          const col = options.findIndex((o) => o.value === r.answers[q.id]);
          if (col === -1) continue;
          overall[0]![col]!++;
          if (segments.length) matrix[segments.indexOf(segmentOf(r.runId))]![col]!++;
        }
        // One table: the segments' rows and the everyone row (their column sums), so a cell hidden in
        // one can never be worked out from the other.
        const table: SuppressedTable = suppressTable(segments.length ? [...matrix, overall[0]!] : overall);
        const last = table.cells.length - 1;
        // Fewer than 5 people in all: no cell can hide among others (the zeros would tell), so none is shown.
        if (table.rowTotals[last]! < MIN_CELL) table.cells[last] = table.cells[last]!.map(() => null);
        return {
          id: q.id,
          type: q.type,
          textKey: q.text,
          options,
          overall: { cells: table.cells[last]!, total: table.rowTotals[last]! },
          segments,
          bySegment: segments.length
            ? { cells: table.cells.slice(0, last), rowTotals: table.rowTotals.slice(0, last) }
            : null,
        };
      });
    surveys.push({ surveyId, definition, publishedAtMs, responses: responses.length, segmentResponses, questions });
  }
  return surveys;
}
