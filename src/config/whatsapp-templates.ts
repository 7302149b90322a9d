/**
 * The profile's `whatsappTemplates` section: which approved WhatsApp Cloud template carries each
 * kind of message outside the 24-hour customer-service window (issue 17), and which values fill
 * its {{1}}, {{2}}… in order. Each template must be created and approved in Meta's WhatsApp
 * Manager with the same name, language and number of variables (README "WhatsApp Cloud API").
 */
import { z } from "zod";

/**
 * What a message is, as far as WhatsApp's window is concerned. `notice` is the fallback for any
 * message without a kind of its own (a late reply, a calendar file).
 */
export const WHATSAPP_TEMPLATE_KINDS = [
  "answer",
  "question_update",
  "staff_notice",
  "announcement",
  "survey",
  "commitment_update",
  "notice",
] as const;
export type WhatsAppTemplateKind = (typeof WHATSAPP_TEMPLATE_KINDS)[number];

/**
 * Values a template variable may take: the message's own text (flattened to one line), the
 * question's radicado, the entity's name.
 */
export const WHATSAPP_TEMPLATE_VARIABLES = ["text", "reference", "entity"] as const;
export type WhatsAppTemplateVariable = (typeof WHATSAPP_TEMPLATE_VARIABLES)[number];

const templateSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, "lowercase letters, digits and underscores, as Meta names templates"),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "a Meta language code such as es or es_MX"),
    variables: z.array(z.enum(WHATSAPP_TEMPLATE_VARIABLES)).max(10),
  })
  .strict();

export type WhatsAppTemplate = z.infer<typeof templateSchema>;

/** The templates README lists, named as they are to be created. */
export const DEFAULT_WHATSAPP_TEMPLATES: Record<WhatsAppTemplateKind, WhatsAppTemplate> = {
  answer: { name: "rinde_respuesta", language: "es", variables: ["reference", "text"] },
  question_update: { name: "rinde_novedad_radicado", language: "es", variables: ["reference", "text"] },
  staff_notice: { name: "rinde_aviso_funcionario", language: "es", variables: ["text"] },
  announcement: { name: "rinde_anuncio", language: "es", variables: ["entity", "text"] },
  survey: { name: "rinde_encuesta", language: "es", variables: ["entity", "text"] },
  commitment_update: { name: "rinde_compromiso", language: "es", variables: ["entity", "text"] },
  notice: { name: "rinde_mensaje", language: "es", variables: ["entity", "text"] },
};

export const whatsappTemplatesSchema = z
  .object(
    Object.fromEntries(
      WHATSAPP_TEMPLATE_KINDS.map((kind) => [kind, templateSchema.default(DEFAULT_WHATSAPP_TEMPLATES[kind])]),
    ) as {
      [K in WhatsAppTemplateKind]: z.ZodDefault<typeof templateSchema>;
    },
  )
  .strict()
  .default(DEFAULT_WHATSAPP_TEMPLATES);
