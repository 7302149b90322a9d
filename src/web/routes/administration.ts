/** Administración: offices and bindings, officials (invite, role, deactivate), channel status, unlinking WhatsApp. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  administration,
  deactivateOfficial,
  inviteOfficial,
  updateOfficial,
  type StaffAdminError,
} from "../../services/backoffice/staff-admin.ts";
import { requestWhatsAppUnlink, whatsappLink, type UnlinkError } from "../../services/backoffice/channel-status.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { registerChannelStatusRoutes } from "./channel-status.ts";
import { staffOf } from "../session.ts";

const key = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const role = z.enum(["official", "head", "communications", "internal_control", "admin"]);
const office = z
  .string()
  .max(64)
  .transform((v) => (v === "" ? null : v));
const inviteForm = z.object({ _idem: key, nombre: z.string().max(200), oficina: office, rol: role });
const updateForm = z.object({
  _idem: key,
  rol: role,
  oficina: office,
  correo: z.string().max(254),
  exige_clave: z.literal("1").optional(),
});
const idemForm = z.object({ _idem: key });
const PAGE = "/admin/administracion";
type PageError = StaffAdminError | UnlinkError | "invalid_form";

export function registerAdministrationRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;
  const csrf = { preHandler: admin.csrfProtection };
  registerChannelStatusRoutes(admin, deps);

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { error?: PageError; target?: string; flash?: string } = {},
    status = 200,
  ) => {
    const result = await administration(app, staffOf(request).actor);
    if (!result.ok)
      return sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403);
    return sendPage(
      request,
      reply,
      deps,
      "administration",
      { title: "administration.title", data: result, ...extra },
      status,
    );
  };
  const done = (reply: FastifyReply, outcome: { ok: true; duplicate: boolean; redirectTo: string }, name: string) => {
    if (!outcome.duplicate) deps.onEffects();
    return reply.redirect(`${outcome.redirectTo}?hecho=${outcome.duplicate ? "duplicado" : name}`, 303);
  };
  const refused = (request: FastifyRequest, reply: FastifyReply, error: PageError, target: string) =>
    page(request, reply, { error, target }, error === "not_allowed" ? 403 : 422);

  admin.get<{ Querystring: { hecho?: string } }>("/administracion", async (request, reply) =>
    page(request, reply, {
      flash: ["invitar", "actualizar", "desactivar", "desvincular", "duplicado"].includes(request.query.hecho ?? "")
        ? request.query.hecho
        : undefined,
    }),
  );

  admin.post("/administracion/invitar", csrf, async (request, reply) => {
    const form = inviteForm.safeParse(request.body);
    if (!form.success) return refused(request, reply, "invalid_form", "invite");
    const outcome = await inviteOfficial(
      app,
      staffOf(request).actor,
      { name: form.data.nombre, officeKey: form.data.oficina, role: form.data.rol },
      { key: form.data._idem, redirectTo: PAGE },
    );
    return outcome.ok ? done(reply, outcome, "invitar") : refused(request, reply, outcome.error, "invite");
  });

  admin.post<{ Params: { id: string } }>("/administracion/funcionarios/:id", csrf, async (request, reply) => {
    const form = updateForm.safeParse(request.body);
    const id = Number(request.params.id);
    if (!form.success || !Number.isInteger(id))
      return refused(request, reply, "invalid_form", `official-${request.params.id}`);
    const outcome = await updateOfficial(
      app,
      staffOf(request).actor,
      id,
      {
        role: form.data.rol,
        officeKey: form.data.oficina,
        email: form.data.correo,
        passwordRequired: form.data.exige_clave === "1",
      },
      { key: form.data._idem, redirectTo: PAGE },
    );
    return outcome.ok ? done(reply, outcome, "actualizar") : refused(request, reply, outcome.error, `official-${id}`);
  });

  admin.post<{ Params: { id: string } }>(
    "/administracion/funcionarios/:id/desactivar",
    csrf,
    async (request, reply) => {
      const form = idemForm.safeParse(request.body);
      const id = Number(request.params.id);
      if (!form.success || !Number.isInteger(id))
        return refused(request, reply, "invalid_form", `official-${request.params.id}`);
      const outcome = await deactivateOfficial(app, staffOf(request).actor, id, {
        key: form.data._idem,
        redirectTo: PAGE,
      });
      return outcome.ok ? done(reply, outcome, "desactivar") : refused(request, reply, outcome.error, `official-${id}`);
    },
  );

  // Unlinking WhatsApp: a page that says what happens, then the form that asks for it.
  admin.get("/administracion/whatsapp/desvincular", async (request, reply) => {
    const link = await whatsappLink(app, staffOf(request).actor);
    if (!link.ok) return refused(request, reply, link.error, "channel-whatsapp");
    return sendPage(request, reply, deps, "whatsapp-unlink", {
      title: "administration.unlink.title",
      account: link.account,
    });
  });

  admin.post("/administracion/whatsapp/desvincular", csrf, async (request, reply) => {
    const form = idemForm.safeParse(request.body);
    if (!form.success) return refused(request, reply, "invalid_form", "channel-whatsapp");
    const outcome = await requestWhatsAppUnlink(app, staffOf(request).actor, {
      key: form.data._idem,
      redirectTo: PAGE,
    });
    return outcome.ok
      ? done(reply, outcome, "desvincular")
      : refused(request, reply, outcome.error, "channel-whatsapp");
  });
}
