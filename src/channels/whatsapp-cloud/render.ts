/**
 * OutboundMessage → Graph API message bodies (without `messaging_product` and `to`): reply buttons
 * when the options fit (≤ 3, titles ≤ 20 characters and all different), a list when they fit one (≤ 10
 * rows, menu options numbered as typing their number works, titles
 * ≤ 24, longer labels cut there and whole in the row's description, ≤ 72), numbered text
 * otherwise; officials' action buttons the same way (dropped when they fit neither); a template
 * when one is given; long texts split at 4096 characters. Limits from Meta's Cloud API reference
 * ("Interactive messages", "Text messages").
 */
import { renderNumberedOptions, type OutboundMessage } from "../channel.ts";
import { splitText } from "../telegram/render.ts";

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
export const MAX_INTERACTIVE_BODY_LENGTH = 1024;
export const MAX_BUTTONS = 3;
export const MAX_BUTTON_TITLE_LENGTH = 20;
export const MAX_LIST_ROWS = 10;
export const MAX_ROW_TITLE_LENGTH = 24;
export const MAX_ROW_DESCRIPTION_LENGTH = 72;
const MAX_BUTTON_ID_LENGTH = 256;

export type GraphMessage = { type: string; context?: { message_id: string } } & Record<string, unknown>;

/** Reply-button id of option `index` (0-based) and of an action, read back by normalize.ts. */
export const optionId = (index: number) => `o:${index}`;
export const actionId = (action: string) => `a:${action}`;

const length = (s: string) => [...s].length;

/** The message's parts in sending order (the file, if any, is the channel's: it needs an upload first). */
export function renderMessage(message: OutboundMessage, labels: { listButton: string }): GraphMessage[] {
  const context = message.replyToChannelMessageId ? { context: { message_id: message.replyToChannelMessageId } } : {};
  if (message.template) {
    const { name, language, parameters } = message.template;
    const components = parameters.length
      ? [{ type: "body", parameters: parameters.map((text) => ({ type: "text", text })) }]
      : [];
    return [{ type: "template", template: { name, language: { code: language }, components } }];
  }
  const interactive = interactiveFor(message, labels);
  if (interactive) return [{ type: "interactive", interactive, ...context }];
  const parts = splitText(renderNumberedOptions(message.text, message.options), MAX_TEXT_LENGTH);
  return parts.map((body, i) => ({ type: "text", text: { body, preview_url: false }, ...(i === 0 ? context : {}) }));
}

function interactiveFor(message: OutboundMessage, labels: { listButton: string }): Record<string, unknown> | undefined {
  if (length(message.text) > MAX_INTERACTIVE_BODY_LENGTH || !message.text.trim()) return undefined;
  const choices = message.options?.length
    ? message.options.map((label, i) => ({ id: optionId(i), label }))
    : (message.buttons ?? []).map((b) => ({ id: actionId(b.action), label: b.label }));
  if (choices.length === 0 || choices.some((c) => c.id.length > MAX_BUTTON_ID_LENGTH)) return undefined;
  // Meta refuses reply buttons whose titles repeat (error 131009): then they go as numbered text.
  if (new Set(choices.map((c) => c.label.trim())).size < choices.length) return undefined;
  const body = { text: message.text };
  if (choices.length <= MAX_BUTTONS && choices.every((c) => fits(c.label, MAX_BUTTON_TITLE_LENGTH))) {
    return {
      type: "button",
      body,
      action: { buttons: choices.map((c) => ({ type: "reply", reply: { id: c.id, title: c.label } })) },
    };
  }
  // A list's rows are hidden behind its button: menu options there carry their number ("1. Hacer una
  // pregunta…"), as the text asking for them says ("Escriba el número de una opción") and as typing
  // it works. Reply buttons show at once and keep their words whole.
  const rowChoices = message.options?.length
    ? choices.map((c, i) => ({ ...c, label: `${i + 1}. ${c.label}` }))
    : choices;
  if (rowChoices.length <= MAX_LIST_ROWS && rowChoices.every((c) => fits(c.label, MAX_ROW_DESCRIPTION_LENGTH))) {
    // A label too long for a row title shows cut in the title and whole in the description.
    const rows = rowChoices.map((c) =>
      length(c.label) <= MAX_ROW_TITLE_LENGTH
        ? { id: c.id, title: c.label }
        : { id: c.id, title: shorten(c.label, MAX_ROW_TITLE_LENGTH), description: c.label },
    );
    return {
      type: "list",
      body,
      action: { button: labels.listButton.slice(0, MAX_BUTTON_TITLE_LENGTH), sections: [{ rows }] },
    };
  }
  // Options become numbered text; action buttons are dropped (the text makes sense alone).
  return undefined;
}

const fits = (title: string, max: number) => title.trim().length > 0 && length(title) <= max;

/** `label` cut to `max` characters at a word boundary when it can, with an ellipsis. */
function shorten(label: string, max: number): string {
  const chars = [...label].slice(0, max - 1).join("");
  const space = chars.lastIndexOf(" ");
  return `${(space > max / 2 ? chars.slice(0, space) : chars).trimEnd()}…`;
}
