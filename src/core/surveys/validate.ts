/**
 * Checks a set of survey definitions whole: shape (zod), file names, duplicate survey, question and
 * option ids, durations, and every locale key present in every language. Problems read
 * `file › survey › question › field: problem`, like the flow validator's. Pure: the caller reads
 * the files and says which locale keys exist.
 */
import { durationMs, surveyDefinitionSchema, type SurveyDefinition, type SurveyQuestion } from "./definition.ts";

export interface SurveySource {
  file: string;
  /** The parsed YAML document. */
  doc: unknown;
}

export interface SurveyValidationContext {
  locales: readonly string[];
  hasKey(locale: string, key: string): boolean;
}

/** Validated definitions by id. */
export type SurveySet = ReadonlyMap<string, SurveyDefinition>;

export type SurveySetResult = { ok: true; surveys: SurveySet } | { ok: false; problems: string[] };

export function validateSurveySet(sources: readonly SurveySource[], ctx: SurveyValidationContext): SurveySetResult {
  const problems: string[] = [];
  const surveys = new Map<string, SurveyDefinition>();
  const files = new Map<string, string>();
  for (const { file, doc } of sources) {
    const parsed = surveyDefinitionSchema.safeParse(doc);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${[file, ...issue.path.map(String)].join(" › ")}: ${issue.message}`);
      continue;
    }
    const survey = parsed.data;
    const where = `${file} › ${survey.id}`;
    if (files.has(survey.id)) {
      problems.push(`${where}: duplicate survey id (also in ${files.get(survey.id)})`);
      continue;
    }
    files.set(survey.id, file);
    if (file.replace(/\.ya?ml$/, "") !== survey.id)
      problems.push(`${where}: the file must be named '${survey.id}.yaml'`);
    problems.push(...checkSurvey(survey, where, ctx));
    surveys.set(survey.id, survey);
  }
  return problems.length ? { ok: false, problems } : { ok: true, surveys };
}

function checkSurvey(survey: SurveyDefinition, where: string, ctx: SurveyValidationContext): string[] {
  const problems: string[] = [];
  const checkKey = (path: string, key: string) => {
    for (const locale of ctx.locales)
      if (!ctx.hasKey(locale, key)) problems.push(`${path}: locale key '${key}' missing in '${locale}'`);
  };
  checkKey(`${where} › title`, survey.title);
  checkKey(`${where} › intro`, survey.intro);
  if (durationMs(survey.expiresAfter) <= 0) problems.push(`${where} › expiresAfter: must be longer than zero`);
  if (durationMs(survey.idleAfter) <= 0) problems.push(`${where} › idleAfter: must be longer than zero`);
  const ids = new Set<string>();
  for (const question of survey.questions) {
    const at = `${where} › ${question.id}`;
    if (ids.has(question.id)) problems.push(`${at}: duplicate question id`);
    ids.add(question.id);
    for (const { field, key } of questionKeys(question)) checkKey(`${at} › ${field}`, key);
    if (question.type === "choice") {
      const optionIds = new Set<string>();
      question.options.forEach((o, i) => {
        if (optionIds.has(o.id)) problems.push(`${at} › options.${i}.id: duplicate option id '${o.id}'`);
        optionIds.add(o.id);
      });
    }
  }
  return problems;
}

function questionKeys(question: SurveyQuestion): { field: string; key: string }[] {
  const keys = [{ field: "text", key: question.text }];
  if (question.type === "scale") (question.labels ?? []).forEach((key, i) => keys.push({ field: `labels.${i}`, key }));
  if (question.type === "choice")
    question.options.forEach((o, i) => keys.push({ field: `options.${i}.label`, key: o.label }));
  return keys;
}
