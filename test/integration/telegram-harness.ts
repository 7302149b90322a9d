/**
 * End-to-end harness for the Telegram channel: the real runtime (temp SQLite, real migrations,
 * flows and locales, manual clock) and the real telegraf bot, talking over HTTP to the fake Bot API
 * on 127.0.0.1. Each pushed update first moves the clock 1.5 s, so Telegram's 1 message/s per chat
 * limit (enforced by the dispatcher on that clock) never holds a reply back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Message, Update } from "telegraf/types";
import type { TelegramChannel, TelegramChannelOptions } from "../../src/channels/telegram/telegram-channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, createTelegram, type Bot } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { createInvite } from "../../src/services/staff/staff.ts";
import {
  createFakeTelegramApi,
  type FakeTelegramApi,
  type FakeTelegramApiOptions,
  type RecordedCall,
  type UpdateDraft,
} from "../fakes/telegram-bot-api.ts";
import { MONDAY_10AM_BOGOTA_MS } from "../helpers/harness.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { storageEnv } from "../helpers/storage.ts";

export const GROUP = -100500;
export const QUESTION_TEXT = "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses";
const STEP_MS = 1_500;
const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 200 };

export interface TelegramHarness {
  fake: FakeTelegramApi;
  clock: ReturnType<typeof createManualClock>;
  runtime: Runtime;
  bot: Bot;
  channel: TelegramChannel;
  /** Advances the clock, pushes the update and resolves with the bot's next `method` call to `chatId`. */
  push(
    update: UpdateDraft,
    expect?: { chatId: number; method?: string; timeoutMs?: number },
  ): Promise<RecordedCall | undefined>;
  /** A citizen's private text; resolves with the bot's reply. */
  say(userId: number, text: string): Promise<RecordedCall>;
  /** Presses button `data` under the bot's last message with buttons in `chatId`; resolves with the bot's next message there. */
  press(userId: number, chatId: number, data: string, expectChatId?: number): Promise<RecordedCall>;
  /** The bot's last message (as it looks now) in a chat. */
  lastMessage(chatId: number): Message.TextMessage;
  /** Links `userId` as an official of `officeKey` through `/vincular CODE` in private. */
  linkOfficial(userId: number, officeKey: string, role?: "official" | "head", name?: string): Promise<RecordedCall>;
  /** Consents, asks QUESTION_TEXT with the buttons, and returns the radicado. */
  fileQuestion(userId: number, text?: string): Promise<string>;
  /** Drives the dispatcher after moving the clock (retries, rate-limit waits). */
  advance(ms: number): Promise<void>;
  /**
   * The first successful `method` call to `chatId` after `since` whose text or caption matches,
   * moving the clock a second at a time (per-chat limits) until it is sent.
   */
  sent(chatId: number, match: string | RegExp, options?: { method?: string; since?: number }): Promise<RecordedCall>;
  /** The position of the last recorded call, for `sent(..., { since })`. */
  mark(): number;
  close(): Promise<void>;
}

export interface TelegramHarnessOptions {
  fake?: FakeTelegramApiOptions;
  channel?: Partial<TelegramChannelOptions>;
  env?: Record<string, string>;
  /** Runs before the bot starts (to inject start-up faults). */
  beforeStart?: (fake: FakeTelegramApi) => void;
}

