/**
 * The channel port. An adapter turns a channel's update into an InboundMessage and an
 * OutboundMessage into the channel's API call; it holds no business rules, no SQL, no retries.
 */

export type ChannelId = "console" | "telegram" | "whatsapp" | "memory" | "email";

export type MediaKind =
  "photo" | "document" | "sticker" | "voice" | "audio" | "video" | "location" | "contact" | "other";

export interface InboundMedia {
  kind: MediaKind;
  /**
   * The channel's reference to the file (e.g. a Telegram file_id); never the bytes. For a location,
   * its coordinates as `geo:lat,lon` (src/core/geo.ts), absent when they are unusable (a live location).
   */
  fileRef?: string;
  mimeType?: string;
  fileName?: string;
  /**
   * The channel keeps the files it receives, so `fileRef` can be sent on later (the WhatsApp Cloud
   * API's media ids), where the channel id alone does not say so: Baileys, also `whatsapp`, cannot.
   */
  keptByChannel?: true;
  /** A location's place name and address as the channel gives them (a WhatsApp pin on a place, a Telegram venue). */
  placeName?: string;
  placeAddress?: string;
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
  /** A button the user pressed under one of our messages (e.g. a Telegram inline keyboard). */
  button?: InboundButton;
  receivedAtMs: number;
}

/**
 * A pressed button. For an option button `text` carries the option's number ("2"), so the engine
 * reads it like typed input; the service first checks that the button belongs to the menu the
 * conversation is waiting on (an older message's button is stale and changes nothing).
 */
export interface InboundButton {
  /** The channel message id of the message that carried the button. */
  onChannelMessageId: string;
  /** 0-based index of the chosen option, for option buttons. */
  optionIndex?: number;
  /** The `action` of an action button (see OutboundButton). */
  action?: string;
}

export interface OutboundMessage {
  address: string;
  /** Plain text, never markup: adapters send it without any parse mode. */
  text: string;
  /** Option labels; the adapter shows them natively or as numbered text. */
  options?: string[];
  replyToChannelMessageId?: string;
  /** Action buttons (officials' notices). Channels without buttons drop them: the text must make sense alone. */
  buttons?: OutboundButton[];
  /** Ask the recipient to answer by replying to this message (Telegram force_reply); ignored where unsupported. */
  forceReply?: boolean;
  /** Replace the text (and buttons) of a message sent before; channels that cannot edit send `text` as a new message. */
  editChannelMessageId?: string;
  /** One file to send, with `text` as its caption. `fileRef` is the channel's own reference (a Telegram file_id). */
  media?: OutboundMedia;
  /**
   * A place to show as the channel's own location message (a map pin), sent right after `text`
   * (pins carry no caption), and the text's id is returned. Channels without location messages send
   * `text` alone: the text must itself carry the coordinates and a map link.
   */
  location?: OutboundLocation;
  /**
   * A small file made by the bot (an event's calendar .ics), sent with `text` as its caption, or
   * right after `text` when the text is too long for a caption (the returned id is then the text's);
   * channels without files send `text` alone.
   */
  document?: OutboundDocument;
  /**
   * Send this approved template instead of the free text (WhatsApp Cloud outside its 24-hour
   * customer-service window; src/delivery/whatsapp-window.ts decides). Channels without templates ignore it.
   */
  template?: OutboundTemplate;
}

export interface OutboundTemplate {
  /** The template's name as approved in Meta's WhatsApp Manager. */
  name: string;
  /** Its language code there (e.g. "es"). */
  language: string;
  /** The body's {{1}}, {{2}}… in order, already flattened to one line each. */
  parameters: string[];
}

/** The outbox row a message comes from (the dispatcher passes it), for delivery policies that depend on what it is. */
export interface MessageOrigin {
  outboxId: number;
  idempotencyKey: string;
  priority: number;
  citizenId: number | null;
  questionId: number | null;
}

export interface OutboundDocument {
  fileName: string;
  mimeType: string;
  /** The file's content as UTF-8 text (calendar files are text). */
  content: string;
}

export interface OutboundLocation {
  /** Degrees, latitude in [-90, 90] and longitude in [-180, 180]. */
  latitude: number;
  longitude: number;
  /** The place's name and address, shown on the pin where the channel can. */
  name?: string;
  address?: string;
}

export interface OutboundButton {
  label: string;
  /** Opaque to the adapter and handed back in InboundButton.action; at most 60 bytes (Telegram's callback_data is 64). */
  action: string;
}

export interface OutboundMedia {
  kind: "photo" | "document";
  fileRef: string;
  fileName?: string;
}

export type SendResult =
  | {
      ok: true;
      channelMessageId?: string;
      /** The approved template the message went out as, when it was one (recorded on the outbox row). */
      template?: string;
    }
  | {
      ok: false;
      kind: "retry";
      retryAfterMs: number;
      reason: string;
      /**
       * Set when the channel refused for sending too fast (flood control), not for this message:
       * "chat" throttles only this chat, "channel" every send of the channel, which the dispatcher
       * then pauses for `retryAfterMs`. Either way the retry is not counted as a failed attempt.
       */
      scope?: "chat" | "channel";
      /**
       * Set when the request may have reached the channel although no answer came back (the
       * connection dropped after the request was written, a timeout): sending again may deliver
       * twice. The dispatcher then repeats only messages that must arrive (replies, answers,
       * legal notices), never bulk ones (issue 19).
       */
      ambiguous?: boolean;
    }
  | {
      ok: false;
      kind: "permanent";
      reason: string;
      unreachable: boolean;
      /** A stable code a delivery policy may react to: "window_closed" (WhatsApp Cloud 131047, send the template). */
      code?: "window_closed";
    };

