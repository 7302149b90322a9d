/**
 * Wiring shared by the bot, the CLI and tests: configuration, database, translations, flows,
 * domain context. Each entry point builds one Runtime; only src/main.ts adds channels.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import { FLOWS_DIR, loadEnv, resolveProfilePath, type Env } from "./config/env.ts";
import { loadProfile } from "./config/profile.ts";
import { systemClock } from "./config/system-clock.ts";
import type { Clock } from "./core/clock.ts";
import type { SurveySet } from "./core/surveys/validate.ts";
import type { Db } from "./db/client.ts";
import { openStore } from "./db/open-store.ts";
import type { Store } from "./db/port.ts";
import type { Engine } from "./engine/engine.ts";
import { createTranslator, type Translator } from "./i18n/index.ts";
import { createSilentLogger } from "./logger.ts";
import type { InboundHandler } from "./runtime-conversation.ts";
import { createAppContext, type AppContext, type RouterFactory } from "./services/context.ts";
import { loadSurveySet } from "./services/surveys/definitions.ts";

export { FLOWS_DIR };

export interface Runtime {
  env: Env;
  /** The SQLite handle (SQLite-only upkeep and tools); null on PostgreSQL. */
  db: Db | null;
  /** The storage ports and transaction boundary every service uses. */
  store: Store;
  app: AppContext;
  /** The flow engine over flows/*.yaml, loaded and validated on first use. */
  readonly engine: Engine;
  /** Survey definitions (flows/surveys/*.yaml), loaded and validated on first use. */
  readonly surveys: SurveySet;
  readonly handler: InboundHandler;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env?: Env;
  clock?: Clock;
  logger?: Logger;
  translator?: Translator;
  flowsDir?: string;
  /** How the routing model is built (default: createRouter). Tests share one trained model per process. */
  routerFactory?: RouterFactory;
  /** Refuse a database that does not exist yet instead of creating it (ordinary `rinde` commands; see openStore). */
  existingOnly?: boolean;
  /**
   * Load the conversation modules (src/runtime-conversation.ts) so that `engine` and `handler` can
   * be used; true by default. The CLI passes false: its commands never use them.
   */
  conversation?: boolean;
}

/**
 * Builds the runtime. Flows, survey definitions, the engine and the inbound handler are loaded on
 * first use (and validated then, whole): the bot uses them at once, most CLI commands never, and
 * reading them was a third of a CLI command's start-up. The database and profile are opened now.
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? loadEnv();
  const translator = options.translator ?? createTranslator();
  const profile = loadProfile(resolveProfilePath(env.RINDE_PROFILE));
  const { store, db } = await openStore(env, { existingOnly: options.existingOnly === true });
  const app = await createAppContext({
    store,
    db,
    clock: options.clock ?? systemClock,
    profile,
    translator,
    publicUrl: env.RINDE_PUBLIC_URL,
    backOfficeUrl: backOfficeUrlOf(env),
    routerFactory: options.routerFactory,
  });
  const flowsDir = options.flowsDir ?? FLOWS_DIR;
  const conversation = options.conversation === false ? undefined : await import("./runtime-conversation.ts");
  const needConversation = () => {
    if (!conversation) throw new Error("This runtime was created with `conversation: false`: no engine or handler.");
    return conversation;
  };
  let engine: Engine | undefined;
  let surveys: SurveySet | undefined;
  let handler: InboundHandler | undefined;
  let logger = options.logger;
  const runtime: Runtime = {
    env,
    db,
    store,
    app,
    get engine() {
      return (engine ??= needConversation().createFlowEngine(translator, flowsDir));
    },
    get surveys() {
      return (surveys ??= loadSurveySet(join(flowsDir, "surveys"), {
        locales: translator.locales,
        hasKey: (locale, key) => translator.hasKey(locale, key),
      }));
    },
    get handler() {
      return (handler ??= needConversation().createInboundHandler(app, this.engine));
    },
    // Built when first asked for: the CLI never logs, and never loads pino.
    get logger() {
      return (logger ??= createSilentLogger());
    },
    close: async () => await store.close(),
  };
  return runtime;
}

/** Where officials open the back-office: RINDE_PUBLIC_URL behind a proxy, else the address it listens on; null when off. */
function backOfficeUrlOf(env: Env): string | null {
  if (env.RINDE_WEB === "off") return null;
  return env.RINDE_PUBLIC_URL ?? `http://${env.RINDE_WEB_HOST}:${env.RINDE_WEB_PORT}`;
}
