/**
 * Compromisos as CSV (issue 14): "Descargar CSV" of the filtered list and of its progress history,
 * the bytes of `rinde commitments export` with the same filter (`;` for Excel in Colombia, or `,`),
 * and the import page of `rinde commitments import` (the registry or a hearing's minutes, with the
 * history file optional): every problem of every line shown, nothing stored until both files are clean.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { COMMITMENT_STATUSES } from "../../core/commitments.ts";
import {
  commitmentExampleCsv,
  commitmentImportForm,
  commitmentsCsvDownload,
  webImportCommitments,
} from "../../services/backoffice/commitments.ts";
import { CSV_COLUMNS, HISTORY_COLUMNS } from "../../services/commitments/csv.ts";
import { localeOf, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";
import { uploaded, withUploads } from "../uploads.ts";

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const csvQuery = z.object({
  oficina: optional(z.string().regex(/^[a-z0-9_-]{1,64}$/)),
  estado: optional(z.enum(COMMITMENT_STATUSES)),
  separador: optional(z.enum(["coma"])),
});
const importForm = z.object({ _idem: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
const doneQuery = z.object({ importados: z.coerce.number().int().min(0) });

export async function registerCommitmentCsvRoutes(admin: FastifyInstance, deps: WebDeps): Promise<void> {
  const { app } = deps;
  const refused = (request: FastifyRequest, reply: FastifyReply, message = "errors.not_allowed") =>
    sendPage(request, reply, deps, "error", { title: "errors.title", message }, 403);

  const download = async (request: FastifyRequest, reply: FastifyReply, history: boolean) => {
    const query = csvQuery.safeParse(request.query);
    const filter = query.success ? query.data : {};
    const result = await commitmentsCsvDownload(
      app,
      staffOf(request).actor,
      localeOf(request),
      { officeKey: filter.oficina, status: filter.estado },
      { history, separator: filter.separador === "coma" ? "," : ";" },
    );
    if (!result.ok) return refused(request, reply);
    const name = `${history ? "compromisos-historial" : "compromisos"}${filter.oficina ? `-${filter.oficina}` : ""}${filter.estado ? `-${filter.estado}` : ""}.csv`;
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${name}"`)
      .header("cache-control", "no-store")
      .send(result.text);
  };
  admin.get("/compromisos.csv", async (request, reply) => download(request, reply, false));
  admin.get("/compromisos/historial.csv", async (request, reply) => download(request, reply, true));

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const form = await commitmentImportForm(app, staffOf(request).actor);
    if (!form.ok) return refused(request, reply, "commitment_import.not_allowed");
    return sendPage(
      request,
      reply,
      deps,
      "commitment-import",
      {
        title: "commitment_import.title",
        columns: CSV_COLUMNS,
        historyColumns: HISTORY_COLUMNS,
        statuses: COMMITMENT_STATUSES,
        offices: form.offices,
        problems: [],
        ...extra,
      },
      status,
    );
  };

  admin.get("/compromisos/importar", async (request, reply) => {
    const done = doneQuery.safeParse(request.query);
    return page(request, reply, done.success ? { done: done.data.importados } : {});
  });

  admin.get("/compromisos/importar/ejemplo.csv", async (request, reply) => {
    const example = await commitmentExampleCsv(app, staffOf(request).actor, localeOf(request));
    if (!example.ok) return refused(request, reply, "commitment_import.not_allowed");
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="compromisos-ejemplo.csv"')
      .header("cache-control", "no-store")
      .send(example.text);
  });

  await withUploads(admin, deps, (scope) => {
    scope.post("/compromisos/importar", { preHandler: admin.csrfProtection }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const form = importForm.safeParse(body);
      const registry = uploaded(body.archivo);
      if (!form.success || !registry) return page(request, reply, { error: "no_file" }, 422);
      const history = uploaded(body.historial);
      const outcome = await webImportCommitments(
        app,
        staffOf(request).actor,
        { registry, ...(history ? { history } : {}) },
        { key: form.data._idem },
      );
      if (outcome.ok) return reply.redirect(outcome.redirectTo, 303);
      if (outcome.error === "not_allowed") return refused(request, reply, "commitment_import.not_allowed");
      const locale = localeOf(request);
      const t = (key: string, vars?: Record<string, unknown>) => app.translator.t(locale, key, vars);
      const problems = outcome.problems.map((p) => ({
        file: p.file,
        line: p.line,
        text: t(p.key, p.vars),
        suggestion: typeof p.vars?.suggestion === "string" ? p.vars.suggestion : undefined,
      }));
      return page(request, reply, { problems }, 422);
    });
  });
}