export interface ChannelCapabilities {
  /** Options rendered as buttons (true) or as numbered text (false). */
  nativeOptions: boolean;
  /** Longest text one outbound message may carry; longer texts are split by the adapter. */
  maxTextLength: number;
  /** Sends per second over all chats, and per chat. */
  ratePerSecond: number;
  ratePerChatPerSecond: number;
  /** Sends to one chat let through at once before `ratePerChatPerSecond` applies (WhatsApp Cloud: a short burst, then one per 6 s). */
  ratePerChatBurst?: number;
  /** Sends per minute to one group chat (Telegram: 20), for addresses `isGroupAddress` accepts. */
  ratePerGroupPerMinute?: number;
  isGroupAddress?: (address: string) => boolean;
  /** Up to this many extra milliseconds, at random, between two sends (WhatsApp: an even pace looks like a bot). */
  sendJitterMs?: number;
}

/**
 * What an adapter may add to a connection state it reports (`onState`), for `rinde status` and the
 * back-office's channel status. Never a citizen's personal data.
 */
export interface ConnectionInfo {
  /** The bot's own account: its WhatsApp number (`+57…`) or Telegram `@username`. */
  account?: string;
  /** The error that caused this state (a close code and the library's words, no message text). */
  error?: string;
}

/**
 * The bot's side of the channel port. The promise resolves once the message is handled and its
 * replies have had a delivery round. `stored`, when given, is called earlier, as soon as the
 * message's transaction has ended: `true` when the message and everything it changed are committed
 * (or it was a duplicate), `false` when nothing was stored. A webhook acknowledges on it, so a
 * message is never acknowledged before it is persisted, nor held up by the sending of its replies.
 */
export type InboundHandler = (message: InboundMessage, stored?: (ok: boolean) => void) => Promise<void>;

export interface Channel {
  readonly id: ChannelId;
  readonly capabilities: ChannelCapabilities;
  /** Connects and starts delivering inbound messages to `onInbound`, awaiting each. */
  start(onInbound: InboundHandler): Promise<void>;
  /** Sends one message. Never throws for channel errors: it classifies them. `origin` is the outbox row it comes from. */
  send(message: OutboundMessage, origin?: MessageOrigin): Promise<SendResult>;
  /**
   * Whether this process can send on the channel now; absent means always. False while another
   * process holds the channel's only connection (the Baileys socket, src/delivery/ingress-channel.ts):
   * the dispatcher then claims none of its rows, and the holder sends them.
   */
  canSend?(): boolean;
  stop(): Promise<void>;
}

/** Renders options as numbered lines under the text, for channels without buttons. */
export function renderNumberedOptions(text: string, options: readonly string[] | undefined): string {
  if (!options?.length) return text;
  return `${text}\n\n${options.map((label, i) => `${i + 1}. ${label}`).join("\n")}`;
}

const WORD_JOINER = "\u2060";

/**
 * Text one person wrote, shown to others (a citizen's question in an office group): chat apps turn
 * `/commands`, `@mentions`, `#tags` and URLs in plain text into live entities, so a citizen could
 * plant a clickable `/vincular_grupo` or a link in the officials' chat. An invisible word joiner
 * after the trigger character keeps the text readable and inert. Adapters send no parse mode, so
 * no other formatting can be injected.
 */
export function inertUserText(text: string): string {
  return text
    .replace(/(^|[^\p{L}\p{N}_])([/@#$])(?=[\p{L}\p{N}_])/gu, `$1$2${WORD_JOINER}`)
    .replace(/:\/\//g, `:${WORD_JOINER}//`)
    .replace(/([\p{L}\p{N}])\.(?=[\p{L}]{2,})/gu, `$1${WORD_JOINER}.`);
}

/**
 * Why a kept file could not be read back: the channel no longer has it (a WhatsApp Cloud media id
 * past Meta's retention, an unknown Telegram file_id), it is larger than `limitBytes` (the
 * channel's own limit, Telegram's 20 MB for bots, or the caller's), or the channel did not answer
 * (network, 5xx, a refused token).
 */
export type FileFetchError = "file_gone" | "file_too_big" | "channel_unavailable";

export type FileFetchResult =
  | {
      ok: true;
      /** The bytes, streamed; at most the `maxBytes` asked for (the stream errors past it). */
      body: ReadableStream<Uint8Array>;
      /** The type the channel reports, when it reports a meaningful one (not application/octet-stream). */
      contentType?: string;
      /** The size the channel declared, when it did. */
      sizeBytes?: number;
    }
  | {
      ok: false;
      error: FileFetchError;
      /** For `file_too_big`: the limit that was exceeded. */
      limitBytes?: number;
      /** For the log: the channel's code and words, never the token, the file reference or personal data. */
      reason: string;
    };

/**
 * Reads back a file a person sent through a channel that keeps files (a Telegram file_id, a
 * WhatsApp Cloud media id), for the back-office. Implementations are built from configuration (a
 * token, an API root), not from the live connection: the web server may run in a process that does
 * not hold the chat's connection. Never throws for channel failures; never puts the token in a
 * result, an error or a log.
 */
export interface ChannelFiles {
  readonly channel: ChannelId;
  /** Opens the file; `maxBytes` bounds what is read (a larger declared size answers `file_too_big`). */
  fetchFile(fileRef: string, options: { maxBytes: number }): Promise<FileFetchResult>;
}
