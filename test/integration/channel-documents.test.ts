/**
 * Files made by the bot (OutboundMessage.document, an event's .ics) on the real channels: Telegram
 * uploads them with sendDocument (real telegraf against the fake Bot API), WhatsApp sends a Baileys
 * `document` message (fake socket). The text is the caption when it fits in 1,024 characters;
 * otherwise the text goes first and the file after it, and a retry after a failed file does not
 * send the text twice. Last, the whole path: a citizen on Telegram asks for an event's calendar file.
 */
import { initAuthCreds } from "@whiskeysockets/baileys";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { OutboundDocument } from "../../src/channels/channel.ts";
import { createTelegramChannel, type TelegramChannel } from "../../src/channels/telegram/telegram-channel.ts";
import { createWhatsAppChannel, type WhatsAppChannel } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { createEvent } from "../../src/services/events/events.ts";
import { boomLike, createFakeSocketFactory, type FakeSocketFactory } from "../fakes/baileys-socket.ts";
import { createFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-bot-api.ts";
import { createTelegramHarness, type TelegramHarness } from "./telegram-harness.ts";

const ICS: OutboundDocument = {
  fileName: "evento-7.ics",
  mimeType: "text/calendar",
  content:
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Audiencia pública — Coliseo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
};
const CAPTION = "Archivo de calendario de «Audiencia pública». Ábralo para guardar el evento en su calendario.";
const LONG_TEXT = `La audiencia pública cambió de fecha.\n\n${"Detalle del evento con lugar, hora y enlace. ".repeat(30)}`;
const silent = pino({ level: "silent" });

describe("Telegram: a document made by the bot", () => {
  let fake: FakeTelegramApi | undefined;
  let channel: TelegramChannel | undefined;
  afterEach(async () => {
    await channel?.stop();
    await fake?.close();
    fake = channel = undefined;
  });

  async function telegram(): Promise<{ fake: FakeTelegramApi; channel: TelegramChannel }> {
    fake = await createFakeTelegramApi();
    channel = createTelegramChannel({
      token: fake.token,
      apiRoot: fake.apiRoot,
      logger: silent,
      nowMs: () => Date.now(),
    });
    return { fake, channel };
  }

  it("uploads the content with its name, the text as caption and the keyboard, and returns that message's id", async () => {
    const { fake, channel } = await telegram();
    const result = await channel.send({
      address: "42",
      text: CAPTION,
      document: ICS,
      options: ["Sí asistiré", "No podré ir"],
    });
    const [call] = fake.calls("sendDocument");
    expect(call?.encoding).toBe("multipart");
    expect(call?.files).toHaveLength(1);
    expect(call?.files[0]).toMatchObject({ field: "document", filename: "evento-7.ics" });
    expect(call?.files[0]?.content.toString("utf8")).toBe(ICS.content);
    expect(call?.params).toMatchObject({
      chat_id: 42,
      caption: CAPTION,
      reply_markup: {
        inline_keyboard: [
          [{ text: "Sí asistiré", callback_data: "o:0" }],
          [{ text: "No podré ir", callback_data: "o:1" }],
        ],
      },
    });
    expect(fake.calls("sendMessage")).toHaveLength(0);
    const sent = fake.sentMessages(42).at(-1)!;
    expect("document" in sent && sent.document.file_name).toBe("evento-7.ics");
    expect(result).toEqual({ ok: true, channelMessageId: `42:${sent.message_id}` });
  });

  it("sends a text longer than a caption first (with the keyboard), then the file alone, and returns the text's id", async () => {
    const { fake, channel } = await telegram();
    expect(LONG_TEXT.length).toBeGreaterThan(1024);
    const result = await channel.send({ address: "42", text: LONG_TEXT, document: ICS, options: ["Ver el evento"] });
    const calls = fake.calls().filter((c) => c.method === "sendMessage" || c.method === "sendDocument");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage", "sendDocument"]);
    expect(calls[0]?.params).toMatchObject({
      text: LONG_TEXT,
      reply_markup: { inline_keyboard: [[{ text: "Ver el evento", callback_data: "o:0" }]] },
    });
    expect(calls[1]?.params).not.toHaveProperty("caption");
    expect(calls[1]?.files[0]?.content.toString("utf8")).toBe(ICS.content);
    const [text] = fake.sentMessages(42);
    expect(result).toEqual({ ok: true, channelMessageId: `42:${text!.message_id}` });
  });

  it("after the file failed, the retry sends only the file and still returns the text's id", async () => {
    const { fake, channel } = await telegram();
    fake.failNext("sendDocument", { errorCode: 429, retryAfterSeconds: 3 });
    expect(await channel.send({ address: "42", text: LONG_TEXT, document: ICS })).toMatchObject({
      ok: false,
      kind: "retry",
      retryAfterMs: 3000,
    });
    const retried = await channel.send({ address: "42", text: LONG_TEXT, document: ICS });
    expect(fake.calls("sendMessage")).toHaveLength(1);
    expect(fake.calls("sendDocument").map((c) => c.outcome?.ok)).toEqual([false, true]);
    const [text, file] = fake.sentMessages(42);
    expect("document" in file!).toBe(true);
    expect(retried).toEqual({ ok: true, channelMessageId: `42:${text!.message_id}` });
  });

  it("uploads without a caption when there is no text, and keeps a header-safe file name", async () => {
    const { fake, channel } = await telegram();
    expect(
      await channel.send({ address: "42", text: " ", document: { ...ICS, fileName: 'evento "7"\r\n.ics' } }),
    ).toMatchObject({ ok: true });
    const [call] = fake.calls("sendDocument");
    expect(call?.params).not.toHaveProperty("caption");
    expect(call?.files[0]?.filename).toBe("evento _7___.ics");
  });
});

describe("WhatsApp: a document made by the bot", () => {
  let channel: WhatsAppChannel | undefined;
  afterEach(async () => {
    await channel?.stop();
    channel = undefined;
  });

  async function whatsapp(): Promise<{ fake: FakeSocketFactory; channel: WhatsAppChannel }> {
    const fake = createFakeSocketFactory({ nowMs: () => 0 });
    const auth = {
      load: async () => ({
        state: { creds: initAuthCreds(), keys: { get: async () => ({}), set: async () => {} } },
        saveCreds: async () => {},
      }),
      clear: async () => {},
    };
    channel = createWhatsAppChannel({
      socketFactory: fake.factory,
      auth,
      nowMs: () => 0,
      logger: silent,
      ratePerMinute: 60,
      sendJitterMs: 0,
    });
    await channel.start(async () => {});
    fake.current.open();
    return { fake, channel };
  }
  const CITIZEN = "573001112233@s.whatsapp.net";

  it("sends a document message with the bytes, mimetype, file name and the text (numbered options) as caption", async () => {
    const { fake, channel } = await whatsapp();
    const result = await channel.send({ address: CITIZEN, text: CAPTION, document: ICS, options: ["Sí", "No"] });
    const [sent] = fake.sent();
    expect(fake.sent()).toHaveLength(1);
    expect(sent?.jid).toBe(CITIZEN);
    const content = sent!.content as { document: Buffer; mimetype: string; fileName: string; caption: string };
    expect(content.document.toString("utf8")).toBe(ICS.content);
    expect(content).toMatchObject({
      mimetype: "text/calendar",
      fileName: "evento-7.ics",
      caption: `${CAPTION}\n\n1. Sí\n2. No`,
    });
    expect(result).toEqual({ ok: true, channelMessageId: sent!.id });
  });

  it("sends a long text first, then the file without caption, and returns the text's id", async () => {
    const { fake, channel } = await whatsapp();
    const result = await channel.send({ address: CITIZEN, text: LONG_TEXT, document: ICS });
    const [text, file] = fake.sent();
    expect(fake.sent()).toHaveLength(2);
    expect(text?.content).toEqual({ text: LONG_TEXT });
    expect(file?.content).toMatchObject({ mimetype: "text/calendar", fileName: "evento-7.ics" });
    expect(file?.content).not.toHaveProperty("caption");
    expect(result).toEqual({ ok: true, channelMessageId: text!.id });
  });

  it("after the file failed, the retry sends only the file and still returns the text's id", async () => {
    const { fake, channel } = await whatsapp();
    const socket = fake.current;
    const sendMessage = socket.sendMessage.bind(socket);
    let calls = 0;
    socket.sendMessage = async (...args) => {
      if (++calls === 2) throw boomLike("Connection Closed", 428);
      return sendMessage(...args);
    };
    expect(await channel.send({ address: CITIZEN, text: LONG_TEXT, document: ICS })).toMatchObject({
      ok: false,
      kind: "retry",
    });
    const retried = await channel.send({ address: CITIZEN, text: LONG_TEXT, document: ICS });
    const [text, file] = fake.sent();
    expect(fake.sent()).toHaveLength(2);
    expect(text?.content).toEqual({ text: LONG_TEXT });
    expect(file?.content).toHaveProperty("document");
    expect(retried).toEqual({ ok: true, channelMessageId: text!.id });
  });
});

describe("the calendar file end to end on Telegram", () => {
  let h: TelegramHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("a citizen who asks for an event's calendar file receives the .ics as an upload", async () => {
    h = await createTelegramHarness();
    const created = await createEvent(
      h.runtime.app,
      { kind: "cli" },
      {
        kind: "public_hearing",
        title: "Audiencia pública de rendición de cuentas 2026",
        description: "Informe de gestión.",
        startsAtMs: Date.parse("2026-03-10T09:00:00-05:00"),
        endsAtMs: Date.parse("2026-03-10T11:00:00-05:00"),
        place: "Coliseo Municipal",
        virtualUrl: null,
        officeKey: "planeacion",
        districts: [],
        topics: [],
      },
    );
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const user = 7001;
    await h.say(user, "/start");
    await h.press(user, user, "o:0"); // Sí, autorizo
    const detail = await h.say(user, `evento ${created.event.id}`);
    const labels = (
      detail.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    const ics = labels.find((b) => /calendario/i.test(b.text));
    const menuId = (detail.outcome as { result: { message_id: number } }).result.message_id;
    const call = (await h.push(h.fake.callbackQuery(user, user, menuId, ics!.callback_data), {
      chatId: user,
      method: "sendDocument",
    }))!;
    expect(call.params.caption).toContain("Archivo de calendario");
    expect(call.files[0]?.filename).toBe(`evento-${created.event.id}.ics`);
    const content = call.files[0]!.content.toString("utf8");
    expect(content).toContain("BEGIN:VCALENDAR");
    expect(content).toContain("DTSTART:20260310T140000Z");
  });
});
