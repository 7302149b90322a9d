/**
 * Composition root: `npm start` (configured channels, plus the console chat in a terminal) and
 * `npm run chat` (the console chat only). Every piece is wired here once.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Channel, InboundHandler, InboundMessage } from "./channels/channel.ts";
import { createConsoleChannel } from "./channels/console/console-channel.ts";
import type { TelegramChannel, TelegramChannelOptions } from "./channels/telegram/telegram-channel.ts";
import type {
  WhatsAppAuthStore,
  WhatsAppChannel,
  WhatsAppChannelOptions,
} from "./channels/whatsapp/whatsapp-channel.ts";
import type { WhatsAppCloudChannel, WhatsAppCloudOptions } from "./channels/whatsapp-cloud/cloud-channel.ts";
import { ConfigError } from "./config/errors.ts";
import { loadEnv } from "./config/env.ts";
import { systemClock } from "./config/system-clock.ts";
import { startCheckpoints } from "./db/client.ts";
import type { PostgresStore } from "./db/postgres/store.ts";
import { createDispatcher, type Dispatcher } from "./delivery/dispatcher.ts";
import { withIngressLock } from "./delivery/ingress-channel.ts";
import { createScheduler, type Scheduler } from "./delivery/scheduler.ts";
import { createWorkerLease } from "./delivery/worker-lease.ts";
import { createLogger } from "./logger.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { isQuietTime } from "./core/events.ts";
import { createChannelStatusRecorder } from "./services/channel-status.ts";
import { commitmentJobHandlers, ensureCommitmentJobs } from "./services/commitments/jobs.ts";
import { deadlineJobHandlers, prepareDeadlines } from "./services/deadlines/deadlines.ts";
import { eventJobHandlers } from "./services/events/jobs.ts";
import { ensurePlanJobs, planJobHandlers } from "./services/plan/jobs.ts";
import { prepareSurveys, surveyJobHandlers } from "./services/surveys/surveys.ts";
import { DEFAULT_LOCALE } from "./i18n/index.ts";

export interface Bot {
  runtime: Runtime;
  dispatcher: Dispatcher;
  /** Runs the durable jobs (reminders, escalations, digests, withdrawals) when they fall due. */
  scheduler: Scheduler;
  /** Handles one inbound message end to end; resolves once its replies were handed to the dispatcher. */
  onInbound: InboundHandler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires channels to the runtime: inbound → handler → outbox → dispatcher → channels. */
