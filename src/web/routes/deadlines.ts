/** Vencimientos: overdue and due-soon questions across offices, with drill-down to the inbox. */
import type { FastifyInstance } from "fastify";
import { deadlinesOverview } from "../../services/backoffice/deadlines-overview.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

export function registerDeadlineRoutes(admin: FastifyInstance, deps: WebDeps): void {
  admin.get("/vencimientos", async (request, reply) => {
    const result = await deadlinesOverview(deps.app, staffOf(request).actor);
    if (!result.ok)
      return sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.not_allowed" }, 403);
    return sendPage(request, reply, deps, "deadlines", { title: "deadlines.title", overview: result });
  });
}
