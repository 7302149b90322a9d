/** Registro: the audit log, for internal control and admins. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { auditLog } from "../../services/backoffice/audit.ts";
import { auditChanges } from "../audit-changes.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const query = z.object({
  antes: z.coerce.number().int().positive().optional(),
  accion: z
    .string()
    .regex(/^[a-z_.-]{1,64}$/)
    .optional(),
  desde: z.enum(["web", "chat", "cli"]).optional(),
});

export function registerAuditRoutes(admin: FastifyInstance, deps: WebDeps): void {
  admin.get("/registro", async (request, reply) => {
    const staff = staffOf(request);
    const parsed = query.safeParse(request.query);
    const filter = parsed.success ? parsed.data : {};
    const result = await auditLog(deps.app, staff.actor, {
      beforeId: filter.antes,
      action: filter.accion,
      via: filter.desde,
    });
    if (!result.ok)
      return sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403);
    return sendPage(request, reply, deps, "audit", {
      title: "audit.title",
      entries: result.entries,
      changes: (e: (typeof result.entries)[number], dateTime: (ms: number) => string) =>
        auditChanges(e.before, e.after, dateTime),
      nextBeforeId: result.nextBeforeId,
      action: filter.accion ?? "",
      via: filter.desde ?? "",
    });
  });
}