export function createBot(
  runtime: Runtime,
  channels: readonly Channel[],
  options: {
    pollIntervalMs?: number;
    workerId?: string;
    schedulerIntervalMs?: number;
    claimMs?: number;
    warmRouting?: boolean;
  } = {},
): Bot {
  const { app, handler, logger } = runtime;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
  // One lease for the process: its claims on outbox rows and jobs live while it does (issue 19).
  const lease = createWorkerLease({
    repos: app.repos,
    clock: app.clock,
    logger,
    workerId,
    ...(options.claimMs ? { leaseMs: options.claimMs } : {}),
  });
  const dispatcher = createDispatcher({
    repos: app.repos,
    channels,
    clock: app.clock,
    logger,
    workerId,
    pollIntervalMs: options.pollIntervalMs ?? runtime.env.RINDE_DISPATCH_INTERVAL_MS,
    lease,
    // Announcements wait for the morning: no bulk message during the profile's quiet hours.
    holdBulk: (nowMs) => isQuietTime(nowMs, app.profile.quietHours, app.profile.timezone),
  });
  const scheduler = createScheduler({
    store: app.store,
    repos: app.repos,
    clock: app.clock,
    logger,
    workerId,
    handlers: {
      ...deadlineJobHandlers(app),
      ...surveyJobHandlers(runtime),
      ...eventJobHandlers(app),
      ...commitmentJobHandlers(app),
      ...planJobHandlers(app),
    },
    pollIntervalMs: options.schedulerIntervalMs,
    lease,
    onEffects: () => dispatcher.wake(),
  });

  async function onInbound(message: InboundMessage, stored?: (ok: boolean) => void): Promise<void> {
    try {
      const result = await handler.handle(message);
      stored?.(true);
      // Only the channel: a channel message id names the chat (a Telegram id embeds the user id), and
      // no identifier of a citizen goes to the logs at any level (issue 19).
      if (result.status === "duplicate") logger.debug({ channel: message.channel }, "inbound.duplicate");
    } catch (error) {
      // The message's transaction rolled back: nothing was stored. A webhook answers so that the
      // platform delivers it again (deduplicated then by its id); the citizen is told, once.
      stored?.(false);
      logger.error(
        {
          err: { message: (error as Error).message, code: (error as { code?: string }).code },
          channel: message.channel,
        },
        "inbound.failed",
      );
      await app.repos.outbox.enqueue(
        {
          idempotencyKey: `error:${message.channel}:${message.channelMessageId}`,
          channel: message.channel,
          address: message.address,
          payload: { text: app.translator.t(DEFAULT_LOCALE, "engine.error") },
        },
        app.clock.nowMs(),
      );
    }
    // A pass already running may have looked before this message's replies were committed.
    await dispatcher.flush();
  }

  let stopCheckpoints = () => {};
  let stopListening = async () => {};
  return {
    runtime,
    dispatcher,
    scheduler,
    onInbound,
    async start() {
      if (runtime.db) stopCheckpoints = startCheckpoints(runtime.db);
      // Build the routing model now (about half a second) rather than on the first citizen's question.
      if (options.warmRouting !== false) void app.router();
      await lease.start();
      await dispatcher.start();
      // Before the first job runs: due dates follow a changed calendar, every office has its digest.
      const deadlines = await prepareDeadlines(app);
      await prepareSurveys(runtime);
      await ensureCommitmentJobs(app);
      await ensurePlanJobs(app);
      if (deadlines.recomputed) logger.info({ changed: deadlines.changed }, "deadlines.recomputed");
      scheduler.start();
      // PostgreSQL: rows and jobs another process commits wake this one at once (issue 13).
      stopListening = await app.store.listenForWork(
        (table) => (table === "outbox" ? dispatcher.wake() : scheduler.wake()),
        (error) => logger.warn({ err: { message: error.message } }, "db.listen_failed"),
      );
      for (const channel of channels) await channel.start(onInbound);
      logger.info({ channels: channels.map((c) => c.id), profile: app.profile.id }, "bot.started");
    },
    async stop() {
      for (const channel of channels) await channel.stop();
      await stopListening();
      await scheduler.stop();
      await dispatcher.stop();
      await lease.stop();
      stopCheckpoints();
      logger.info("bot.stopped");
    },
  };
}

/** Where the console chat writes the files it "sends" (an event's .ics): beside the database. */
export function consoleFilesDir(dbPath: string): string {
  return join(dirname(dbPath), "console-files");
}

async function main(argv: string[]): Promise<void> {
  const env = loadEnv();
  const consoleOnly = argv.includes("--console");
  const wantConsole =
    consoleOnly || env.RINDE_CONSOLE === "on" || (env.RINDE_CONSOLE === "auto" && process.stdin.isTTY === true);
  const interactive = wantConsole && process.stdin.isTTY === true;
  // In a terminal chat, info logs would interleave with the conversation: default to warnings.
  const explicitLevel = process.env.RINDE_LOG_LEVEL;
  const logger = createLogger(explicitLevel ? env.RINDE_LOG_LEVEL : interactive ? "warn" : env.RINDE_LOG_LEVEL);
  const runtime = await createRuntime({ env, clock: systemClock, logger });

  const channels: Channel[] = [];
  const consoleChannel = wantConsole
    ? createConsoleChannel({
        input: process.stdin,
        output: process.stdout,
        interactive,
        nowMs: () => systemClock.nowMs(),
        filesDir: consoleFilesDir(env.RINDE_DB),
      })
    : undefined;
  if (consoleChannel) channels.push(consoleChannel);
  const optional = consoleOnly ? { channels: [] } : await optionalChannels(runtime);
  channels.push(...optional.channels);
  const withWeb = !consoleOnly && env.RINDE_WEB === "on";
  if (optional.whatsappCloud && !withWeb) {
    throw new ConfigError(
      "whatsapp_cloud_needs_web",
      "WHATSAPP_MODE=cloud receives messages through the web server's webhook (/webhooks/whatsapp): set RINDE_WEB=on.",
    );
  }
  if (channels.length === 0 && !withWeb) {
    throw new ConfigError(
      "no_channels",
      "No channel to run: stdin is not a terminal and no chat channel is configured. Set TELEGRAM_BOT_TOKEN or WHATSAPP_ENABLED=1, set RINDE_CONSOLE=on, RINDE_WEB=on, or use `npm run chat`.",
    );
  }

  const bot = createBot(runtime, channels);
  let web: WebServer | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await web?.close();
    await bot.stop();
    await runtime.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  if (interactive)
    process.stdout.write(
      `${runtime.app.translator.t(DEFAULT_LOCALE, "console.welcome", { entity: runtime.app.profile.name })}\n`,
    );
  try {
    await bot.start();
    if (withWeb) web = await startWeb(runtime, bot, optional.whatsappCloud);
  } catch (error) {
    // A signal during start-up closed the database under a query in flight: the shutdown under way exits.
    if (stopping) return;
    throw error;
  }
  if (consoleChannel && (consoleOnly || !process.stdin.isTTY || channels.length === 1)) {
    await consoleChannel.closed;
    await bot.dispatcher.tick();
    await shutdown(0);
  }
}

