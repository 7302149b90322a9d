/**
 * The channel port. An adapter turns a channel's update into an InboundMessage and an
 * OutboundMessage into the channel's API call; it holds no business rules, no SQL, no retries.
 */

export type ChannelId = "console" | "telegram" | "whatsapp" | "memory";

export type MediaKind = "photo" | "document" | "sticker" | "voice" | "audio" | "video" | "location" | "contact" | "other";

export interface InboundMedia {
  kind: MediaKind;
  /** The channel's reference to the file (e.g. a Telegram file_id); never the bytes. */
  fileRef?: string;
  mimeType?: string;
  fileName?: string;
}

export interface InboundMessage {
  channel: ChannelId;
  /** Unique per channel; the same id twice means the same message delivered twice. */
  channelMessageId: string;
  /** Where replies go (a private chat, a group, a WhatsApp JID). */
  address: string;
  chatKind: "private" | "group";
  /** The sender inside a group chat (the official), when it differs from the address. */
  senderId?: string;
  text?: string;
  media?: InboundMedia;
  /** Deep-link payload (Telegram `/start <payload>`). */
  startPayload?: string;
  /** The channel message id this message replies to or quotes. */
  replyToChannelMessageId?: string;
  /** The id to quote when replying to this message in a group (Telegram message_id), if any. */
  channelMessageIdForReply?: string;
  /** The sender's language as reported by the channel (e.g. "es", "en-US"). */
  languageHint?: string;
  receivedAtMs: number;
}

export interface OutboundMessage {
  address: string;
  text: string;
  /** Option labels; the adapter shows them natively or as numbered text. */
  options?: string[];
  replyToChannelMessageId?: string;
}

export type SendResult =
  | { ok: true; channelMessageId?: string }
  | { ok: false; kind: "retry"; retryAfterMs: number; reason: string }
  | { ok: false; kind: "permanent"; reason: string; unreachable: boolean };

export interface ChannelCapabilities {
  /** Options rendered as buttons (true) or as numbered text (false). */
  nativeOptions: boolean;
  /** Longest text one outbound message may carry; longer texts are split by the adapter. */
  maxTextLength: number;
  /** Sends per second over all chats, and per chat. */
  ratePerSecond: number;
  ratePerChatPerSecond: number;
}

export interface Channel {
  readonly id: ChannelId;
  readonly capabilities: ChannelCapabilities;
  /** Connects and starts delivering inbound messages to `onInbound`, awaiting each. */
  start(onInbound: (message: InboundMessage) => Promise<void>): Promise<void>;
  /** Sends one message. Never throws for channel errors: it classifies them. */
  send(message: OutboundMessage): Promise<SendResult>;
  stop(): Promise<void>;
}

/** Renders options as numbered lines under the text, for channels without buttons. */
export function renderNumberedOptions(text: string, options: readonly string[] | undefined): string {
  if (!options?.length) return text;
  return `${text}\n\n${options.map((label, i) => `${i + 1}. ${label}`).join("\n")}`;
}
