/**
 * Telegram faults and lifecycle with the real telegraf against the fake Bot API: 429 and 403 on
 * sends, duplicate updates, polling that ends or meets an outage, start-up failures, command menus,
 * and webhook mode with its secret token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "telegraf/types";
import { describeError, errorText, telegramOptionsFromEnv } from "../../src/channels/telegram/telegram-channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { createTelegram } from "../../src/main.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/logger.ts";
import { createRuntime } from "../../src/runtime.ts";
import { createFakeTelegramApi } from "../fakes/telegram-bot-api.ts";
import { createTelegramHarness, type TelegramHarness } from "./telegram-harness.ts";
import { inboundKey } from "../../src/db/repositories/inbound.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { secretOf, sqlRow, sqlRows, storageEnv } from "../helpers/storage.ts";

const ANA = 1001;
const BETO = 1002;

let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const texts = (harness: TelegramHarness, chatId: number) =>
  harness.fake.sentMessages(chatId).map((m) => (m as Message.TextMessage).text);
const outboxRows = (harness: TelegramHarness, address: number) =>
  sqlRows<{ status: string; attempts: number; lastError: string | null }>(
    harness.runtime,
    'select status, attempts, last_error as "lastError" from outbox where address = ? order by id',
    [String(address)],
  );

describe("Telegram send failures through the dispatcher", () => {
  it("429: waits retry_after and retries without losing or reordering the chat's messages", async () => {
    h = await createTelegramHarness();
    await h.say(ANA, "/start");
    h.fake.failNext("sendMessage", { errorCode: 429, retryAfterSeconds: 3, chatId: ANA });
    const limited = h.mark();
    await h.push(h.fake.callbackQuery(ANA, ANA, h.lastMessage(ANA).message_id, "o:0"));
    await h.fake.waitForCall("sendMessage", (c) => c.seq > limited && c.outcome?.ok === false);
    h.clock.advanceMs(1_500);
    const help = h.fake.pushUpdate(h.fake.privateText(ANA, "/ayuda"));
    await h.fake.waitForCall("getUpdates", (c) => c.params.offset === help.update_id + 1);
    await h.bot.dispatcher.tick();
    // The menu waits for retry_after; the help reply waits behind it.
    expect((await outboxRows(h, ANA)).map((r) => r.status)).toEqual(["sent", "pending", "pending"]);
    expect((await outboxRows(h, ANA))[1]).toMatchObject({
      attempts: 0,
      lastError: "429 Too Many Requests: retry after 3",
    });
    await h.advance(1_000);
    expect(h.fake.sentMessages(ANA)).toHaveLength(1);

    await h.sent(ANA, "¿Qué quiere hacer?");
    await h.sent(ANA, "Puede escribir estas palabras en cualquier momento");
    const sent = texts(h, ANA);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toContain("¿Nos autoriza");
    expect(sent[1]).toContain("Gracias. Guardamos su autorización");
    expect(sent[2]).toContain("Puede escribir estas palabras en cualquier momento");
    expect((await outboxRows(h, ANA)).map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("403: the citizen who blocked the bot is marked unreachable and never retried", async () => {
    h = await createTelegramHarness();
    await h.say(ANA, "/start");
    h.fake.setBlocked(ANA);
    const before = h.mark();
    await h.push(h.fake.callbackQuery(ANA, ANA, h.lastMessage(ANA).message_id, "o:0"));
    await h.fake.waitForCall(
      "sendMessage",
      (c) => c.seq > before && c.outcome?.ok === false && "errorCode" in c.outcome && c.outcome.errorCode === 403,
    );
    await h.bot.dispatcher.tick();
    expect((await outboxRows(h, ANA)).at(-1)).toMatchObject({
      status: "unreachable",
      lastError: "403 Forbidden: bot was blocked by the user",
    });
    const identity = (
      await h.runtime.app.repos.citizens.identities(
        (await h.runtime.app.repos.citizens.findContext("telegram", String(ANA)))!.citizenId,
      )
    )[0];
    expect(identity?.unreachableAtMs).toEqual(expect.any(Number));
    await h.advance(10 * 60_000);
    await h.advance(10 * 60_000);
    expect(h.fake.calls("sendMessage").filter((c) => c.params.chat_id === ANA)).toHaveLength(2);
  });
});

describe("Telegram updates and polling", () => {
  it("a duplicate update (message or button) is processed once", async () => {
    h = await createTelegramHarness();
    const first = h.fake.pushUpdate(h.fake.privateText(ANA, "/start"));
    await h.sent(ANA, "¿Nos autoriza");
    const press = h.fake.callbackQuery(ANA, ANA, h.lastMessage(ANA).message_id, "o:0");
    await h.push(press, { chatId: ANA });
    h.fake.pushUpdate(first); // same update_id again
    h.fake.pushUpdate(press); // the same button press again, under a new update id
    await h.push(h.fake.privateText(BETO, "hola"), { chatId: BETO });
    const seen = await sqlRows<{ messageId: string }>(
      h.runtime,
      `select channel_message_id as "messageId" from inbound_messages where channel = 'telegram' order by inbound_messages.id`,
    );
    expect(texts(h, ANA)).toHaveLength(2);
    // The log keeps hashed ids (no chat id survives a data deletion): one row each.
    const secret = secretOf(h.runtime);
    expect(seen.map((r) => r.messageId)).toEqual([
      inboundKey(`${ANA}:${first.message.message_id}`, secret),
      inboundKey(`cb:${press.callback_query.id}`, secret),
      expect.any(String),
    ]);
    expect(seen.every((r) => !r.messageId.includes(String(ANA)))).toBe(true);
  });

  it("polling that ends (409) restarts by itself and does not reprocess the update it had", async () => {
    h = await createTelegramHarness();
    await h.fake.waitForCall("getUpdates");
    h.fake.failNext("getUpdates", { errorCode: 409, description: "Conflict: terminated by other getUpdates request" });
    const start = h.mark();
    await h.say(ANA, "/start");
    // telegraf gave up on the 409; the adapter launched again and the unconfirmed update came back.
    const conflict = await h.fake.waitForCall("getUpdates", (c) => c.seq > start && c.outcome?.ok === false);
    expect(conflict.outcome).toMatchObject({ errorCode: 409 });
    await h.fake.waitForCall(
      "getUpdates",
      (c) => c.seq > conflict.seq && c.outcome?.ok === true && (c.outcome.result as unknown[]).length > 0,
    );
    await h.say(BETO, "hola");
    expect(texts(h, ANA)).toHaveLength(1);
    expect(h.fake.calls("deleteWebhook").length).toBeGreaterThanOrEqual(2);
  });

  it("reports its state for the back-office: open with the bot's @username, the error of a restart", async () => {
    h = await createTelegramHarness();
    await h.fake.waitForCall("getUpdates");
    const harness = h;
    const state = async () =>
      await sqlRow<{ state: string; detail: string | null; account: string | null; lastError: string | null }>(
        harness.runtime,
        "select state, detail, account, last_error \"lastError\" from channel_state where channel = 'telegram'",
      );
    const until = async (check: (row: Awaited<ReturnType<typeof state>>) => boolean) => {
      for (let i = 0; i < 500; i++) {
        const row = await state();
        if (check(row)) return row;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return await state();
    };
    expect(await until((row) => row?.state === "open")).toEqual({
      state: "open",
      detail: "polling",
      account: "@rinde_test_bot",
      lastError: null,
    });
    h.fake.failNext("getUpdates", { errorCode: 409, description: "Conflict: terminated by other getUpdates request" });
    await h.say(ANA, "/start"); // ends the pending long poll: the next one meets the 409
    // The restart is recorded with Telegram's words; polling opens again and the error stays visible.
    expect((await until((row) => row?.lastError !== null))?.lastError).toBe(
      "409: Conflict: terminated by other getUpdates request",
    );
    expect(await until((row) => row?.state === "open")).toMatchObject({ state: "open", account: "@rinde_test_bot" });
  });

  it("polling survives a Bot API outage and resumes where it was", async () => {
    h = await createTelegramHarness();
    await h.say(ANA, "/start");
    h.fake.outage({ durationMs: 200 }); // cuts the pending long poll; telegraf waits 5 s
    await h.push(h.fake.privateText(BETO, "hola"), { chatId: BETO, timeoutMs: 9_000 });
    expect(texts(h, ANA)).toHaveLength(1);
    expect(h.fake.calls("getUpdates").some((c) => c.outcome?.ok === false)).toBe(true);
  }, 15_000);
});

describe("Telegram start-up", () => {
  it("a Bot API down at start and a failing setMyCommands are retried, never fatal", async () => {
    h = await createTelegramHarness({
      beforeStart: (fake) => {
        fake.outage({ count: 1 });
        fake.failNext("setMyCommands", { errorCode: 500 });
      },
    });
    expect(h.fake.calls("getMe")[0]?.outcome).toMatchObject({ ok: false, errorCode: 502 });
    await h.say(ANA, "/start");
    await h.fake.waitForCall(
      "setMyCommands",
      (c) => c.outcome?.ok === true && (c.params.scope as { type?: string } | undefined)?.type === "all_group_chats",
    );
    const ok = h.fake.calls("setMyCommands").filter((c) => c.outcome?.ok);
    expect(
      ok.map((c) => [
        c.params.language_code ?? "default",
        (c.params.commands as { command: string }[]).map((x) => x.command).join(","),
      ]),
    ).toEqual([
      ["default", "start,menu,ayuda,estado,idioma,privacidad,cancelar"],
      ["en", "start,menu,help,status,language,privacy,cancel"],
      ["default", "responder,reasignar,info,prorroga,pendientes,vincular_grupo"],
    ]);
  });

  it("a token Telegram rejects is a clear configuration error", async () => {
    const fake = await createFakeTelegramApi();
    const dir = mkdtempSync(join(tmpdir(), "rinde-tg-"));
    const runtime = await createRuntime({
      routerFactory: sharedRouterFactory,
      env: loadEnv({
        ...storageEnv(join(dir, "rinde.db")),
        TELEGRAM_BOT_TOKEN: "999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        TELEGRAM_API_ROOT: fake.apiRoot,
      }),
    });
    try {
      const channel = await createTelegram(runtime);
      await expect(channel.start(async () => undefined)).rejects.toThrow(
        /Telegram rejected TELEGRAM_BOT_TOKEN \(401 Unauthorized\)/,
      );
      await channel.stop();
    } finally {
      await runtime.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the bot token out of the error shown as the channel's status", () => {
    const token = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmno";
    const network = Object.assign(
      new Error(`request to https://api.telegram.org/bot${token}/getMe failed, reason: connect ECONNREFUSED`),
      { code: "ECONNREFUSED" },
    );
    expect(errorText(network)).toBe(
      "ECONNREFUSED: request to https://api.telegram.org/bot<token>/getMe failed, reason: connect ECONNREFUSED",
    );
  });

  it("keeps the bot token out of the error details written to the log", () => {
    const token = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmno";
    const network = Object.assign(new Error(`request to https://api.telegram.org/bot${token}/getUpdates failed`), {
      code: "ETIMEDOUT",
      name: "FetchError",
    });
    expect(JSON.stringify(describeError(network))).not.toContain("AAFakeTokenForTestsOnly");
    expect(describeError(network)).toEqual({
      name: "FetchError",
      code: "ETIMEDOUT",
      message: "request to https://api.telegram.org/bot<token>/getUpdates failed",
    });
  });

  it("refuses a webhook URL that is not https, before connecting", () => {
    const env = loadEnv({
      TELEGRAM_BOT_TOKEN: "123456789:AAFakeTokenForTestsOnly_abcdefghijklmno",
      TELEGRAM_WEBHOOK_URL: "http://bot.alcaldia.gov.co/hook",
    });
    const deps = { translator: createTranslator(), logger: silentLogger, nowMs: () => 0 };
    expect(() => telegramOptionsFromEnv(env, deps)).toThrow(ConfigError);
    expect(() => telegramOptionsFromEnv(env, deps)).toThrow(/TELEGRAM_WEBHOOK_URL must start with https:\/\//);
  });
});

describe("Telegram webhook mode", () => {
  it("registers the webhook with its secret, refuses deliveries without it, handles the rest", async () => {
    h = await createTelegramHarness({
      channel: {
        webhook: {
          url: "https://bot.alcaldia.test/telegram/hook",
          secretToken: "s3cret-Token_1",
          port: 0,
          host: "127.0.0.1",
        },
      },
    });
    const registered = await h.fake.waitForCall("setWebhook");
    expect(registered.params).toMatchObject({
      url: "https://bot.alcaldia.test/telegram/hook",
      secret_token: "s3cret-Token_1",
    });
    const local = `http://127.0.0.1:${h.channel.webhookPort}/telegram/hook`;

    expect((await h.fake.deliverToWebhook(local, h.fake.privateText(ANA, "/start"), "wrong")).status).toBe(403);
    expect((await h.fake.deliverToWebhook(local, h.fake.privateText(ANA, "/start"))).status).toBe(403);
    expect(
      (
        await h.fake.deliverToWebhook(
          `http://127.0.0.1:${h.channel.webhookPort}/other`,
          h.fake.privateText(ANA, "/start"),
          "s3cret-Token_1",
        )
      ).status,
    ).toBe(403);
    expect(await sqlRow(h.runtime, "select count(*) n from inbound_messages")).toEqual({ n: 0 });

    const delivery = await h.fake.deliverToWebhook(local, h.fake.privateText(ANA, "/start"), "s3cret-Token_1");
    expect(delivery.status).toBe(200);
    await h.sent(ANA, "¿Nos autoriza");
    // A button press is answered in the webhook reply itself.
    h.clock.advanceMs(1_500);
    const press = await h.fake.deliverToWebhook(
      local,
      h.fake.callbackQuery(ANA, ANA, h.lastMessage(ANA).message_id, "o:0"),
      "s3cret-Token_1",
    );
    expect(press.webhookReply).toMatchObject({ method: "answerCallbackQuery" });
    await h.sent(ANA, "¿Qué quiere hacer?");
    expect(h.fake.calls("getUpdates")).toEqual([]);
  });
});
