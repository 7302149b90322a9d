/**
 * The Telegram channel on telegraf 4.16: long polling by default, a webhook when a public URL is
 * configured. The adapter translates (updates → InboundMessage, OutboundMessage → Bot API calls)
 * and keeps the connection alive; it holds no rules, no SQL and never retries a send (the
 * dispatcher does, from the SendResult this returns).
 *
 * What telegraf leaves to us (see test/fakes/telegram-bot-api.test.ts): launch() does not retry
 * getMe/deleteWebhook and resolves only when polling stops, so polling is restarted with backoff
 * whenever it ends; a handler error would stop polling and lose the batch, so the handler never
 * throws (a redelivered update is a duplicate the inbound log drops); sends are not retried, so
 * failures are classified (send-errors.ts).
 */
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { Telegraf, TelegramError, type Context } from "telegraf";
import type { Update } from "telegraf/types";
import { ConfigError } from "../../config/errors.ts";
import type { Env } from "../../config/env.ts";
import type { Translator } from "../../i18n/index.ts";
import type { Channel, ChannelCapabilities, ConnectionInfo, InboundMessage } from "../channel.ts";
import { commandSets, type CommandSet } from "./commands.ts";
import { MAX_TEXT_LENGTH } from "./render.ts";
import { createSender } from "./send.ts";
import { toInbound } from "./updates.ts";
import {
  startWebhookServer,
  validateWebhookUrl,
  webhookPath,
  type WebhookOptions,
  type WebhookServer,
} from "./webhook.ts";

export interface TelegramChannelOptions {
  token: string;
  /** Another Bot API server (self-hosted telegram-bot-api, or a test fake); default api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode when set; long polling otherwise. */
  webhook?: WebhookOptions;
  /** Command menus for setMyCommands (see commands.ts). */
  commands?: CommandSet[];
  logger: Logger;
  /** Time stamped on inbound messages (the runtime's clock). */
  nowMs: () => number;
  /** Waits between attempts to reconnect or re-register, doubling from initial to max. Real time. */
  retry?: { initialDelayMs: number; maxDelayMs: number };
  /** Longest one update may be handled before telegraf stops waiting for it. */
  handlerTimeoutMs?: number;
  /**
   * Connection state changes, for `rinde status` and the back-office: `open` with the bot's
   * @username once polling runs (or the webhook is registered), `reconnecting` with the error.
   */
  onState?: (state: TelegramConnectionState, detail: string | null, info?: ConnectionInfo) => void;
}

export type TelegramConnectionState = "connecting" | "open" | "reconnecting" | "stopped";

export interface TelegramChannel extends Channel {
  /** Handles one update as if Telegram had delivered it; resolves when it was handled. */
  handleUpdate(update: Update): Promise<void>;
  /** The webhook server's local port, once started in webhook mode. */
  readonly webhookPort: number | undefined;
}

/** Telegram's limits (DESIGN.md): ~30 messages/s overall, 1/s per chat, 20/min per group. */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  nativeOptions: true,
  maxTextLength: MAX_TEXT_LENGTH,
  ratePerSecond: 30,
  ratePerChatPerSecond: 1,
  ratePerGroupPerMinute: 20,
  // Group and supergroup chat ids are negative; private chats are users' (positive) ids.
  isGroupAddress: (address) => address.startsWith("-"),
};

const ALLOWED_UPDATES = ["message", "callback_query"] as const;
const DEFAULT_RETRY = { initialDelayMs: 1_000, maxDelayMs: 5 * 60_000 };
/** How long stop() waits for telegraf's poll loop and for handlers in progress. */
const STOP_WAIT_MS = 2_000;

