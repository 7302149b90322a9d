/**
 * Telegram update → InboundMessage. Messages get `${chat.id}:${message_id}` as channel message id,
 * callback queries `cb:${id}`, so an update delivered twice is recognised by the inbound log.
 * Returns undefined for what Rinde does not handle (channel posts, edits, other bots, bot status).
 */
import type { CallbackQuery, Message, Update, User } from "telegraf/types";
import { geoRef } from "../../core/geo.ts";
import type { InboundMedia, InboundMessage } from "../channel.ts";
import { channelMessageId, parseCallbackData } from "./render.ts";

export interface UpdateContext {
  /** The bot's username, to strip `/command@username` and to ignore commands meant for other bots. */
  botUsername?: string;
  nowMs: number;
}

export function toInbound(update: Update, ctx: UpdateContext): InboundMessage | undefined {
  if ("message" in update) return fromMessage(update.message, ctx);
  if ("callback_query" in update) return fromCallbackQuery(update.callback_query, ctx);
  return undefined;
}

type AnyMessage = Message & Partial<Message.TextMessage & Message.CaptionableMessage>;

function chatKindOf(type: string): "private" | "group" | undefined {
  if (type === "private") return "private";
  if (type === "group" || type === "supergroup") return "group";
  return undefined;
}

function fromMessage(raw: Message, ctx: UpdateContext): InboundMessage | undefined {
  const message = raw as AnyMessage;
  const chatKind = chatKindOf(message.chat.type);
  if (!chatKind || !message.from || message.from.is_bot) return undefined;
  const command = normalizeCommand(message.text ?? message.caption, ctx.botUsername);
  if (command === null) return undefined;
  const address = String(message.chat.id);
  const replyTo = message.reply_to_message;
  return {
    channel: "telegram",
    channelMessageId: channelMessageId(address, message.message_id),
    address,
    chatKind,
    ...senderOf(chatKind, message.from),
    ...(command.text !== undefined ? { text: command.text } : {}),
    ...(command.startPayload !== undefined ? { startPayload: command.startPayload } : {}),
    ...optional("media", mediaOf(message)),
    ...(replyTo ? { replyToChannelMessageId: channelMessageId(address, replyTo.message_id) } : {}),
    channelMessageIdForReply: channelMessageId(address, message.message_id),
    ...optional("languageHint", message.from.language_code),
    receivedAtMs: ctx.nowMs,
  };
}

function fromCallbackQuery(query: CallbackQuery, ctx: UpdateContext): InboundMessage | undefined {
  const message = query.message;
  const chatKind = message ? chatKindOf(message.chat.type) : undefined;
  if (!message || !chatKind) return undefined;
  const address = String(message.chat.id);
  const onChannelMessageId = channelMessageId(address, message.message_id);
  const data = parseCallbackData("data" in query ? query.data : undefined);
  return {
    channel: "telegram",
    channelMessageId: `cb:${query.id}`,
    address,
    chatKind,
    ...senderOf(chatKind, query.from),
    // The engine reads an option by its number, like typed input.
    ...(data.kind === "option" ? { text: String(data.index + 1) } : {}),
    button: {
      onChannelMessageId,
      ...(data.kind === "option" ? { optionIndex: data.index } : {}),
      ...(data.kind === "action" ? { action: data.action } : {}),
    },
    channelMessageIdForReply: onChannelMessageId,
    ...optional("languageHint", query.from.language_code),
    receivedAtMs: ctx.nowMs,
  };
}

function senderOf(chatKind: "private" | "group", from: User): { senderId?: string } {
  return chatKind === "group" ? { senderId: String(from.id) } : {};
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * `/cmd@ThisBot args` → `/cmd args`; `/start <payload>` → text `/start` and the payload. A command
 * addressed to another bot (`/cmd@OtherBot`) → null: not for us.
 */
function normalizeCommand(
  text: string | undefined,
  botUsername: string | undefined,
): { text?: string; startPayload?: string } | null {
  if (text === undefined) return {};
  const match = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{3,64}))?(?=\s|$)([\s\S]*)$/.exec(text);
  if (!match) return { text };
  const [, name = "", target, rest = ""] = match;
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return null;
  if (name.toLowerCase() === "start") {
    const payload = rest.trim();
    // Telegram deep-link payloads: up to 64 characters A-Z, a-z, 0-9, _ and -.
    return /^[A-Za-z0-9_-]{1,64}$/.test(payload) ? { text: "/start", startPayload: payload } : { text: "/start" };
  }
  return { text: `/${name}${rest}` };
}

function mediaOf(message: AnyMessage): InboundMedia | undefined {
  if ("photo" in message && message.photo?.length) {
    // Telegram sends several sizes, smallest first: keep the largest.
    return { kind: "photo", fileRef: message.photo[message.photo.length - 1]!.file_id, mimeType: "image/jpeg" };
  }
  if ("document" in message && message.document) {
    const { file_id, mime_type, file_name } = message.document;
    return {
      kind: "document",
      fileRef: file_id,
      ...optional("mimeType", mime_type),
      ...optional("fileName", file_name),
    };
  }
  if ("sticker" in message) return { kind: "sticker" };
  if ("voice" in message) return { kind: "voice" };
  if ("audio" in message) return { kind: "audio" };
  if ("video" in message || "video_note" in message || "animation" in message) return { kind: "video" };
  if ("location" in message || "venue" in message) return locationOf(message);
  if ("contact" in message) return { kind: "contact" };
  if (!("text" in message)) return { kind: "other" };
  return undefined;
}

/**
 * A shared point, or a venue (a point with its name and address). A live location has no fixed
 * point to keep (its updates arrive as edits, which are not read): no reference, so it is not kept.
 */
function locationOf(message: AnyMessage): InboundMedia {
  const venue = "venue" in message ? (message as Message.VenueMessage).venue : undefined;
  const location =
    venue?.location ?? ("location" in message ? (message as Message.LocationMessage).location : undefined);
  const live = location !== undefined && "live_period" in location;
  const fileRef = location && !live ? geoRef(location.latitude, location.longitude) : undefined;
  return {
    kind: "location",
    ...optional("fileRef", fileRef),
    ...optional("placeName", venue?.title || undefined),
    ...optional("placeAddress", venue?.address || undefined),
  };
}
