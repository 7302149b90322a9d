/**
 * The Telegram adapter's pure parts: update → InboundMessage, rendering (split, keyboards,
 * callback data), send-failure classification, webhook URL checks, command menus; plus the
 * per-group rate limit and the staff button actions they rely on.
 */
import { TelegramError, type Telegram } from "telegraf";
import type { Update } from "telegraf/types";
import { describe, expect, it } from "vitest";
import { inertUserText } from "../../src/channels/channel.ts";
import { citizenCommandNames, commandSets } from "../../src/channels/telegram/commands.ts";
import {
  inlineKeyboard,
  parseCallbackData,
  replyMarkup,
  splitText,
  truncate,
} from "../../src/channels/telegram/render.ts";
import { classifySendError } from "../../src/channels/telegram/send-errors.ts";
import { createSender } from "../../src/channels/telegram/send.ts";
import { TELEGRAM_CAPABILITIES } from "../../src/channels/telegram/telegram-channel.ts";
import { toInbound } from "../../src/channels/telegram/updates.ts";
import { validateWebhookUrl } from "../../src/channels/telegram/webhook.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { formatStaffButtonAction, parseStaffButtonAction } from "../../src/core/staff-commands.ts";
import { createRateLimiter } from "../../src/delivery/rate-limit.ts";
import { createEngine } from "../../src/engine/engine.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { loadFlows } from "../../src/runtime-conversation.ts";

const NOW = Date.UTC(2026, 2, 2, 15, 0, 0);
const ctx = { botUsername: "rinde_test_bot", nowMs: NOW };
const user = { id: 42, is_bot: false, first_name: "Ana", language_code: "en" };
const privateChat = { id: 42, type: "private" as const, first_name: "Ana" };
const group = { id: -100500, type: "supergroup" as const, title: "Infraestructura" };

function messageUpdate(fields: Record<string, unknown>, chat: object = privateChat): Update {
  return { update_id: 1, message: { message_id: 7, date: 0, chat, from: user, ...fields } } as unknown as Update;
}

