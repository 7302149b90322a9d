/**
 * WhatsApp's 24-hour customer-service window as pure rules (issue 17): a business may send free-form
 * messages only within 24 hours of the person's last message; outside it, only an approved
 * template. Bulk messages (announcements, surveys to a segment) go only to people who opted in
 * (Meta's Business Messaging Policy). The adapter holds none of this: see whatsapp-window-channel.ts.
 */
import type { MessageOrigin, OutboundTemplate } from "../channels/channel.ts";
import type { WhatsAppTemplate, WhatsAppTemplateKind, WhatsAppTemplateVariable } from "../config/whatsapp-templates.ts";

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60_000;
/** Stop free-form a little early: the message must reach Meta while the window is still open. */
export const WINDOW_SAFETY_MARGIN_MS = 5 * 60_000;
/** Longest value of one template variable: Meta caps the whole body at 1,024 characters. */
export const MAX_TEMPLATE_VARIABLE_LENGTH = 700;

export type WindowDecision =
  | { mode: "free_form" }
  | { mode: "template"; kind: WhatsAppTemplateKind; template: WhatsAppTemplate }
  | { mode: "refuse"; reason: "not_opted_in" };

/** What an outbox row is, read from its idempotency key (the services' naming, see src/services). */
export function templateKindOf(origin: Pick<MessageOrigin, "idempotencyKey">): WhatsAppTemplateKind {
  const key = origin.idempotencyKey;
  if (/:official-\d+(:|$)/.test(key) || /^q:\d+:notice-closed:/.test(key) || key.startsWith("deadline:"))
    return "staff_notice";
  if (/^q:\d+:answer$/.test(key)) return "answer";
  if (key.startsWith("q:")) return "question_update";
  if (key.startsWith("ann:")) return "announcement";
  if (key.startsWith("survey:")) return "survey";
  if (key.startsWith("cm:")) return "commitment_update";
  return "notice";
}

/**
 * Free-form inside the window; outside it the kind's template. Bulk announcements and surveys
 * (priority 1) need the citizen's opt-in whatever the window.
 */
export function decideWhatsAppSend(input: {
  nowMs: number;
  /** When the recipient last wrote, if ever. */
  lastInboundMs: number | undefined;
  origin: Pick<MessageOrigin, "idempotencyKey" | "priority">;
  templates: Record<WhatsAppTemplateKind, WhatsAppTemplate>;
  optedIn: boolean;
}): WindowDecision {
  const kind = templateKindOf(input.origin);
  if ((kind === "announcement" || kind === "survey") && input.origin.priority > 0 && !input.optedIn)
    return { mode: "refuse", reason: "not_opted_in" };
  if (isWindowOpen(input.lastInboundMs, input.nowMs)) return { mode: "free_form" };
  return templateDecision(kind, input.templates);
}

export type TemplateDecision = Extract<WindowDecision, { mode: "template" }>;

export function templateDecision(
  kind: WhatsAppTemplateKind,
  templates: Record<WhatsAppTemplateKind, WhatsAppTemplate>,
): TemplateDecision {
  return { mode: "template", kind, template: templates[kind] };
}

export function isWindowOpen(lastInboundMs: number | undefined, nowMs: number): boolean {
  return lastInboundMs !== undefined && nowMs - lastInboundMs < WHATSAPP_WINDOW_MS - WINDOW_SAFETY_MARGIN_MS;
}

/**
 * The template with its variables filled in. Meta refuses parameters with line breaks, tabs or
 * more than four spaces in a row, so each value is flattened to one line; a long text is cut with
 * an ellipsis (the whole text stays in the outbox row and on the question's record).
 */
export function fillTemplate(
  template: WhatsAppTemplate,
  values: Record<WhatsAppTemplateVariable, string>,
): OutboundTemplate {
  return {
    name: template.name,
    language: template.language,
    parameters: template.variables.map((v) => templateParameter(values[v])),
  };
}

export function templateParameter(value: string): string {
  const flat = value
    .replace(/\s*\n+\s*/g, " · ")
    .replace(/[\t\u00a0]/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
  const chars = [...flat];
  const text =
    chars.length <= MAX_TEMPLATE_VARIABLE_LENGTH
      ? flat
      : `${chars
          .slice(0, MAX_TEMPLATE_VARIABLE_LENGTH - 1)
          .join("")
          .trimEnd()}…`;
  // An empty parameter is refused too.
  return text || "-";
}
