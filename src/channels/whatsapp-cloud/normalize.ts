/**
 * A Cloud API webhook body → InboundMessages and delivery statuses. Addresses are phone-number
 * JIDs (`573001234567@s.whatsapp.net`), the form the Baileys adapter uses, so a municipality that
 * moves from Baileys to the Cloud API keeps its citizens, conversations and linked officials.
 * Unknown shapes are skipped, never thrown: Meta adds fields and message types over time.
 */
import { geoRef } from "../../core/geo.ts";
import type { InboundMedia, InboundMessage, MediaKind } from "../channel.ts";

export const PERSON_SUFFIX = "@s.whatsapp.net";

export interface DeliveryStatusUpdate {
  /** The wamid of our message. */
  channelMessageId: string;
  status: "sent" | "delivered" | "read" | "failed";
  atMs: number;
  /** Meta's error code for a failed message. */
  errorCode?: string;
}

export interface WebhookContent {
  messages: InboundMessage[];
  statuses: DeliveryStatusUpdate[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** Only changes for `phoneNumberId` are read (one Meta app may serve several numbers). */
export function parseWebhook(body: unknown, phoneNumberId: string, receivedAtMs: number): WebhookContent {
  const content: WebhookContent = { messages: [], statuses: [] };
  if (obj(body)?.object !== "whatsapp_business_account") return content;
  for (const entry of arr(obj(body)?.entry)) {
    for (const change of arr(obj(entry)?.changes)) {
      const value = obj(obj(change)?.value);
      if (obj(change)?.field !== "messages" || !value) continue;
      if (str(obj(value.metadata)?.phone_number_id) !== phoneNumberId) continue;
      for (const m of arr(value.messages)) {
        const message = toInboundMessage(obj(m), receivedAtMs);
        if (message) content.messages.push(message);
      }
      for (const s of arr(value.statuses)) {
        const status = toStatus(obj(s));
        if (status) content.statuses.push(status);
      }
    }
  }
  return content;
}

function toInboundMessage(m: Json | undefined, receivedAtMs: number): InboundMessage | undefined {
  const id = str(m?.id);
  const from = str(m?.from);
  if (!m || !id || !from || !/^\d{6,20}$/.test(from)) return undefined;
  const body = contentOf(m);
  if (!body) return undefined;
  const timestampSeconds = Number(m.timestamp);
  const replyTo = str(obj(m.context)?.id);
  return {
    channel: "whatsapp",
    channelMessageId: id,
    address: `${from}${PERSON_SUFFIX}`,
    chatKind: "private",
    ...body,
    // Media ids can be downloaded again later, so files are kept as references (issue 17).
    ...(body.media ? { media: { ...body.media, keptByChannel: true as const } } : {}),
    ...(replyTo && !body.button ? { replyToChannelMessageId: replyTo } : {}),
    ...(body.button && replyTo ? { button: { ...body.button, onChannelMessageId: replyTo } } : {}),
    receivedAtMs: Number.isFinite(timestampSeconds) && timestampSeconds > 0 ? timestampSeconds * 1000 : receivedAtMs,
  };
}

type Content = Pick<InboundMessage, "text" | "media"> & {
  button?: { onChannelMessageId: string; optionIndex?: number; action?: string };
};

function contentOf(m: Json): Content | undefined {
  switch (m.type) {
    case "text":
      return textContent(str(obj(m.text)?.body));
    case "interactive":
      return interactiveContent(obj(m.interactive));
    case "button":
      // A quick-reply button of a template: its text reads like typed input.
      return textContent(str(obj(m.button)?.text));
    case "image":
      return mediaContent(obj(m.image), "photo");
    case "document":
      return mediaContent(obj(m.document), "document");
    case "audio":
      return mediaContent(obj(m.audio), obj(m.audio)?.voice === true ? "voice" : "audio");
    case "video":
      return mediaContent(obj(m.video), "video");
    case "sticker":
      return mediaContent(obj(m.sticker), "sticker");
    case "location": {
      // A pin (on a named place, with its name and address): the coordinates are the content.
      const location = obj(m.location);
      const fileRef = geoRef(location?.latitude, location?.longitude);
      const placeName = str(location?.name);
      const placeAddress = str(location?.address);
      return {
        media: {
          kind: "location",
          ...(fileRef ? { fileRef } : {}),
          ...(placeName ? { placeName } : {}),
          ...(placeAddress ? { placeAddress } : {}),
        },
      };
    }
    case "contacts":
      return { media: { kind: "contact" } };
    case "reaction":
      // An emoji on one of our messages gets the polite "what I can read" answer; taking one back
      // (no emoji) is nothing to answer.
      return str(obj(m.reaction)?.emoji) ? { media: { kind: "other" } } : undefined;
    case "system":
    case "request_welcome":
      // The person changed number, or opened the chat for the first time: nothing they wrote.
      return undefined;
    default:
      // "unsupported" (Meta's error 131051: polls, view-once media…), orders and types Meta adds
      // later: a polite answer saying what the bot reads; nothing else changes.
      return { media: { kind: "other" } };
  }
}

const textContent = (text: string | undefined): Content | undefined => (text === undefined ? undefined : { text });

function interactiveContent(interactive: Json | undefined): Content | undefined {
  const reply = obj(interactive?.button_reply) ?? obj(interactive?.list_reply);
  const id = str(reply?.id);
  if (!reply || !id) return undefined;
  const option = /^o:(\d{1,2})$/.exec(id);
  if (option) {
    const index = Number(option[1]);
    // Read like a typed number; the service checks the button belongs to the menu waited on.
    return { text: String(index + 1), button: { onChannelMessageId: "", optionIndex: index } };
  }
  if (id.startsWith("a:")) return { button: { onChannelMessageId: "", action: id.slice(2) } };
  return textContent(str(reply.title));
}

function mediaContent(media: Json | undefined, kind: MediaKind): Content | undefined {
  if (!media) return undefined;
  const file: InboundMedia = { kind };
  const fileRef = str(media.id);
  const mimeType = str(media.mime_type);
  const fileName = str(media.filename);
  if (fileRef) file.fileRef = fileRef;
  if (mimeType) file.mimeType = mimeType;
  if (fileName) file.fileName = fileName;
  const caption = str(media.caption);
  return { media: file, ...(caption ? { text: caption } : {}) };
}

function toStatus(s: Json | undefined): DeliveryStatusUpdate | undefined {
  const id = str(s?.id);
  const status = s?.status;
  if (!s || !id || (status !== "sent" && status !== "delivered" && status !== "read" && status !== "failed"))
    return undefined;
  const code = obj(arr(s.errors)[0])?.code;
  const seconds = Number(s.timestamp);
  return {
    channelMessageId: id,
    status,
    atMs: Number.isFinite(seconds) ? seconds * 1000 : 0,
    ...(code !== undefined ? { errorCode: String(code) } : {}),
  };
}