describe("telegram updates → InboundMessage", () => {
  it("maps a private text with ids that make redelivery a duplicate", () => {
    expect(toInbound(messageUpdate({ text: "hola" }), ctx)).toEqual({
      channel: "telegram",
      channelMessageId: "42:7",
      address: "42",
      chatKind: "private",
      text: "hola",
      channelMessageIdForReply: "42:7",
      languageHint: "en",
      receivedAtMs: NOW,
    });
  });

  it("maps a group reply with the sender and the quoted message", () => {
    const inbound = toInbound(
      messageUpdate({ text: "Ya quedó", reply_to_message: { message_id: 3, date: 0, chat: group } }, group),
      ctx,
    );
    expect(inbound).toMatchObject({
      address: "-100500",
      chatKind: "group",
      senderId: "42",
      replyToChannelMessageId: "-100500:3",
      channelMessageId: "-100500:7",
    });
  });

  it("hands /start payloads over, strips @ThisBot and ignores commands for other bots", () => {
    expect(toInbound(messageUpdate({ text: "/start evento-12" }), ctx)).toMatchObject({
      text: "/start",
      startPayload: "evento-12",
    });
    expect(toInbound(messageUpdate({ text: "/start" }), ctx)).not.toHaveProperty("startPayload");
    expect(toInbound(messageUpdate({ text: "/start <b>x</b>" }), ctx)).toMatchObject({ text: "/start" });
    expect(toInbound(messageUpdate({ text: "/pendientes@Rinde_Test_Bot" }, group), ctx)?.text).toBe("/pendientes");
    expect(toInbound(messageUpdate({ text: "/responder@rinde_test_bot RC-2026-000001 listo" }, group), ctx)?.text).toBe(
      "/responder RC-2026-000001 listo",
    );
    expect(toInbound(messageUpdate({ text: "/menu@otro_bot" }, group), ctx)).toBeUndefined();
  });

  it("keeps photos (largest size) and documents as file references; names other media", () => {
    const photo = toInbound(
      messageUpdate({ photo: [{ file_id: "small" }, { file_id: "big" }], caption: "hueco" }),
      ctx,
    );
    expect(photo).toMatchObject({ text: "hueco", media: { kind: "photo", fileRef: "big" } });
    const document = toInbound(
      messageUpdate({ document: { file_id: "doc", file_name: "acta.pdf", mime_type: "application/pdf" } }),
      ctx,
    );
    expect(document?.media).toEqual({
      kind: "document",
      fileRef: "doc",
      fileName: "acta.pdf",
      mimeType: "application/pdf",
    });
    expect(document).not.toHaveProperty("text");
    expect(toInbound(messageUpdate({ sticker: { file_id: "s" } }), ctx)?.media).toEqual({ kind: "sticker" });
    expect(toInbound(messageUpdate({ voice: { file_id: "v" } }), ctx)?.media).toEqual({ kind: "voice" });
    expect(toInbound(messageUpdate({ contact: { phone_number: "1" } }), ctx)?.media).toEqual({ kind: "contact" });
  });

  it("reads a shared point or a venue as a location with its coordinates; a live or impossible one has none", () => {
    const pin = toInbound(messageUpdate({ location: { latitude: 4.8133, longitude: -75.6961 } }), ctx);
    expect(pin?.media).toEqual({ kind: "location", fileRef: "geo:4.8133,-75.6961" });
    const venue = toInbound(
      messageUpdate({
        location: { latitude: 4.81, longitude: -75.69 },
        venue: { location: { latitude: 4.81, longitude: -75.69 }, title: "Parque El Lago", address: "Cra. 7 #22" },
      }),
      ctx,
    );
    expect(venue?.media).toEqual({
      kind: "location",
      fileRef: "geo:4.81,-75.69",
      placeName: "Parque El Lago",
      placeAddress: "Cra. 7 #22",
    });
    const live = { latitude: 4.81, longitude: -75.69, live_period: 900 };
    expect(toInbound(messageUpdate({ location: live }), ctx)?.media).toEqual({ kind: "location" });
    const impossible = { latitude: 95, longitude: -75.69 };
    expect(toInbound(messageUpdate({ location: impossible }), ctx)?.media).toEqual({ kind: "location" });
  });

  it("ignores channels, other bots and updates Rinde does not use", () => {
    expect(toInbound(messageUpdate({ text: "x" }, { id: -1001, type: "channel", title: "c" }), ctx)).toBeUndefined();
    expect(
      toInbound(
        {
          update_id: 1,
          message: { message_id: 1, date: 0, chat: group, from: { ...user, is_bot: true }, text: "x" },
        } as unknown as Update,
        ctx,
      ),
    ).toBeUndefined();
    expect(
      toInbound(
        {
          update_id: 1,
          edited_message: { message_id: 1, date: 0, chat: privateChat, from: user, text: "x" },
        } as unknown as Update,
        ctx,
      ),
    ).toBeUndefined();
  });

  it("maps callback queries: options become their number, actions stay opaque, each press is unique", () => {
    const press = (data: string, chat: object = privateChat) =>
      toInbound(
        {
          update_id: 1,
          callback_query: {
            id: "987",
            from: user,
            chat_instance: "x",
            data,
            message: { message_id: 5, date: 0, chat },
          },
        } as unknown as Update,
        ctx,
      );
    expect(press("o:1")).toMatchObject({
      channelMessageId: "cb:987",
      text: "2",
      button: { onChannelMessageId: "42:5", optionIndex: 1 },
    });
    expect(press("a:qa:12", group)).toMatchObject({
      chatKind: "group",
      senderId: "42",
      button: { onChannelMessageId: "-100500:5", action: "qa:12" },
    });
    expect(press("a:qa:12", group)).not.toHaveProperty("text");
    expect(press("vote:yes")?.button).toEqual({ onChannelMessageId: "42:5" });
  });
});

describe("telegram rendering", () => {
  it("splits long texts at line breaks, never above 4096, keeping every character", () => {
    const line = `${"palabra ".repeat(60).trim()}\n`; // 480 characters per line
    const text = line.repeat(20).trim();
    const parts = splitText(text);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.every((p) => p.endsWith("palabra"))).toBe(true);
    expect(parts.join("\n")).toBe(text);
    expect(splitText("corto")).toEqual(["corto"]);
    const unbroken = "x".repeat(9000);
    expect(splitText(unbroken).map((p) => p.length)).toEqual([4096, 4096, 808]);
    expect(splitText(`${"😀".repeat(2100)}`).every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });

  it("truncates captions and edits with an ellipsis", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
  });

  it("renders options and action buttons as inline keyboards within 64 bytes, or a forced reply", () => {
    expect(inlineKeyboard({ options: ["Sí", "No"] })).toEqual({
      inline_keyboard: [[{ text: "Sí", callback_data: "o:0" }], [{ text: "No", callback_data: "o:1" }]],
    });
    const keyboard = inlineKeyboard({
      buttons: [
        { label: "Responder", action: "qa:1" },
        { label: "Larga", action: "x".repeat(70) },
      ],
    });
    expect(keyboard).toEqual({ inline_keyboard: [[{ text: "Responder", callback_data: "a:qa:1" }]] });
    expect(replyMarkup({ forceReply: true })).toEqual({ force_reply: true });
    expect(replyMarkup({})).toBeUndefined();
    expect(parseCallbackData("o:3")).toEqual({ kind: "option", index: 3 });
    expect(parseCallbackData("a:qi:9")).toEqual({ kind: "action", action: "qi:9" });
    expect(parseCallbackData("zzz")).toEqual({ kind: "unknown" });
  });

  it("makes a citizen's text inert where officials read it: no live commands, mentions or links", () => {
    const inert = inertUserText("Ver /vincular_grupo salud, @alcalde y https://phish.example/x o www.malo.co");
    expect(inert).not.toMatch(/(^|\s)\/[a-z]/);
    expect(inert).not.toMatch(/@[a-z]/);
    expect(inert).not.toContain("://");
    expect(inert).not.toMatch(/malo\.co/);
    expect(inert.replace(/\u2060/g, "")).toBe(
      "Ver /vincular_grupo salud, @alcalde y https://phish.example/x o www.malo.co",
    );
    expect(inertUserText("Calle 45 # 12-30, desde el 3/4. Gracias.")).toBe("Calle 45 # 12-30, desde el 3/4. Gracias.");
  });
});

