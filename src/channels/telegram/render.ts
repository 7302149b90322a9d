/**
 * OutboundMessage → Telegram message parts: text split at Telegram's 4096-character limit on line
 * boundaries, options and action buttons as an inline keyboard (callback data ≤ 64 bytes), forced
 * replies. Text always goes without parse_mode, so nothing in it is read as formatting.
 */
import type { ForceReply, InlineKeyboardButton, InlineKeyboardMarkup } from "telegraf/types";
import type { OutboundMessage } from "../channel.ts";

/** Telegram's limit for a message text, and for a media caption, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
/** Telegram's limit for callback_data, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/** Callback data of option `index` (0-based). */
export const optionData = (index: number): string => `o:${index}`;
/** Callback data of an action button. */
export const actionData = (action: string): string => `a:${action}`;

export type CallbackData = { kind: "option"; index: number } | { kind: "action"; action: string } | { kind: "unknown" };

export function parseCallbackData(data: string | undefined): CallbackData {
  if (!data) return { kind: "unknown" };
  const option = /^o:(\d{1,3})$/.exec(data);
  if (option) return { kind: "option", index: Number(option[1]) };
  if (data.startsWith("a:") && data.length > 2) return { kind: "action", action: data.slice(2) };
  return { kind: "unknown" };
}

/**
 * Splits `text` into parts of at most `max` characters, preferring line breaks, then spaces; a
 * single unbroken run longer than `max` is cut. No part is empty; surrogate pairs are kept whole.
 */
export function splitText(text: string, max = MAX_TEXT_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf("\n", max);
    if (cut <= 0) cut = rest.lastIndexOf(" ", max);
    if (cut <= 0) cut = isLowSurrogate(rest.charCodeAt(max)) ? max - 1 : max;
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^[\n ]+/, "");
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Shortens `text` to `max` characters with an ellipsis (captions, edits). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = isLowSurrogate(text.charCodeAt(max - 1)) ? max - 2 : max - 1;
  return `${text.slice(0, cut)}…`;
}

/** Inline keyboard for options (one per row) or action buttons; undefined when there are none. */
export function inlineKeyboard(
  message: Pick<OutboundMessage, "options" | "buttons">,
): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = [];
  message.options?.forEach((label, i) => rows.push([{ text: label, callback_data: optionData(i) }]));
  for (const button of message.buttons ?? []) {
    const data = actionData(button.action);
    // An action that does not fit would be refused by Telegram with the whole message: drop the button.
    if (Buffer.byteLength(data) <= MAX_CALLBACK_DATA_BYTES) rows.push([{ text: button.label, callback_data: data }]);
  }
  return rows.length ? { inline_keyboard: rows } : undefined;
}

/** The reply markup for a message: its keyboard, or a forced reply. */
export function replyMarkup(
  message: Pick<OutboundMessage, "options" | "buttons" | "forceReply">,
): InlineKeyboardMarkup | ForceReply | undefined {
  return inlineKeyboard(message) ?? (message.forceReply ? { force_reply: true } : undefined);
}

/** A chat id as Telegram wants it: a number for numeric ids, else the string (e.g. "@channel"). */
export function toChatId(address: string): number | string {
  return /^-?\d{1,16}$/.test(address) ? Number(address) : address;
}

/** `${chat id}:${message id}`, the channel message id of every Telegram message. */
export const channelMessageId = (chatId: number | string, messageId: number): string => `${chatId}:${messageId}`;

/** The message id inside a channel message id, if it belongs to `address`. */
export function messageIdIn(address: string, id: string | undefined): number | undefined {
  if (!id) return undefined;
  const match = /^(-?\w+):(\d+)$/.exec(id);
  return match && match[1] === address ? Number(match[2]) : undefined;
}
