/**
 * The shape of survey definitions (`flows/surveys/*.yaml`): at most five short questions of four
 * kinds (1–5 scale, yes/no, single choice, short free text), every text a locale key, and when the
 * survey is sent (after an answer, after an event, or ad hoc). Strict objects, so a typo in a field
 * fails at start-up. Whole-set checks (ids, locale keys) live in ./validate.ts.
 */
import { z } from "zod";

/** Most questions a survey may have: short surveys get answered. */
export const MAX_QUESTIONS = 5;
/** Longest free-text answer a question may allow, in characters. */
export const MAX_TEXT_LENGTH = 1000;
export const SCALE_VALUES = ["1", "2", "3", "4", "5"] as const;

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lowercase letters, digits and '_', starting with a letter");
const textKey = z.string().regex(/^[a-z][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)+$/, "use a locale key like 'section.key'");

/** A length of time; the parts add up. */
export const durationSchema = z
  .object({
    days: z.number().int().min(0).max(365).optional(),
    hours: z
      .number()
      .int()
      .min(0)
      .max(24 * 365)
      .optional(),
    minutes: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 365)
      .optional(),
  })
  .strict();
export type Duration = z.infer<typeof durationSchema>;

export function durationMs(d: Duration): number {
  return (((d.days ?? 0) * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60_000;
}

const base = {
  id,
  text: textKey,
  /** Optional questions can be skipped ("Omitir" in chat, an empty cell on paper). */
  optional: z.boolean().default(false),
};

const scaleQuestion = z
  .object({
    ...base,
    type: z.literal("scale"),
    /** Labels of 1..5 (locale keys); the generic "Muy mal … Muy bien" when omitted. */
    labels: z.array(textKey).length(5, "a 1–5 scale needs exactly 5 labels").optional(),
  })
  .strict();
const yesNoQuestion = z.object({ ...base, type: z.literal("yes_no") }).strict();
const choiceQuestion = z
  .object({
    ...base,
    type: z.literal("choice"),
    options: z
      .array(z.object({ id, label: textKey }).strict())
      .min(2)
      .max(9),
  })
  .strict();
const textQuestion = z
  .object({
    ...base,
    type: z.literal("text"),
    maxLength: z.number().int().min(1).max(MAX_TEXT_LENGTH).default(500),
  })
  .strict();

export const surveyQuestionSchema = z.discriminatedUnion("type", [
  scaleQuestion,
  yesNoQuestion,
  choiceQuestion,
  textQuestion,
]);

export const TRIGGER_KINDS = ["question_answered", "event_ended", "ad_hoc"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

const triggerSchema = z.discriminatedUnion("kind", [
  /** Sent to the citizen whose question was answered, `after` the answer. */
  z.object({ kind: z.literal("question_answered"), after: durationSchema }).strict(),
  /** Sent to those who said they would come (RSVP yes), `after` the event ends. */
  z.object({ kind: z.literal("event_ended"), after: durationSchema }).strict(),
  /** Sent only when staff send it to a segment (`rinde surveys send`). */
  z.object({ kind: z.literal("ad_hoc") }).strict(),
]);

export const surveyDefinitionSchema = z
  .object({
    id,
    version: z.number().int().min(1),
    /** Short name for staff and results (locale key). */
    title: textKey,
    /** First lines the citizen reads (locale key; may use {{reference}}, {{officeName}}, {{eventTitle}}, {{count}}). */
    intro: textKey,
    trigger: triggerSchema,
    /** How long after delivery starts the survey stays open. */
    expiresAfter: durationSchema.default({ days: 3 }),
    /** A conversation untouched this long counts as idle even away from the main menu. */
    idleAfter: durationSchema.default({ minutes: 30 }),
    questions: z
      .array(surveyQuestionSchema)
      .min(1, "a survey needs at least one question")
      .max(MAX_QUESTIONS, `a survey has at most ${MAX_QUESTIONS} questions`),
  })
  .strict();

export type SurveyDefinition = z.infer<typeof surveyDefinitionSchema>;
export type SurveyQuestion = z.infer<typeof surveyQuestionSchema>;
export type QuestionType = SurveyQuestion["type"];

/** The definition snapshot stored on a survey run as JSON (validated when the run was made). */
export function definitionOf(run: { definition: string }): SurveyDefinition {
  return surveyDefinitionSchema.parse(JSON.parse(run.definition));
}
