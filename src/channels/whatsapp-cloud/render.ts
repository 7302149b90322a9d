/**
 * OutboundMessage → Graph API message bodies (without `messaging_product` and `to`): reply buttons
 * when the options fit (≤ 3, titles ≤ 20 characters), a list when they fit one (≤ 10 rows, titles
 * ≤ 24, longer labels cut there and whole in the row's description, ≤ 72), numbered text otherwise; action buttons the same way; a template when one is given;
 * long texts split at 4096 characters. Limits from Meta's Cloud API reference ("Interactive
 * messages", "Text messages").
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
    const components = parameters.length ? [{ type: "body", parameters: parameters.map((text) => ({ type: "text", text })) }] : [];
    return [{ type: "template", template: { name, language: { code: language }, components } }];
  }
  const interactive = interactiveFor(message, labels);
  if (interactive) return [{ type: "interactive", interactive, ...context }];
  const parts = splitText(renderNumberedOptions(message.text, message.options), MAX_TEXT_LENGTH);
  return parts.map((body, i) => ({ type: "text", text: { body, preview_url: false }, ...(i === 0 ? context : {}) }));
}

function interactiveFor(message: OutboundMessage, labels: { listButton: string }): Record<string, unknown> | undefined {
  if (length(message.text) > MAX_INTERACTIVE_BODY_LENGTH || !message.text.trim()) return undefined;
  const body = { text: message.text };
  const options = message.options ?? [];
  if (options.length > 0) {
    if (options.length <= MAX_BUTTONS && options.every((o) => fits(o, MAX_BUTTON_TITLE_LENGTH))) {
      return { type: "button", body, action: { buttons: options.map((title, i) => ({ type: "reply", reply: { id: optionId(i), title } })) } };
    }
    if (options.length <= MAX_LIST_ROWS && options.every((o) => fits(o, MAX_ROW_DESCRIPTION_LENGTH))) {
      // A label too long for a row title shows cut in the title and whole in the description.
      const rows = options.map((label, i) => (length(label) <= MAX_ROW_TITLE_LENGTH ? { id: optionId(i), title: label } : { id: optionId(i), title: shorten(label, MAX_ROW_TITLE_LENGTH), description: label }));
      return { type: "list", body, action: { button: labels.listButton.slice(0, MAX_BUTTON_TITLE_LENGTH), sections: [{ rows }] } };
    }
    return undefined;
  }
  const buttons = message.buttons ?? [];
  if (buttons.length > 0 && buttons.length <= MAX_BUTTONS && buttons.every((b) => fits(b.label, MAX_BUTTON_TITLE_LENGTH) && actionId(b.action).length <= MAX_BUTTON_ID_LENGTH)) {
    return { type: "button", body, action: { buttons: buttons.map((b) => ({ type: "reply", reply: { id: actionId(b.action), title: b.label } })) } };
  }
  return undefined;
}

const fits = (title: string, max: number) => title.trim().length > 0 && length(title) <= max;

/** `label` cut to `max` characters at a word boundary when it can, with an ellipsis. */
function shorten(label: string, max: number): string {
  const chars = [...label].slice(0, max - 1).join("");
  const space = chars.lastIndexOf(" ");
  return `${(space > max / 2 ? chars.slice(0, space) : chars).trimEnd()}…`;
}
