/**
 * Encuestas › importar formularios en papel: the page of `rinde surveys import` (issue 14). Staff
 * choose the survey (a new paper run, with its event, office and label) or a run to add to, and
 * upload the CSV typed from the forms; every problem of every line is shown and nothing is stored
 * until the file is clean. The template of each survey (its columns explained, an example file)
 * is on the page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SurveySet } from "../../core/surveys/index.ts";
import type { ImportTarget } from "../../services/surveys/import.ts";
import {
  paperExampleCsv,
  paperImportForm,
  webImportPaperForms,
  type PaperImportOutcome,
} from "../../services/backoffice/survey-import.ts";
import { localeOf, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";
import { uploaded, withUploads } from "../uploads.ts";

const blank = (v: unknown) => (v === "" ? undefined : v);
const surveyId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);
const importForm = z.object({
  _idem: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  destino: z.string().regex(/^(encuesta:[a-z][a-z0-9_]{0,63}|corrida:\d{1,9})$/),
  evento: z.preprocess(blank, z.coerce.number().int().positive().max(999_999_999).optional()),
  oficina: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/)
      .optional(),
  ),
  etiqueta: z.string().trim().max(200).default(""),
});
const doneQuery = z.object({
  corrida: z.coerce.number().int().positive(),
  encuesta: surveyId,
  importados: z.coerce.number().int().min(0),
});

/** The form's target as the service takes it. */
function targetOf(data: z.infer<typeof importForm>): ImportTarget {
  const [kind, value] = data.destino.split(":") as [string, string];
  if (kind === "corrida") return { runId: Number(value) };
  return {
    surveyId: value,
    ...(data.evento !== undefined ? { eventId: data.evento } : {}),
    ...(data.oficina ? { officeKey: data.oficina } : {}),
    ...(data.etiqueta ? { label: data.etiqueta } : {}),
  };
}

export async function registerSurveyImportRoutes(
  admin: FastifyInstance,
  deps: WebDeps & { surveys: () => SurveySet },
): Promise<void> {
  const { app } = deps;
  const refused = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(request, reply, deps, "error", { title: "errors.title", message: "survey_import.not_allowed" }, 403);

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const form = await paperImportForm(app, staffOf(request).actor, deps.surveys());
    if (!form.ok) return refused(request, reply);
    return sendPage(
      request,
      reply,
      deps,
      "survey-import",
      { title: "survey_import.title", form, values: {}, problems: [], ...extra },
      status,
    );
  };

  admin.get("/encuestas/importar", async (request, reply) => {
    const done = doneQuery.safeParse(request.query);
    return page(request, reply, done.success ? { done: done.data } : {});
  });

  admin.get<{ Querystring: { encuesta?: string } }>("/encuestas/importar/ejemplo.csv", async (request, reply) => {
    const form = await paperImportForm(app, staffOf(request).actor, deps.surveys());
    if (!form.ok) return refused(request, reply);
    const wanted = surveyId.safeParse(request.query.encuesta);
    const definition = wanted.success ? deps.surveys().get(wanted.data) : undefined;
    if (!definition)
      return sendPage(
        request,
        reply,
        deps,
        "error",
        { title: "errors.title", message: "survey_import.errors.unknown_survey" },
        404,
      );
    const locale = localeOf(request);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="encuesta-${definition.id}-ejemplo.csv"`)
      .header("cache-control", "no-store")
      .send(paperExampleCsv(definition.questions, (key) => app.translator.t(locale, key)));
  });

  await withUploads(admin, deps, (scope) => {
    scope.post("/encuestas/importar", { preHandler: admin.csrfProtection }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(
        Object.entries(body).filter(([k, v]) => typeof v === "string" && k !== "_csrf"),
      ) as Record<string, string>;
      const form = importForm.safeParse(body);
      const file = uploaded(body.archivo);
      if (!form.success || !file)
        return page(request, reply, { values, error: form.success ? "no_file" : "no_target" }, 422);
      const outcome = await webImportPaperForms(
        app,
        deps.surveys(),
        staffOf(request).actor,
        targetOf(form.data),
        file,
        {
          key: form.data._idem,
        },
      );
      if (outcome.ok) return reply.redirect(outcome.redirectTo, 303);
      return failed(request, reply, outcome, values);
    });
  });

  const failed = (
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Exclude<PaperImportOutcome, { ok: true }>,
    values: Record<string, string>,
  ) => {
    if (outcome.error === "not_allowed") return refused(request, reply);
    if (outcome.error !== "invalid_rows")
      return page(
        request,
        reply,
        { values, error: outcome.error, ...(outcome.error === "already_imported" ? { runId: outcome.runId } : {}) },
        422,
      );
    const locale = localeOf(request);
    const problems = outcome.problems.map((p) => ({ line: p.line, text: app.translator.t(locale, p.key, p.vars) }));
    return page(request, reply, { values, problems }, 422);
  };
}