export async function createTelegramHarness(options: TelegramHarnessOptions = {}): Promise<TelegramHarness> {
  const fake = await createFakeTelegramApi({ botUsername: "rinde_test_bot", ...options.fake });
  // A loaded CI machine can be slow to answer over HTTP: wait longer than the fake's 2 s by default.
  const waitForCall = fake.waitForCall.bind(fake);
  fake.waitForCall = (method, predicate, timeoutMs = 8_000) => waitForCall(method, predicate, timeoutMs);
  const dir = mkdtempSync(join(tmpdir(), "rinde-tg-"));
  const clock = createManualClock(MONDAY_10AM_BOGOTA_MS);
  const env = loadEnv({
    ...storageEnv(join(dir, "rinde.db")),
    RINDE_PROFILE: "default",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    ...options.env,
  });
  const runtime = await createRuntime({ routerFactory: sharedRouterFactory, env, clock });
  const channel = await createTelegram(runtime, { retry: FAST_RETRY, ...options.channel });
  const bot = createBot(runtime, [channel], { pollIntervalMs: 10, workerId: "tg-test", schedulerIntervalMs: 60_000 });
  options.beforeStart?.(fake);
  await bot.start();

  const lastSeq = () => fake.calls().length - 1;
  const nextCall = (method: string, chatId: number, afterSeq: number, timeoutMs = 8_000) =>
    fake.waitForCall(
      method,
      (c) => c.seq > afterSeq && String(c.params.chat_id) === String(chatId) && c.outcome?.ok === true,
      timeoutMs,
    );

  const harness: TelegramHarness = {
    fake,
    clock,
    runtime,
    bot,
    channel,
    async push(update, expect) {
      clock.advanceMs(STEP_MS);
      const before = lastSeq();
      fake.pushUpdate(update);
      return expect ? nextCall(expect.method ?? "sendMessage", expect.chatId, before, expect.timeoutMs) : undefined;
    },
    async say(userId, text) {
      return (await harness.push(fake.privateText(userId, text), { chatId: userId }))!;
    },
    async press(userId, chatId, data, expectChatId = chatId) {
      const withButtons = fake
        .sentMessages(chatId)
        .filter((m) => "reply_markup" in m && m.reply_markup)
        .at(-1);
      if (!withButtons) throw new Error(`no message with buttons in chat ${chatId}`);
      return (await harness.push(fake.callbackQuery(userId, chatId, withButtons.message_id, data), {
        chatId: expectChatId,
      }))!;
    },
    lastMessage(chatId) {
      return fake.sentMessages(chatId).at(-1) as Message.TextMessage;
    },
    async linkOfficial(userId, officeKey, role = "official", name = `Funcionaria ${userId}`) {
      const { code } = await createInvite(runtime.app, { name, officeKey, role, ttlMs: 3_600_000 });
      return harness.say(userId, `/vincular ${code}`);
    },
    async fileQuestion(userId, text = QUESTION_TEXT) {
      await harness.say(userId, "/start");
      await harness.press(userId, userId, "o:0"); // Sí, autorizo → menu
      await harness.press(userId, userId, "o:0"); // Hacer una pregunta → prompt
      await harness.say(userId, text); // → confirm the office (or choose a topic)
      await harness.press(userId, userId, "o:0"); // → request type
      const receipt = await harness.press(userId, userId, "o:0"); // → radicado
      const reference = /RC-\d{4}-\d{6}/.exec(String(receipt.params.text))?.[0];
      if (!reference) throw new Error(`no radicado in: ${String(receipt.params.text)}`);
      return reference;
    },
    async advance(ms) {
      clock.advanceMs(ms);
      await bot.dispatcher.tick();
    },
    async sent(chatId, match, { method = "sendMessage", since = -1 } = {}) {
      const matches = (c: RecordedCall) => {
        const text = String(c.params.text ?? c.params.caption ?? "");
        return (
          c.seq > since &&
          String(c.params.chat_id) === String(chatId) &&
          c.outcome?.ok === true &&
          (typeof match === "string" ? text.includes(match) : match.test(text))
        );
      };
      for (let attempt = 0; attempt < 10; attempt++) {
        const found = fake.calls(method).find(matches);
        if (found) return found;
        await harness.advance(1_100);
      }
      return fake.waitForCall(method, matches);
    },
    mark: () => lastSeq(),
    async close() {
      await bot.stop();
      await runtime.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The update a test pushed, typed loosely for field access. */
export type AnyUpdate = Update & Record<string, unknown>;