describe("telegram send failures", () => {
  const telegramError = (code: number, description: string, parameters?: object) =>
    new TelegramError({ error_code: code, description, ...(parameters ? { parameters } : {}) });

  it("429 → retry after retry_after; 5xx and network errors → retry", () => {
    expect(classifySendError(telegramError(429, "Too Many Requests: retry after 7", { retry_after: 7 }))).toMatchObject(
      { ok: false, kind: "retry", retryAfterMs: 7000 },
    );
    expect(classifySendError(telegramError(502, "Bad Gateway"))).toMatchObject({ kind: "retry", retryAfterMs: 0 });
    const fetchError = Object.assign(new Error("request to http://x failed"), {
      name: "FetchError",
      code: "ECONNRESET",
    });
    expect(classifySendError(fetchError)).toMatchObject({
      kind: "retry",
      reason: "network error (ECONNRESET), outcome unknown",
      ambiguous: true,
    });
  });

  it("403 and unknown chats → permanent and unreachable; other 400 → permanent only", () => {
    expect(classifySendError(telegramError(403, "Forbidden: bot was blocked by the user"))).toMatchObject({
      kind: "permanent",
      unreachable: true,
    });
    expect(classifySendError(telegramError(400, "Bad Request: chat not found"))).toMatchObject({
      kind: "permanent",
      unreachable: true,
    });
    expect(classifySendError(telegramError(400, "Bad Request: message is too long"))).toMatchObject({
      kind: "permanent",
      unreachable: false,
    });
    const migrated = classifySendError(
      telegramError(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: -100777 }),
    );
    expect(migrated).toMatchObject({ kind: "permanent" });
    expect((migrated as { reason: string }).reason).toContain("--telegram-chat -100777");
  });
});

describe("telegram sending", () => {
  it("a long text that fails halfway is resumed on retry, without repeating the parts already sent", async () => {
    const sent: string[] = [];
    let failOnCall = 2;
    let calls = 0;
    const telegram = {
      async sendMessage(_chatId: number, text: string) {
        calls++;
        if (calls === failOnCall)
          throw new TelegramError({
            error_code: 429,
            description: "Too Many Requests: retry after 2",
            parameters: { retry_after: 2 },
          });
        sent.push(text);
        return { message_id: 100 + calls };
      },
    } as unknown as Telegram;
    const send = createSender(telegram);
    const text = `${"a".repeat(4000)}\n${"b".repeat(4000)}\n${"c".repeat(4000)}`;
    expect(await send({ address: "42", text, options: ["Sí"] })).toMatchObject({
      ok: false,
      kind: "retry",
      retryAfterMs: 2000,
    });
    failOnCall = 0;
    expect(await send({ address: "42", text, options: ["Sí"] })).toEqual({ ok: true, channelMessageId: "42:104" });
    expect(sent.map((p) => p[0])).toEqual(["a", "b", "c"]);
  });

  it("a location goes as its text line, then the pin (a venue with name and address); a retry sends only the pin", async () => {
    const calls: unknown[][] = [];
    let pinFails = true;
    const pin = (method: string) =>
      async function (...args: unknown[]) {
        calls.push([method, ...args]);
        if (method !== "sendMessage" && pinFails) {
          pinFails = false;
          throw new TelegramError({ error_code: 502, description: "Bad Gateway" });
        }
        return { message_id: 200 + calls.length };
      };
    const telegram = {
      sendMessage: pin("sendMessage"),
      sendLocation: pin("sendLocation"),
      sendVenue: pin("sendVenue"),
    } as unknown as Telegram;
    const send = createSender(telegram);
    const line = { address: "-100500", text: "RC-2026-000001 — adjunto 1 de 1: ubicación 4.81, -75.69" };
    const venue = { ...line, location: { latitude: 4.81, longitude: -75.69, name: "Parque", address: "Cra. 7" } };
    expect(await send(venue)).toMatchObject({ ok: false, kind: "retry" });
    expect(await send(venue)).toEqual({ ok: true, channelMessageId: "-100500:201" });
    expect(calls.map((c) => c[0])).toEqual(["sendMessage", "sendVenue", "sendVenue"]);
    expect(calls[2]).toEqual(["sendVenue", -100500, 4.81, -75.69, "Parque", "Cra. 7"]);
    calls.length = 0;
    expect(await send({ ...line, location: { latitude: 4.81, longitude: -75.69, name: "Parque" } })).toEqual({
      ok: true,
      channelMessageId: "-100500:201",
    });
    expect(calls.map((c) => c[0])).toEqual(["sendMessage", "sendLocation"]);
    expect(calls[1]).toEqual(["sendLocation", -100500, 4.81, -75.69]);
  });
});

