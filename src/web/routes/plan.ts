/** Plan de rendición de cuentas: activities and states, an activity with its evidence and manual progress, the evaluation report and its CSV, loading a plan. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  planActivityDetail,
  planOverview,
  planReportFor,
  webPlanLoad,
  webPlanProgress,
} from "../../services/backoffice/plan.ts";
import { planReportCsv } from "../../services/plan/report-csv.ts";
import { localeOf, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const yearQuery = z.object({
  anio: z
    .string()
    .regex(/^\d{4}$/)
    .transform(Number)
    .optional(),
  hecho: z.string().max(20).optional(),
});
const yearOf = (query: unknown) => {
  const parsed = yearQuery.safeParse(query);
  return parsed.success ? parsed.data : {};
};
const idem = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
/** A value as staff type it: `12`, `12,5`, `12.5`, `15.000` (thousands). */
const number = z
  .string()
  .trim()
  .regex(/^(\d{1,3}(\.\d{3})+|\d+([.,]\d+)?)$/)
  .transform((v) => (/^\d{1,3}(\.\d{3})+$/.test(v) ? Number(v.replace(/\./g, "")) : Number(v.replace(",", "."))));
const progressForm = z.object({
  _idem: idem,
  valor: number,
  evidencia: z.string().max(2000),
  nota: z.string().max(2000).default(""),
});
const loadForm = z.object({ _idem: idem, formato: z.enum(["yaml", "csv"]), contenido: z.string().min(1).max(200_000) });
const FLASHES = new Set(["avance", "duplicado", "cargado"]);