type WebServer = Awaited<ReturnType<typeof import("./web/server.ts").createWebServer>>;

/**
 * The back-office (issue 14) on RINDE_WEB_HOST:RINDE_WEB_PORT, sharing this process's services:
 * what staff do on the web is delivered by this bot's dispatcher at once. On a database with no
 * administrator, prints a one-time setup link for the first one.
 */
export async function startWeb(runtime: Runtime, bot: Bot, whatsappCloud?: WhatsAppCloudChannel): Promise<WebServer> {
  const [{ createWebServer }, { setupLinkIfNoAdmin }, { channelFilesFromEnv }] = await Promise.all([
    import("./web/server.ts"),
    import("./services/backoffice/auth.ts"),
    import("./channels/file-readers.ts"),
  ]);
  const { env, app, logger } = runtime;
  const listenUrl = `http://${env.RINDE_WEB_HOST.includes(":") ? `[${env.RINDE_WEB_HOST}]` : env.RINDE_WEB_HOST}:${env.RINDE_WEB_PORT}`;
  const publicUrl = env.RINDE_PUBLIC_URL?.replace(/\/+$/, "");
  const server = await createWebServer({
    app,
    logger,
    publicUrl,
    listenUrl,
    onEffects: () => bot.dispatcher.wake(),
    surveyIds: () => runtime.surveys.keys(),
    surveys: () => runtime.surveys,
    // From the tokens, not the running adapters: this process may not hold Telegram's polling.
    fileReaders: channelFilesFromEnv(env),
  });
  if (whatsappCloud) {
    // WHATSAPP_MODE=cloud: Meta posts messages and statuses here (issue 17; createWhatsAppCloud checked the secrets).
    const { registerWhatsAppCloudWebhook } = await import("./channels/whatsapp-cloud/webhook.ts");
    registerWhatsAppCloudWebhook(server, {
      receive: whatsappCloud.receive,
      appSecret: env.WHATSAPP_APP_SECRET!,
      verifyToken: env.WHATSAPP_VERIFY_TOKEN!,
      logger,
    });
  }
  await server.listen({ host: env.RINDE_WEB_HOST, port: env.RINDE_WEB_PORT });
  const base = publicUrl ?? listenUrl;
  logger.info({ url: `${base}/admin` }, "web.started");
  const setup = await setupLinkIfNoAdmin(app);
  if (setup) {
    // A secret: printed to the operator's terminal, never to the logs.
    process.stdout.write(
      app.translator.t(DEFAULT_LOCALE, "web.setup_link_printed", { url: `${base}/admin/configurar/${setup.token}` }),
    );
  }
  return server;
}

/** Channels enabled by configuration (Telegram, WhatsApp), loaded only when configured. */
async function optionalChannels(
  runtime: Runtime,
): Promise<{ channels: Channel[]; whatsappCloud?: WhatsAppCloudChannel }> {
  const channels: Channel[] = [];
  let whatsappCloud: WhatsAppCloudChannel | undefined;
  // Long polling and the Baileys socket run in one process at a time (issue 13); a webhook is served by any.
  if (runtime.env.TELEGRAM_BOT_TOKEN) {
    const telegram = await createTelegram(runtime);
    channels.push(runtime.env.TELEGRAM_WEBHOOK_URL ? telegram : oneConsumer(runtime, telegram, false));
  }
  if (runtime.env.WHATSAPP_ENABLED && runtime.env.WHATSAPP_MODE === "cloud") {
    const cloud = await createWhatsAppCloud(runtime);
    channels.push(cloud.channel);
    whatsappCloud = cloud.cloud;
  } else if (runtime.env.WHATSAPP_ENABLED) channels.push(oneConsumer(runtime, await createWhatsApp(runtime), true));
  if (runtime.env.RINDE_SMTP_URL) {
    const { createEmailChannel } = await import("./channels/email/email-channel.ts");
    channels.push(createEmailChannel({ smtpUrl: runtime.env.RINDE_SMTP_URL, from: runtime.env.RINDE_SMTP_FROM }));
    runtime.app.emailNotices = true;
  }
  return { channels, ...(whatsappCloud ? { whatsappCloud } : {}) };
}

