/**
 * Wiring shared by the bot, the CLI and tests: configuration, database, translations, flows,
 * domain context. Each entry point builds one Runtime; only src/main.ts adds channels.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import { loadEnv, PROJECT_ROOT, resolveProfilePath, type Env } from "./config/env.ts";
import { loadProfile } from "./config/profile.ts";
import { systemClock } from "./config/system-clock.ts";
import type { Clock } from "./core/clock.ts";
import type { Db } from "./db/client.ts";
import { openStore } from "./db/open-store.ts";
import type { Store } from "./db/port.ts";
import { createEngine, type Engine } from "./engine/engine.ts";
import { loadFlowSet } from "./engine/flow-load.ts";
import type { FlowSet } from "./engine/flow-validate.ts";
import { createTranslator, type Translator } from "./i18n/index.ts";
import { silentLogger } from "./logger.ts";
import { ACTION_RESULTS } from "./services/conversation/actions.ts";
import { createAppContext, type AppContext, type RouterFactory } from "./services/context.ts";
import { createInboundHandler, type InboundHandler } from "./services/conversation/inbound.ts";
import type { SurveySet } from "./core/surveys/index.ts";
import { loadSurveySet } from "./services/surveys/definitions.ts";

export const FLOWS_DIR = join(PROJECT_ROOT, "flows");

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
  logger: Logger;
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
}

/** Loads and validates the flows against the actions and every locale. */
export function loadFlows(translator: Translator, dir = FLOWS_DIR): FlowSet {
  return loadFlowSet(dir, {
    actions: ACTION_RESULTS,
    locales: translator.locales,
    hasKey: (locale, key) => translator.hasKey(locale, key),
  });
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
  let engine: Engine | undefined;
  let surveys: SurveySet | undefined;
  let handler: InboundHandler | undefined;
  const runtime: Runtime = {
    env,
    db,
    store,
    app,
    get engine() {
      return (engine ??= createEngine(loadFlows(translator, flowsDir)));
    },
    get surveys() {
      return (surveys ??= loadSurveySet(join(flowsDir, "surveys"), {
        locales: translator.locales,
        hasKey: (locale, key) => translator.hasKey(locale, key),
      }));
    },
    get handler() {
      return (handler ??= createInboundHandler(app, this.engine));
    },
    logger: options.logger ?? silentLogger,
    close: async () => await store.close(),
  };
  return runtime;
}

/** Where officials open the back-office: RINDE_PUBLIC_URL behind a proxy, else the address it listens on; null when off. */
function backOfficeUrlOf(env: Env): string | null {
  if (env.RINDE_WEB === "off") return null;
  return env.RINDE_PUBLIC_URL ?? `http://${env.RINDE_WEB_HOST}:${env.RINDE_WEB_PORT}`;
}
