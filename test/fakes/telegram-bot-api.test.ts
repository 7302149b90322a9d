import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Markup, Telegraf, TelegramError } from "telegraf";
import { message } from "telegraf/filters";
import type { Update } from "telegraf/types";
import { createFakeTelegramApi, type FakeTelegramApi } from "./telegram-bot-api.ts";

let fake: FakeTelegramApi;
let running: Array<{ bot: Telegraf; launched: Promise<void> }> = [];
let servers: Server[] = [];

function newBot(): Telegraf {
  return new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
}

/** Launches long polling; `launched` settles only when polling stops (telegraf 4.16). */
function launch(bot: Telegraf): Promise<void> {
  const launched = bot.launch();
  launched.catch(() => undefined);
  running.push({ bot, launched });
  return launched;
}

async function stop(bot: Telegraf): Promise<void> {
  const entry = running.find((r) => r.bot === bot);
  try {
    bot.stop("test");
  } catch {
    // "Bot is not running!": launch failed before polling started
  }
  await entry?.launched.catch(() => undefined);
  running = running.filter((r) => r !== entry);
}

async function expectTelegramError(promise: Promise<unknown>): Promise<TelegramError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TelegramError);
  return error as TelegramError;
}

beforeEach(async () => {
  fake = await createFakeTelegramApi({ botUsername: "rinde_test_bot" });
});

afterEach(async () => {
  for (const { bot } of [...running]) await stop(bot);
  for (const s of servers) await new Promise((r) => s.close(r));
  servers = [];
  await fake.close();
});

