/**
 * Channel status on Administración (issue 14): the real WhatsApp adapter over a fake Baileys socket
 * writes its state and pairing QR to the database; the back-office shows the QR to admins as an
 * SVG drawn on the server, audits each admin's first view of each QR, refuses everyone else, and
 * never serves an expired QR. SQLite, or PostgreSQL with RINDE_TEST_DATABASE_URL; on PostgreSQL
 * also across two runtimes: the bot's process writes, the back-office's process shows.
 */
import QRCode from "qrcode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReconnectTimers, WhatsAppChannel } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { createWhatsApp } from "../../src/main.ts";
import { setupLinkIfNoAdmin } from "../../src/services/backoffice/auth.ts";
import { createWebServer } from "../../src/web/server.ts";
import { createFakeSocketFactory, type FakeSocketFactory } from "../fakes/baileys-socket.ts";
import { postgresAvailable } from "../helpers/postgres.ts";
import { sqlRows } from "../helpers/storage.ts";
import { createWebClient, type WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { processesOnOneSchema } from "../helpers/processes-on-postgres.ts";

const QR = "2@Vx3f0kq9b1Zr,AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd=,QrStUvWxYz0123456789=,EfGhIjKl=";
const NEXT_QR = "2@Pq7s2mn4c8Yt,ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxw=,AbCdEfGhIj0123456789=,MnOpQrSt=";
const QR_PATH = "/admin/administracion/whatsapp/qr.svg";

const noTimers: ReconnectTimers = { set: () => 0, clear: () => {} };

describe("back-office channel status and the WhatsApp pairing QR", () => {
  let h: WebHarness;
  let admin: WebClient;
  let ana: WebClient;
  let fake: FakeSocketFactory;
  let whatsapp: WhatsAppChannel;

  /** Waits for the adapter's state writes (they run after the socket event, in order). */
  const settle = () => whatsapp.idle();
  const pairingViews = async () =>
    await sqlRows<{ officialId: number | null; subject: string; outcome: string }>(
      h.runtime,
      `select official_id "officialId", subject, outcome from staff_audit where action = 'whatsapp.pairing_view' order by id`,
    );

  beforeEach(async () => {
    h = await createWebHarness();
    await h.addOfficial({ name: "Laura Admin", role: "admin", officeKey: null, email: "laura@x.co", address: "laura" });
    await h.addOfficial({ name: "Ana", role: "head", officeKey: "salud", email: "ana@x.co", address: "ana" });
    admin = await h.signIn("laura@x.co", "laura");
    ana = await h.signIn("ana@x.co", "ana");
    fake = createFakeSocketFactory({ nowMs: () => h.clock.nowMs() });
    whatsapp = await createWhatsApp(h.runtime, { socketFactory: fake.factory, timers: noTimers, onPairing: () => {} });
    await whatsapp.start(async () => {});
  });
  afterEach(async () => {
    await whatsapp.stop();
    await h.close();
  });

  it("shows an admin the current QR as SVG with the steps, audits the first view of each QR, and follows a new QR", async () => {
    fake.current.showQr(QR);
    await settle();
    const page = await admin.get("/admin/administracion");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("esperando vinculación");
    expect(page.body).toContain("Dispositivos vinculados › Vincular un dispositivo");
    expect(page.body).not.toContain(QR);
    const src = /<img class="qr" src="([^"]+)"/.exec(page.body)?.[1];
    expect(src).toMatch(/^\/admin\/administracion\/whatsapp\/qr\.svg\?v=[A-Za-z0-9_-]+$/);
    // The fragment htmx polls, and a link that reloads the page without JavaScript.
    expect(page.body).toMatch(/hx-get="\/admin\/administracion\/canales" hx-trigger="every 2s"/);
    expect(page.body).toContain('href="/admin/administracion#channels"');

    const svg = await admin.get(src!);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(svg.headers["cache-control"]).toBe("no-store");
    expect(svg.body).toBe(await QRCode.toString(QR, { type: "svg" }));
    expect(svg.body).not.toBe(await QRCode.toString(NEXT_QR, { type: "svg" }));
    // Polling the same QR again is not a new view.
    await admin.get(src!);
    expect(await pairingViews()).toEqual([
      { officialId: expect.any(Number), subject: expect.stringMatching(/^whatsapp:qr:/), outcome: "ok" },
    ]);

    // 60 s later Baileys sends the next QR: the fragment points to a new image, a new view is audited.
    h.clock.advanceMs(60_000);
    fake.current.showQr(NEXT_QR);
    await settle();
    const fragment = await admin.get("/admin/administracion/canales", { "hx-request": "true" });
    expect(fragment.statusCode).toBe(200);
    expect(fragment.headers["cache-control"]).toBe("no-store");
    expect(fragment.body.trimStart()).toMatch(/^<section id="channels"/);
    const nextSrc = /<img class="qr" src="([^"]+)"/.exec(fragment.body)?.[1];
    expect(nextSrc).not.toBe(src);
    expect((await admin.get(nextSrc!)).body).toBe(await QRCode.toString(NEXT_QR, { type: "svg" }));
    const views = await pairingViews();
    expect(views).toHaveLength(2);
    expect(views[1]!.subject).not.toBe(views[0]!.subject);
  });

  it("refuses the QR, the page and the fragment to an official who is not an admin, and audits the refusal", async () => {
    fake.current.showQr(QR);
    await settle();
    const svg = await ana.get(QR_PATH);
    expect(svg.statusCode).toBe(403);
    expect(svg.body).not.toContain("<svg");
    expect((await ana.get("/admin/administracion")).statusCode).toBe(403);
    expect((await ana.get("/admin/administracion/canales")).statusCode).toBe(403);
    expect(await pairingViews()).toEqual([
      { officialId: expect.any(Number), subject: "whatsapp:qr", outcome: "refused" },
    ]);
    // Signed out: the sign-in page, never the QR.
    const anonymous = await h.server.inject({ method: "GET", url: QR_PATH });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.body).not.toContain("<svg");
  });

  it("does not serve a QR past its validity; the page says a new one is coming", async () => {
    fake.current.showQr(QR);
    await settle();
    expect((await admin.get(QR_PATH)).statusCode).toBe(200);
    h.clock.advanceMs(60_001);
    const expired = await admin.get(QR_PATH);
    expect(expired.statusCode).toBe(404);
    expect(expired.headers["cache-control"]).toBe("no-store");
    const page = await admin.get("/admin/administracion");
    expect(page.body).not.toContain('<img class="qr"');
    expect(page.body).toContain("El último código venció");
  });

  it("once linked shows the number and no QR, in Spanish or English", async () => {
    fake.current.showQr(QR);
    fake.current.ev.emit("creds.update", { me: { id: "573001234567:4@s.whatsapp.net" } });
    fake.current.open();
    await settle();
    const page = await admin.get("/admin/administracion");
    expect(page.body).toContain("Vinculado al número +573001234567");
    expect(page.body).toContain("conectado");
    expect(page.body).not.toContain('<img class="qr"');
    expect(page.body).toMatch(/hx-trigger="every 30s"/);
    expect((await admin.get(QR_PATH)).statusCode).toBe(404);
    const english = await admin.get("/admin/administracion", {
      cookie: `${[...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ")}; rinde_lang=en`,
    });
    expect(english.body).toContain("Paired with number +573001234567");
    expect(await pairingViews()).toEqual([]);
  });

  it("shows the pairing code instead of a QR when WhatsApp pairs by phone number, audited once", async () => {
    await whatsapp.stop();
    whatsapp = await createWhatsApp(h.runtime, {
      socketFactory: fake.factory,
      timers: noTimers,
      onPairing: () => {},
      pairingPhone: "573001234567",
    });
    await whatsapp.start(async () => {});
    fake.current.showQr(QR);
    // The code arrives from requestPairingCode a turn later, then is written.
    await new Promise((resolve) => setImmediate(resolve));
    await settle();
    const page = await admin.get("/admin/administracion");
    expect(page.body).toContain("ABCD-1234");
    expect(page.body).toContain("Vincular con el número de teléfono");
    expect(page.body).not.toContain('<img class="qr"');
    await admin.get("/admin/administracion");
    expect(await pairingViews()).toEqual([
      { officialId: expect.any(Number), subject: expect.stringMatching(/^whatsapp:code:/), outcome: "ok" },
    ]);
  });
});

