/**
 * What a person sees when a page does not exist or a request fails: a page in their language,
 * never Fastify's English JSON and never a stack trace. The back-office (`/admin`) gets its error
 * page; the public site renders its own (src/web/public/plugin.ts); machine paths (the webhooks)
 * keep a short JSON body their callers can read.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "./deps.ts";
import { sendPage } from "./render.ts";

/** Errors of @fastify/csrf-protection: the form's token is missing, expired or forged. */
const CSRF_ERRORS = new Set(["FST_CSRF_INVALID_TOKEN", "FST_CSRF_MISSING_SECRET"]);

/** The status to answer for `error`: its own 4xx/5xx, else 500. */
export function errorStatus(error: Partial<FastifyError>): number {
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 600 ? status : 500;
}

/** Paths called by machines (Meta's webhook), answered in JSON. */
export function isMachinePath(url: string): boolean {
  return url === "/webhooks" || url.startsWith("/webhooks/") || url.startsWith("/webhooks?");
}

/**
 * The JSON answer for machine paths: status and a generic name. A server error's message is not
 * sent (it may carry internals); it is logged.
 */
export function sendMachineError(request: FastifyRequest, reply: FastifyReply, error: Partial<FastifyError>) {
  const status = errorStatus(error);
  if (status >= 500) request.log.error({ err: error }, "web.request_failed");
  const body =
    status >= 500 ? { statusCode: status, error: "Internal Server Error" } : { statusCode: status, code: error.code };
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

/** The back-office's not-found and error pages, in the `/admin` scope (after the session hook). */
export function registerAdminErrorPages(admin: FastifyInstance, deps: WebDeps): void {
  admin.setNotFoundHandler(async (request, reply) =>
    sendPage(request, reply, deps, "error", { title: "errors.title", message: "errors.page_not_found" }, 404),
  );
  admin.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = errorStatus(error);
    if (status >= 500) request.log.error({ err: error }, "web.request_failed");
    const message = CSRF_ERRORS.has(error.code)
      ? "errors.form_expired"
      : status >= 500
        ? "errors.unexpected"
        : "errors.bad_request";
    return sendPage(request, reply, deps, "error", { title: "errors.title", message }, status);
  });
}

/** The root scope's handler: JSON for machine paths (webhooks) and anything outside the two sites. */
export function registerRootErrorHandler(server: FastifyInstance): void {
  server.setErrorHandler(async (error: FastifyError, request, reply) => sendMachineError(request, reply, error));
}