export function registerPlanRoutes(
  admin: FastifyInstance,
  deps: WebDeps & { surveyIds: () => Iterable<string> },
): void {
  const { app } = deps;
  const refused = (request: FastifyRequest, reply: FastifyReply, error: string) =>
    sendPage(
      request,
      reply,
      deps,
      "error",
      // The plan's errors are shared with the CLI (locales/*/plan.json: `plan.errors.*`, outside `web.`).
      error === "not_allowed"
        ? { title: "errors.title", message: "errors.not_allowed" }
        : error === "plan_not_found"
          ? // On the web, where to load one is a page, not a CLI command.
            { title: "errors.title", message: "plan.not_loaded" }
          : { title: "errors.title", message: `plan.errors.${error}`, outsideWeb: true },
      error === "not_allowed" ? 403 : 404,
    );
  const flashOf = (hecho: string | undefined) => (hecho && FLASHES.has(hecho) ? hecho : undefined);
  const planText =
    (request: FastifyRequest) =>
    (key: string, vars: Record<string, unknown> = {}) =>
      app.translator.t(localeOf(request), `plan.${key}`, vars);

  admin.get("/plan", async (request, reply) => {
    const query = yearOf(request.query);
    const result = await planOverview(app, staffOf(request).actor, query.anio);
    if (!result.ok) return refused(request, reply, result.error);
    return sendPage(request, reply, deps, "plan", {
      title: "plan.title",
      o: result.overview,
      pt: planText(request),
      flash: flashOf(query.hecho),
    });
  });

  const activityPage = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    extra: { error?: string; values?: Record<string, string>; flash?: string } = {},
    status = 200,
  ) => {
    const year = yearOf(request.query).anio;
    const result = await planActivityDetail(app, staffOf(request).actor, year, request.params.id);
    if (!result.ok) return refused(request, reply, result.error);
    return sendPage(
      request,
      reply,
      deps,
      "plan-activity",
      {
        title: "plan.activity_title",
        d: result.detail,
        pt: planText(request),
        values: extra.values ?? {},
        error: extra.error,
        flash: extra.flash,
      },
      status,
    );
  };

  admin.get<{ Params: { id: string } }>("/plan/actividades/:id", async (request, reply) =>
    activityPage(request, reply, { flash: flashOf(yearOf(request.query).hecho) }),
  );

  admin.post<{ Params: { id: string } }>(
    "/plan/actividades/:id/avance",
    { preHandler: admin.csrfProtection },
    async (request, reply) => {
      const values = Object.fromEntries(
        Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
      ) as Record<string, string>;
      const year = yearOf(request.query).anio;
      if (year === undefined) return refused(request, reply, "plan_not_found");
      const form = progressForm.safeParse(request.body);
      if (!form.success) return activityPage(request, reply, { error: "invalid_value", values }, 422);
      const redirectTo = `/admin/plan/actividades/${encodeURIComponent(request.params.id)}?anio=${year}`;
      const outcome = await webPlanProgress(
        app,
        staffOf(request).actor,
        year,
        request.params.id,
        { value: form.data.valor, evidenceUrl: form.data.evidencia, note: form.data.nota || null },
        { key: form.data._idem, redirectTo },
      );
      if (!outcome.ok)
        return activityPage(
          request,
          reply,
          { error: outcome.error, values },
          outcome.error === "not_allowed" ? 403 : 422,
        );
      return reply.redirect(`${outcome.redirectTo}&hecho=${outcome.duplicate ? "duplicado" : "avance"}`, 303);
    },
  );

  admin.get("/plan/informe", async (request, reply) => {
    const result = await planReportFor(app, staffOf(request).actor, yearOf(request.query).anio);
    if (!result.ok) return refused(request, reply, result.error);
    return sendPage(request, reply, deps, "plan-report", {
      title: "plan.report_title",
      r: result.report,
      years: result.years,
      pt: planText(request),
    });
  });

  admin.get<{ Querystring: { separador?: string } }>("/plan/informe.csv", async (request, reply) => {
    const result = await planReportFor(app, staffOf(request).actor, yearOf(request.query).anio);
    if (!result.ok) return refused(request, reply, result.error);
    const locale = localeOf(request);
    const format = new Intl.NumberFormat(locale === "en" ? "en-US" : "es-CO", { maximumFractionDigits: 1 });
    const csv = planReportCsv(
      app,
      { t: planText(request), number: (n) => format.format(n) },
      result.report,
      request.query.separador === "coma" ? "," : ";",
    );
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="plan-${app.profile.id}-${result.report.year}.csv"`)
      .header("cache-control", "no-store")
      .send(csv);
  });

  const loadPage = (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    sendPage(
      request,
      reply,
      deps,
      "plan-load",
      { title: "plan.load_title", values: {}, problems: [], ...extra },
      status,
    );

  admin.get("/plan/cargar", async (request, reply) => {
    const overview = await planOverview(app, staffOf(request).actor);
    if (!overview.ok || !overview.overview.mayLoad) return refused(request, reply, "not_allowed");
    return loadPage(request, reply);
  });

  admin.post("/plan/cargar", { preHandler: admin.csrfProtection }, async (request, reply) => {
    const values = Object.fromEntries(
      Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const form = loadForm.safeParse(request.body);
    if (!form.success) return loadPage(request, reply, { values, error: "empty" }, 422);
    const outcome = await webPlanLoad(
      app,
      staffOf(request).actor,
      { text: form.data.contenido, format: form.data.formato, surveyIds: deps.surveyIds() },
      { key: form.data._idem, redirectTo: "/admin/plan" },
    );
    if (!outcome.ok && outcome.error === "not_allowed") return refused(request, reply, "not_allowed");
    if (!outcome.ok) {
      const locale = localeOf(request);
      const problems = outcome.problems.map((p) => ({
        line: p.line,
        path: (p.path ?? []).join(" › "),
        text: app.translator.t(locale, p.key, p.vars),
      }));
      return loadPage(request, reply, { values, problems }, 422);
    }
    if (outcome.kind === "converted")
      return loadPage(request, reply, {
        values: { formato: "yaml", contenido: outcome.yaml },
        converted: outcome.activities,
      });
    return reply.redirect(`/admin/plan?anio=${outcome.year}&hecho=cargado`, 303);
  });
}
