/**
 * Who is signed in: every `/admin` request resolves the `rinde_sid` cookie through the auth
 * service (hashed id, idle and absolute limits). Routes marked `config: { public: true }` (sign-in,
 * setup, assets) are open; every other route sends the visitor to sign in, and nothing runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Actor } from "../core/authorization.ts";
import type { OfficialRow } from "../db/repositories/officials.ts";
import { resolveSession, SESSION_ABSOLUTE_MS } from "../services/backoffice/auth.ts";
import type { WebDeps } from "./deps.ts";

export const SESSION_COOKIE = "rinde_sid";

export interface Staff {
  official: OfficialRow;
  actor: Actor;
  sessionId: string;
}

declare module "fastify" {
  interface FastifyRequest {
    staff?: Staff;
  }
  interface FastifyContextConfig {
    /** Reachable without a session (sign-in pages). */
    public?: boolean;
  }
}

export function registerSessionHook(admin: FastifyInstance, deps: WebDeps): void {
  admin.addHook("onRequest", async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    const state = await resolveSession(deps.app, sessionId);
    if (state.ok) request.staff = { official: state.official, actor: state.actor, sessionId: sessionId! };
    if (request.routeOptions.config.public) return;
    if (!state.ok) return toSignIn(request, reply, state.error === "expired" ? "expired" : undefined);
  });
}

/** Sends the visitor to the sign-in page (htmx requests: a full-page redirect). */
export function toSignIn(request: FastifyRequest, reply: FastifyReply, reason?: "expired"): FastifyReply {
  const target = `/admin/ingresar${reason ? "?motivo=expirada" : ""}`;
  reply.clearCookie(SESSION_COOKIE, { path: "/admin" });
  if (request.headers["hx-request"]) return reply.header("hx-redirect", target).code(401).send();
  return reply.redirect(target, 303);
}

export function setSessionCookie(reply: FastifyReply, deps: WebDeps, sessionId: string): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    path: "/admin",
    httpOnly: true,
    sameSite: "lax",
    secure: deps.secureCookies,
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

/** The signed-in staff member of a non-public route (the hook guarantees one). */
export function staffOf(request: FastifyRequest): Staff {
  if (!request.staff)
    throw new Error("staffOf() on a route without a session: mark the route public or keep the session hook");
  return request.staff;
}
