/**
 * Issue 15 in a real browser: each public page at phone width (360 px) in headless Chromium,
 * behind the strict CSP the real server sets. Checks the page weight (≤ 100 KB, everything it
 * loads), that nothing comes from another origin, that the CSP blocks nothing, and runs axe-core
 * (no violation of any impact), then again with JavaScript off (links, the filter form). Saves the screenshots linked from the README with
 * RINDE_SCREENSHOTS=1 (test/web/browser.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/env.ts";
import { saveScreenshot } from "./browser.ts";
import { seedPublicData, type Seeded } from "./public-seed.ts";

const PAGES: [name: string, path: string][] = [
  ["inicio", "/"],
  ["respuestas", "/respuestas"],
  ["dependencia", "/respuestas/infraestructura"],
  ["preguntas-eventos", "/preguntas"],
  ["preguntas", "/preguntas?evento=1"],
  ["peticiones", "/preguntas/peticiones"],
  ["eventos", "/eventos"],
  ["evento", "/eventos/1"],
  ["evento-proximo", "/eventos/2"],
  ["compromisos", "/compromisos"],
  ["compromiso", "/compromisos/1"],
  ["encuestas", "/encuestas"],
  ["datos", "/datos"],
  ["plan", "/plan-rendicion-cuentas"],
  ["respuestas-en", "/respuestas?lang=en"],
  ["compromiso-en", "/compromisos/1?lang=en"],
];

let s: Seeded;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  // What the real server sends (src/web/server.ts, issue 14): scripts and styles only from our origin.
  s = await seedPublicData((server) =>
    server.addHook("onSend", async (_request, reply) => {
      reply.header(
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
      );
    }),
  );
  origin = await s.server.listen({ host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.server.close();
  await s?.h.close();
});

describe("public pages in Chromium at 360 px", () => {
  it("are light, same-origin, CSP-clean and accessible", async () => {
    const axe = readFileSync(join(PROJECT_ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 1,
      javaScriptEnabled: true,
    });
    const page = await context.newPage();
    const report: string[] = [];
    for (const [name, path] of PAGES) {
      const foreign: string[] = [];
      const blocked: string[] = [];
      const onRequest = (r: { url(): string }) => {
        if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url());
      };
      const onConsole = (m: { text(): string }) => {
        if (/Content Security Policy|Refused to/.test(m.text())) blocked.push(m.text());
      };
      page.on("request", onRequest);
      page.on("console", onConsole);
      const response = await page.goto(`${origin}${path}`, { waitUntil: "load" });
      expect(response?.status(), path).toBe(200);
      await page.waitForTimeout(50);
      page.off("request", onRequest);
      page.off("console", onConsole);
      // Everything the page loaded (document, stylesheet), uncompressed, cache or not.
      // (Strings run in the page: this project's TypeScript has no DOM types.)
      const bytes = await page.evaluate<number>(
        `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].reduce((sum, e) => sum + e.decodedBodySize, 0)`,
      );
      expect(foreign, `${path}: loads from another origin`).toEqual([]);
      expect(blocked, `${path}: CSP violations`).toEqual([]);
      expect(bytes, `${path}: page weight`).toBeLessThan(100_000);
      // Fits the phone: no horizontal scroll of the page itself (wide tables scroll inside their region).
      expect(
        await page.evaluate<number>("document.documentElement.scrollWidth"),
        `${path}: horizontal overflow`,
      ).toBeLessThanOrEqual(360);
      // axe is injected by the test harness (CDP), not by the page: the page itself has no script.
      await page.evaluate(axe);
      const violations = await page.evaluate<{ id: string; impact: string; nodes: number }[]>(
        "axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))",
      );
      // Every impact, not only serious and critical: the pages have none (heading order included).
      expect(violations, `${path}: axe`).toEqual([]);
      await saveScreenshot(page, `publico-${name}.png`);
      report.push(`${path}: ${bytes} B, axe: ${violations.map((v) => v.id).join(", ") || "none"}`);
    }
    await context.close();
    process.stdout.write(`${report.join("\n")}\n`);
  }, 120_000);

  it("work without JavaScript: every page renders, links and the filter form navigate", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [, path] of PAGES) {
      const response = await page.goto(`${origin}${path}`, { waitUntil: "load" });
      expect(response?.status(), path).toBe(200);
      expect(await page.locator("h1").count(), `${path}: heading`).toBe(1);
      expect(await page.locator("script").count(), `${path}: scripts`).toBe(0);
    }
    // The commitments filter is a plain GET form: choosing an office and submitting filters the list.
    await page.goto(`${origin}/compromisos`);
    await page.selectOption("select[name=dependencia]", "movilidad");
    await Promise.all([page.waitForURL(/dependencia=movilidad/), page.locator("form.filters [type=submit]").click()]);
    expect(await page.content()).toContain("Señalizar el cruce escolar");
    expect(await page.content()).not.toContain("Terminar el parque central");
    // The language link keeps the page.
    await page.goto(`${origin}/eventos/1`);
    await Promise.all([
      page.waitForURL(/\/eventos\/1\?lang=en/),
      page.locator("a[hreflang=en], a[lang=en]").first().click(),
    ]);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    // The published answer is there; the one held back for personal data says it is under review.
    await page.goto(`${origin}/eventos/1`);
    expect(await page.content()).toContain("Respuesta en revisión de datos personales");
    await context.close();
  }, 120_000);
});