/** The channel behind its ingress lock: run by the process holding it, taken over when that one dies. */
function oneConsumer(runtime: Runtime, channel: Channel, sendsNeedIngress: boolean): Channel {
  return withIngressLock(channel, {
    lock: runtime.store.ingressLock(channel.id),
    logger: runtime.logger,
    sendsNeedIngress,
  });
}

/**
 * The WhatsApp Cloud API channel (WHATSAPP_MODE=cloud): `cloud` is the adapter, whose `receive`
 * the web server's webhook calls (registerWhatsAppCloudWebhook); `channel` is the same adapter
 * behind the 24-hour-window policy, for the dispatcher. Statuses go to the outbox rows, the last
 * inbound time to `channel_windows`, the connection state to `channel_state`.
 */
export async function createWhatsAppCloud(
  runtime: Runtime,
  overrides: Partial<WhatsAppCloudOptions> = {},
): Promise<{ channel: Channel; cloud: WhatsAppCloudChannel }> {
  const [{ createWhatsAppCloudChannel }, { withWhatsAppWindow }, { recordWhatsAppStatus }] = await Promise.all([
    import("./channels/whatsapp-cloud/cloud-channel.ts"),
    import("./delivery/whatsapp-window-channel.ts"),
    import("./delivery/whatsapp-status.ts"),
  ]);
  const { env, app, logger } = runtime;
  const { WHATSAPP_PHONE_NUMBER_ID: phoneNumberId, WHATSAPP_ACCESS_TOKEN: accessToken } = env;
  const missing = (
    ["WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"] as const
  ).filter((name) => !env[name]);
  if (!phoneNumberId || !accessToken || missing.length > 0) {
    throw new ConfigError(
      "whatsapp_cloud_config_missing",
      `WHATSAPP_MODE=cloud needs ${missing.join(", ")}. README "WhatsApp Cloud API" shows where Meta shows each one.`,
    );
  }
  const nowMs = () => app.clock.nowMs();
  const status = createChannelStatusRecorder(app, "whatsapp", logger);
  const cloud = createWhatsAppCloudChannel({
    graphUrl: env.WHATSAPP_GRAPH_URL,
    apiVersion: env.WHATSAPP_API_VERSION,
    phoneNumberId,
    accessToken,
    ratePerSecond: env.WHATSAPP_CLOUD_RATE_PER_SECOND,
    logger,
    nowMs,
    labels: { listButton: app.translator.t(DEFAULT_LOCALE, "whatsapp_cloud.list_button") },
    // The Cloud API has no linked number of its own to show or unlink: a number an earlier Baileys
    // set-up left in channel_state is forgotten (Administración would offer to unlink it).
    onState: (state, detail) =>
      status.state(state, detail, {
        account: null,
        ...((state === "token_expired" || state === "account_blocked") && detail ? { error: detail } : {}),
      }),
    // A late failure does what the same refusal at send time does (131047 → template, 131026 → unreachable).
    onStatus: async (update) => void (await recordWhatsAppStatus(app.store, "whatsapp", update, nowMs())),
    onInboundSeen: async (address, atMs) => await app.repos.channelWindows.touch("whatsapp", address, atMs),
    ...overrides,
  });
  return {
    cloud,
    channel: withWhatsAppWindow(cloud, { repos: app.repos, profile: app.profile, clock: app.clock, logger }),
  };
}

/**
 * The Telegram channel from TELEGRAM_* variables (long polling, or a webhook when
 * TELEGRAM_WEBHOOK_URL is set). telegraf is loaded only when Telegram is enabled. Tests pass
 * `apiRoot` (a fake Bot API), short retry delays and webhook options.
 */
export async function createTelegram(
  runtime: Runtime,
  overrides: Partial<TelegramChannelOptions> = {},
): Promise<TelegramChannel> {
  const { createTelegramChannel, telegramOptionsFromEnv } = await import("./channels/telegram/telegram-channel.ts");
  const { env, app, logger } = runtime;
  const base = telegramOptionsFromEnv(env, { translator: app.translator, logger, nowMs: () => app.clock.nowMs() });
  if (!base)
    throw new ConfigError(
      "telegram_token_missing",
      "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and set the token it gives you.",
    );
  const status = createChannelStatusRecorder(app, "telegram", logger);
  return createTelegramChannel({
    ...base,
    onState: (state, detail, info) => status.state(state, detail, info),
    ...overrides,
  });
}

