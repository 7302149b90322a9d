/** Anuncios: compose, preview the segment and the exact text, confirm, and watch delivery live. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AnnouncementInput } from "../../services/events/announcements.ts";
import {
  announcementStatus,
  composePreview,
  composerOptions,
  sendAnnouncement,
  type Segment,
} from "../../services/backoffice/announcements.ts";
import { renderView, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const list = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().max(64)).max(100),
);
const composeForm = z.object({
  evento: z
    .string()
    .regex(/^\d{0,9}$/)
    .default(""),
  texto: z.string().max(4000).default(""),
  segmento: z.enum(["todos", "intereses", "asistentes"]),
  temas: list,
  comunas: list,
  asistentes_evento: z
    .string()
    .regex(/^\d{0,9}$/)
    .default(""),
});
const sendForm = composeForm.extend({ _idem: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
type ComposeForm = z.infer<typeof composeForm>;

function toInput(form: ComposeForm): AnnouncementInput {
  const segment: Segment =
    form.segmento === "todos"
      ? { kind: "everyone" }
      : form.segmento === "asistentes"
        ? { kind: "rsvps", eventId: Number(form.asistentes_evento || form.evento || 0), answer: "yes" }
        : { kind: "interests", topics: form.temas, districts: form.comunas };
  return { segment, eventId: form.evento ? Number(form.evento) : undefined, text: form.texto || undefined };
}

export function registerAnnouncementRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;
  const csrf = { preHandler: admin.csrfProtection };
  const forbidden = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403);

  const composer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { error?: string; values?: Partial<ComposeForm> } = {},
    status = 200,
  ) => {
    const options = await composerOptions(app, staffOf(request).actor);
    if (!options.ok) return forbidden(request, reply);
    return sendPage(
      request,
      reply,
      deps,
      "announcements",
      { title: "announcements.title", options, error: extra.error, values: extra.values ?? {} },
      status,
    );
  };

  // "Anunciar este evento" on an event's page opens the composer with the event chosen.
  admin.get<{ Querystring: { evento?: string } }>("/anuncios", async (request, reply) => {
    const evento = request.query.evento ?? "";
    return composer(request, reply, { values: /^\d{1,9}$/.test(evento) ? { evento } : {} });
  });

  admin.post("/anuncios/confirmar", csrf, async (request, reply) => {
    const form = composeForm.safeParse(request.body);
    if (!form.success) return composer(request, reply, { error: "bad_segment" }, 422);
    const result = await composePreview(app, staffOf(request).actor, toInput(form.data));
    if (!result.ok)
      return result.error.code === "not_allowed"
        ? forbidden(request, reply)
        : composer(request, reply, { error: result.error.code, values: form.data }, 422);
    return sendPage(request, reply, deps, "announcement-confirm", {
      title: "announcements.confirm_title",
      preview: result.preview,
      values: form.data,
    });
  });

  admin.post("/anuncios", csrf, async (request, reply) => {
    const form = sendForm.safeParse(request.body);
    if (!form.success) return composer(request, reply, { error: "bad_segment" }, 422);
    const outcome = await sendAnnouncement(app, staffOf(request).actor, toInput(form.data), { key: form.data._idem });
    if (!outcome.ok)
      return outcome.error === "not_allowed"
        ? forbidden(request, reply)
        : composer(request, reply, { error: outcome.error, values: form.data }, 422);
    if (!outcome.duplicate) deps.onEffects();
    return reply.redirect(outcome.redirectTo, 303);
  });

  const status = async (request: FastifyRequest<{ Params: { id: string } }>) =>
    await announcementStatus(app, staffOf(request).actor, Number(request.params.id) || 0);

  admin.get<{ Params: { id: string } }>("/anuncios/:id", async (request, reply) => {
    const result = await status(request);
    if (!result.ok)
      return result.error === "not_allowed"
        ? forbidden(request, reply)
        : sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.question_not_found" }, 404);
    return sendPage(request, reply, deps, "announcement", {
      title: "announcements.status_title",
      announcement: result.announcement,
      progress: result.progress,
    });
  });

  admin.get<{ Params: { id: string } }>("/anuncios/:id/progreso", async (request, reply) => {
    const result = await status(request);
    if (!result.ok) return reply.code(404).send();
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(
        renderView(request, reply, deps, "partials/progress", {
          announcement: result.announcement,
          progress: result.progress,
        }),
      );
  });
}
