/**
 * The plan pages (issue 16) on the real web server over a seeded Pasto 2022 (plan-helpers):
 * the public page (`/plan-rendicion-cuentas`, in the public navigation) from `publicPlanReport` —
 * no names, notes or small counts of people, under 100 KB, no script — and, in a headless
 * Chromium at 360 px behind the server's strict CSP, the back-office pages: the plan, an activity
 * whose progress the responsible office records through the form, the report and the load page;
 * and the public page with JavaScript off. axe-core finds no serious violation on any of them.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officialActor } from "../../src/core/authorization.ts";
import { startSession } from "../../src/services/backoffice/auth.ts";
import { recordPlanProgress } from "../../src/services/plan/index.ts";
import { bogota } from "../helpers/scenario.ts";
import { loadPlanFile, PASTO_PLAN, seedPastoYear } from "../integration/plan-helpers.ts";
import { freePort, launchBrowser, screenshots, seriousViolations } from "./browser.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const OFFICIAL_NAME = "Camilo Reservado Quintero";
const NOTE = "Confirmado por teléfono con Marta Liliana Rojas, 3001234567";

let h: WebHarness;
let base: string;
let browser: Browser | undefined;

beforeAll(async () => {
  h = await createWebHarness({ profile: "pasto", startMs: bogota("2022-01-03", "10:00") });
  await loadPlanFile(h.runtime, PASTO_PLAN);
  await seedPastoYear({
    dir: h.dir,
    clock: h.clock,
    runtime: h.runtime,
    at: (date, time = "10:00") => (h.clock.setMs(bogota(date, time)), h.clock.nowMs()),
    close: async () => {},
  });
  const id = await h.addOfficial({
    name: OFFICIAL_NAME,
    role: "official",
    officeKey: "comunicaciones",
    email: "camilo@pasto.gov.co",
  });
  const official = (await h.runtime.app.repos.officials.get(id))!;
  h.clock.setMs(bogota("2022-12-20", "10:00"));
  const progress = await recordPlanProgress(h.runtime.app, officialActor(official), {
    year: 2022,
    activityId: "1.8",
    value: 60,
    evidenceUrl: "https://www.facebook.com/AlcaldiaDePasto",
    note: NOTE,
  });
  if (!progress.ok) throw new Error(progress.error);
  h.clock.setMs(bogota("2022-12-31", "10:00"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await h.server.listen({ host: "127.0.0.1", port });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the public plan page", () => {
  it("shows every activity with goal, achieved and state, linked from the navigation, without personal data", async () => {
    const home = await fetch(`${base}/`);
    expect(await home.text()).toContain('href="/plan-rendicion-cuentas"');
    const response = await fetch(`${base}/plan-rendicion-cuentas`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(Buffer.byteLength(html)).toBeLessThan(100 * 1024);
    expect(html).not.toMatch(/<script/i);
    const text = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Plan de rendición de cuentas 2022");
    expect(html.match(/class="plan-item"/g)).toHaveLength(23);
    // 1.7: 15.000 copies reported by 30 Nov, with the links; 2.2 missed two corregimientos.
    expect(text).toContain("1.7. Elaborar y distribuir el periódico institucional");
    expect(text).toContain("15.000 de 15.000");
    expect(html).toContain('href="https://www.pasto.gov.co/periodico/noviembre.pdf"');
    expect(text).toContain("corregimientos: 15 de 17");
    expect(text).toMatch(/✗ vencida/);
    expect(text).toMatch(/✓ cumplida/);
    // The three people who said they would come are too few to show; the surveys are enough.
    expect(text).toContain("personas que confirmaron asistencia: pocos casos");
    expect(text).toContain(
      `Satisfacción con el espacio de diálogo : Respuestas: 60; calificación promedio (1 a 5): 3,91`,
    );
    for (const secret of [OFFICIAL_NAME, "Marta Liliana", "3001234567", "official:"])
      expect(html).not.toContain(secret);
    const english = await (await fetch(`${base}/plan-rendicion-cuentas?lang=en`)).text();
    expect(english).toContain("2022 accountability plan");
    expect(english).toContain("people who said they would come: few cases");
    // Progress reported a moment later shows at once: the page cache follows the plan's records.
    expect(text).toContain("60 % de 100 %");
    const more = await recordPlanProgress(
      h.runtime.app,
      { kind: "cli" },
      { year: 2022, activityId: "1.8", value: 70, evidenceUrl: "https://www.facebook.com/AlcaldiaDePasto" },
    );
    expect(more.ok).toBe(true);
    expect(await (await fetch(`${base}/plan-rendicion-cuentas`)).text()).toContain("70 % de 100 %");
    // An unknown year shows the plan there is.
    expect(await (await fetch(`${base}/plan-rendicion-cuentas?anio=2031`)).text()).toContain(
      "Plan de rendición de cuentas 2022",
    );
  });
});

describe("the plan pages in Chromium at 360 px", () => {
  let context: BrowserContext;
  let page: Page;
  const cspErrors: string[] = [];
  const check = async (name: string) => {
    expect(await seriousViolations(page), name).toEqual([]);
    await screenshots(page, name);
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    const official = (await h.runtime.app.repos.staffAuth.officialByEmail("camilo@pasto.gov.co"))!;
    const { sessionId } = await startSession(h.runtime.app, official.id);
    context = await browser.newContext({ locale: "es-CO", viewport: { width: 360, height: 740 } });
    await context.addCookies([
      { name: "rinde_sid", value: sessionId, domain: "127.0.0.1", path: "/admin", httpOnly: true, sameSite: "Lax" },
    ]);
    page = await context.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
    });
  }, 60_000);

  it("shows the plan, and the responsible office records progress through the form", async () => {
    await page.goto(`${base}/admin/plan`);
    await page.getByRole("heading", { level: 1, name: "Plan de rendición de cuentas" }).waitFor();
    await check("plan");
    await page.getByRole("link", { name: "Abrir la actividad 1.8" }).click();
    await page.getByRole("heading", { level: 1, name: "Actividad 1.8" }).waitFor();
    expect(await page.getByText(NOTE).count()).toBe(1);
    await check("plan-actividad");
    await page.getByLabel("Valor logrado a la fecha").fill("85");
    await page.getByLabel("Enlace a la evidencia (https://…)").fill("https://www.instagram.com/alcaldiadepasto");
    await page.getByRole("button", { name: "Registrar avance" }).click();
    await page.getByText("Avance registrado.").waitFor();
    expect((await h.runtime.app.repos.plan.progressHistory(2022, "1.8")).map((e) => e.value)).toEqual([60, 70, 85]);
    // A refused value comes back beside the field, with the keyboard focus on it.
    await page.getByLabel("Valor logrado a la fecha").fill("120");
    await page.getByLabel("Enlace a la evidencia (https://…)").fill("https://www.instagram.com/alcaldiadepasto");
    await page.getByRole("button", { name: "Registrar avance" }).click();
    await page.locator("#progress-error").waitFor();
    expect(await page.locator("#progress-error").textContent()).toContain("hasta 100 si la meta es un porcentaje");
  });

  it("shows the evaluation report and offers its CSV; the load page; the English switch; no page broke the CSP", async () => {
    await page.goto(`${base}/admin/plan/informe?anio=2022`);
    await page.getByRole("heading", { level: 1, name: "Evaluación de la estrategia 2022" }).waitFor();
    await check("plan-informe");
    const download = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Descargar el informe (CSV para Excel)" }).first().click(),
    ]);
    expect(download[0].suggestedFilename()).toBe("plan-pasto-2022.csv");
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Evaluation of the 2022 strategy" }).waitFor();

    // The administrator pastes a plan with a mistake: every problem is listed, nothing loaded.
    const adminId = await h.addOfficial({
      name: "Ana Admin",
      role: "admin",
      officeKey: null,
      email: "ana@pasto.gov.co",
    });
    const { sessionId } = await startSession(h.runtime.app, adminId);
    const adminContext = await browser!.newContext({ locale: "es-CO", viewport: { width: 360, height: 740 } });
    await adminContext.addCookies([
      { name: "rinde_sid", value: sessionId, domain: "127.0.0.1", path: "/admin", httpOnly: true, sameSite: "Lax" },
    ]);
    const previous = page;
    page = await adminContext.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
    });
    await page.goto(`${base}/admin/plan/cargar`);
    await check("plan-cargar");
    await page
      .getByLabel("Contenido")
      .fill(
        "profile: pasto\nyear: 2022\ntitle: Plan\ncomponents:\n  - key: Dialogo\n    kind: dialogo\n    name: Diálogo\n    activities: []\n",
      );
    await page.getByRole("button", { name: "Revisar y cargar" }).click();
    await page.getByRole("heading", { name: "Se encontraron 3 problemas; no se cargó nada." }).waitFor();
    expect(await page.locator(".problems li").allTextContents()).toEqual([
      "components › 0 › key: use letras minúsculas sin tildes, números, «-» o «_».",
      "components › 0 › kind: debe ser uno de: information, dialogue, responsibility, evaluation.",
      "components › 0 › activities: la lista necesita al menos 1 elemento(s).",
    ]);
    await check("plan-cargar-problemas");
    await adminContext.close();
    page = previous;
    expect(cspErrors).toEqual([]);
  });

  it("shows the public page without JavaScript, fitting a phone", async () => {
    const noScript = await browser!.newContext({
      locale: "es-CO",
      viewport: { width: 360, height: 740 },
      javaScriptEnabled: false,
    });
    const previous = page;
    page = await noScript.newPage();
    await page.goto(`${base}/plan-rendicion-cuentas`);
    await page.getByRole("heading", { level: 1, name: "Plan de rendición de cuentas 2022" }).waitFor();
    // The evidence opens without a script (details/summary).
    await page.getByText("Evidencias (2)").first().click();
    expect(await page.getByRole("link", { name: "ver evidencia" }).first().isVisible()).toBe(true);
    await page.close();
    const withScript = await browser!.newContext({ locale: "es-CO", viewport: { width: 360, height: 740 } });
    page = await withScript.newPage();
    await page.goto(`${base}/plan-rendicion-cuentas`);
    await check("publico-plan");
    await noScript.close();
    await withScript.close();
    page = previous;
  });
});
