/**
 * In-person responses: paper surveys from a hearing, typed into a CSV (one row per respondent),
 * imported into an existing run (e.g. the event's chat run) or a new paper run of a survey. Every
 * row is checked first; with any bad row nothing is stored. One transaction writes them all, and
 * a file already imported into the survey is refused (its rows carry the file's hash and line).
 */
import { createHash } from "node:crypto";
import { actorLabel, type Actor } from "../../core/authorization.ts";
import {
  canSendSurveys,
  definitionOf,
  parsePaperCsv,
  type PaperProblem,
  type SurveyDefinition,
  type SurveySet,
} from "../../core/surveys/index.ts";
import type { SurveyRunRow } from "../../db/repositories/surveys.ts";
import type { AppContext } from "../context.ts";
import { answerWords, optionLabelsAllLocales } from "./definitions.ts";
import { createRun } from "./surveys.ts";

export type ImportTarget =
  { runId: number } | { surveyId: string; eventId?: number; officeKey?: string; label?: string };

export type ImportOutcome =
  | { ok: true; run: SurveyRunRow; imported: number }
  | {
      ok: false;
      error: "unknown_run" | "unknown_survey" | "unknown_event" | "unknown_office" | "not_allowed";
      detail: string;
    }
  | { ok: false; error: "already_imported"; runId: number }
  | { ok: false; error: "invalid_rows"; problems: PaperProblem[] };

/** Imports a CSV of paper forms as `actor` (who may send surveys for the run's office). */
export async function importPaperResponses(
  deps: { app: AppContext; surveys: SurveySet },
  actor: Actor,
  target: ImportTarget,
  csvText: string,
): Promise<ImportOutcome> {
  const { app } = deps;
  const repo = app.repos.surveys;
  let definition: SurveyDefinition;
  let existingRun: SurveyRunRow | undefined;
  if ("runId" in target) {
    existingRun = await repo.runById(target.runId);
    if (!existingRun) return { ok: false, error: "unknown_run", detail: String(target.runId) };
    definition = definitionOf(existingRun);
  } else {
    const found = deps.surveys.get(target.surveyId);
    if (!found) return { ok: false, error: "unknown_survey", detail: target.surveyId };
    if (target.eventId !== undefined && !(await repo.eventById(target.eventId)))
      return { ok: false, error: "unknown_event", detail: String(target.eventId) };
    if (target.officeKey && !(await app.repos.offices.get(target.officeKey)))
      return { ok: false, error: "unknown_office", detail: target.officeKey };
    definition = found;
  }
  const officeKey = existingRun
    ? existingRun.officeKey
    : "runId" in target
      ? undefined
      : (target.officeKey ??
        (target.eventId !== undefined ? (await repo.eventById(target.eventId))?.officeKey : undefined));
  if (!canSendSurveys(actor, officeKey)) return { ok: false, error: "not_allowed", detail: actorLabel(actor) };

  const parsed = parsePaperCsv(csvText, definition.questions, answerWords(app.translator), (q) =>
    optionLabelsAllLocales(app.translator, q),
  );
  if (!parsed.ok) return { ok: false, error: "invalid_rows", problems: parsed.problems };
  const fileRef = createHash("sha256").update(csvText.replace(/\r\n?/g, "\n")).digest("hex").slice(0, 16);

  return await app.store.withTransaction(async (): Promise<ImportOutcome> => {
    const nowMs = app.clock.nowMs();
    const surveyRuns = await repo.listRuns({ surveyId: definition.id });
    let before: (typeof surveyRuns)[number] | undefined;
    for (const r of surveyRuns) if (!before && (await repo.hasSourcePrefix(r.id, `${fileRef}:`))) before = r;
    if (before) return { ok: false, error: "already_imported", runId: before.id };
    const t = target as Exclude<ImportTarget, { runId: number }>;
    const run =
      existingRun ??
      (await createRun(
        app,
        definition,
        {
          trigger: "paper",
          eventId: t.eventId,
          officeKey,
          label: t.label,
          deliverAfterMs: nowMs,
          createdBy: actorLabel(actor),
        },
        nowMs,
      ));
    for (const row of parsed.rows) {
      const responseId = await repo.createResponse(
        { runId: run.id, source: "paper", sourceRef: `${fileRef}:${row.line}`, completedAtMs: nowMs },
        nowMs,
      );
      for (const [questionId, value] of Object.entries(row.answers))
        await repo.addAnswer(responseId, questionId, value, nowMs);
    }
    return { ok: true, run, imported: parsed.rows.length };
  });
}
