/**
 * The back-office in a real headless Chromium against the real bot on the fake Telegram Bot API:
 * an official signs in with the link the bot sends to their Telegram chat, answers a question (the
 * citizen receives it on Telegram), reassigns another, and is refused an extension beyond the
 * legal limit. Every page passes axe-core with no serious violation and fits a 360 px screen.
 */
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followCommitment, recordCommitment } from "../../src/services/commitments/commitments.ts";
import { channelFilesFromEnv } from "../../src/channels/file-readers.ts";
import { createWebServer } from "../../src/web/server.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { createTelegramHarness, type TelegramHarness } from "../integration/telegram-harness.ts";
import { freePort, launchBrowser, screenshots, seriousViolations } from "./browser.ts";
import { sqlValue } from "../helpers/storage.ts";

const CITIZEN = 4242;
/** A 1×1 PNG, the photo a citizen sent. */
const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const OFFICIAL = 777;
const COMMUNICATIONS = 888;

describe("back-office in Chromium", () => {
  let tg: TelegramHarness;
  let server: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let first: string;
  let second: string;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    tg = await createTelegramHarness();
    first = await tg.fileQuestion(CITIZEN);
    second = await tg.fileQuestion(
      CITIZEN,
      "Solicito que reparen el alumbrado público del parque del barrio La Esperanza",
    );
    const firstQuestion = (await tg.runtime.app.repos.questions.byReference(first))!;
    const place = { kind: "location" as const, fileRef: "geo:4.6097,-74.0817", placeName: "Parque Santander" };
    // A photo the citizen sent: kept by Telegram, shown as a thumbnail streamed through our server.
    const photo = tg.fake.registerFile(Buffer.from(PNG_1X1, "base64"), "file_0.png");
    await tg.runtime.app.repos.attachments.add(
      firstQuestion.id,
      [
        { channel: "telegram", ...place },
        { channel: "telegram", kind: "photo", fileRef: photo.file_id },
      ],
      tg.clock.nowMs(),
    );
    const officeKey = firstQuestion.officeKey;
    await tg.linkOfficial(OFFICIAL, officeKey, "head", "Beatriz Jefe");
    const official = (await tg.runtime.app.repos.officials.findByAddress("telegram", String(OFFICIAL)))!;
    await tg.runtime.app.repos.staffAuth.setAccount(official.id, { email: "beatriz@alcaldia.gov.co" });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The links the bot sends point at this server.
    server = await createWebServer({
      app: tg.runtime.app,
      onEffects: () => tg.bot.dispatcher.wake(),
      listenUrl: base,
      surveys: () => tg.runtime.surveys,
      fileReaders: channelFilesFromEnv(tg.runtime.env),
    });
    await server.listen({ host: "127.0.0.1", port });
    browser = await launchBrowser();
    page = await browser.newPage({ locale: "es-CO" });
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
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

  it("signs in with the link received in the Telegram chat", async () => {
    await page.goto(`${base}/admin/ingresar`);
    await expectAccessible("ingresar");
    const mark = tg.mark();
    await page.getByLabel("Correo institucional").first().fill("beatriz@alcaldia.gov.co");
    await page.getByRole("button", { name: "Enviar enlace de acceso" }).click();
    await page.getByText("le enviamos un enlace de acceso").waitFor();
    const message = await tg.sent(OFFICIAL, "/admin/acceso/", { since: mark });
    const link = /http:\/\/\S+\/admin\/acceso\/\S+/.exec(String(message.params.text))![0];
    await page.goto(link);
    await page.getByRole("button", { name: "Entrar" }).click();
    await page.getByRole("heading", { level: 1, name: /Bandeja/ }).waitFor();
    expect(await page.getByRole("link", { name: first }).count()).toBe(1);
    await expectAccessible("bandeja");
  });

  it("answers a question and the citizen receives the answer on Telegram", async () => {
    await page.getByRole("link", { name: first }).click();
    await page.getByRole("heading", { level: 1, name: first }).waitFor();
    // A shared location: a link to the map, opened in another tab; the page itself loads nothing from there.
    const map = page.getByRole("link", { name: "Ver en el mapa (se abre en otra pestaña)" });
    expect(await map.getAttribute("target")).toBe("_blank");
    expect(await map.getAttribute("href")).toBe(
      "https://www.openstreetmap.org/?mlat=4.6097&mlon=-74.0817#map=18/4.6097/-74.0817",
    );
    // The photo's thumbnail loads from our origin (CSP img-src 'self'), never from the Bot API.
    const thumbnail = page.locator(".files .thumb img");
    await thumbnail.waitFor();
    await page.waitForFunction("document.querySelector('.files .thumb img').complete");
    expect(await page.evaluate("document.querySelector('.files .thumb img').naturalWidth")).toBe(1);
    expect(await thumbnail.getAttribute("src")).toMatch(new RegExp(`^/admin/preguntas/${first}/adjuntos/\\d+$`));
    expect(await page.getByRole("link", { name: "Ver archivo" }).count()).toBe(1);
    await expectAccessible("pregunta");
    // Opened on its own (sandboxed, loads nothing else), the photo shows without a CSP complaint.
    const response = await page.goto(`${base}${await thumbnail.getAttribute("src")}`);
    expect(response?.headers()["content-type"]).toBe("image/png");
    expect(cspErrors).toEqual([]);
    await page.goto(`${base}/admin/preguntas/${first}`);
    await page.getByLabel("Respuesta para el ciudadano").fill("La cuadrilla reparará el hueco el 10 de marzo.");
    await page.getByRole("button", { name: "Vista previa" }).click();
    await page.getByText("Así la recibirá el ciudadano").waitFor();
    expect(await page.locator("#answer-preview").textContent()).toContain(first);
    const mark = tg.mark();
    await page.getByRole("button", { name: "Enviar respuesta" }).click();
    await page.getByText("Respuesta enviada al ciudadano.").waitFor();
    await tg.sent(CITIZEN, "La cuadrilla reparará el hueco el 10 de marzo.", { since: mark });
  });

  it("refuses an extension beyond the legal limit, beside the field", async () => {
    await page.goto(`${base}/admin/preguntas/${second}`);
    await page.locator("#extend summary").click();
    await page.getByLabel("Nueva fecha de vencimiento").fill("2026-07-31");
    await page.locator("#extend-reason").fill("Se necesita una visita técnica");
    await page.getByRole("button", { name: "Prorrogar" }).click();
    await page.locator("#extend-error").waitFor();
    expect(await page.locator("#extend-error").textContent()).toContain("no puede ser posterior al");
    // The focus lands on the refused field.
    expect(await page.evaluate("document.activeElement?.id")).toBe("extend-date");
    expect((await tg.runtime.app.repos.questions.byReference(second))!.extendedTo).toBeNull();
  });

  it("reassigns a question with a reason", async () => {
    await page.goto(`${base}/admin/preguntas/${second}`);
    await page.locator("#reassign summary").click();
    const current = (await tg.runtime.app.repos.questions.byReference(second))!.officeKey;
    const target = tg.runtime.app.profile.offices.find((o) => o.key !== current)!;
    await page.getByLabel("Dependencia de destino").selectOption(target.key);
    await page.locator("#reassign-reason").fill("Le corresponde a otra secretaría");
    await page.getByRole("button", { name: "Reasignar", exact: true }).click();
    await page.waitForURL(/hecho=reasignar/);
    expect((await tg.runtime.app.repos.questions.byReference(second))!.officeKey).toBe(target.key);
  });

  it("posts commitment progress that reaches a follower on Telegram", async () => {
    const officeKey = (await tg.runtime.app.repos.officials.findByAddress("telegram", String(OFFICIAL)))!.officeKey!;
    const recorded = await recordCommitment(
      tg.runtime.app,
      { kind: "cli" },
      { officeKey, dueDate: "2026-06-30", text: "Pavimentar la calle 10 del barrio El Prado" },
    );
    if (!recorded.ok) throw new Error(recorded.error);
    const citizen = (await tg.runtime.app.repos.citizens.findContext("telegram", String(CITIZEN)))!;
    expect((await followCommitment(tg.runtime.app, citizen.citizenId, recorded.commitment.number)).ok).toBe(true);
    await page.goto(`${base}/admin/compromisos`);
    await expectAccessible("compromisos");
    await page.getByRole("link", { name: `Abrir el compromiso ${recorded.commitment.number}` }).click();
    await page.getByLabel("Porcentaje de avance").fill("40");
    await page.getByLabel("Qué se hizo").fill("Se firmó el contrato de la obra");
    const mark = tg.mark();
    await page.getByRole("button", { name: "Publicar avance" }).click();
    await page.getByText("Avance publicado").waitFor();
    await tg.sent(CITIZEN, "Se firmó el contrato de la obra", { since: mark });
  });

  it("shows a head the reports, survey results and answer templates of the office, accessible, without CSP errors", async () => {
    await page.goto(`${base}/admin/informes`);
    await page.getByRole("heading", { name: "Informes" }).waitFor();
    await expectAccessible("informes");
    await page.goto(`${base}/admin/encuestas`);
    await expectAccessible("encuestas");
    await page.goto(`${base}/admin/plantillas`);
    await page.locator("#tpl-new-name").fill("Visita técnica");
    await page.locator("#tpl-new-text").fill("Su petición {{radicado}} tendrá visita técnica.");
    await page.getByRole("button", { name: "Crear plantilla" }).click();
    await page.getByText("La plantilla quedó guardada.").waitFor();
    await expectAccessible("plantillas");
    const third = await tg.fileQuestion(
      CITIZEN,
      "Hay otro hueco muy grande en la vía principal del barrio El Prado, cerca del colegio",
    );
    await page.goto(`${base}/admin/preguntas/${third}`);
    await page.getByRole("button", { name: "Insertar plantilla" }).click();
    await page.waitForURL(/plantilla=/);
    expect(await page.locator("#answer-text").inputValue()).toBe(`Su petición ${third} tendrá visita técnica.`);
    expect(cspErrors).toEqual([]);
  });

  it("imports paper survey forms and commitments from CSV files, every line's problem shown, accessible at 360 px", async () => {
    const csv = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
    await page.goto(`${base}/admin/encuestas`);
    await page.getByRole("link", { name: "Importar formularios en papel" }).click();
    await page.getByRole("heading", { level: 1, name: "Importar formularios en papel" }).waitFor();
    await page.locator("details summary").first().click();
    await expectAccessible("encuestas-importar");
    await page.getByLabel("¿De qué encuesta son los formularios?").selectOption("encuesta:event_satisfaction");
    await page
      .getByLabel("Archivo CSV")
      .setInputFiles(csv("formularios.csv", "overall;information;answered\n9;4;sí\n3;;quizás\n"));
    await page.getByRole("button", { name: "Revisar e importar" }).click();
    await page.getByText("3 problemas en el archivo").waitFor();
    await expectAccessible("encuestas-importar-problemas");
    await page
      .getByLabel("Archivo CSV")
      .setInputFiles(csv("formularios.csv", "overall;information;answered\n5;4;sí\n3;3;no\n"));
    await page.getByRole("button", { name: "Revisar e importar" }).click();
    await page.getByText("Se importaron 2 formularios").waitFor();
    await page.getByRole("link", { name: "Ver los resultados de la encuesta" }).waitFor();

    await page.goto(`${base}/admin/compromisos`);
    await page.getByRole("link", { name: "Importar compromisos desde un CSV" }).click();
    await page.getByRole("heading", { level: 1, name: "Importar compromisos" }).waitFor();
    await expectAccessible("compromisos-importar");
    await page
      .getByLabel("Archivo de compromisos (CSV)")
      .setInputFiles(
        csv(
          "acta.csv",
          "compromiso;dependencia;fecha_limite\nArreglar el parque;infraestructur;2026-06-30\n;salud;31/02/2026\n",
        ),
      );
    await page.getByRole("button", { name: "Revisar e importar" }).click();
    await page.getByText("No se importó nada").first().waitFor();
    await expectAccessible("compromisos-importar-problemas");
    expect(cspErrors).toEqual([]);
  });

  it("sends an announcement after the confirmation and shows its delivery progress", async () => {
    await tg.linkOfficial(COMMUNICATIONS, "infraestructura", "official", "Carla Comunicaciones");
    const carla = (await tg.runtime.app.repos.officials.findByAddress("telegram", String(COMMUNICATIONS)))!;
    await tg.runtime.app.repos.staffAuth.setAccount(carla.id, {
      email: "carla@alcaldia.gov.co",
      role: "communications",
      officeKey: null,
    });
    await seedCitizens(tg.runtime, { count: 4, channel: "telegram", prefix: "5000", nowMs: tg.clock.nowMs() });
    const context = await browser.newContext({ locale: "es-CO" });
    const other = await context.newPage();
    await other.goto(`${base}/admin/ingresar`);
    const mark = tg.mark();
    await other.getByLabel("Correo institucional").first().fill("carla@alcaldia.gov.co");
    await other.getByRole("button", { name: "Enviar enlace de acceso" }).click();
    const message = await tg.sent(COMMUNICATIONS, "/admin/acceso/", { since: mark });
    await other.goto(/http:\/\/\S+\/admin\/acceso\/\S+/.exec(String(message.params.text))![0]);
    await other.getByRole("button", { name: "Entrar" }).click();
    await other.getByRole("heading", { level: 1, name: "Anuncios" }).waitFor();
    const previous = page;
    page = other;
    await expectAccessible("anuncios");
    await other.getByLabel("Mensaje").fill("Feria de servicios este sábado en el parque principal");
    await other.getByRole("button", { name: "Ver a cuántos llega y el texto" }).click();
    await other.getByText("llegará a").waitFor();
    await expectAccessible("anuncio-confirmar");
    await other.getByRole("button", { name: /Enviar a \d+ personas/ }).click();
    await other.getByRole("heading", { level: 1, name: /Entrega del anuncio/ }).waitFor();
    // The progress block polls (htmx) until nothing is queued; the figures end at every recipient sent.
    const total = Number(
      await sqlValue(tg.runtime, "select count(*) n from outbox where idempotency_key like 'ann:%'"),
    );
    expect(total).toBeGreaterThanOrEqual(4);
    await tg.advance(1_100);
    await other.locator("#p-sent", { hasText: String(total) }).waitFor({ timeout: 20_000 });
    await expectAccessible("anuncio-progreso");
    page = previous;
    await context.close();
  });

  it("offers the account page and the English switch, and no page broke the CSP", async () => {
    await page.goto(`${base}/admin/cuenta`);
    await expectAccessible("cuenta");
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "My account" }).waitFor();
    expect(cspErrors).toEqual([]);
  });
});
