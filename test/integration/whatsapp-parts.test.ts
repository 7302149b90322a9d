/**
 * The WhatsApp adapter's pure parts: message normalization, send-error classification, text
 * splitting, pairing output, and the paced sending its capabilities ask of the rate limiter.
 */
import { PassThrough } from "node:stream";
import { DisconnectReason } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import { toInboundMessage, personAddress } from "../../src/channels/whatsapp/normalize.ts";
import { createTerminalPairingPrinter, formatPairingCode } from "../../src/channels/whatsapp/pairing.ts";
import {
  classifySendError,
  RETRY_DISCONNECTED_MS,
  RETRY_LOGGED_OUT_MS,
} from "../../src/channels/whatsapp/send-errors.ts";
import { splitText } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createRateLimiter } from "../../src/delivery/rate-limit.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { boomLike, incoming } from "../fakes/baileys-socket.ts";

const PN = "573001112233@s.whatsapp.net";
const GROUP = "120363000000000001@g.us";

describe("WhatsApp message normalization", () => {
  it("turns text, extended text and captions into InboundMessages keyed by the message id", () => {
    expect(toInboundMessage(incoming({ chat: PN, text: "hola", id: "A1" }), "notify", 5)).toEqual({
      channel: "whatsapp",
      channelMessageId: "A1",
      address: PN,
      chatKind: "private",
      text: "hola",
      media: undefined,
      replyToChannelMessageId: undefined,
      channelMessageIdForReply: "A1",
      receivedAtMs: 5,
    });
    const quoted = toInboundMessage(
      incoming({ chat: GROUP, sender: "1122@lid", alt: PN, text: "Ya quedó", quotedId: "3EB0NOTICE" }),
      "notify",
      5,
    );
    expect(quoted).toMatchObject({
      address: GROUP,
      chatKind: "group",
      senderId: PN,
      text: "Ya quedó",
      replyToChannelMessageId: "3EB0NOTICE",
    });
    // The caption is the text; the media is still reported (without a file reference) so the citizen can be told it was not kept.
    const captioned = toInboundMessage(incoming({ chat: PN, image: { caption: "mire el hueco" } }), "notify", 5);
    expect(captioned).toMatchObject({ text: "mire el hueco", media: { kind: "photo", mimeType: "image/jpeg" } });
    expect(captioned?.media).not.toHaveProperty("fileRef");
    expect(toInboundMessage(incoming({ chat: PN, image: {} }), "notify", 5)).toMatchObject({
      text: undefined,
      media: { kind: "photo", mimeType: "image/jpeg" },
    });
  });

  it("unwraps disappearing and view-once messages, and reads voice notes and locations as media", () => {
    const wrapped = {
      key: { remoteJid: PN, id: "E1", fromMe: false },
      message: { ephemeralMessage: { message: { extendedTextMessage: { text: "mensaje temporal" } } } },
    };
    expect(toInboundMessage(wrapped, "notify", 1)?.text).toBe("mensaje temporal");
    const voice = {
      key: { remoteJid: PN, id: "V1", fromMe: false },
      message: { audioMessage: { ptt: true, mimetype: "audio/ogg" } },
    };
    expect(toInboundMessage(voice, "notify", 1)?.media).toEqual({
      kind: "voice",
      mimeType: "audio/ogg",
      fileName: undefined,
    });
    const location = {
      key: { remoteJid: PN, id: "L1", fromMe: false },
      message: { locationMessage: { degreesLatitude: 4.6 } },
    };
    expect(toInboundMessage(location, "notify", 1)?.media).toEqual({ kind: "location" });
  });

  it("reads a pin's coordinates, name and address; a live location or impossible coordinates have none", () => {
    const pin = (locationMessage: Record<string, unknown>, live = false) =>
      toInboundMessage(
        {
          key: { remoteJid: PN, id: "L2", fromMe: false },
          message: live ? { liveLocationMessage: locationMessage } : { locationMessage },
        },
        "notify",
        1,
      )?.media;
    expect(
      pin({ degreesLatitude: 6.2442, degreesLongitude: -75.5812, name: "Parque Berrío", address: "Cl. 50 #50" }),
    ).toEqual({
      kind: "location",
      fileRef: "geo:6.2442,-75.5812",
      placeName: "Parque Berrío",
      placeAddress: "Cl. 50 #50",
    });
    expect(pin({ degreesLatitude: 6.2442, degreesLongitude: -75.5812 })).toEqual({
      kind: "location",
      fileRef: "geo:6.2442,-75.5812",
    });
    expect(pin({ degreesLatitude: 6.2442, degreesLongitude: -75.5812 }, true)).toEqual({ kind: "location" });
    expect(pin({ degreesLatitude: 6.2442, degreesLongitude: -75.5812, isLive: true })).toEqual({ kind: "location" });
    expect(pin({ degreesLatitude: 6.2442, degreesLongitude: 200 })).toEqual({ kind: "location" });
  });

  it("ignores what is not a new message from a person or a group member", () => {
    const none = [
      toInboundMessage(incoming({ chat: PN, text: "propio", fromMe: true }), "notify", 1),
      toInboundMessage(incoming({ chat: PN, text: "historial" }), "append", 1),
      toInboundMessage(incoming({ chat: "status@broadcast", sender: PN, text: "estado" }), "notify", 1),
      toInboundMessage(incoming({ chat: "12345@broadcast", text: "difusión" }), "notify", 1),
      toInboundMessage(incoming({ chat: "1203630000@newsletter", text: "canal" }), "notify", 1),
      toInboundMessage(incoming({ chat: GROUP, text: "sin autor" }), "notify", 1),
      toInboundMessage(
        { key: { remoteJid: PN, id: "R1", fromMe: false }, message: { reactionMessage: { text: "👍" } } },
        "notify",
        1,
      ),
      toInboundMessage(
        { key: { remoteJid: PN, id: "P1", fromMe: false }, message: { protocolMessage: { type: 0 } } },
        "notify",
        1,
      ),
      toInboundMessage({ key: { remoteJid: PN, id: "S1", fromMe: false } }, "notify", 1),
    ];
    expect(none).toEqual(Array(none.length).fill(undefined));
  });

  it("prefers the phone-number JID, without device, over the LID", () => {
    expect(personAddress("1122334455@lid", "573001112233:7@s.whatsapp.net")).toBe(PN);
    expect(personAddress("573001112233:7@s.whatsapp.net", undefined)).toBe(PN);
    expect(personAddress("1122334455:3@lid", undefined)).toBe("1122334455@lid");
    expect(personAddress(undefined, undefined)).toBeUndefined();
  });
});