describe("telegram configuration", () => {
  it("accepts https webhook URLs and explains every other", () => {
    expect(validateWebhookUrl("https://bot.alcaldia.gov.co/telegram/hook").pathname).toBe("/telegram/hook");
    expect(() => validateWebhookUrl("http://bot.alcaldia.gov.co/hook")).toThrow(/must start with https:\/\//);
    expect(() => validateWebhookUrl("bot.alcaldia.gov.co")).toThrow(/is not a URL/);
    expect(() => validateWebhookUrl("https://bot.alcaldia.gov.co:9000/hook")).toThrow(/ports 443, 80, 88 or 8443/);
    expect(() => validateWebhookUrl("http://x")).toThrow(ConfigError);
  });

  it("registers commands in Spanish, English and for groups, and each one works as typed", () => {
    const translator = createTranslator();
    const engine = createEngine(loadFlows(translator));
    const sets = commandSets(translator);
    expect(sets.map((s) => [s.languageCode ?? "default", s.scope?.type ?? "default"])).toEqual([
      ["default", "default"],
      ["en", "default"],
      ["default", "all_group_chats"],
    ]);
    for (const locale of ["es", "en"] as const) {
      for (const command of citizenCommandNames(locale)) {
        expect(
          engine.commandFor(`/${command}`, (key) => translator.wordsInAllLocales(key)),
          `/${command}`,
        ).toBeDefined();
      }
    }
    for (const set of sets) for (const c of set.commands) expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
    expect(sets[0]!.commands.find((c) => c.command === "estado")?.description).toBe(
      "Consultar el estado de un radicado",
    );
    expect(sets[1]!.commands.find((c) => c.command === "status")?.description).toBe(
      "Check the status of a filing number",
    );
  });

  it("declares Telegram's limits: 30/s overall, 1/s per chat, 20/min per group", () => {
    expect(TELEGRAM_CAPABILITIES).toMatchObject({
      nativeOptions: true,
      maxTextLength: 4096,
      ratePerSecond: 30,
      ratePerChatPerSecond: 1,
      ratePerGroupPerMinute: 20,
    });
    expect(TELEGRAM_CAPABILITIES.isGroupAddress!("-100500")).toBe(true);
    expect(TELEGRAM_CAPABILITIES.isGroupAddress!("42")).toBe(false);
  });
});

describe("per-group rate limit", () => {
  it("lets 20 sends per sliding minute into a group, while private chats only keep 1/s", () => {
    const clock = createManualClock(NOW);
    const limiter = createRateLimiter(TELEGRAM_CAPABILITIES, clock);
    let sent = 0;
    for (let i = 0; i < 25; i++) {
      if (limiter.take("-100500") === 0) sent++;
      clock.advanceMs(1000);
    }
    expect(sent).toBe(20);
    // The 21st waits until the first send is a minute old.
    expect(limiter.take("-100500")).toBe(60_000 - 25_000);
    expect(limiter.take("42")).toBe(0);
    clock.advanceMs(35_000);
    expect(limiter.take("-100500")).toBe(0);
  });
});

describe("staff button actions", () => {
  it("round-trip and reject anything else", () => {
    for (const action of [
      { kind: "answer", questionId: 12 },
      { kind: "request_info", questionId: 3 },
      { kind: "reassign", questionId: 99 },
      { kind: "extend", questionId: 7 },
      { kind: "reassign_to", questionId: 99, officeKey: "desarrollo-economico" },
    ] as const) {
      expect(parseStaffButtonAction(formatStaffButtonAction(action))).toEqual(action);
    }
    expect(parseStaffButtonAction("qa:12:salud")).toBeUndefined();
    expect(parseStaffButtonAction("qo:12")).toBeUndefined();
    expect(parseStaffButtonAction("zz:1")).toBeUndefined();
  });
});
