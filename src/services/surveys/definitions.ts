/**
 * Reading survey definitions from `flows/surveys/*.yaml` at start-up (validated whole, one
 * ConfigError listing every problem), and the words and option labels of every language that
 * answers are read with.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseYamlCached } from "../../config/yaml.ts";
import { ConfigError } from "../../config/errors.ts";
// Named modules, not the index: the index also brings the paper-answers importer (csv-parse), which
// the CLI's survey and plan commands, reading these definitions, never use (issue 12, point 7).
import type { AnswerWords } from "../../core/surveys/answers.ts";
import { SCALE_VALUES, type SurveyQuestion } from "../../core/surveys/definition.ts";
import {
  validateSurveySet,
  type SurveySet,
  type SurveySource,
  type SurveyValidationContext,
} from "../../core/surveys/validate.ts";
import type { Translator } from "../../i18n/index.ts";

export function loadSurveySet(dir: string, ctx: SurveyValidationContext): SurveySet {
  if (!existsSync(dir)) return new Map();
  const problems: string[] = [];
  const sources: SurveySource[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    try {
      sources.push({ file, doc: parseYamlCached(readFileSync(join(dir, file), "utf8")) });
    } catch (error) {
      problems.push(`${file}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  const result = validateSurveySet(sources, ctx);
  if (result.ok && problems.length === 0) return result.surveys;
  if (!result.ok) problems.push(...result.problems);
  throw new ConfigError(
    "surveys_invalid",
    `Invalid survey definitions in ${dir}:\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
}

/** The words answers are read with, in every language (`surveys.words.*`). */
export function answerWords(translator: Translator): AnswerWords {
  return {
    yes: translator.wordsInAllLocales("surveys.words.yes"),
    no: translator.wordsInAllLocales("surveys.words.no"),
    skip: translator.wordsInAllLocales("surveys.words.skip"),
    optOut: translator.wordsInAllLocales("surveys.words.opt_out"),
  };
}

/** Locale keys of a question's option labels, in option order (none for free text). */
export function optionLabelKeys(question: SurveyQuestion): string[] {
  switch (question.type) {
    case "scale":
      return question.labels ?? SCALE_VALUES.map((v) => `surveys.scale.${v}`);
    case "yes_no":
      return ["surveys.answer.yes", "surveys.answer.no"];
    case "choice":
      return question.options.map((o) => o.label);
    case "text":
      return [];
  }
}

/** Each option's label in every language, for reading typed or paper answers. */
export function optionLabelsAllLocales(translator: Translator, question: SurveyQuestion): string[][] {
  return optionLabelKeys(question).map((key) => translator.locales.map((l) => translator.t(l, key)));
}