describe.skipIf(!postgresAvailable)("channel status across processes on one PostgreSQL schema", () => {
  const processes = processesOnOneSchema("rinde-wa-status-");

  it("shows in the back-office's process the QR and then the link made in the bot's process", async () => {
    const { clock, open } = await processes();
    const botProcess = await open();
    const webProcess = await open();
    const fake = createFakeSocketFactory({ nowMs: () => clock.nowMs() });
    const channel = await createWhatsApp(botProcess, {
      socketFactory: fake.factory,
      timers: noTimers,
      onPairing: () => {},
    });
    await channel.start(async () => {});
    const server = await createWebServer({ app: webProcess.app, listenUrl: "http://127.0.0.1:3000" });
    try {
      const setup = (await setupLinkIfNoAdmin(webProcess.app))!;
      const admin = createWebClient(server);
      await admin.get(`/admin/configurar/${setup.token}`);
      const created = await admin.post("/admin/configurar", {
        token: setup.token,
        name: "Laura Admin",
        email: "laura@x.co",
        password: "una frase larga y segura",
      });
      expect(created.statusCode).toBe(303);

      fake.current.showQr(QR);
      await channel.idle();
      const svg = await admin.get(QR_PATH);
      expect(svg.statusCode).toBe(200);
      expect(svg.body).toBe(await QRCode.toString(QR, { type: "svg" }));

      fake.current.ev.emit("creds.update", { me: { id: "573001234567:4@s.whatsapp.net" } });
      fake.current.open();
      await channel.idle();
      const page = await admin.get("/admin/administracion");
      expect(page.body).toContain("Vinculado al número +573001234567");
      expect(page.body).not.toContain('<img class="qr"');
      expect((await admin.get(QR_PATH)).statusCode).toBe(404);
    } finally {
      await server.close();
      await channel.stop();
    }
  });
});
