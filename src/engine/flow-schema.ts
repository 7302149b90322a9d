/**
 * The shape of conversation flows (`flows/*.yaml`). Step kinds form one discriminated union of
 * strict objects, so a typo in a field name fails at start-up instead of silently doing nothing.
 * Cross-step checks (references, reachability, actions, locale keys) live in flow-validate.ts.
 */
import { z } from "zod";

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lowercase letters, digits and '_', starting with a letter");
/** `step` (same flow) or `flow.step` (another flow). */
export const stepRefSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, "use 'step' or 'flow.step'");
const textKey = z.string().regex(/^[a-z][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)+$/, "use a locale key like 'section.key'");
const variable = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, "use a camelCase variable name");

const option = z
  .object({
    label: textKey,
    next: stepRefSchema,
    /** Stored in `save` when chosen; defaults to the option's position (1-based). */
    value: z.string().optional(),
    /** Locale key of other ways to say this option (comma-separated phrases), matched like the label. */
    words: textKey.optional(),
  })
  .strict();

const messageStep = z
  .object({
    id,
    type: z.literal("message"),
    text: textKey,
    /** Where to go next; without it the conversation becomes idle. */
    next: stepRefSchema.optional(),
  })
  .strict();

const menuStep = z
  .object({
    id,
    type: z.literal("menu"),
    text: textKey,
    /** Fixed options from the flow. */
    options: z.array(option).min(1).max(12).optional(),
    /** Or: a variable holding `[{ value, label }]` prepared by an earlier action. */
    optionsFrom: variable.optional(),
    /** Variable receiving the chosen option's value. */
    save: variable.optional(),
    /** Next step for `optionsFrom` menus. */
    next: stepRefSchema.optional(),
    /** Free text that matches no option goes here (saved in `save`), instead of a "not understood" reply. */
    fallback: z.object({ save: variable, next: stepRefSchema }).strict().optional(),
    /**
     * A message asking about one radicado (core/reference.ts `referenceRequest`) goes here, the
     * radicado saved in `save` in canonical form. Checked before the options and the fallback.
     */
    reference: z.object({ save: variable, next: stepRefSchema }).strict().optional(),
    /** Reply when the input matches no option. */
    invalid: textKey.optional(),
  })
  .strict();

const inputStep = z
  .object({
    id,
    type: z.literal("input"),
    text: textKey,
    save: variable,
    validate: z
      .object({
        minLength: z.number().int().min(1).optional(),
        maxLength: z.number().int().min(1).optional(),
        /** Named pattern checked by the engine; `reference` takes a radicado written inside the text. */
        pattern: z.enum(["reference", "digits"]).optional(),
      })
      .strict()
      .default({}),
    invalid: textKey,
    next: stepRefSchema,
  })
  .strict();

const actionStep = z
  .object({
    id,
    type: z.literal("action"),
    action: z.string().regex(/^[a-z][a-z_]*\.[a-z][a-z_]*$/, "use 'domain.verb', e.g. 'question.file'"),
    /** Next step per result; `default` catches results not listed. */
    on: z.record(z.string(), stepRefSchema),
  })
  .strict();

export const stepSchema = z.discriminatedUnion("type", [messageStep, menuStep, inputStep, actionStep]);

export const flowSchema = z
  .object({
    id,
    version: z.number().int().min(1),
    start: id,
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export const commandsSchema = z
  .object({
    /** Where idle input goes (as if the citizen were at that menu). */
    idle: stepRefSchema,
    /** Where a citizen without a conversation starts. */
    entry: stepRefSchema,
    commands: z
      .array(
        z
          .object({
            id,
            /** Locale key of a comma-separated list of words that trigger the command in that language. */
            words: textKey,
            next: stepRefSchema,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type Step = z.infer<typeof stepSchema>;
export type MenuStep = z.infer<typeof menuStep>;
export type InputStep = z.infer<typeof inputStep>;
export type ActionStep = z.infer<typeof actionStep>;
export type Flow = z.infer<typeof flowSchema>;
export type CommandsFile = z.infer<typeof commandsSchema>;
