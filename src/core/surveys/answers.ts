/**
 * Reading one answer, typed in chat or written in a CSV cell of a paper survey, into the value
 * stored: "1".."5" for a scale, "yes"/"no", the option id of a choice, the trimmed text of a free
 * answer, or a skip. Pure: the words and labels of every language come from the caller.
 */
import { isLongerThan } from "../text-length.ts";
import { MAX_TEXT_LENGTH, SCALE_VALUES, type SurveyQuestion } from "./definition.ts";

/** The value a chat menu saves for "skip this question". */
export const SKIP_VALUE = "_skip";

/** Words of every language (any case and accents), e.g. from the `surveys.words.*` locale keys. */
export interface AnswerWords {
  yes: readonly string[];
  no: readonly string[];
  skip: readonly string[];
  optOut: readonly string[];
}

export type AnswerProblem = "required" | "not_an_option" | "too_long";

export type Interpreted =
  { kind: "value"; value: string } | { kind: "skip" } | { kind: "invalid"; problem: AnswerProblem };

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Lowercase, accents removed, punctuation folded to single spaces. */
export function normalizeWord(text: string): string {
  return text.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(NOT_WORD, " ").trim();
}

/** The stored values of a question's options, in order (none for free text). */
export function optionValues(question: SurveyQuestion): string[] {
  switch (question.type) {
    case "scale":
      return [...SCALE_VALUES];
    case "yes_no":
      return ["yes", "no"];
    case "choice":
      return question.options.map((o) => o.id);
    case "text":
      return [];
  }
}

const includesWord = (words: readonly string[], input: string) => words.some((w) => normalizeWord(w) === input);

/**
 * Interprets `raw` for `question`. `optionLabels[i]` holds option i's labels in every language
 * (matched without case or accents). Accepted for options: the stored value, the option's number,
 * a label; for yes/no also the yes/no words and 1/0.
 */
export function interpretAnswer(
  question: SurveyQuestion,
  raw: string,
  words: AnswerWords,
  optionLabels: readonly (readonly string[])[] = [],
): Interpreted {
  const text = raw.trim();
  const input = normalizeWord(text);
  if (!text || text === SKIP_VALUE || (input && includesWord(words.skip, input))) {
    return question.optional ? { kind: "skip" } : { kind: "invalid", problem: "required" };
  }
  if (question.type === "text") {
    return isLongerThan(text, Math.min(question.maxLength, MAX_TEXT_LENGTH))
      ? { kind: "invalid", problem: "too_long" }
      : { kind: "value", value: text };
  }
  const values = optionValues(question);
  if (values.includes(text)) return { kind: "value", value: text };
  if (question.type === "yes_no") {
    if (input === "1" || includesWord(words.yes, input)) return { kind: "value", value: "yes" };
    if (input === "0" || includesWord(words.no, input)) return { kind: "value", value: "no" };
  }
  if (/^\d{1,2}$/.test(input)) {
    const n = Number(input);
    return n >= 1 && n <= values.length
      ? { kind: "value", value: values[n - 1]! }
      : { kind: "invalid", problem: "not_an_option" };
  }
  const byLabel = optionLabels.findIndex((labels) => labels.some((l) => normalizeWord(l) === input));
  if (byLabel !== -1 && byLabel < values.length) return { kind: "value", value: values[byLabel]! };
  const byValue = values.findIndex((v) => normalizeWord(v) === input);
  if (byValue !== -1) return { kind: "value", value: values[byValue]! };
  return { kind: "invalid", problem: "not_an_option" };
}

/** Whether the citizen asked to stop receiving surveys ("no más encuestas"). */
export function isOptOut(raw: string, words: AnswerWords): boolean {
  const input = normalizeWord(raw);
  return input.length > 0 && includesWord(words.optOut, input);
}
