/**
 * Paper survey forms imported from the back-office (issue 14, Encuestas): the same service as
 * `rinde surveys import` (src/services/surveys/import.ts: every line checked, all or nothing, a file
 * imported once per survey), run once per form key and audited (`survey.import`, via the web).
 * Who may: whoever may send surveys for the run's office (administración, comunicaciones, or the
 * head of that office; core/surveys/authorization.ts).
 */
import type { Actor } from "../../core/authorization.ts";
import { canSendSurveys, type PaperProblem, type SurveyQuestion, type SurveySet } from "../../core/surveys/index.ts";
import { decodeSpreadsheetText } from "../../core/text-decoding.ts";
import type { AppContext } from "../context.ts";
import { optionLabelKeys } from "../surveys/definitions.ts";
import { importPaperResponses, type ImportTarget } from "../surveys/import.ts";
import { runFormAction, type FormContext } from "./form-action.ts";

/** Runs a paper import may join: not the per-question answer runs (one per petition). */
const JOINABLE_TRIGGERS = ["paper", "event_ended", "segment"] as const;
const LISTED_RUNS = 100;
const LISTED_EVENTS = 200;

/** Whether the actor may import paper forms at all (for some office). */
export function mayImportPaperForms(actor: Actor): boolean {
  return canSendSurveys(actor, actor.kind === "official" ? actor.officeKey : undefined);
}

/** One column of a survey's paper template: the question, whether it may be left blank, what a cell may hold. */
interface PaperColumn {
  id: string;
  type: SurveyQuestion["type"];
  /** Locale key of the question's text. */
  text: string;
  optional: boolean;
  /** Locale keys of the options in order (scale 1–5, yes/no, choices); none for free text. */
  optionKeys: string[];
  maxLength?: number;
}

/** The choices of the import form: surveys with their columns, runs to add to, events and offices. */
export async function paperImportForm(app: AppContext, actor: Actor, surveys: SurveySet) {
  if (!mayImportPaperForms(actor)) return { ok: false as const, error: "not_allowed" as const };
  const repo = app.repos.surveys;
  const runs = (await Promise.all(JOINABLE_TRIGGERS.map((trigger) => repo.listRuns({ trigger }))))
    .flat()
    .filter((run) => surveys.has(run.surveyId) && canSendSurveys(actor, run.officeKey))
    .sort((a, b) => b.id - a.id)
    .slice(0, LISTED_RUNS);
  const events = (await app.repos.events.list({ limit: 500 }))
    .sort((a, b) => b.startsAtMs - a.startsAtMs)
    .slice(0, LISTED_EVENTS)
    .map((e) => ({ id: e.id, title: e.title, startsAtMs: e.startsAtMs }));
  const officeKey = actor.kind === "official" && actor.role === "head" ? actor.officeKey : undefined;
  return {
    ok: true as const,
    /** A head's own office, chosen by default: a head may import only for it. */
    officeKey,
    surveys: [...surveys.values()].map((s) => ({ id: s.id, title: s.title, columns: paperColumns(s.questions) })),
    runs: runs.map((r) => ({ id: r.id, surveyId: r.surveyId, label: r.label, eventId: r.eventId, trigger: r.trigger })),
    events,
    offices: (await app.repos.offices.list())
      .filter((o) => o.active && (officeKey === undefined || o.key === officeKey))
      .map((o) => ({ key: o.key, name: o.name })),
  };
}

function paperColumns(questions: readonly SurveyQuestion[]): PaperColumn[] {
  return questions.map((q) => ({
    id: q.id,
    type: q.type,
    text: q.text,
    optional: q.optional,
    optionKeys: optionLabelKeys(q),
    ...(q.type === "text" ? { maxLength: q.maxLength } : {}),
  }));
}

/**
 * Example rows of a survey's paper form as CSV (`;`, UTF-8 with a BOM, as Excel in Colombia saves
 * "CSV UTF-8"): the header of question ids, then two forms filled in with values the importer reads.
 * `label(key)` renders an option's label in the reader's language.
 */
export function paperExampleCsv(questions: readonly SurveyQuestion[], label: (key: string) => string): string {
  const cell = (value: string) => (/[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const example = (q: SurveyQuestion, row: number): string => {
    const keys = optionLabelKeys(q);
    switch (q.type) {
      case "scale":
        return row === 0 ? "5" : "3";
      case "yes_no":
        return label(keys[row === 0 ? 0 : 1]!);
      case "choice":
        return row === 0 ? label(keys[0]!) : q.optional ? "" : "2";
      case "text":
        return row === 0 || !q.optional ? label("web.survey_import.example_comment") : "";
    }
  };
  const lines = [questions.map((q) => q.id), ...[0, 1].map((row) => questions.map((q) => cell(example(q, row))))];
  return `\uFEFF${lines.map((l) => l.join(";")).join("\r\n")}\r\n`;
}

export type PaperImportError =
  | "not_allowed"
  | "unknown_run"
  | "unknown_survey"
  | "unknown_event"
  | "unknown_office"
  | "already_imported"
  | "invalid_rows";

export type PaperImportOutcome =
  | { ok: true; duplicate: boolean; redirectTo: string }
  | { ok: false; error: Exclude<PaperImportError, "invalid_rows" | "already_imported"> }
  | { ok: false; error: "already_imported"; runId: number }
  | { ok: false; error: "invalid_rows"; problems: PaperProblem[] };

/**
 * Imports an uploaded CSV of paper forms (its bytes: UTF-8 or Windows-1252 as Excel saves it) into
 * `target`, once per form key: a second submit of the same form lands on the first one's result.
 * On success the browser goes to `/admin/encuestas/importar?…` naming the run and the count.
 */
export async function webImportPaperForms(
  app: AppContext,
  surveys: SurveySet,
  actor: Actor,
  target: ImportTarget,
  bytes: Uint8Array,
  form: Omit<FormContext, "redirectTo">,
): Promise<PaperImportOutcome> {
  const text = decodeSpreadsheetText(bytes);
  const subject = "runId" in target ? `survey_run:${target.runId}` : `survey:${target.surveyId}`;
  let refusal: PaperImportOutcome | undefined;
  const context: FormContext = { key: form.key, redirectTo: "/admin/encuestas/importar" };
  const outcome = await runFormAction<PaperImportError>(app, actor, "survey.import", subject, context, async () => {
    const result = await importPaperResponses({ app, surveys }, actor, target, text);
    if (!result.ok) {
      refusal =
        result.error === "invalid_rows"
          ? { ok: false, error: "invalid_rows", problems: result.problems }
          : result.error === "already_imported"
            ? { ok: false, error: "already_imported", runId: result.runId }
            : { ok: false, error: result.error };
      return { ok: false, error: result.error };
    }
    context.redirectTo = `/admin/encuestas/importar?${new URLSearchParams({
      corrida: String(result.run.id),
      encuesta: result.run.surveyId,
      importados: String(result.imported),
    }).toString()}`;
    return {
      ok: true,
      after: {
        run: result.run.id,
        survey: result.run.surveyId,
        imported: result.imported,
        eventId: result.run.eventId,
        officeKey: result.run.officeKey,
      },
    };
  });
  if (!outcome.ok) return refusal ?? { ok: false, error: "not_allowed" };
  return outcome;
}