export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const { logger } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const webhookUrl = options.webhook ? validateWebhookUrl(options.webhook.url) : undefined;
  const bot = new Telegraf(options.token, {
    handlerTimeout: options.handlerTimeoutMs ?? 60_000,
    ...(options.apiRoot ? { telegram: { apiRoot: options.apiRoot } } : {}),
  });
  // The default handler rethrows, which stops polling and loses the batch: log instead.
  bot.catch((error) => logger.error({ err: describeError(error) }, "telegram.update_failed"));
  bot.use((ctx) => onUpdate(ctx));

  let onInbound: ((message: InboundMessage) => Promise<void>) | undefined;
  let stopped = true;
  let polling: Promise<void> | undefined;
  let pollingSettled = true;
  let webhookServer: WebhookServer | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();

  const report: NonNullable<TelegramChannelOptions["onState"]> = (state, detail, info) =>
    options.onState?.(state, detail, info);
  const account = (): ConnectionInfo => (bot.botInfo?.username ? { account: `@${bot.botInfo.username}` } : {});

  const delayFor = (attempt: number) =>
    Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.max(0, attempt - 1));

  function later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) run();
    }, delayMs);
    timers.add(timer);
  }

  async function onUpdate(ctx: Context): Promise<void> {
    const update = ctx.update;
    // Always answer a button press, or the client shows a spinner; whether it counts is decided later.
    if ("callback_query" in update)
      await ctx
        .answerCbQuery()
        .catch((error: unknown) => logger.debug({ err: describeError(error) }, "telegram.callback_answer_failed"));
    const message = toInbound(update, { botUsername: bot.botInfo?.username, nowMs: options.nowMs() });
    if (!message || !onInbound) return;
    const handling = onInbound(message).catch((error: unknown) =>
      logger.error({ err: describeError(error), updateId: update.update_id }, "telegram.inbound_failed"),
    );
    inFlight.add(handling);
    try {
      await handling;
    } finally {
      inFlight.delete(handling);
    }
  }

  /** One run of telegraf's launch (getMe, deleteWebhook, poll loop); restarted whenever it ends. */
  function runPolling(attempt: number): void {
    const startedAtMs = Date.now();
    pollingSettled = false;
    polling = bot
      .launch({ allowedUpdates: [...ALLOWED_UPDATES] }, () => report("open", "polling", account()))
      .then(
        () => restartPolling(attempt, startedAtMs, new Error("polling ended")),
        (error: unknown) => restartPolling(attempt, startedAtMs, error),
      )
      .finally(() => {
        pollingSettled = true;
      });
  }

  /**
   * Stops telegraf's poll loop. A stop that lands while launch() is still connecting finds no loop
   * to stop, and launch() would start one right after: so stop again until launch() has settled.
   * telegraf also finishes a retry wait (up to 5 s) before noticing; do not wait that long.
   */
  async function haltPolling(): Promise<void> {
    const deadline = Date.now() + STOP_WAIT_MS;
    do {
      try {
        bot.stop("rinde.stop");
      } catch {
        // "Bot is not running!": launch() has not started its loop yet, or this is webhook mode.
      }
      if (pollingSettled || !polling) return;
      await Promise.race([polling, new Promise((resolve) => setTimeout(resolve, 50))]);
    } while (!pollingSettled && Date.now() < deadline);
  }

  function restartPolling(attempt: number, startedAtMs: number, error: unknown): void {
    if (stopped) return;
    // A run that lasted a while was a working connection: start the backoff over.
    const next = Date.now() - startedAtMs > retry.maxDelayMs ? 1 : attempt + 1;
    const delayMs = delayFor(next);
    const level = error instanceof TelegramError && (error.code === 401 || error.code === 409) ? "error" : "warn";
    logger[level]({ err: describeError(error), delayMs }, "telegram.polling_restart");
    report("reconnecting", `polling stopped; retry in ${delayMs} ms`, { error: errorText(error) });
    later(delayMs, () => runPolling(next));
  }

  /** setMyCommands for every menu; a failure is logged and retried later, never fatal. */
  function registerCommands(attempt: number): void {
    if (!options.commands?.length) return;
    void (async () => {
      try {
        for (const set of options.commands!) {
          await bot.telegram.setMyCommands(set.commands, {
            ...(set.languageCode ? { language_code: set.languageCode } : {}),
            ...(set.scope ? { scope: set.scope } : {}),
          });
        }
        logger.info({ menus: options.commands!.length }, "telegram.commands_registered");
      } catch (error) {
        const delayMs = delayFor(attempt + 1);
        logger.warn({ err: describeError(error), delayMs }, "telegram.commands_failed");
        later(delayMs, () => registerCommands(attempt + 1));
      }
    })();
  }

  /** setWebhook with the secret; retried until it works (without it no update arrives). */
  function registerWebhook(attempt: number): void {
    const { url, secretToken } = options.webhook!;
    bot.telegram.setWebhook(url, { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] }).then(
      () => {
        logger.info("telegram.webhook_registered");
        report("open", "webhook", account());
      },
      (error: unknown) => {
        const delayMs = delayFor(attempt + 1);
        logger.warn({ err: describeError(error), delayMs }, "telegram.webhook_failed");
        report("reconnecting", `webhook not registered; retry in ${delayMs} ms`, { error: errorText(error) });
        later(delayMs, () => registerWebhook(attempt + 1));
      },
    );
  }

  async function startWebhook(): Promise<void> {
    const callback = bot.webhookCallback(webhookPath(webhookUrl!), { secretToken: options.webhook!.secretToken });
    webhookServer = await startWebhookServer(
      options.webhook!,
      async (req: IncomingMessage, res: ServerResponse) => {
        // Stopping, or without the bot's identity (telegraf would cache a failed getMe for good):
        // 503 makes Telegram deliver the update again later instead of losing it.
        if (stopped || (!bot.botInfo && !(await identify()))) {
          res.writeHead(503).end();
          return;
        }
        await callback(req, res);
      },
      (error) => logger.error({ err: describeError(error) }, "telegram.webhook_request_failed"),
    );
    registerWebhook(0);
  }

  /** getMe; a rejected token is a configuration error, anything else is retried later. */
  async function identify(): Promise<boolean> {
    try {
      bot.botInfo = await bot.telegram.getMe();
      return true;
    } catch (error) {
      if (error instanceof TelegramError && error.code === 401) {
        throw new ConfigError(
          "telegram_token_rejected",
          "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather (/mybots → API Token), or unset it to disable Telegram.",
        );
      }
      logger.warn({ err: describeError(error) }, "telegram.connect_failed");
      report("reconnecting", "getMe failed", { error: errorText(error) });
      return false;
    }
  }

  async function waitBounded(promises: Iterable<Promise<unknown>>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_WAIT_MS);
    });
    await Promise.race([Promise.allSettled([...promises]), timeout]);
    clearTimeout(timer);
  }

  return {
    id: "telegram",
    capabilities: TELEGRAM_CAPABILITIES,
    get webhookPort() {
      return webhookServer?.port;
    },

    async start(handler) {
      if (!stopped) throw new Error("The Telegram channel is already started; call stop() first.");
      onInbound = handler;
      stopped = false;
      report("connecting", null);
      // Only a rejected token is fatal; an unreachable Bot API is retried by the loops below.
      await identify().catch((error: unknown) => {
        stopped = true;
        throw error;
      });
      registerCommands(0);
      if (webhookUrl) await startWebhook();
      else runPolling(0);
      logger.info({ mode: webhookUrl ? "webhook" : "polling", bot: bot.botInfo?.username }, "telegram.started");
    },

    send: createSender(bot.telegram),

    async handleUpdate(update) {
      await bot.handleUpdate(update);
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await haltPolling();
      await waitBounded(inFlight);
      await webhookServer?.close();
      webhookServer = undefined;
      onInbound = undefined;
      logger.info("telegram.stopped");
      report("stopped", null);
    },
  };
}

