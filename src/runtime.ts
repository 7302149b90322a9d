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
import { openDb, type Db } from "./db/client.ts";
import { createEngine, type Engine } from "./engine/engine.ts";
import { loadFlowSet } from "./engine/flow-load.ts";
import type { FlowSet } from "./engine/flow-validate.ts";
import { createTranslator, type Translator } from "./i18n/index.ts";
import { silentLogger } from "./logger.ts";
import { ACTION_RESULTS } from "./services/actions.ts";
import { createAppContext, type AppContext } from "./services/context.ts";
import { createInboundHandler, type InboundHandler } from "./services/inbound.ts";
import type { SurveySet } from "./core/surveys/index.ts";
import { loadSurveySet } from "./services/survey-definitions.ts";

export const FLOWS_DIR = join(PROJECT_ROOT, "flows");

export interface Runtime {
  env: Env;
  db: Db;
  app: AppContext;
  engine: Engine;
  /** Survey definitions (flows/surveys/*.yaml), validated with the flows. */
  surveys: SurveySet;
  handler: InboundHandler;
  logger: Logger;
  close(): void;
}

export interface RuntimeOptions {
  env?: Env;
  clock?: Clock;
  logger?: Logger;
  translator?: Translator;
  flowsDir?: string;
}

/** Loads and validates the flows against the actions and every locale. */
export function loadFlows(translator: Translator, dir = FLOWS_DIR): FlowSet {
  return loadFlowSet(dir, { actions: ACTION_RESULTS, locales: translator.locales, hasKey: (locale, key) => translator.hasKey(locale, key) });
}

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const env = options.env ?? loadEnv();
  const translator = options.translator ?? createTranslator();
  const flows = loadFlows(translator, options.flowsDir);
  const surveys = loadSurveySet(join(options.flowsDir ?? FLOWS_DIR, "surveys"), { locales: translator.locales, hasKey: (locale, key) => translator.hasKey(locale, key) });
  const profile = loadProfile(resolveProfilePath(env.RINDE_PROFILE));
  const db = openDb(env.RINDE_DB, { synchronous: env.RINDE_DB_SYNC });
  const app = createAppContext({ db, clock: options.clock ?? systemClock, profile, translator, publicUrl: env.RINDE_PUBLIC_URL });
  const engine = createEngine(flows);
  return {
    env,
    db,
    app,
    engine,
    surveys,
    handler: createInboundHandler(app, engine),
    logger: options.logger ?? silentLogger,
    close: () => db.$client.close(),
  };
}
