/**
 * The web server (issue 14): the staff back-office under `/admin` and, beside it, the public
 * transparency pages (issue 15, registered by the composition root). An adapter like the CLI:
 * handlers parse and validate input (zod), call the services, render. No SQL, no rules and no
 * authorization decisions here.
 *
 * Security defaults: a strict Content-Security-Policy (scripts and styles only from this origin,
 * nothing inline), a CSRF token on every form, cookies HttpOnly + SameSite=Lax (+ Secure behind
 * TLS), sign-in rate limited, sessions in the database (see services/backoffice/auth.ts).
 */
import type { WebDeps } from "./deps.ts";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/env.ts";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import Fastify, { LogController, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { randomBytes } from "node:crypto";
import type { AppContext } from "../services/context.ts";
import { createViews } from "./render.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerInboxRoutes } from "./routes/inbox.ts";
import { registerQuestionRoutes } from "./routes/question.ts";
import { registerAttachmentFileRoutes } from "./routes/attachment-file.ts";
import { registerAdministrationRoutes } from "./routes/administration.ts";
import { registerAnnouncementRoutes } from "./routes/announcements.ts";
import { registerAuditRoutes } from "./routes/audit.ts";
import { registerCommitmentRoutes } from "./routes/commitments.ts";
import { registerEventRoutes } from "./routes/events.ts";
import { registerDeadlineRoutes } from "./routes/deadlines.ts";
import { registerPlanRoutes } from "./routes/plan.ts";
import { registerReportRoutes } from "./routes/reports.ts";
import { registerAnswerTemplateRoutes } from "./routes/answer-templates.ts";
import { registerSurveyImportRoutes } from "./routes/survey-import.ts";
import { registerCommitmentCsvRoutes } from "./routes/commitment-csv.ts";
import type { SurveySet } from "../core/surveys/index.ts";
import type { ChannelFiles } from "../channels/channel.ts";
import { fileReadersOf } from "../services/backoffice/attachment-file.ts";
import { registerSessionHook } from "./session.ts";
import { registerPublicSite } from "./public/plugin.ts";
import { registerAdminErrorPages, registerRootErrorHandler } from "./error-pages.ts";

export interface WebServerOptions {
  app: AppContext;
  logger?: Logger;
  /** RINDE_PUBLIC_URL: links sent to chats, and Secure cookies when it is https. */
  publicUrl?: string;
  /** The address the server listens on, used for links when there is no public URL. */
  listenUrl?: string;
  /** Called after an action queued messages, so a running bot delivers them at once. */
  onEffects?: () => void;
  /** Sign-in attempts per minute per client address (default 10). */
  loginAttemptsPerMinute?: number;
  /** Template cache (off in development to see edits). Default on. */
  cacheViews?: boolean;
  /** The survey ids a plan may name (flows/surveys), for loading a plan from the page. */
  surveyIds?: () => Iterable<string>;
  /** The survey definitions (flows/surveys), for importing paper forms; none when not given. */
  surveys?: () => SurveySet;
  /**
   * Readers of the files citizens attached, per channel (src/channels/file-readers.ts, from the
   * configuration): the question page links to the files of these channels only. None by default.
   */
  fileReaders?: readonly ChannelFiles[];
}

// From the repository root, so the same path works from src/ (tsx) and from the dist/ bundle.
const ASSETS = join(PROJECT_ROOT, "src/web/assets");
const require = createRequire(import.meta.url);

/** The secret that signs the CSRF cookie: kept in the database, created once. */
async function cookieSecret(app: AppContext): Promise<string> {
  const existing = await app.repos.appState.get("web.cookie_secret");
  if (existing) return existing;
  const secret = randomBytes(32).toString("base64url");
  await app.repos.appState.set("web.cookie_secret", secret, app.clock.nowMs());
  return secret;
}