/** Options from the environment (src/config/env.ts); throws ConfigError for a bad webhook URL. */
export function telegramOptionsFromEnv(
  env: Env,
  deps: { translator: Translator; logger: Logger; nowMs: () => number },
): TelegramChannelOptions | undefined {
  if (!env.TELEGRAM_BOT_TOKEN) return undefined;
  if (env.TELEGRAM_WEBHOOK_URL) validateWebhookUrl(env.TELEGRAM_WEBHOOK_URL);
  return {
    token: env.TELEGRAM_BOT_TOKEN,
    ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
    ...(env.TELEGRAM_WEBHOOK_URL
      ? {
          webhook: {
            url: env.TELEGRAM_WEBHOOK_URL,
            // Without a configured secret, one derived from the token: every process behind the proxy
            // (issue 13) checks the one secret whichever of them called setWebhook last.
            secretToken: env.TELEGRAM_WEBHOOK_SECRET ?? webhookSecretFromToken(env.TELEGRAM_BOT_TOKEN),
            port: env.TELEGRAM_WEBHOOK_PORT,
            host: env.TELEGRAM_WEBHOOK_HOST,
          },
        }
      : {}),
    commands: commandSets(deps.translator),
    logger: deps.logger,
    nowMs: deps.nowMs,
  };
}

/**
 * The webhook's secret token when none is configured: an HMAC of the bot token, the same in every
 * process of one installation and unknown to whoever lacks the token (who could call setWebhook
 * anyway with it). 64 hex characters, within Telegram's 1–256 of [A-Za-z0-9_-].
 */
export function webhookSecretFromToken(token: string): string {
  return createHmac("sha256", token).update("rinde.telegram.webhook").digest("hex");
}

/**
 * One line for the channel status: the error's code and words. A network error's message carries
 * the request URL, and with it the bot token (`/bot<id>:<secret>/getMe`): the token is cut out.
 */
export function errorText(error: unknown): string {
  const { code, message } = describeError(error);
  return code === undefined ? message : `${code}: ${message}`;
}

/** A bot token (`<bot id>:<secret>`) anywhere in a text, as network errors' URLs carry it. */
const BOT_TOKEN = /\d+:[A-Za-z0-9_-]{20,}/g;

/**
 * Error details for logs and the channel status: code and description, never a message's text or
 * the token (cut out of a network error's URL).
 */
export function describeError(error: unknown): { name?: string; code?: number | string; message: string } {
  if (error instanceof TelegramError)
    return { name: "TelegramError", code: error.code, message: error.description.replace(BOT_TOKEN, "<token>") };
  const e = error as { name?: string; code?: string; message?: string } | null;
  return {
    ...(e?.name ? { name: e.name } : {}),
    ...(e?.code ? { code: e.code } : {}),
    message: String(e?.message ?? error)
      .replace(BOT_TOKEN, "<token>")
      .slice(0, 300),
  };
}