describe("long polling with the real telegraf", () => {
  it("launch calls getMe, deleteWebhook, then long-polls; a pushed text gets a recorded reply", async () => {
    const bot = newBot();
    bot.on(message("text"), (ctx) => ctx.reply(`eco: ${ctx.message.text}`));
    void launch(bot);

    const poll = await fake.waitForCall("getUpdates");
    expect(poll.params).toEqual({ timeout: 50, offset: 0, allowed_updates: [] });
    expect(
      fake
        .calls()
        .map((c) => c.method)
        .slice(0, 3),
    ).toEqual(["getMe", "deleteWebhook", "getUpdates"]);

    const update = fake.pushUpdate(fake.privateText(42, "hola"));
    const sent = await fake.waitForCall("sendMessage");
    expect(sent.params).toMatchObject({ chat_id: 42, text: "eco: hola" });
    expect(sent.outcome).toMatchObject({ ok: true, result: { chat: { id: 42, type: "private" }, text: "eco: hola" } });
    const [reply] = fake.sentMessages(42);
    expect(reply).toMatchObject({
      message_id: update.message.message_id + 1,
      from: { is_bot: true, username: "rinde_test_bot" },
    });
  });

  it("delivers a duplicated update_id to the bot as pushed, even after it was confirmed", async () => {
    const seen: number[] = [];
    const bot = newBot();
    bot.on(message("text"), async (ctx) => {
      seen.push(ctx.update.update_id);
      await ctx.reply("ok");
    });
    void launch(bot);

    const first = fake.pushUpdate(fake.privateText(42, "hola"));
    const firstReply = await fake.waitForCall("sendMessage");
    fake.pushUpdate(first); // same update_id again, after telegraf's offset moved past it
    await fake.waitForCall("sendMessage", (c) => c.seq > firstReply.seq);
    expect(seen).toEqual([first.update_id, first.update_id]);
  });

  it("confirms updates by offset: after a restart, handled updates are not redelivered", async () => {
    const firstSeen: number[] = [];
    const bot1 = newBot();
    bot1.on("message", (ctx) => void firstSeen.push(ctx.update.update_id));
    void launch(bot1);
    const u1 = fake.pushUpdate(fake.privateText(42, "uno"));
    await fake.waitForCall("getUpdates", (c) => c.params.offset === u1.update_id + 1);
    await stop(bot1);
    // telegraf's stop() syncs the offset (getUpdates offset=N limit=1), confirming u1
    expect(fake.calls("getUpdates").at(-1)?.params).toEqual({ offset: u1.update_id + 1, limit: 1 });
    expect(fake.pendingUpdates()).toEqual([]);

    const u2 = fake.pushUpdate(fake.privateText(42, "dos"));
    const secondSeen: number[] = [];
    const bot2 = newBot();
    bot2.on("message", async (ctx) => {
      secondSeen.push(ctx.update.update_id);
      await ctx.reply("visto");
    });
    void launch(bot2);
    await fake.waitForCall("sendMessage");
    expect(firstSeen).toEqual([u1.update_id]);
    expect(secondSeen).toEqual([u2.update_id]);
  });

  it("delivers 100 updates pushed at once in one batch, with per-chat message ids", async () => {
    const bot = newBot();
    bot.on(message("text"), (ctx) => ctx.reply("ok"));
    void launch(bot);
    await fake.waitForCall("getUpdates");
    for (let i = 0; i < 100; i++) fake.pushUpdate(fake.privateText(1000 + (i % 10), `m${i}`));
    await fake.waitForCall("getUpdates", (c) => c.params.offset !== 0);
    await expect.poll(() => fake.calls("sendMessage").length).toBe(100);
    const ids = fake.sentMessages(1000).map((m) => m.message_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(10);
  });

  it("an update handled with an error stops polling and is still confirmed (telegraf loses it)", async () => {
    const bot = newBot();
    bot.catch((error) => {
      throw error; // telegraf's default handler also rethrows (and sets process.exitCode = 1)
    });
    bot.on("message", () => {
      throw new Error("handler failed");
    });
    const launched = launch(bot);
    const update = fake.pushUpdate(fake.privateText(42, "boom"));
    await expect(launched).rejects.toThrow("handler failed");
    expect(fake.calls("getUpdates").at(-1)?.params).toEqual({ offset: update.update_id + 1, limit: 1 });
    expect(fake.pendingUpdates()).toEqual([]);
  });
});

describe("errors surface through the real telegraf client", () => {
  it("429 carries parameters.retry_after", async () => {
    fake.failNext("sendMessage", { errorCode: 429, retryAfterSeconds: 7 });
    const error = await expectTelegramError(newBot().telegram.sendMessage(42, "hola"));
    expect(error.code).toBe(429);
    expect(error.description).toBe("Too Many Requests: retry after 7");
    expect(error.parameters?.retry_after).toBe(7);
    await expect(newBot().telegram.sendMessage(42, "hola")).resolves.toMatchObject({ text: "hola" });
  });

  it("403 can be scoped to one chat; a my_chat_member 'kicked' update blocks the chat", async () => {
    const telegram = newBot().telegram;
    fake.failNext("sendMessage", { errorCode: 403, chatId: 7 });
    await expect(telegram.sendMessage(8, "a")).resolves.toBeDefined();
    const error = await expectTelegramError(telegram.sendMessage(7, "b"));
    expect([error.code, error.description]).toEqual([403, "Forbidden: bot was blocked by the user"]);

    fake.pushUpdate(fake.myChatMember(9, "kicked"));
    expect((await expectTelegramError(telegram.sendMessage(9, "c"))).code).toBe(403);
    fake.pushUpdate(fake.myChatMember(9, "member"));
    await expect(telegram.sendMessage(9, "d")).resolves.toBeDefined();
  });

  it("validates text length and callback_data bytes like Telegram", async () => {
    const telegram = newBot().telegram;
    const keyboard = (data: string) => Markup.inlineKeyboard([Markup.button.callback("Sí", data)]);
    const tooLong = await expectTelegramError(telegram.sendMessage(42, "x".repeat(4097)));
    expect([tooLong.code, tooLong.description]).toEqual([400, "Bad Request: message is too long"]);
    await expect(telegram.sendMessage(42, "x".repeat(4096))).resolves.toBeDefined();
    expect((await expectTelegramError(telegram.sendMessage(42, ""))).description).toBe(
      "Bad Request: message text is empty",
    );

    const badData = await expectTelegramError(telegram.sendMessage(42, "¿Confirma?", keyboard("x".repeat(65))));
    expect([badData.code, badData.description]).toEqual([400, "Bad Request: BUTTON_DATA_INVALID"]);
    expect(
      (await expectTelegramError(telegram.sendMessage(42, "¿Confirma?", keyboard("ñ".repeat(33))))).description,
    ).toBe("Bad Request: BUTTON_DATA_INVALID");
    await expect(telegram.sendMessage(42, "¿Confirma?", keyboard("x".repeat(64)))).resolves.toMatchObject({
      reply_markup: { inline_keyboard: [[{ text: "Sí", callback_data: "x".repeat(64) }]] },
    });
  });

  it("rejects unescaped MarkdownV2 and unsupported HTML tags", async () => {
    const telegram = newBot().telegram;
    const md = await expectTelegramError(telegram.sendMessage(42, "Radicado 12.3", { parse_mode: "MarkdownV2" }));
    expect(md.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    await expect(telegram.sendMessage(42, "*Radicado* 12\\.3", { parse_mode: "MarkdownV2" })).resolves.toMatchObject({
      text: "*Radicado* 12.3",
    });
    const html = await expectTelegramError(telegram.sendMessage(42, "<div>x</div>", { parse_mode: "HTML" }));
    expect(html.description).toContain('Unsupported start tag "div"');
  });

  it("unknown token → 401, unknown method → 404", async () => {
    const stranger = new Telegraf("999:not-the-token", { telegram: { apiRoot: fake.apiRoot } });
    expect((await expectTelegramError(stranger.telegram.getMe())).code).toBe(401);
    const notFound = await expectTelegramError(newBot().telegram.callApi("sendTelepathy" as "getMe", {}));
    expect([notFound.code, notFound.description]).toEqual([404, "Not Found: method not found"]);
  });

  it("a 5xx fault is a TelegramError with the HTTP status; a dropped connection is a FetchError", async () => {
    const telegram = newBot().telegram;
    fake.failNext("*", { errorCode: 500 });
    expect((await expectTelegramError(telegram.sendChatAction(42, "typing"))).code).toBe(500);
    fake.outage({ count: 1, mode: "drop_connection" });
    const dropped = await telegram.sendMessage(42, "hola").catch((e: unknown) => e as Error);
    expect(dropped).toMatchObject({ name: "FetchError" });
    expect((dropped as Error).message).not.toContain(fake.token.split(":")[1]);
  });

  it("opt-in flood limits answer 429 per chat, on the injected clock", async () => {
    await fake.close();
    let nowMs = 1_700_000_000_000;
    fake = await createFakeTelegramApi({ rateLimits: true, now: () => nowMs });
    const telegram = newBot().telegram;
    await telegram.sendMessage(42, "uno");
    await telegram.sendMessage(43, "otro chat");
    expect((await expectTelegramError(telegram.sendMessage(42, "dos"))).parameters?.retry_after).toBe(1);
    nowMs += 1_000;
    await expect(telegram.sendMessage(42, "dos")).resolves.toBeDefined();
  });
});

/*
 * What telegraf 4.16.3 does on errors (lib/telegraf.js, lib/core/network/polling.js, client.js),
 * i.e. what the Telegram adapter must handle itself:
 * - launch() resolves only when polling stops; getMe and deleteWebhook are called once and a
 *   failure rejects launch() (no retry). The adapter must retry start-up itself.
 * - getUpdates is retried forever on network errors (FetchError) and 5xx after a fixed 5 s (the
 *   5xx body is ignored, so there is no retry_after), and on 429 after parameters.retry_after.
 *   That wait is a plain setTimeout: bot.stop() during it only takes effect when it ends.
 * - 401 or 409 (another instance polling, or a webhook set) on getUpdates rejects launch().
 * - Updates of one batch run concurrently (Promise.all) and the next poll waits for the slowest;
 *   a handler error (including the 90 s handlerTimeout) with the default bot.catch rethrows,
 *   stops polling and rejects launch(). The offset is synced on the way out, so that batch is
 *   confirmed and never redelivered.
 * - sendMessage & co. are never retried: 429 → TelegramError with parameters.retry_after; 5xx →
 *   TelegramError(code = HTTP status, description = status text); a dropped connection → FetchError.
 */
describe("outages and polling recovery", () => {
  it("launch() rejects when getMe fails: telegraf does not retry getMe/deleteWebhook", async () => {
    fake.outage({ count: 1 });
    const error = await expectTelegramError(launch(newBot()));
    expect([error.code, error.description]).toEqual([502, "Bad Gateway"]);
  });

  it("polling survives a 502 outage: telegraf waits a fixed 5 s, then the pushed update arrives", async () => {
    const bot = newBot();
    bot.on(message("text"), (ctx) => ctx.reply("volví"));
    void launch(bot);
    await fake.waitForCall("getUpdates");
    fake.outage({ durationMs: 200 }); // cuts the pending long poll with a 502
    fake.pushUpdate(fake.privateText(42, "¿hay alguien?"));
    await fake.waitForCall("sendMessage", undefined, 8_000);
    const polls = fake.calls("getUpdates");
    expect(polls[0]?.outcome).toMatchObject({ ok: false, errorCode: 502 });
    expect(polls[1]!.atMs - polls[0]!.atMs).toBeGreaterThanOrEqual(4_900);
  });

  it("polling honours retry_after of a 429 on getUpdates", async () => {
    fake.failNext("getUpdates", { errorCode: 429, retryAfterSeconds: 1 });
    const bot = newBot();
    bot.on(message("text"), (ctx) => ctx.reply("ok"));
    void launch(bot);
    fake.pushUpdate(fake.privateText(42, "hola"));
    await fake.waitForCall("sendMessage", undefined, 4_000);
    const [limited, retried] = fake.calls("getUpdates");
    expect(limited?.outcome).toMatchObject({ ok: false, errorCode: 429, retryAfterSeconds: 1 });
    expect(retried!.atMs - limited!.atMs).toBeGreaterThanOrEqual(950);
  });
});

describe("fake semantics", () => {
  it("getUpdates honours offset and limit and long-polls until an update or close()", async () => {
    const telegram = newBot().telegram;
    const [a, b] = [fake.pushUpdate(fake.privateText(1, "a")), fake.pushUpdate(fake.privateText(2, "b"))];
    expect((await telegram.getUpdates(0, 1, 0, undefined)).map((u) => u.update_id)).toEqual([a.update_id]);
    expect(await telegram.getUpdates(0, 100, 0, undefined)).toHaveLength(2); // not confirmed yet
    expect((await telegram.getUpdates(0, 100, a.update_id + 1, undefined)).map((u) => u.update_id)).toEqual([
      b.update_id,
    ]);
    expect(fake.pendingUpdates()).toHaveLength(1);

    let started = Date.now();
    const waiting = telegram.getUpdates(30, 100, b.update_id + 1, undefined);
    await fake.waitForCall("getUpdates", (c) => c.params.timeout === 30);
    const c = fake.pushUpdate(fake.privateText(3, "c"));
    expect((await waiting).map((u) => u.update_id)).toEqual([c.update_id]);
    expect(Date.now() - started).toBeLessThan(1_000);

    started = Date.now();
    const idle = telegram.getUpdates(30, 100, c.update_id + 1, undefined);
    await fake.waitForCall("getUpdates", (call) => call.params.offset === c.update_id + 1);
    await fake.close();
    expect(await idle).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("a second long poll terminates the first with 409, as Telegram does", async () => {
    const telegram = newBot().telegram;
    const first = telegram.getUpdates(30, 100, 0, undefined);
    await fake.waitForCall("getUpdates");
    const second = telegram.getUpdates(30, 100, 0, undefined);
    expect((await expectTelegramError(first)).code).toBe(409);
    fake.pushUpdate(fake.privateText(1, "x"));
    expect(await second).toHaveLength(1);
  });

  it("builders produce updates that telegraf's filters recognise", async () => {
    const kinds: string[] = [];
    const bot = newBot();
    bot.start((ctx) => void kinds.push(`start:${ctx.payload}`));
    bot.on(message("photo"), () => void kinds.push("photo"));
    bot.on(message("document"), (ctx) => void kinds.push(`document:${ctx.message.document.file_name ?? ""}`));
    bot.on(message("sticker"), () => void kinds.push("sticker"));
    bot.on(message("voice"), () => void kinds.push("voice"));
    bot.on(message("location"), () => void kinds.push("location"));
    bot.on(message("contact"), () => void kinds.push("contact"));
    bot.on(
      message("text"),
      (ctx) => void kinds.push(`${ctx.chat.type}:${ctx.message.reply_to_message?.message_id ?? "-"}`),
    );
    bot.on("my_chat_member", () => void kinds.push("my_chat_member"));

    const sent = await bot.telegram.sendMessage(-100500, "Aviso en el grupo");
    const drafts = [
      fake.startCommand(42, "qr-barrio-7"),
      fake.privatePhoto(42, { caption: "hueco" }),
      fake.privateDocument(42, { fileName: "derecho-peticion.pdf" }),
      fake.privateSticker(42),
      fake.privateVoice(42),
      fake.privateLocation(42, 4.8133, -75.6961),
      fake.privateContact(42, "+573001234567"),
      fake.groupText(-100500, 42, "respuesta", { replyToMessageId: sent.message_id }),
      fake.myChatMember(42, "kicked"),
    ];
    const start = drafts[0] as Update.MessageUpdate;
    expect(start.message).toMatchObject({
      text: "/start qr-barrio-7",
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
    });
    for (const d of drafts) bot.handleUpdate(fake.pushUpdate(d)).catch(() => undefined);
    await expect.poll(() => kinds.length).toBe(drafts.length);
    expect(kinds).toEqual([
      "start:qr-barrio-7",
      "photo",
      "document:derecho-peticion.pdf",
      "sticker",
      "voice",
      "location",
      "contact",
      `supergroup:${sent.message_id}`,
      "my_chat_member",
    ]);
  });

  it("callback queries: answer once, edit the bot's message; edits follow Telegram's rules", async () => {
    const bot = newBot();
    bot.action(/^vote:/, async (ctx) => {
      await ctx.answerCbQuery("Gracias");
      await ctx.editMessageText(`Elegiste ${ctx.match.input.slice(5)}`);
    });
    void launch(bot);
    const question = await bot.telegram.sendMessage(
      42,
      "¿Sirvió?",
      Markup.inlineKeyboard([Markup.button.callback("Sí", "vote:si")]),
    );
    const update = fake.pushUpdate(fake.callbackQuery(42, 42, question.message_id, "vote:si"));
    await fake.waitForCall("editMessageText");
    expect(fake.sentMessages(42)).toEqual([
      expect.objectContaining({ text: "Elegiste si", edit_date: expect.any(Number) }),
    ]);
    expect(fake.sentMessages(42)[0]).not.toHaveProperty("reply_markup");

    const again = await expectTelegramError(bot.telegram.answerCbQuery(update.callback_query.id));
    expect(again.description).toContain("query ID is invalid");
    expect(
      (await expectTelegramError(bot.telegram.editMessageText(42, question.message_id, undefined, "Elegiste si")))
        .description,
    ).toContain("message is not modified");
    expect((await expectTelegramError(bot.telegram.editMessageText(42, 999, undefined, "x"))).description).toBe(
      "Bad Request: message to edit not found",
    );
  });

  it("uploads arrive as multipart and can be downloaded back through getFileLink", async () => {
    const telegram = newBot().telegram;
    const result = await telegram.sendDocument(
      42,
      { source: Buffer.from("acta firmada"), filename: "acta.txt" },
      { caption: "Acta", ...Markup.inlineKeyboard([Markup.button.callback("Ok", "ok")]) },
    );
    const call = await fake.waitForCall("sendDocument");
    expect(call.encoding).toBe("multipart");
    expect(call.params).toMatchObject({
      chat_id: 42,
      caption: "Acta",
      reply_markup: { inline_keyboard: [[{ callback_data: "ok" }]] },
    });
    expect(call.files.map((f) => [f.field, f.filename, f.content.toString()])).toEqual([
      ["document", "acta.txt", "acta firmada"],
    ]);

    const link = await telegram.getFileLink(result.document.file_id);
    expect(await (await fetch(link)).text()).toBe("acta firmada");
    expect((await expectTelegramError(telegram.sendPhoto(42, "AgADnope"))).description).toBe(
      "Bad Request: wrong file identifier/HTTP URL specified",
    );
    const photo = fake.registerFile(Buffer.from("jpg"), "p.jpg");
    await expect(telegram.sendPhoto(42, photo.file_id)).resolves.toMatchObject({ photo: expect.any(Array) });
  });

  it("commands: set, get, delete, and invalid names are refused", async () => {
    const telegram = newBot().telegram;
    await telegram.setMyCommands([{ command: "start", description: "Empezar" }]);
    expect(await telegram.getMyCommands()).toEqual([{ command: "start", description: "Empezar" }]);
    expect(
      (await expectTelegramError(telegram.setMyCommands([{ command: "Radicar", description: "x" }]))).description,
    ).toBe("Bad Request: BOT_COMMAND_INVALID");
    await telegram.deleteMyCommands();
    expect(await telegram.getMyCommands()).toEqual([]);
  });

  it("webhook: delivers with the secret header, executes a webhook reply, and blocks getUpdates", async () => {
    const bot = newBot();
    bot.on("callback_query", (ctx) => ctx.answerCbQuery("Recibido")); // answered in the webhook response body
    bot.on(message("text"), (ctx) => ctx.reply("hola"));
    const server = createServer(bot.webhookCallback("/hook", { secretToken: "s3cret" }));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await bot.telegram.setWebhook(url, { secret_token: "s3cret" });
    expect((await expectTelegramError(bot.telegram.getUpdates(0, 100, 0, undefined))).code).toBe(409);

    expect((await fake.deliverToWebhook(url, fake.privateText(42, "hola"), "wrong")).status).toBe(403);
    expect((await fake.deliverToWebhook(url, fake.privateText(42, "hola"), "s3cret")).status).toBe(200);
    await fake.waitForCall("sendMessage", (c) => c.params.text === "hola");

    const query = fake.callbackQuery(42, 42, 1, "x");
    const delivery = await fake.deliverToWebhook(url, query, "s3cret");
    expect(delivery.webhookReply).toMatchObject({ method: "answerCallbackQuery", text: "Recibido" });
    const answered = await fake.waitForCall("answerCallbackQuery");
    expect(answered).toMatchObject({ encoding: "webhook_reply", outcome: { ok: true } });
  });

  it("waitForCall times out with the calls it saw", async () => {
    await newBot().telegram.getMe();
    await expect(fake.waitForCall("sendMessage", undefined, 50)).rejects.toThrow(
      /timed out after 50 ms; calls seen[\s\S]*#0 getMe/,
    );
  });

  it("setLatencyMs delays answers", async () => {
    fake.setLatencyMs(150);
    const started = Date.now();
    await newBot().telegram.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