/**
 * The WhatsApp channel over this runtime's database (SQLite or PostgreSQL): auth state in
 * `whatsapp_auth`, connection state in `channel_state` (for `rinde status` and the back-office,
 * with the pairing QR or code while not linked), pairing also shown on stdout. Baileys is loaded only when WhatsApp is enabled. Tests pass a fake `socketFactory` (and timers).
 */
export async function createWhatsApp(
  runtime: Runtime,
  overrides: Partial<WhatsAppChannelOptions> = {},
): Promise<WhatsAppChannel> {
  const [{ createWhatsAppChannel }, { createBaileysSocketFactory }, { createTerminalPairingPrinter }] =
    await Promise.all([
      import("./channels/whatsapp/whatsapp-channel.ts"),
      import("./channels/whatsapp/socket.ts"),
      import("./channels/whatsapp/pairing.ts"),
    ]);
  const { env, app, logger } = runtime;
  const nowMs = () => app.clock.nowMs();
  const status = createChannelStatusRecorder(app, "whatsapp", logger);
  const { onPairing, onState, ...rest } = overrides;
  const showPairing =
    onPairing ??
    createTerminalPairingPrinter({
      output: process.stdout,
      t: (key, vars) => app.translator.t(DEFAULT_LOCALE, key, vars),
    });
  const channel = createWhatsAppChannel({
    socketFactory: overrides.socketFactory ?? createBaileysSocketFactory({ logger }),
    auth: await whatsappAuthStore(runtime, nowMs),
    nowMs,
    logger,
    ratePerMinute: env.WHATSAPP_RATE_PER_MINUTE,
    sendJitterMs: env.WHATSAPP_SEND_JITTER_MS,
    pairingPhone: env.WHATSAPP_PHONE,
    // The QR or code goes to the database (the back-office shows it to admins) and to the terminal.
    onPairing: (event) => {
      if (event.kind === "qr") status.pairing({ qr: event.qr, validForMs: event.validForMs });
      if (event.kind === "code") status.pairing({ code: event.code });
      showPairing(event);
    },
    onState: (state, detail, info) => {
      status.state(state, detail, info);
      onState?.(state, detail, info);
    },
    // An administrator's "Desvincular" in the back-office, maybe made in another process.
    takeUnlinkRequest: () => app.repos.channelState.takeUnlinkRequest("whatsapp"),
    ...rest,
  });
  // idle() also waits for the state reports written so far (another process reads them).
  const channelIdle = channel.idle.bind(channel);
  return Object.assign(channel, {
    async idle() {
      await channelIdle();
      await status.idle();
    },
  });
}

/** The process entry (`npm start`, `npm run chat`): runs the bot and turns a failure into an exit code. */
export function runMain(argv: string[]): Promise<void> {
  return main(argv).catch(async (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    const { startFailureLines } = await import("./start-failure.ts");
    for (const line of startFailureLines(error, process.env)) process.stderr.write(`${line}\n`);
    process.exit(1);
  });
}

// `tsx src/main.ts` during development; the built entry is src/start.ts. The file name is checked
// too: bundled into another script (a test's child process), this module's URL is that script's.
const isEntryPoint =
  process.argv[1] !== undefined &&
  /[\\/]main\.ts$/.test(process.argv[1]) &&
  import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) void runMain(process.argv.slice(2));

/**
 * The Baileys session store of the runtime's database. On PostgreSQL every process sharing the
 * database sees the same session (only one of them may hold the socket at a time). The SQLite
 * repository is synchronous underneath; the channel awaits it the same way.
 */
async function whatsappAuthStore(runtime: Runtime, nowMs: () => number): Promise<WhatsAppAuthStore> {
  if (runtime.store.dialect === "postgres") {
    const { createPgWhatsAppAuthRepo } = await import("./db/postgres/repositories/whatsapp-auth.ts");
    return createPgWhatsAppAuthRepo((runtime.store as PostgresStore).q, { nowMs });
  }
  const { createWhatsAppAuthRepo } = await import("./db/repositories/whatsapp-auth.ts");
  const repo = createWhatsAppAuthRepo(runtime.db!, { nowMs });
  return {
    async load() {
      const { state, saveCreds } = repo.load();
      return { state, saveCreds: async () => saveCreds() };
    },
    clear: async () => repo.clear(),
  };
}
