import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SESSION_IDLE_MS } from "../../src/services/backoffice/auth.ts";
import { createWebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { sqlRows } from "../helpers/storage.ts";

const audit = async (h: WebHarness) =>
  (await sqlRows(h.runtime, "select action, outcome, official_id from staff_audit order by id")) as {
    action: string;
    outcome: string;
    official_id: number | null;
  }[];

describe("back-office sign-in and sessions", () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await createWebHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("signs in with a one-time link the bot sends to the official's chat, stored hashed, usable once", async () => {
    await h.addOfficial({
      name: "Ana Salud",
      role: "official",
      officeKey: "salud",
      email: "ana@alcaldia.gov.co",
      address: "ana-chat",
    });
    const client = await h.signIn("ANA@alcaldia.gov.co ", "ana-chat");
    expect(h.last("ana-chat")).toContain("10 minutos");
    const inbox = await client.get("/admin/bandeja");
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain("Bandeja");
    // Only hashes in the database: neither the link's token nor the session id.
    const token = /acceso\/([A-Za-z0-9_-]+)/.exec(h.last("ana-chat"))![1]!;
    const dump =
      JSON.stringify(await sqlRows(h.runtime, "select * from staff_login_tokens")) +
      JSON.stringify(await sqlRows(h.runtime, "select * from staff_sessions"));
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(client.cookies.get("rinde_sid"));
    // The link is spent.
    const again = createWebClient(h.server);
    expect((await again.get(`/admin/acceso/${token}`)).statusCode).toBe(410);
    expect(again.lastHtml).toContain("ya se usó");
    expect((await audit(h)).map((a) => `${a.action}:${a.outcome}`)).toEqual([
      "auth.link_requested:ok",
      "auth.sign_in:ok",
    ]);
  });

  it("answers the same for an unknown e-mail, sends nothing, and audits the attempt", async () => {
    const client = createWebClient(h.server);
    await client.get("/admin/ingresar");
    const response = await client.post("/admin/ingresar/enlace", { email: "nadie@alcaldia.gov.co" });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/admin/ingresar?enviado=1");
    await h.bot.dispatcher.tick();
    expect(h.channel.sent).toHaveLength(0);
    expect(await audit(h)).toEqual([{ action: "auth.link_requested", outcome: "refused", official_id: null }]);
  });

  it("refuses a link after 10 minutes", async () => {
    await h.addOfficial({ name: "Ana", role: "official", officeKey: "salud", email: "ana@x.co", address: "ana-chat" });
    const client = createWebClient(h.server);
    await client.get("/admin/ingresar");
    await client.post("/admin/ingresar/enlace", { email: "ana@x.co" });
    await h.bot.dispatcher.tick();
    const token = /acceso\/([A-Za-z0-9_-]+)/.exec(h.last("ana-chat"))![1]!;
    h.clock.advanceMs(10 * 60_000);
    const response = await client.post("/admin/acceso", { token });
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain("ya venció");
    expect(client.cookies.has("rinde_sid")).toBe(false);
  });

  it("rejects a form without the CSRF token and changes nothing", async () => {
    await h.addOfficial({ name: "Ana", role: "official", officeKey: "salud", email: "ana@x.co", address: "ana-chat" });
    const client = createWebClient(h.server);
    await client.get("/admin/ingresar");
    const response = await client.post("/admin/ingresar/enlace", { email: "ana@x.co", _csrf: "forged" });
    expect(response.statusCode).toBe(403);
    await h.bot.dispatcher.tick();
    expect(h.channel.sent).toHaveLength(0);
    expect(await audit(h)).toEqual([]);
  });

  it("ends a session after 30 idle minutes and sends the visitor to sign in", async () => {
    await h.addOfficial({ name: "Ana", role: "official", officeKey: "salud", email: "ana@x.co", address: "ana-chat" });
    const client = await h.signIn("ana@x.co", "ana-chat");
    h.clock.advanceMs(SESSION_IDLE_MS - 1000);
    expect((await client.get("/admin/bandeja")).statusCode).toBe(200);
    h.clock.advanceMs(SESSION_IDLE_MS);
    const response = await client.get("/admin/bandeja");
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/admin/ingresar?motivo=expirada");
  });

  it("ends every session of the official with 'sign out everywhere'", async () => {
    await h.addOfficial({ name: "Ana", role: "official", officeKey: "salud", email: "ana@x.co", address: "ana-chat" });
    const laptop = await h.signIn("ana@x.co", "ana-chat");
    const phone = await h.signIn("ana@x.co", "ana-chat");
    expect(laptop.cookies.get("rinde_sid")).not.toBe(phone.cookies.get("rinde_sid"));
    await phone.get("/admin/cuenta");
    expect((await phone.post("/admin/salir-todo", {})).statusCode).toBe(303);
    expect((await laptop.get("/admin/bandeja")).statusCode).toBe(303);
  });

  it("sets session cookies HttpOnly and SameSite=Lax, and sends a strict CSP", async () => {
    await h.addOfficial({ name: "Ana", role: "official", officeKey: "salud", email: "ana@x.co", address: "ana-chat" });
    const client = createWebClient(h.server);
    await client.get("/admin/ingresar");
    await client.post("/admin/ingresar/enlace", { email: "ana@x.co" });
    await h.bot.dispatcher.tick();
    const token = /acceso\/([A-Za-z0-9_-]+)/.exec(h.last("ana-chat"))![1]!;
    await client.get(`/admin/acceso/${token}`);
    const response = await client.post("/admin/acceso", { token });
    const cookie = String(response.headers["set-cookie"])
      .split(/,(?=\s*\w+=)/)
      .find((c) => c.includes("rinde_sid="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const page = await client.get("/admin/bandeja");
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("creates the first administrator from the one-time setup link, with a password", async () => {
    const { setupLinkIfNoAdmin } = await import("../../src/services/backoffice/auth.ts");
    const setup = (await setupLinkIfNoAdmin(h.runtime.app))!;
    expect(setup).toBeDefined();
    const client = createWebClient(h.server);
    expect((await client.get(`/admin/configurar/${setup.token}`)).statusCode).toBe(200);
    const weak = await client.post("/admin/configurar", {
      token: setup.token,
      name: "Laura Admin",
      email: "laura@x.co",
      password: "corta",
    });
    expect(weak.statusCode).toBe(422);
    const ok = await client.post("/admin/configurar", {
      token: setup.token,
      name: "Laura Admin",
      email: "laura@x.co",
      password: "una frase larga y segura",
    });
    expect(ok.statusCode).toBe(303);
    expect((await client.get("/admin/registro")).statusCode).toBe(200);
    expect(await setupLinkIfNoAdmin(h.runtime.app)).toBeUndefined();
    // The password signs in; a wrong one is refused and audited.
    const other = createWebClient(h.server);
    await other.get("/admin/ingresar");
    expect(
      (await other.post("/admin/ingresar/clave", { email: "laura@x.co", password: "otra cosa cualquiera" })).statusCode,
    ).toBe(401);
    expect(
      (await other.post("/admin/ingresar/clave", { email: "laura@x.co", password: "una frase larga y segura" }))
        .statusCode,
    ).toBe(303);
    expect((await audit(h)).map((a) => `${a.action}:${a.outcome}`)).toEqual([
      "auth.setup_admin:ok",
      "auth.sign_in_failed:refused",
      "auth.sign_in:ok",
    ]);
  }, 20_000);
});
