/**
 * Server-rendered pages with eta (autoEscape on: `<%= %>` escapes, `<%~ %>` is only used for
 * fragments this code built and escaped itself). Every page gets the translator for its
 * language, the signed-in official, the CSRF token and a fresh form idempotency key per form.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config/env.ts";
import { Eta } from "eta";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { OfficialRow } from "../db/repositories/officials.ts";
import type { Translator } from "../i18n/index.ts";
import { formatDateTime, formatLocalDate } from "./format.ts";

// From the repository root, so the same path works from src/ (tsx) and from the dist/ bundle.
const VIEWS = join(PROJECT_ROOT, "src/web/views");
export const WEB_LOCALES = ["es", "en"] as const;
export type WebLocale = (typeof WEB_LOCALES)[number];

export function createViews(options: { cache: boolean }): Eta {
  return new Eta({ views: VIEWS, autoEscape: true, cache: options.cache, autoTrim: [false, "nl"] });
}

export interface PageContext {
  translator: Translator;
  timeZone: string;
  entityName: string;
  views: Eta;
}

/** The visitor's language: the `rinde_lang` cookie, else Spanish. */
export function localeOf(request: FastifyRequest): WebLocale {
  const chosen = request.cookies["rinde_lang"];
  return chosen === "en" ? "en" : "es";
}

/** Renders `view` inside the layout and sends it. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  context: PageContext,
  view: string,
  data: Record<string, unknown> & { title: string },
  status = 200,
): FastifyReply {
  const html = renderView(request, reply, context, view, data);
  return reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
}

export function renderView(
  request: FastifyRequest,
  reply: FastifyReply,
  context: PageContext,
  view: string,
  data: Record<string, unknown>,
): string {
  const locale = localeOf(request);
  // Plurals: Spanish and English have "one" and "other"; the compiled translator renders plain keys only.
  const t = (key: string, vars: Record<string, unknown> = {}) => {
    const plural = typeof vars.count === "number" ? `${key}_${vars.count === 1 ? "one" : "other"}` : key;
    return context.translator.t(locale, `web.${plural}`, { entity: context.entityName, ...vars });
  };
  let csrf: string | undefined;
  const helpers = {
    t,
    /** A text outside `web.` (e.g. `whatsapp_cloud.delivery.read`), in the page's language. */
    tr: (key: string, vars: Record<string, unknown> = {}) =>
      context.translator.t(locale, key, { entity: context.entityName, ...vars }),
    locale,
    entityName: context.entityName,
    staff: (request as FastifyRequest & { staff?: { official: OfficialRow } }).staff?.official,
    path: request.url,
    csrf: () => (csrf ??= reply.generateCsrf()),
    formKey: () => randomBytes(16).toString("base64url"),
    num: (value: number) => value.toLocaleString(locale === "en" ? "en-US" : "es-CO", { maximumFractionDigits: 1 }),
    date: (value: string) => formatLocalDate(value, locale),
    dateTime: (ms: number) => formatDateTime(ms, locale, context.timeZone),
  };
  return context.views.render(view, { ...helpers, ...data });
}
