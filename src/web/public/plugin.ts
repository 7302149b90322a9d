/**
 * The public transparency pages and open data (issue 15), as a Fastify plugin: no login, no
 * JavaScript, no third-party anything, every page under 100 KB, Spanish first (`?lang=en` for
 * English). Handlers only parse input, ask src/services/transparency for data and render eta
 * templates; they hold no SQL and no rules.
 *
 * Caching: each rendered page is kept in memory with its ETag, keyed by URL and the data version
 * (a max over primary keys: microseconds) and the current minute (events move from upcoming to
 * past as time passes). Responses carry `Cache-Control: public, max-age=60` and an ETag; a
 * matching `If-None-Match` gets 304.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../config/env.ts";
import { Eta } from "eta";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../services/context.ts";
import { createPublicData, type PublicData } from "../../services/transparency/public-data.ts";
import {
  buildDataset,
  datasetCsv,
  datasetJson,
  dictionaryOf,
  DATASET_NAMES,
  type DatasetName,
} from "../../services/transparency/open-data.ts";
import { eventsIcs } from "../../services/transparency/events-feed.ts";
import { createPages, type PageResult } from "./pages.ts";
import { errorStatus, isMachinePath, sendMachineError } from "../error-pages.ts";

// From the repository root, so the same path works from src/ (tsx) and from the dist/ bundle.
const HERE = join(PROJECT_ROOT, "src/web/public");
export const PUBLIC_CSS = readFileSync(join(HERE, "publico.css"), "utf8");
const CACHE_LIMIT = 500;
export const CACHE_CONTROL = "public, max-age=60";

export interface PublicSiteDeps {
  /** The domain context: repositories, profile, clock, translator. */
  app: AppContext;
  /** Least time between updates of the answer figures (default 60 s), done in the background. */
  refreshMs?: number;
}

type Lang = "es" | "en";
export function langOf(query: unknown): Lang {
  return (query as { lang?: string } | undefined)?.lang === "en" ? "en" : "es";
}

interface Cached {
  version: string;
  body: string;
  etag: string;
  type: string;
  status: number;
  disposition?: string;
}