/** Builds the server (not listening). `listen()` it, or `inject()` requests in tests. */
export async function createWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const { app } = options;
  const baseUrl = options.publicUrl ?? options.listenUrl ?? "http://127.0.0.1:3000";
  const secureCookies = baseUrl.startsWith("https://");
  const server = Fastify({
    logger: options.logger ? { level: options.logger.level } : false,
    // Behind a reverse proxy (RINDE_PUBLIC_URL set) the client's address comes from X-Forwarded-For.
    trustProxy: options.publicUrl !== undefined,
    bodyLimit: 256 * 1024,
    // Request logs would carry one-time link tokens and search words (personal data): off.
    logController: new LogController({ disableRequestLogging: true }),
  });
  await server.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: secureCookies ? { maxAge: 15_552_000 } : false,
    referrerPolicy: { policy: "same-origin" },
  });
  await server.register(cookie, { secret: await cookieSecret(app) });
  await server.register(formbody);
  await server.register(csrf, {
    cookieOpts: { path: "/", sameSite: "lax", httpOnly: true, secure: secureCookies, signed: true },
  });
  await server.register(rateLimit, { global: false });

  const deps: WebDeps = {
    app,
    baseUrl,
    secureCookies,
    onEffects: options.onEffects ?? (() => {}),
    fileReaders: fileReadersOf(options.fileReaders ?? []),
    translator: app.translator,
    timeZone: app.profile.timezone,
    entityName: app.profile.name,
    views: createViews({ cache: options.cacheViews ?? true }),
  };

  registerRootErrorHandler(server);
  registerAssets(server);
  await server.register(
    async (admin) => {
      registerSessionHook(admin, deps);
      registerAdminErrorPages(admin, deps);
      registerAuthRoutes(admin, deps, { attemptsPerMinute: options.loginAttemptsPerMinute ?? 10 });
      registerInboxRoutes(admin, deps);
      registerQuestionRoutes(admin, deps);
      registerAttachmentFileRoutes(admin, deps);
      registerAuditRoutes(admin, deps);
      registerDeadlineRoutes(admin, deps);
      registerReportRoutes(admin, { ...deps, surveys: options.surveys ?? (() => new Map()) });
      registerAnswerTemplateRoutes(admin, deps);
      registerAdministrationRoutes(admin, deps);
      registerAnnouncementRoutes(admin, deps);
      registerCommitmentRoutes(admin, deps);
      registerEventRoutes(admin, deps);
      registerPlanRoutes(admin, { ...deps, surveyIds: options.surveyIds ?? (() => []) });
      await registerSurveyImportRoutes(admin, { ...deps, surveys: options.surveys ?? (() => new Map()) });
      await registerCommitmentCsvRoutes(admin, deps);
    },
    { prefix: "/admin" },
  );
  // The public transparency pages and open data (issue 15) at `/`, under the same CSP.
  await server.register((site) => registerPublicSite(site, { app }));
  return server;
}

/** Our own CSS and htmx, from this origin (CSP: no third-party scripts), cached for an hour. */
function registerAssets(server: FastifyInstance): void {
  const files: Record<string, { type: string; body: Buffer }> = {
    "app.css": { type: "text/css; charset=utf-8", body: readFileSync(join(ASSETS, "app.css")) },
    "app.js": { type: "text/javascript; charset=utf-8", body: readFileSync(join(ASSETS, "app.js")) },
    "htmx.min.js": {
      type: "text/javascript; charset=utf-8",
      body: readFileSync(require.resolve("htmx.org/dist/htmx.min.js")),
    },
  };
  server.get<{ Params: { file: string } }>("/admin/assets/:file", async (request, reply) => {
    const file = files[request.params.file];
    if (!file) return reply.code(404).send();
    return reply.type(file.type).header("cache-control", "public, max-age=3600").send(file.body);
  });
  // Browsers ask for it on every page: answered without a body (no icon yet) instead of a 404.
  server.get("/favicon.ico", async (_request, reply) =>
    reply.code(204).header("cache-control", "public, max-age=86400").send(),
  );
}
