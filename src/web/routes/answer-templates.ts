/** Plantillas: an office's answer templates, written by its head, inserted on the question page. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { TEMPLATE_VARIABLES } from "../../core/answer-templates.ts";
import {
  archiveTemplate,
  saveTemplate,
  templatesPage,
  type TemplateError,
} from "../../services/backoffice/answer-templates.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const key = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const templateForm = z.object({
  _idem: key,
  oficina: z.string().max(64).default(""),
  nombre: z.string().max(400),
  texto: z.string().max(40_000),
});
const archiveForm = z.object({ _idem: key });
const FLASHES = new Set(["guardada", "archivada", "duplicado"]);

export function registerAnswerTemplateRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;
  const csrf = { preHandler: admin.csrfProtection };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    officeKey: string | undefined,
    extra: {
      error?: TemplateError | "invalid_form";
      editing?: string;
      values?: Record<string, string>;
      flash?: string;
    } = {},
    status = 200,
  ) => {
    const result = await templatesPage(app, staffOf(request).actor, officeKey);
    if (!result.ok)
      return sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403);
    return sendPage(
      request,
      reply,
      deps,
      "answer-templates",
      {
        title: "templates.title",
        p: result.page,
        variables: TEMPLATE_VARIABLES,
        error: extra.error,
        editing: extra.editing ?? "",
        values: extra.values ?? {},
        flash: extra.flash,
      },
      status,
    );
  };

  admin.get<{ Querystring: { oficina?: string; hecho?: string } }>("/plantillas", async (request, reply) => {
    const office =
      typeof request.query.oficina === "string" && /^[a-z0-9_-]{1,64}$/.test(request.query.oficina)
        ? request.query.oficina
        : undefined;
    return page(request, reply, office, {
      flash: request.query.hecho && FLASHES.has(request.query.hecho) ? request.query.hecho : undefined,
    });
  });

  const done = (reply: FastifyReply, outcome: { duplicate: boolean; redirectTo: string }, flash: string) =>
    reply.redirect(`${outcome.redirectTo}&hecho=${outcome.duplicate ? "duplicado" : flash}`, 303);
  const bodyValues = (request: FastifyRequest) =>
    Object.fromEntries(
      Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
  const statusOf = (error: string) => (error === "not_allowed" ? 403 : error === "template_not_found" ? 404 : 422);

  const save = async (request: FastifyRequest, reply: FastifyReply, id: number | undefined) => {
    const values = bodyValues(request);
    const form = templateForm.safeParse(request.body);
    const editing = id === undefined ? "new" : String(id);
    if (!form.success)
      return page(request, reply, values.oficina || undefined, { error: "invalid_form", editing, values }, 422);
    const officeKey = form.data.oficina;
    const outcome = await saveTemplate(
      app,
      staffOf(request).actor,
      { id, officeKey, name: form.data.nombre, body: form.data.texto },
      { key: form.data._idem, redirectTo: `/admin/plantillas?oficina=${encodeURIComponent(officeKey)}` },
    );
    if (!outcome.ok)
      return page(
        request,
        reply,
        officeKey || undefined,
        { error: outcome.error, editing, values },
        statusOf(outcome.error),
      );
    return done(reply, outcome, "guardada");
  };
  admin.post("/plantillas", csrf, async (request, reply) => save(request, reply, undefined));
  admin.post<{ Params: { id: string } }>("/plantillas/:id", csrf, async (request, reply) =>
    save(request, reply, Number(request.params.id) || 0),
  );
  admin.post<{ Params: { id: string } }>("/plantillas/:id/archivar", csrf, async (request, reply) => {
    const values = bodyValues(request);
    const form = archiveForm.safeParse(request.body);
    if (!form.success) return page(request, reply, values.oficina || undefined, { error: "invalid_form" }, 422);
    const outcome = await archiveTemplate(app, staffOf(request).actor, Number(request.params.id) || 0, {
      key: form.data._idem,
      redirectTo: `/admin/plantillas?oficina=${encodeURIComponent(values.oficina ?? "")}`,
    });
    if (!outcome.ok)
      return page(request, reply, values.oficina || undefined, { error: outcome.error }, statusOf(outcome.error));
    return done(reply, outcome, "archivada");
  });
}
