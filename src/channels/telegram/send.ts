/**
 * OutboundMessage → Bot API calls: text (split at 4096 characters, keyboard or forced reply on the
 * last part), one photo or document by file reference with the text as caption, a file made by the
 * bot (an event's .ics) uploaded as a document, a location (the text, then the pin or venue), or an
 * edit of an earlier message. Failures are
 * classified, never thrown (send-errors.ts).
 */
import type { Telegram } from "telegraf";
import type { OutboundMessage, SendResult } from "../channel.ts";
import {
  channelMessageId,
  inlineKeyboard,
  MAX_CAPTION_LENGTH,
  MAX_TEXT_LENGTH,
  messageIdIn,
  replyMarkup,
  splitText,
  toChatId,
  truncate,
} from "./render.ts";
import { classifySendError, isNotModified } from "./send-errors.ts";

/** Returns the channel's `send`. Every text goes without parse_mode and without link previews. */
export function createSender(telegram: Telegram): (message: OutboundMessage) => Promise<SendResult> {
  // Parts of a long text already sent, so a retry after a failure halfway does not repeat them.
  const partial = new Map<string, { sent: number; lastMessageId: number }>();
  // Texts sent ahead of a file that then failed (key → the text's message id): a retry sends only the file.
  const sentBeforeFile = new Map<string, string>();

  async function sendText(message: OutboundMessage, chatId: number | string): Promise<SendResult> {
    const parts = splitText(message.text, MAX_TEXT_LENGTH);
    const key = parts.length > 1 ? `${message.address}\u0000${message.text}` : undefined;
    const done = key ? partial.get(key) : undefined;
    const replyTo = messageIdIn(message.address, message.replyToChannelMessageId);
    const markup = replyMarkup(message);
    let lastMessageId = done?.lastMessageId ?? 0;
    for (let i = done?.sent ?? 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const sent = await telegram.sendMessage(chatId, parts[i]!, {
        link_preview_options: { is_disabled: true },
        ...(i === 0 && replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
        ...(last && markup ? { reply_markup: markup } : {}),
      });
      lastMessageId = sent.message_id;
      if (key && !last) {
        if (partial.size > 1_000) partial.clear();
        partial.set(key, { sent: i + 1, lastMessageId });
      }
    }
    if (key) partial.delete(key);
    return { ok: true, channelMessageId: channelMessageId(message.address, lastMessageId) };
  }

  async function sendMedia(message: OutboundMessage, chatId: number | string): Promise<SendResult> {
    const media = message.media!;
    const replyTo = messageIdIn(message.address, message.replyToChannelMessageId);
    const markup = replyMarkup(message);
    const extra = {
      ...(message.text.trim() ? { caption: truncate(message.text, MAX_CAPTION_LENGTH) } : {}),
      ...(replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      ...(markup ? { reply_markup: markup } : {}),
    };
    const sent =
      media.kind === "photo"
        ? await telegram.sendPhoto(chatId, media.fileRef, extra)
        : await telegram.sendDocument(chatId, media.fileRef, extra);
    return { ok: true, channelMessageId: channelMessageId(message.address, sent.message_id) };
  }

  /**
   * Uploads `document` (the bytes, not a file reference). The text is its caption when it fits in
   * 1,024 characters; otherwise the text goes first (split as usual, with the keyboard) and the file
   * right after it, and the text's last message is the one returned (it carries the keyboard, and
   * an edit can replace its text). Telegram reads the file's type from its name, so the name keeps
   * its extension (telegraf sends no content type per upload).
   */
  async function sendDocument(message: OutboundMessage, chatId: number | string): Promise<SendResult> {
    const document = message.document!;
    const file = { source: Buffer.from(document.content, "utf8"), filename: uploadFileName(document.fileName) };
    if (message.text.length <= MAX_CAPTION_LENGTH) {
      const replyTo = messageIdIn(message.address, message.replyToChannelMessageId);
      const markup = replyMarkup(message);
      const sent = await telegram.sendDocument(chatId, file, {
        ...(message.text.trim() ? { caption: message.text } : {}),
        ...(replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      });
      return { ok: true, channelMessageId: channelMessageId(message.address, sent.message_id) };
    }
    const key = `${message.address}\u0000${document.fileName}\u0000${message.text}`;
    let textId = sentBeforeFile.get(key);
    if (textId === undefined) {
      const text = await sendText(message, chatId);
      textId = text.ok ? text.channelMessageId : undefined;
      if (textId !== undefined) {
        if (sentBeforeFile.size > 1_000) sentBeforeFile.clear();
        sentBeforeFile.set(key, textId);
      }
    }
    await telegram.sendDocument(chatId, file);
    sentBeforeFile.delete(key);
    return { ok: true, channelMessageId: textId };
  }

  /**
   * The text, then the place as Telegram's own location message (a venue when it has a name and an
   * address, which sendVenue requires both of); the text's id is returned. As for a document, a
   * retry after the text went out sends only the pin.
   */
  async function sendLocation(message: OutboundMessage, chatId: number | string): Promise<SendResult> {
    const { latitude, longitude, name, address } = message.location!;
    const key = `${message.address}\u0000geo:${latitude},${longitude}\u0000${message.text}`;
    let textId = sentBeforeFile.get(key);
    if (textId === undefined && message.text.trim()) {
      const text = await sendText(message, chatId);
      textId = text.ok ? text.channelMessageId : undefined;
      if (textId !== undefined) {
        if (sentBeforeFile.size > 1_000) sentBeforeFile.clear();
        sentBeforeFile.set(key, textId);
      }
    }
    const pin =
      name && address
        ? await telegram.sendVenue(chatId, latitude, longitude, name, address)
        : await telegram.sendLocation(chatId, latitude, longitude);
    sentBeforeFile.delete(key);
    return { ok: true, channelMessageId: textId ?? channelMessageId(message.address, pin.message_id) };
  }

  async function edit(message: OutboundMessage, chatId: number | string): Promise<SendResult> {
    const messageId = messageIdIn(message.address, message.editChannelMessageId);
    if (messageId === undefined)
      return { ok: false, kind: "permanent", reason: "edit target is not a message of this chat", unreachable: false };
    const keyboard = inlineKeyboard(message);
    try {
      await telegram.editMessageText(chatId, messageId, undefined, truncate(message.text, MAX_TEXT_LENGTH), {
        link_preview_options: { is_disabled: true },
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
    return { ok: true, channelMessageId: message.editChannelMessageId! };
  }

  return async (message) => {
    const chatId = toChatId(message.address);
    try {
      if (message.editChannelMessageId) return await edit(message, chatId);
      if (message.media) return await sendMedia(message, chatId);
      if (message.document) return await sendDocument(message, chatId);
      if (message.location) return await sendLocation(message, chatId);
      return await sendText(message, chatId);
    } catch (error) {
      return classifySendError(error);
    }
  };
}

/** A file name safe inside a multipart header (telegraf does not escape it); the extension stays. */
function uploadFileName(name: string): string {
  const safe = name.replace(/["\\/\u0000-\u001f]/g, "_").slice(-120);
  return safe || "file";
}
