/** Sign-in (link through the chat, or password), first-administrator setup, account, sign-out, language. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  completeSetup,
  endAllSessions,
  endSession,
  linkState,
  requestLoginLink,
  setOwnPassword,
  signInWithLink,
  signInWithPassword,
  startSession,
  type AuthError,
} from "../../services/backoffice/auth.ts";
import { MIN_PASSWORD_LENGTH } from "../../services/backoffice/passwords.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { SESSION_COOKIE, setSessionCookie, staffOf } from "../session.ts";

const emailForm = z.object({ email: z.string().trim().min(3).max(254) });
const passwordForm = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) });
const tokenForm = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });
const setupForm = tokenForm.extend({
  name: z.string().max(200),
  email: z.string().max(254),
  password: z.string().max(1024),
});
const newPasswordForm = z.object({ password: z.string().max(1024), confirm: z.string().max(1024) });

export function registerAuthRoutes(
  admin: FastifyInstance,
  deps: WebDeps,
  options: { attemptsPerMinute: number },
): void {
  const { app } = deps;
  const limited = { public: true, rateLimit: { max: options.attemptsPerMinute, timeWindow: "1 minute" } };
  const csrf = { preHandler: admin.csrfProtection };

  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { error?: AuthError | "invalid"; sent?: boolean; expired?: boolean; email?: string },
    status = 200,
  ) => sendPage(request, reply, deps, "login", { title: "login.title", minutes: 10, ...data }, status);

  admin.get("/", async (_request, reply) => reply.redirect("/admin/bandeja", 303));

  admin.get<{ Querystring: { motivo?: string; enviado?: string } }>(
    "/ingresar",
    { config: { public: true } },
    async (request, reply) => {
      if (request.staff) return reply.redirect("/admin/bandeja", 303);
      return loginPage(request, reply, {
        expired: request.query.motivo === "expirada",
        sent: request.query.enviado === "1",
      });
    },
  );

  admin.post("/ingresar/enlace", { config: limited, ...csrf }, async (request, reply) => {
    const form = emailForm.safeParse(request.body);
    if (!form.success) return loginPage(request, reply, { error: "email_invalid" }, 422);
    await requestLoginLink(app, form.data.email, (token) => `${deps.baseUrl}/admin/acceso/${token}`);
    deps.onEffects();
    return reply.redirect("/admin/ingresar?enviado=1", 303);
  });

  admin.post("/ingresar/clave", { config: limited, ...csrf }, async (request, reply) => {
    const form = passwordForm.safeParse(request.body);
    if (!form.success) return loginPage(request, reply, { error: "bad_credentials" }, 422);
    const result = await signInWithPassword(app, form.data.email, form.data.password);
    if (!result.ok) return loginPage(request, reply, { error: result.error, email: form.data.email }, 401);
    return await signedIn(reply, deps, result.official.id, "/admin/bandeja");
  });

  admin.get<{ Params: { token: string } }>("/acceso/:token", { config: { public: true } }, async (request, reply) => {
    // A GET never uses the link: chat apps open links to preview them. The button below does.
    const state = tokenForm.safeParse({ token: request.params.token }).success
      ? await linkState(app, request.params.token, "login")
      : "link_invalid";
    return sendPage(
      request,
      reply,
      deps,
      "link",
      { title: "link.title", token: request.params.token, state },
      state === "valid" ? 200 : 410,
    );
  });

  admin.post("/acceso", { config: limited, ...csrf }, async (request, reply) => {
    const form = tokenForm.safeParse(request.body);
    const result = form.success
      ? await signInWithLink(app, form.data.token)
      : ({ ok: false, error: "link_invalid" } as const);
    if (!result.ok)
      return sendPage(request, reply, deps, "link", { title: "link.title", token: "", state: result.error }, 410);
    return await signedIn(
      reply,
      deps,
      result.official.id,
      result.mustSetPassword ? "/admin/cuenta?clave=1" : "/admin/bandeja",
    );
  });

  admin.get<{ Params: { token: string } }>(
    "/configurar/:token",
    { config: { public: true } },
    async (request, reply) => {
      const state = tokenForm.safeParse({ token: request.params.token }).success
        ? await linkState(app, request.params.token, "setup")
        : "link_invalid";
      return sendPage(
        request,
        reply,
        deps,
        "setup",
        { title: "setup.title", token: request.params.token, state, values: {}, minLength: MIN_PASSWORD_LENGTH },
        state === "valid" ? 200 : 410,
      );
    },
  );

  admin.post("/configurar", { config: limited, ...csrf }, async (request, reply) => {
    const form = setupForm.safeParse(request.body);
    if (!form.success)
      return sendPage(
        request,
        reply,
        deps,
        "setup",
        { title: "setup.title", token: "", state: "link_invalid", values: {}, minLength: MIN_PASSWORD_LENGTH },
        410,
      );
    const result = await completeSetup(app, form.data.token, form.data);
    if (!result.ok) {
      const linkProblem =
        result.error === "link_invalid" || result.error === "link_used" || result.error === "link_expired";
      return sendPage(
        request,
        reply,
        deps,
        "setup",
        {
          title: "setup.title",
          token: form.data.token,
          state: linkProblem ? result.error : "valid",
          error: result.error,
          values: { name: form.data.name, email: form.data.email },
          minLength: MIN_PASSWORD_LENGTH,
        },
        linkProblem ? 410 : 422,
      );
    }
    return await signedIn(reply, deps, result.official.id, "/admin/bandeja");
  });

  admin.post("/salir", csrf, async (request, reply) => {
    const staff = staffOf(request);
    await endSession(app, staff.sessionId, staff.official.id);
    reply.clearCookie(SESSION_COOKIE, { path: "/admin" });
    return reply.redirect("/admin/ingresar", 303);
  });

  admin.post("/salir-todo", csrf, async (request, reply) => {
    const staff = staffOf(request);
    await endAllSessions(app, staff.official.id);
    reply.clearCookie(SESSION_COOKIE, { path: "/admin" });
    return reply.redirect("/admin/ingresar", 303);
  });

  admin.get<{ Querystring: { clave?: string; guardada?: string } }>("/cuenta", async (request, reply) =>
    sendPage(request, reply, deps, "account", {
      title: "account.title",
      mustSetPassword: request.query.clave === "1",
      saved: request.query.guardada === "1",
      minLength: MIN_PASSWORD_LENGTH,
    }),
  );

  admin.post("/cuenta/clave", csrf, async (request, reply) => {
    const staff = staffOf(request);
    const form = newPasswordForm.safeParse(request.body);
    const page = (error: string) =>
      sendPage(request, reply, deps, "account", { title: "account.title", error, minLength: MIN_PASSWORD_LENGTH }, 422);
    if (!form.success) return page("weak_password");
    if (form.data.password !== form.data.confirm) return page("password_mismatch");
    const result = await setOwnPassword(app, staff.official.id, form.data.password);
    if (!result.ok) return page(result.error);
    return reply.redirect("/admin/cuenta?guardada=1", 303);
  });

  admin.get<{ Querystring: { l?: string; volver?: string } }>(
    "/idioma",
    { config: { public: true } },
    async (request, reply) => {
      const locale = request.query.l === "en" ? "en" : "es";
      reply.setCookie("rinde_lang", locale, {
        path: "/",
        sameSite: "lax",
        httpOnly: true,
        secure: deps.secureCookies,
        maxAge: 365 * 24 * 3600,
      });
      // Only back to a page of ours: no open redirect.
      const back = request.query.volver ?? "/admin/bandeja";
      return reply.redirect(
        /^\/admin(\/[^/\\]|$|\?)/.test(back) && !back.startsWith("//") ? back : "/admin/bandeja",
        303,
      );
    },
  );
}

/** Starts a fresh session (a new id at every sign-in) and goes to `target`. */
async function signedIn(reply: FastifyReply, deps: WebDeps, officialId: number, target: string): Promise<FastifyReply> {
  const { sessionId } = await startSession(deps.app, officialId);
  setSessionCookie(reply, deps, sessionId);
  return reply.redirect(target, 303);
}
