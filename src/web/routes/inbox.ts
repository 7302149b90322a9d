/** Bandeja: an office's questions in fixed views, filtered, searched and paged. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { isLocalDate } from "../../core/calendar/index.ts";
import type { InboxView } from "../../db/repositories/inbox.ts";
import { assignableOfficials, bulkAssign, MAX_BULK_QUESTIONS } from "../../services/backoffice/bulk-assign.ts";
import { officeInbox } from "../../services/backoffice/inbox.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

/** URL slugs (Spanish, what staff see in the address bar) → views. */
export const VIEW_SLUGS: Record<string, InboxView> = {
  nuevas: "new",
  mias: "mine",
  "vencen-pronto": "due_soon",
  vencidas: "overdue",
  prorrogadas: "extended",
  esperando: "waiting",
  respondidas: "answered",
  trasladadas: "transferred",
  todas: "all",
};
export const SLUG_OF = Object.fromEntries(Object.entries(VIEW_SLUGS).map(([slug, view]) => [view, slug])) as Record<
  InboxView,
  string
>;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const date = z.string().refine(isLocalDate);
const query = z.object({
  oficina: optional(z.string().max(64)),
  vista: optional(z.enum(Object.keys(VIEW_SLUGS) as [string, ...string[]])),
  q: optional(z.string().max(200)),
  tipo: optional(z.enum(["general", "information", "consultation", "dialogue"])),
  canal: optional(z.string().max(32)),
  desde: optional(date),
  hasta: optional(date),
  despues: optional(z.string().max(100)),
});

const bulkForm = z.object({
  _idem: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  oficina: z.string().max(64),
  funcionario: z.string().regex(/^(\d{1,9})?$/),
  preguntas: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().max(32)).max(MAX_BULK_QUESTIONS),
  ),
  volver: z.string().max(2000).default(""),
});
const BULK_FLASHES = new Set(["asignadas", "duplicado"]);

export function registerInboxRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const inboxPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    rawQuery: unknown,
    extra: { bulkError?: string; flash?: string } = {},
    status = 200,
  ) => {
    const staff = staffOf(request);
    const parsed = query.safeParse(rawQuery);
    // A hand-edited address with a bad filter shows the inbox without it and says so.
    const q = parsed.success ? parsed.data : {};
    const view = VIEW_SLUGS[q.vista ?? (staff.official.officeKey ? "nuevas" : "vencidas")]!;
    const result = await officeInbox(deps.app, staff.actor, {
      officeKey: q.oficina,
      view,
      search: q.q,
      requestType: q.tipo,
      channel: q.canal,
      filedFrom: q.desde,
      filedTo: q.hasta,
      after: q.despues,
    });
    // Communications works on events and announcements, not on an office's questions.
    if (!result.ok && staff.official.role === "communications") return reply.redirect("/admin/anuncios", 303);
    if (!result.ok)
      return sendPage(
        request,
        reply,
        deps,
        "error",
        { title: "errors.title", message: `errors.${result.error}` },
        result.error === "not_allowed" ? 403 : 404,
      );
    if (result.kind === "question") return reply.redirect(`/admin/preguntas/${result.reference}`, 303);
    const filters = {
      oficina: result.officeKey,
      q: q.q ?? "",
      tipo: q.tipo ?? "",
      canal: q.canal ?? "",
      desde: q.desde ?? "",
      hasta: q.hasta ?? "",
    };
    const link = (changes: Record<string, string | undefined>) =>
      inboxLink({ ...filters, vista: SLUG_OF[view], ...changes });
    return sendPage(
      request,
      reply,
      deps,
      "inbox",
      {
        assignable:
          view === "answered" || view === "transferred"
            ? []
            : await assignableOfficials(deps.app, staff.actor, result.officeKey),
        bulkError: extra.bulkError,
        flash: extra.flash,
        here: link({}),
        title: "inbox.title",
        inbox: result,
        view,
        slugOf: SLUG_OF,
        filters,
        badFilter: !parsed.success,
        link,
      },
      status,
    );
  };

  admin.get<{ Querystring: { hecho?: string } }>("/bandeja", async (request, reply) => {
    const flash = request.query.hecho && BULK_FLASHES.has(request.query.hecho) ? request.query.hecho : undefined;
    return inboxPage(request, reply, request.query, { flash });
  });

  /** Bulk assign: the questions ticked in the list, to one official of the office. */
  admin.post("/bandeja/asignar", { preHandler: admin.csrfProtection }, async (request, reply) => {
    const form = bulkForm.safeParse(request.body);
    const back = form.success && form.data.volver.startsWith("/admin/bandeja?") ? form.data.volver : "/admin/bandeja?";
    const backQuery = Object.fromEntries(new URLSearchParams(back.slice(back.indexOf("?") + 1)));
    if (!form.success) return inboxPage(request, reply, backQuery, { bulkError: "invalid_form" }, 422);
    const { data } = form;
    const outcome = await bulkAssign(
      deps.app,
      staffOf(request).actor,
      {
        officeKey: data.oficina,
        references: data.preguntas,
        officialId: data.funcionario ? Number(data.funcionario) : null,
      },
      { key: data._idem, redirectTo: back },
    );
    if (!outcome.ok)
      return inboxPage(
        request,
        reply,
        backQuery,
        { bulkError: outcome.error },
        outcome.error === "not_allowed" ? 403 : 422,
      );
    return reply.redirect(`${outcome.redirectTo}&hecho=${outcome.duplicate ? "duplicado" : "asignadas"}`, 303);
  });
}

export function inboxLink(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return `/admin/bandeja?${search.toString()}`;
}
