/**
 * The Telegram path under load: updates fed to the real telegraf bot through `handleUpdate`, as a
 * webhook or a polling batch would, with the real runtime behind it (temp SQLite, flows, outbox,
 * dispatcher) and every reply sent over HTTP to the fake Bot API on 127.0.0.1. Next to it, in the
 * same run and against the same fake, a bare telegraf bot that only replies "ok": the difference is
 * Rinde's cost per update. Both run updates one after another and send one message per update.
 *
 * Citizens go through the ask conversation ("hola" → consent → question → confirm → request type);
 * the clock moves 1.1 s per update so Telegram's per-chat and global limits never hold a send back.
 * Everything is checked afterwards (every reply sent, every question filed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, createTelegram } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";
import { createFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-bot-api.ts";
import { BenchCheckError, citizenText, CONVERSATION_STEPS } from "./conversation.ts";

const START_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
const FIRST_CITIZEN_ID = 5_000_000;

export interface TelegramBenchOptions {
  /** Citizens going through the 5-step conversation (updates = citizens × 5). */
  citizens?: number;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new BenchCheckError(message);
}

/** Update k of the run: citizen (k mod citizens) at step (k div citizens), interleaved. */
function updatesFor(
  fake: FakeTelegramApi,
  citizens: number,
  steps: number,
  text: (step: number, citizen: number) => string,
): Update[] {
  const updates: Update[] = [];
  for (let step = 0; step < steps; step++) {
    for (let c = 0; c < citizens; c++) {
      updates.push({
        ...fake.privateText(FIRST_CITIZEN_ID + c, text(step, c)),
        update_id: updates.length + 1,
      } as Update);
    }
  }
  return updates;
}

async function timeUpdates(
  updates: readonly Update[],
  handle: (update: Update) => Promise<void>,
  beforeEach: () => void = () => undefined,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (const update of updates) {
    beforeEach();
    await handle(update);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function benchRinde(fake: FakeTelegramApi, citizens: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-bench-tg-"));
  const clock = createManualClock(START_MS);
  const env = loadEnv({
    RINDE_DB: join(dir, "rinde.db"),
    RINDE_PROFILE: "default",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
  });
  const runtime = await createRuntime({ env, clock });
  const channel = await createTelegram(runtime, { commands: [] });
  const bot = createBot(runtime, [channel], {
    workerId: "bench-tg",
    pollIntervalMs: 60_000,
    schedulerIntervalMs: 60_000,
  });
  try {
    await bot.start();
    const updates = updatesFor(fake, citizens, CONVERSATION_STEPS, citizenText);
    const sentBefore = fake.calls("sendMessage").length;
    const seconds = await timeUpdates(
      updates,
      (u) => channel.handleUpdate(u),
      () => clock.advanceMs(1_100),
    );
    await bot.dispatcher.tick();
    const replies = fake
      .calls("sendMessage")
      .slice(sentBefore)
      .filter((c) => c.outcome?.ok && Number(c.params.chat_id) >= FIRST_CITIZEN_ID).length;
    check(replies >= updates.length, `Telegram bench: ${replies} replies for ${updates.length} updates`);
    const filed = (await runtime.app.repos.questions.list()).length;
    check(filed === citizens, `Telegram bench: ${filed} questions filed for ${citizens} citizens`);
    return updates.length / seconds;
  } finally {
    await bot.stop();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchBare(fake: FakeTelegramApi, count: number): Promise<number> {
  const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
  bot.on("message", (ctx) => ctx.reply("ok"));
  bot.botInfo = await bot.telegram.getMe();
  const updates = updatesFor(fake, count, 1, () => "hola");
  const before = fake.calls("sendMessage").length;
  const seconds = await timeUpdates(updates, (u) => bot.handleUpdate(u));
  check(fake.calls("sendMessage").length - before === count, "bare telegraf bench: a reply is missing");
  return count / seconds;
}

/** Updates per second through Rinde's Telegram channel, and through a bare telegraf handler. */
export async function benchTelegram(
  options: TelegramBenchOptions = {},
): Promise<{ updatesPerSecond: number; bareUpdatesPerSecond: number }> {
  const citizens = options.citizens ?? 200;
  const fake = await createFakeTelegramApi({ botUsername: "rinde_bench_bot" });
  try {
    // Warm-up (JIT, SQLite page cache, HTTP keep-alive) on throwaway runs.
    await benchRinde(fake, 20);
    await benchBare(fake, 100);
    const updatesPerSecond = await benchRinde(fake, citizens);
    const bareUpdatesPerSecond = await benchBare(fake, citizens * CONVERSATION_STEPS);
    return { updatesPerSecond, bareUpdatesPerSecond };
  } finally {
    await fake.close();
  }
}

const isEntryPoint = process.argv[1]?.endsWith("test/bench/telegram.ts");
if (isEntryPoint) {
  benchTelegram().then(
    (r) =>
      console.log(
        `Telegram: ${r.updatesPerSecond.toFixed(0)} updates/s through Rinde, ${r.bareUpdatesPerSecond.toFixed(0)} updates/s bare telegraf`,
      ),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
