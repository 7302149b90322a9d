/** Compromisos: the registry and progress posts by the responsible office. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { COMMITMENT_STATUSES } from "../../core/commitments.ts";
import { commitmentDetail, commitmentsList, webCommitmentProgress } from "../../services/backoffice/commitments.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const listQuery = z.object({ oficina: optional(z.string().max(64)), estado: optional(z.enum(COMMITMENT_STATUSES)) });
const progressForm = z.object({
  _idem: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  porcentaje: z.coerce.number().int().min(0).max(100),
  nota: z.string().max(4000),
  evidencia: z.string().max(2000).default(""),
});

export function registerCommitmentRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;
  admin.get("/compromisos", async (request, reply) => {
    const parsed = listQuery.safeParse(request.query);
    const filter = parsed.success ? parsed.data : {};
    const result = await commitmentsList(app, staffOf(request).actor, {
      officeKey: filter.oficina,
      status: filter.estado,
    });
    if (!result.ok)
      return sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403);
    return sendPage(request, reply, deps, "commitments", {
      title: "commitments.title",
      data: result,
      filter: { oficina: filter.oficina ?? "", estado: filter.estado ?? "" },
    });
  });

  const detail = async (
    request: FastifyRequest<{ Params: { number: string } }>,
    reply: FastifyReply,
    extra: { error?: string; values?: Record<string, string>; flash?: string } = {},
    status = 200,
  ) => {
    const result = await commitmentDetail(app, staffOf(request).actor, Number(request.params.number) || 0);
    if (!result.ok)
      return sendPage(
        request,
        reply,
        deps,
        "error",
        { title: "errors.title", message: `commitments.errors.${result.error}` },
        result.error === "not_allowed" ? 403 : 404,
      );
    return sendPage(
      request,
      reply,
      deps,
      "commitment",
      { title: "commitments.title", data: result, values: extra.values ?? {}, error: extra.error, flash: extra.flash },
      status,
    );
  };

  admin.get<{ Params: { number: string }; Querystring: { hecho?: string } }>(
    "/compromisos/:number",
    async (request, reply) =>
      detail(request, reply, {
        flash:
          request.query.hecho === "avance" || request.query.hecho === "duplicado" ? request.query.hecho : undefined,
      }),
  );

  admin.post<{ Params: { number: string } }>(
    "/compromisos/:number/avance",
    { preHandler: admin.csrfProtection },
    async (request, reply) => {
      const values = Object.fromEntries(
        Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
      ) as Record<string, string>;
      const form = progressForm.safeParse(request.body);
      if (!form.success) return detail(request, reply, { error: "progress_out_of_range", values }, 422);
      const number = Number(request.params.number) || 0;
      const outcome = await webCommitmentProgress(
        app,
        staffOf(request).actor,
        number,
        { percent: form.data.porcentaje, note: form.data.nota, evidenceUrl: form.data.evidencia || null },
        { key: form.data._idem, redirectTo: `/admin/compromisos/${number}` },
      );
      if (!outcome.ok)
        return detail(request, reply, { error: outcome.error, values }, outcome.error === "not_allowed" ? 403 : 422);
      if (!outcome.duplicate) deps.onEffects();
      return reply.redirect(`${outcome.redirectTo}?hecho=${outcome.duplicate ? "duplicado" : "avance"}`, 303);
    },
  );
}
