/** Bandeja: an office's questions in fixed views, filtered, searched and paged. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { isLocalDate } from "../../core/calendar/index.ts";
import type { InboxView } from "../../db/repositories/inbox.ts";
import { officeInbox } from "../../services/backoffice/inbox.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../server.ts";
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
  todas: "all",
};
export const SLUG_OF = Object.fromEntries(Object.entries(VIEW_SLUGS).map(([slug, view]) => [view, slug])) as Record<InboxView, string>;

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

export function registerInboxRoutes(admin: FastifyInstance, deps: WebDeps): void {
  admin.get("/bandeja", async (request, reply) => {
    const staff = staffOf(request);
    const parsed = query.safeParse(request.query);
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
    if (!result.ok) return sendPage(request, reply, deps, "error", { title: "errors.title", message: `errors.${result.error}` }, result.error === "not_allowed" ? 403 : 404);
    if (result.kind === "question") return reply.redirect(`/admin/preguntas/${result.reference}`, 303);
    const filters = { oficina: result.officeKey, q: q.q ?? "", tipo: q.tipo ?? "", canal: q.canal ?? "", desde: q.desde ?? "", hasta: q.hasta ?? "" };
    return sendPage(request, reply, deps, "inbox", {
      title: "inbox.title",
      inbox: result,
      view,
      slugOf: SLUG_OF,
      filters,
      badFilter: !parsed.success,
      link: (changes: Record<string, string | undefined>) => inboxLink({ ...filters, vista: SLUG_OF[view], ...changes }),
    });
  });
}

export function inboxLink(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return `/admin/bandeja?${search.toString()}`;
}
