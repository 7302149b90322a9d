/**
 * A Baileys message → an InboundMessage, or undefined for what the bot does not handle: its own
 * messages, status updates, broadcast lists, channels (newsletters), history sync and messages
 * without text or media (reactions, receipts, protocol messages).
 */
import {
  isHostedLidUser,
  isHostedPnUser,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  normalizeMessageContent,
  type MessageUpsertType,
  type WAMessage,
  type WAMessageContent,
} from "@whiskeysockets/baileys";
import { geoRef } from "../../core/geo.ts";
import type { InboundMedia, InboundMessage } from "../channel.ts";

interface Content {
  text?: string;
  media?: InboundMedia;
  /** The id of the message this one quotes. */
  quotedId?: string;
}

/** Text, media and quoted id of a message's content; undefined when it carries neither text nor media. */
export function readContent(message: WAMessageContent): Content | undefined {
  const captioned = (
    kind: InboundMedia["kind"],
    media: {
      caption?: string | null;
      mimetype?: string | null;
      contextInfo?: { stanzaId?: string | null } | null;
      fileName?: string | null;
    },
  ): Content => ({
    text: media.caption || undefined,
    media: { kind, mimeType: media.mimetype ?? undefined, fileName: media.fileName ?? undefined },
    quotedId: media.contextInfo?.stanzaId ?? undefined,
  });
  if (typeof message.conversation === "string" && message.conversation) return { text: message.conversation };
  if (message.extendedTextMessage?.text) {
    return {
      text: message.extendedTextMessage.text,
      quotedId: message.extendedTextMessage.contextInfo?.stanzaId ?? undefined,
    };
  }
  if (message.imageMessage) return captioned("photo", message.imageMessage);
  if (message.videoMessage) return captioned("video", message.videoMessage);
  if (message.documentMessage) return captioned("document", message.documentMessage);
  if (message.audioMessage) return captioned(message.audioMessage.ptt ? "voice" : "audio", message.audioMessage);
  if (message.stickerMessage) return captioned("sticker", message.stickerMessage);
  if (message.locationMessage) return { media: locationOf(message.locationMessage) };
  // A live location moves and its updates are not read: nothing fixed to keep.
  if (message.liveLocationMessage) return { media: { kind: "location" } };
  if (message.contactMessage || message.contactsArrayMessage) return { media: { kind: "contact" } };
  return undefined;
}

/** A pin (on a named place, with its name and address); no reference when it is live or unusable. */
function locationOf(location: NonNullable<WAMessageContent["locationMessage"]>): InboundMedia {
  const fileRef = location.isLive ? undefined : geoRef(location.degreesLatitude, location.degreesLongitude);
  return {
    kind: "location",
    ...(fileRef ? { fileRef } : {}),
    ...(location.name ? { placeName: location.name } : {}),
    ...(location.address ? { placeAddress: location.address } : {}),
  };
}

/**
 * A person's address: the phone-number JID when WhatsApp gives it (in the key or its `…Alt`
 * twin), else the LID JID, without device suffix. Phone-number JIDs are what operators type and
 * what officials' invites record, so they are preferred; see README "WhatsApp".
 */
export function personAddress(jid: string | null | undefined, alt: string | null | undefined): string | undefined {
  const pn = [jid, alt].find((j) => isPnUser(j ?? undefined) || isHostedPnUser(j ?? undefined));
  if (pn) return jidNormalizedUser(pn);
  const lid = [jid, alt].find((j) => isLidUser(j ?? undefined) || isHostedLidUser(j ?? undefined));
  return lid ? jidNormalizedUser(lid) : undefined;
}

/** The InboundMessage for one `messages.upsert` message, or undefined to ignore it. */
export function toInboundMessage(
  message: WAMessage,
  upsertType: MessageUpsertType,
  receivedAtMs: number,
): InboundMessage | undefined {
  const { key } = message;
  // "append" is history sync and messages this account sent elsewhere: never new citizen input.
  if (upsertType !== "notify" || !key?.id || !key.remoteJid || key.fromMe) return undefined;
  const remote = key.remoteJid;
  if (isJidStatusBroadcast(remote) || isJidBroadcast(remote) || isJidNewsletter(remote)) return undefined;
  const content = normalizeMessageContent(message.message);
  const read = content ? readContent(content) : undefined;
  if (!read) return undefined;
  const base = {
    channel: "whatsapp" as const,
    channelMessageId: key.id,
    text: read.text,
    // The media is reported even with a caption, without a file reference (WhatsApp has none another
    // chat could reuse): the citizen is then told the file was not kept (src/services/conversation/inbound.ts).
    media: read.media,
    replyToChannelMessageId: read.quotedId,
    channelMessageIdForReply: key.id,
    receivedAtMs,
  };
  if (isJidGroup(remote)) {
    const senderId = personAddress(key.participant, key.participantAlt);
    return senderId ? { ...base, address: remote, chatKind: "group", senderId } : undefined;
  }
  const address = personAddress(remote, key.remoteJidAlt);
  return address ? { ...base, address, chatKind: "private" } : undefined;
}