describe("WhatsApp send failures", () => {
  it("retries connection problems, waits longer while logged out, and gives up on unknown or blocked recipients", () => {
    expect(classifySendError(boomLike("Connection Closed", DisconnectReason.connectionClosed))).toEqual({
      ok: false,
      kind: "retry",
      retryAfterMs: RETRY_DISCONNECTED_MS,
      reason: "whatsapp 428: Connection Closed",
    });
    expect(classifySendError(boomLike("Timed Out", DisconnectReason.timedOut))).toMatchObject({
      kind: "retry",
      retryAfterMs: RETRY_DISCONNECTED_MS,
    });
    expect(classifySendError(new Error("connect ECONNRESET"))).toMatchObject({
      kind: "retry",
      retryAfterMs: RETRY_DISCONNECTED_MS,
    });
    expect(classifySendError(boomLike("Not authenticated", DisconnectReason.loggedOut))).toMatchObject({
      kind: "retry",
      retryAfterMs: RETRY_LOGGED_OUT_MS,
    });
    expect(classifySendError(boomLike("item-not-found", 404))).toMatchObject({ kind: "permanent", unreachable: true });
    expect(classifySendError(new Error("number is not on WhatsApp"))).toMatchObject({
      kind: "permanent",
      unreachable: true,
    });
    expect(classifySendError(boomLike("not-authorized", DisconnectReason.forbidden))).toMatchObject({
      kind: "permanent",
      unreachable: true,
    });
    expect(classifySendError(boomLike("bad-request", 400))).toMatchObject({ kind: "permanent", unreachable: false });
    expect(classifySendError(new Error("something new"))).toMatchObject({ kind: "retry", retryAfterMs: 0 });
  });
});

describe("WhatsApp text and pairing output", () => {
  it("splits long texts at line breaks and keeps short ones whole", () => {
    expect(splitText("corto", 100)).toEqual(["corto"]);
    const long = `${"a".repeat(60)}\n\n${"b".repeat(60)}\n${"c".repeat(30)}`;
    expect(splitText(long, 100)).toEqual(["a".repeat(60), `${"b".repeat(60)}\n${"c".repeat(30)}`]);
    expect(splitText("x".repeat(250), 100).map((p) => p.length)).toEqual([100, 100, 50]);
  });

  it("prints the QR, the pairing code and the logout notice in the operator's language", () => {
    const output = new PassThrough();
    const translator = createTranslator();
    const print = createTerminalPairingPrinter({ output, t: (key, vars) => translator.t("es", key, vars) });
    print({ kind: "qr", qr: "2@abc,def,ghi", validForMs: 60_000 });
    print({ kind: "code", code: "ABCD1234" });
    print({ kind: "logged_out" });
    const written = String(output.read());
    expect(written).toContain("Dispositivos vinculados");
    expect(written).toMatch(/[▀▄█]{10,}/);
    expect(written).toContain("ABCD-1234");
    expect(written).toContain("Se borró la sesión guardada");
    expect(formatPairingCode("ABCD1234")).toBe("ABCD-1234");
  });
});

describe("WhatsApp safe-sending settings", () => {
  it("defaults to a conservative rate and validates the settings", () => {
    const env = loadEnv({});
    expect(env.WHATSAPP_RATE_PER_MINUTE).toBe(12);
    expect(env.WHATSAPP_SEND_JITTER_MS).toBe(3000);
    expect(() => loadEnv({ WHATSAPP_RATE_PER_MINUTE: "500" })).toThrow(/WHATSAPP_RATE_PER_MINUTE/);
  });

  it("spaces sends by the global rate plus a random jitter", () => {
    const clock = createManualClock(0);
    const draws = [0, 0.5, 0.999];
    const limiter = createRateLimiter(
      { ratePerSecond: 12 / 60, ratePerChatPerSecond: 0, sendJitterMs: 3000 },
      clock,
      () => draws.shift() ?? 0,
    );
    expect(limiter.take("a")).toBe(0); // jitter 0
    expect(limiter.take("b")).toBe(5000);
    clock.setMs(5000);
    expect(limiter.take("b")).toBe(0); // jitter 1500
    clock.setMs(9999);
    expect(limiter.take("c")).toBe(1501); // 5000 + 1500 + 5000 − 9999
    clock.setMs(11_500);
    expect(limiter.take("c")).toBe(0); // jitter 2997
    clock.setMs(16_000);
    expect(limiter.take("a")).toBe(3497); // 11500 + 2997 + 5000 − 16000
  });
});
