/**
 * The WhatsApp pairing QR on Administración in a real headless Chromium (issue 14): the first
 * administrator (setup link) sees the QR the bot's WhatsApp adapter got from a fake Baileys socket,
 * drawn by the server as SVG under the strict CSP; when WhatsApp replaces the QR, htmx brings the
 * new image without reloading the page; once linked, the page says so. axe-core finds no serious
 * violation and the page fits a 360 px screen.
 */
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WhatsAppChannel } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { createWhatsApp } from "../../src/main.ts";
import { setupLinkIfNoAdmin } from "../../src/services/backoffice/auth.ts";
import { createWebServer } from "../../src/web/server.ts";
import { createFakeSocketFactory, type FakeSocketFactory } from "../fakes/baileys-socket.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { freePort, launchBrowser, screenshots, seriousViolations } from "./browser.ts";

const QR = "2@Vx3f0kq9b1Zr,AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd=,QrStUvWxYz0123456789=,EfGhIjKl=";
const NEXT_QR = "2@Pq7s2mn4c8Yt,ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxw=,AbCdEfGhIj0123456789=,MnOpQrSt=";

/** The QR image loaded (a broken image has no natural size). Polled from the test: the page's CSP forbids eval. */
const LOADED =
  "(() => { const img = document.querySelector('img.qr'); return !!img && img.complete && img.naturalWidth > 0; })()";

describe("WhatsApp pairing on Administración in Chromium", () => {
  let h: Harness;
  let server: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let fake: FakeSocketFactory;
  let whatsapp: WhatsAppChannel;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    h = await createHarness();
    fake = createFakeSocketFactory({ nowMs: () => h.clock.nowMs() });
    whatsapp = await createWhatsApp(h.runtime, {
      socketFactory: fake.factory,
      timers: { set: () => 0, clear: () => {} },
      onPairing: () => {},
    });
    await whatsapp.start(async () => {});
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await createWebServer({ app: h.runtime.app, listenUrl: base });
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
    await whatsapp?.stop();
    await h?.close();
  });

  it("shows the QR image, replaces it without a reload, then shows the link made", async () => {
    const setup = (await setupLinkIfNoAdmin(h.runtime.app))!;
    await page.goto(`${base}/admin/configurar/${setup.token}`);
    await page.locator("#setup-name").fill("Laura Admin");
    await page.locator("#setup-email").fill("laura@alcaldia.gov.co");
    await page.locator("#setup-password").fill("una frase larga y segura");
    await page.locator("form[action='/admin/configurar'] button[type=submit]").click();
    await page.waitForURL((url) => !url.pathname.startsWith("/admin/configurar"));

    fake.current.showQr(QR);
    await whatsapp.idle();
    await page.goto(`${base}/admin/administracion`);
    const image = page.getByRole("img", { name: "Código QR para vincular el WhatsApp de la alcaldía" });
    await image.waitFor();
    // The SVG loaded under the page's CSP.
    await expect.poll(() => page.evaluate(LOADED), { timeout: 10_000 }).toBe(true);
    expect(await page.getByText("Dispositivos vinculados › Vincular un dispositivo").count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, "administracion-whatsapp-qr");
    const firstSrc = await image.getAttribute("src");

    // WhatsApp replaces the QR: htmx polls the fragment and swaps in the new image, same page.
    await page.evaluate("window.rindeSamePage = true");
    fake.current.showQr(NEXT_QR);
    await whatsapp.idle();
    await expect.poll(() => page.locator("img.qr").getAttribute("src"), { timeout: 15_000 }).not.toBe(firstSrc);
    await expect.poll(() => page.evaluate(LOADED), { timeout: 10_000 }).toBe(true);
    expect(await page.evaluate("window.rindeSamePage === true")).toBe(true);

    fake.current.ev.emit("creds.update", { me: { id: "573001234567:4@s.whatsapp.net" } });
    fake.current.open();
    await whatsapp.idle();
    await page.getByText("Vinculado al número +573001234567").waitFor({ timeout: 15_000 });
    expect(await page.locator("img.qr").count()).toBe(0);
    expect(cspErrors).toEqual([]);
  }, 60_000);
});
