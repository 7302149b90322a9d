/**
 * QA: unknown addresses and refused forms answered with Fastify's English JSON. People get a page
 * in their language (the public site's 404, the back-office's error page), with the right status,
 * under the CSP and without a stack trace; the webhooks keep JSON.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

let h: WebHarness;
beforeEach(async () => {
  h = await createWebHarness();
});
afterEach(async () => {
  await h.close();
});

const isHtml = (r: { headers: Record<string, unknown> }) => String(r.headers["content-type"]).startsWith("text/html");

describe("error pages", () => {
  it("answers an unknown public address with the public 404 page, Spanish first, English with ?lang=en", async () => {
    for (const url of ["/nonexistent", "/eventos/99999", "/calendario/nada"]) {
      const response = await h.server.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(404);
      expect(isHtml(response), url).toBe(true);
      expect(response.body).toContain("Página no encontrada");
      expect(response.body).not.toContain("<script");
      expect(response.body).not.toContain("Route GET");
      expect(String(response.headers["content-security-policy"])).toContain("script-src 'self'");
    }
    const english = await h.server.inject({ method: "GET", url: "/nonexistent?lang=en" });
    expect(english.statusCode).toBe(404);
    expect(english.body).toContain("Page not found");
    const post = await h.server.inject({ method: "POST", url: "/nada", payload: "a=1" });
    expect(post.statusCode).toBe(404);
    expect(post.body).toContain("Página no encontrada");
  });

  it("answers an unknown back-office address with the back-office error page", async () => {
    await h.addOfficial({ name: "Ana", role: "official", officeKey: "salud", email: "ana@x.co", address: "ana-chat" });
    const ana = await h.signIn("ana@x.co", "ana-chat");
    const response = await ana.get("/admin/nonexistent");
    expect(response.statusCode).toBe(404);
    expect(isHtml(response)).toBe(true);
    expect(response.body).toContain("Esta página no existe");
    expect(response.body).toContain('href="/admin/bandeja"');
    // Signed out, an unknown back-office address sends to the sign-in page like any other.
    const outsider = await h.server.inject({ method: "GET", url: "/admin/nonexistent" });
    expect(outsider.statusCode).toBe(303);
  });

  it("refuses a form with a bad or missing CSRF token with a plain 403 page", async () => {
    const client = createWebClient(h.server);
    await client.get("/admin/ingresar");
    const forged = await client.post("/admin/ingresar/enlace", { email: "ana@x.co", _csrf: "forged" });
    expect(forged.statusCode).toBe(403);
    expect(isHtml(forged)).toBe(true);
    expect(forged.body).toContain("El formulario venció o no es válido: vuelva a la página y envíelo de nuevo.");
    expect(forged.body).not.toContain("Invalid csrf token");
    const bare = await h.server.inject({
      method: "POST",
      url: "/admin/ingresar/enlace",
      payload: "email=ana%40x.co",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(bare.statusCode).toBe(403);
    expect(bare.body).toContain("El formulario venció");
  });

  it("answers a body it cannot read with a page and no internals", async () => {
    const response = await h.server.inject({
      method: "POST",
      url: "/admin/ingresar/enlace",
      payload: "{",
      headers: { "content-type": "application/json" },
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(isHtml(response)).toBe(true);
    expect(response.body).not.toMatch(/at .*\.(ts|js):\d+|FST_/);
  });

  it("keeps JSON for the webhooks and never sends a server error's message", async () => {
    h.server.get("/webhooks/boom", async () => {
      throw new Error("secret detail from the database");
    });
    const missing = await h.server.inject({ method: "POST", url: "/webhooks/nada", payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404 });
    const boom = await h.server.inject({ method: "GET", url: "/webhooks/boom" });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ statusCode: 500, error: "Internal Server Error" });
    expect(boom.body).not.toContain("secret detail");
  });

  it("answers /favicon.ico without a 404", async () => {
    const response = await h.server.inject({ method: "GET", url: "/favicon.ico" });
    expect(response.statusCode).toBe(204);
  });
});

describe("texts, not their keys", () => {
  it("says no plan is loaded on the plan report instead of showing the text's key", async () => {
    await h.addOfficial({ name: "Ana", role: "admin", officeKey: null, email: "ana@x.co", address: "ana-chat" });
    const ana = await h.signIn("ana@x.co", "ana-chat");
    for (const url of ["/admin/plan/informe", "/admin/plan/informe?anio=2019"]) {
      const response = await ana.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain("plan.errors");
      expect(response.body, url).toContain("No hay un plan cargado para ese año");
      // On the web, where to load one is the load page, not a CLI command.
      expect(response.body, url).toContain("/admin/plan/cargar");
      expect(response.body, url).not.toContain("rinde plan load");
    }
  });
});
