/**
 * The back-office Eventos section in a real headless Chromium, at desktop width and at 360 px:
 * communications staff sign in with the link the bot sends to their Telegram chat, see the list,
 * are shown a refused field beside it (with the focus on it), create an event through the form and
 * land on its page. Every page passes axe-core with no serious violation, breaks no CSP rule and
 * loads nothing from another origin. Screenshots (docs/screenshots/eventos-*.png) with
 * RINDE_SCREENSHOTS=1, as test/web/browser.ts says.
 */
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localTimeToMs } from "../../src/core/deadline-schedule.ts";
import { createEvent } from "../../src/services/events/events.ts";
import { createWebServer } from "../../src/web/server.ts";
import { createTelegramHarness, type TelegramHarness } from "../integration/telegram-harness.ts";
import { freePort, launchBrowser, screenshots, seriousViolations } from "./browser.ts";

const COMMUNICATIONS = 888;
const at = (date: string, time: string) => localTimeToMs(date, time, "America/Bogota");

describe("back-office Eventos in Chromium", () => {
  let tg: TelegramHarness;
  let server: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const cspErrors: string[] = [];
  const otherOrigins: string[] = [];

  beforeAll(async () => {
    tg = await createTelegramHarness();
    await tg.linkOfficial(COMMUNICATIONS, "infraestructura", "official", "Carla Comunicaciones");
    const carla = (await tg.runtime.app.repos.officials.findByAddress("telegram", String(COMMUNICATIONS)))!;
    await tg.runtime.app.repos.staffAuth.setAccount(carla.id, {
      email: "carla@alcaldia.gov.co",
      role: "communications",
      officeKey: null,
    });
    const created = await createEvent(
      tg.runtime.app,
      { kind: "cli" },
      {
        kind: "public_hearing",
        title: "Audiencia pública de rendición de cuentas 2026",
        description: "",
        startsAtMs: at("2026-03-20", "09:00"),
        endsAtMs: at("2026-03-20", "12:00"),
        place: "Teatro Municipal",
        virtualUrl: "https://www.facebook.com/alcaldia/live",
        officeKey: null,
        districts: ["comuna-1"],
        topics: [],
      },
    );
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await createWebServer({ app: tg.runtime.app, onEffects: () => tg.bot.dispatcher.wake(), listenUrl: base });
    await server.listen({ host: "127.0.0.1", port });
    browser = await launchBrowser();
    page = await browser.newPage({ locale: "es-CO" });
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
    });
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) otherOrigins.push(url);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await tg?.close();
  });

  const expectAccessible = async (name: string) => {
    expect(await seriousViolations(page), name).toEqual([]);
    await screenshots(page, name);
  };

  it("signs in and lists the events, with the Eventos link in the menu", async () => {
    await page.goto(`${base}/admin/ingresar`);
    const mark = tg.mark();
    await page.getByLabel("Correo institucional").first().fill("carla@alcaldia.gov.co");
    await page.getByRole("button", { name: "Enviar enlace de acceso" }).click();
    const message = await tg.sent(COMMUNICATIONS, "/admin/acceso/", { since: mark });
    await page.goto(/http:\/\/\S+\/admin\/acceso\/\S+/.exec(String(message.params.text))![0]);
    await page.getByRole("button", { name: "Entrar" }).click();
    await page.getByRole("link", { name: "Eventos", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Eventos" }).waitFor();
    expect(await page.getByText("Audiencia pública de rendición de cuentas 2026").count()).toBe(1);
    await expectAccessible("eventos");
  });

  it("shows a refused field beside it, then creates the event through the form", async () => {
    await page.getByRole("link", { name: "Nuevo evento" }).click();
    await page.getByRole("heading", { level: 1, name: "Nuevo evento" }).waitFor();
    await page.getByLabel("Tipo de evento").selectOption("territorial_dialogue");
    await page.getByLabel("Título").fill("Diálogo territorial en la Comuna 1");
    await page.getByLabel("Fecha").fill("2026-03-12");
    await page.getByLabel("Hora de inicio").fill("18:00");
    await page.getByLabel("Hora de fin").fill("17:00");
    await page.getByLabel("Lugar", { exact: true }).fill("Salón comunal del barrio Centro");
    await page.getByLabel("Comuna 1 Centro", { exact: true }).check();
    await page.getByRole("button", { name: "Crear evento" }).click();
    await page.locator("#ev-fin-error").waitFor();
    expect(await page.locator("#ev-fin-error").textContent()).toContain("La hora de fin debe ser después");
    expect(await page.evaluate("document.activeElement?.id")).toBe("ev-fin");
    await expectAccessible("eventos-formulario");
    await page.getByLabel("Hora de fin").fill("20:00");
    await page.getByRole("button", { name: "Crear evento" }).click();
    await page.getByText("Evento creado.").waitFor();
    await page.getByRole("heading", { level: 1, name: "Diálogo territorial en la Comuna 1" }).waitFor();
    await expectAccessible("eventos-evento");
    const events = await tg.runtime.app.repos.events.list({});
    expect(events.map((e) => [e.title, e.status, e.districts])).toContainEqual([
      "Diálogo territorial en la Comuna 1",
      "scheduled",
      ["comuna-1"],
    ]);
  });

  it("broke no CSP rule and loaded nothing from another origin", () => {
    expect(cspErrors).toEqual([]);
    expect(otherOrigins).toEqual([]);
  });
});