/** Registers the public routes on `fastify` (encapsulated: its hooks touch only these routes). */
export async function registerPublicSite(fastify: FastifyInstance, deps: PublicSiteDeps): Promise<void> {
  const { app } = deps;
  const data: PublicData = createPublicData(app, { refreshMs: deps.refreshMs, background: true });
  const eta = new Eta({ views: join(HERE, "views"), autoEscape: true, cache: true, autoTrim: [false, "nl"] });
  const pages = createPages(app, data, eta);
  const cache = new Map<string, Cached>();

  /** Serves from the cache when the data has not changed, else renders and caches. */
  async function serve(
    request: FastifyRequest,
    reply: FastifyReply,
    render: () => Promise<Omit<Cached, "version" | "etag">>,
  ) {
    const version = `${await data.version()}:${Math.floor(app.clock.nowMs() / 60_000)}`;
    let entry = cache.get(request.url);
    if (!entry || entry.version !== version) {
      const rendered = await render();
      entry = { ...rendered, version, etag: `"${createHash("sha1").update(rendered.body).digest("base64url")}"` };
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(request.url, entry);
    }
    reply.header("cache-control", CACHE_CONTROL).header("etag", entry.etag).header("x-content-type-options", "nosniff");
    if (entry.disposition) reply.header("content-disposition", entry.disposition);
    if (entry.status === 200 && request.headers["if-none-match"] === entry.etag) return reply.code(304).send();
    return reply.code(entry.status).type(entry.type).send(entry.body);
  }

  const html = (page: PageResult) => ({ body: page.html, type: "text/html; charset=utf-8", status: page.status });
  const page =
    (build: (lang: Lang, request: FastifyRequest) => Promise<PageResult>) =>
    async (request: FastifyRequest, reply: FastifyReply) =>
      await serve(request, reply, async () => html(await build(langOf(request.query), request)));
  const notFound = async (request: FastifyRequest, reply: FastifyReply) =>
    await serve(request, reply, async () => html(pages.notFound(langOf(request.query))));

  /** An error or not-found page: not cached (any URL can reach it), same CSP, no script. */
  const sendUncached = (reply: FastifyReply, result: PageResult) =>
    reply
      .code(result.status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .send(result.html);
  // Every other path outside /admin: the public 404 page, not Fastify's English JSON; the
  // webhooks' paths keep JSON for the machines that call them.
  fastify.setNotFoundHandler(async (request, reply) =>
    isMachinePath(request.url)
      ? sendMachineError(request, reply, { statusCode: 404, code: "not_found" })
      : sendUncached(reply, pages.notFound(langOf(request.query))),
  );
  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (isMachinePath(request.url)) return sendMachineError(request, reply, error);
    const status = errorStatus(error);
    if (status >= 500) request.log.error({ err: error }, "publico.page_failed");
    return sendUncached(reply, pages.failed(langOf(request.query), status));
  });

  await fastify.register(async (site) => {
    // The stored answer figures are brought up to date (rebuilt only on a first run or a calendar
    // change) before the server takes requests.
    site.addHook("onReady", async () => {
      await data.answerStats();
    });
    site.get(
      "/",
      page(async (lang) => await pages.home(lang)),
    );
    site.get(
      "/respuestas",
      page(async (lang, r) => await pages.answers(lang, (r.query as { periodo?: string }).periodo)),
    );
    site.get(
      "/respuestas/:office",
      page(async (lang, r) => await pages.officeAnswers(lang, (r.params as { office: string }).office)),
    );
    site.get(
      "/preguntas",
      page(async (lang, r) => await pages.dialogue(lang, r.query as { evento?: string; pagina?: string })),
    );
    site.get(
      "/preguntas/peticiones",
      page(async (lang, r) => await pages.petitions(lang, (r.query as { pagina?: string }).pagina)),
    );
    site.get(
      "/eventos",
      page(async (lang) => await pages.events(lang)),
    );
    site.get(
      "/eventos/:id",
      page(async (lang, r) => await pages.event(lang, (r.params as { id: string }).id)),
    );
    site.get(
      "/compromisos",
      page(async (lang, r) => await pages.commitments(lang, r.query as Record<string, string | undefined>)),
    );
    site.get(
      "/compromisos/:number",
      page(async (lang, r) => await pages.commitment(lang, (r.params as { number: string }).number)),
    );
    site.get(
      "/encuestas",
      page(async (lang) => await pages.surveys(lang)),
    );
    site.get(
      "/datos",
      page(async (lang) => await pages.openData(lang)),
    );
    site.get(
      "/plan-rendicion-cuentas",
      page(async (lang, r) => await pages.plan(lang, (r.query as { anio?: string }).anio)),
    );

    site.get(
      "/static/publico.css",
      async (request, reply) =>
        await serve(request, reply, async () => ({ body: PUBLIC_CSS, type: "text/css; charset=utf-8", status: 200 })),
    );

    site.get(
      "/calendario/eventos.ics",
      async (request, reply) =>
        await serve(request, reply, async () => ({
          body: await eventsIcs(app, data),
          type: "text/calendar; charset=utf-8",
          status: 200,
          disposition: 'inline; filename="eventos.ics"',
        })),
    );
    site.get("/calendario/comuna/:district", async (request, reply) => {
      const key = (request.params as { district: string }).district.replace(/\.ics$/, "");
      if (!app.profile.districts.some((d) => d.key === key)) return await notFound(request, reply);
      return await serve(request, reply, async () => ({
        body: await eventsIcs(app, data, key),
        type: "text/calendar; charset=utf-8",
        status: 200,
        disposition: `inline; filename="eventos-${key}.ics"`,
      }));
    });

    site.get("/datos/:file", async (request, reply) => {
      const file = (request.params as { file: string }).file;
      const match = /^([a-z_]+?)(_diccionario)?\.(csv|json)$/.exec(file);
      const name = match?.[1] as DatasetName | undefined;
      if (!match || !name || !DATASET_NAMES.includes(name)) return await notFound(request, reply);
      const lang = langOf(request.query);
      const t = (key: string) => app.translator.t(lang, key);
      return await serve(request, reply, async () => {
        const dataset = match[2] ? dictionaryOf(name, t) : await buildDataset(app, data, name, t);
        const csv = match[3] === "csv";
        return {
          body: csv ? datasetCsv(dataset) : datasetJson(dataset),
          type: csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
          status: 200,
          disposition: `inline; filename="${file}"`,
        };
      });
    });
  });
}
