/**
 * Unlinking the alcaldía's WhatsApp number from Administración: an admin confirms, the request is
 * recorded in channel_state and audited, the real adapter over a fake Baileys socket takes it on its
 * next check and logs out, the stored session is deleted and the page shows a new QR. Everyone else
 * is refused; a form sent twice unlinks once; nothing is unlinked when nothing is linked, and a
 * request never reaches a session paired after it. SQLite, or PostgreSQL with
 * RINDE_TEST_DATABASE_URL; on PostgreSQL also across two processes (the web's and the bot's).
 */
import { DisconnectReason } from "@whiskeysockets/baileys";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReconnectTimers, WhatsAppChannel } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { createWhatsApp } from "../../src/main.ts";
import { setupLinkIfNoAdmin } from "../../src/services/backoffice/auth.ts";
import { createWebServer } from "../../src/web/server.ts";
import { createFakeSocketFactory, type FakeSocketFactory } from "../fakes/baileys-socket.ts";
import { postgresAvailable } from "../helpers/postgres.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";
import { createWebClient, type WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { processesOnOneSchema } from "../helpers/processes-on-postgres.ts";

const PAGE = "/admin/administracion";
const CONFIRM = "/admin/administracion/whatsapp/desvincular";
const UNLINK_CHECK_MS = 3_000;
const NUMBER = "573001234567";

/** Timers fired by hand: the adapter's unlink check (every 3 s) and its reconnections. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; delayMs: number }>();
  let next = 0;
  return {
    set: (callback: () => void, delayMs: number) => (pending.set(++next, { callback, delayMs }), next),
    clear: (handle: unknown) => void pending.delete(handle as number),
    /** Fires the timers set for `delayMs` (the unlink check), or for any other delay (a reconnection). */
    fire(which: "unlink_check" | "reconnect") {
      for (const [handle, timer] of [...pending]) {
        if ((timer.delayMs === UNLINK_CHECK_MS) !== (which === "unlink_check")) continue;
        pending.delete(handle);
        timer.callback();
      }
    },
  } satisfies ReconnectTimers & Record<string, unknown>;
}

type Timers = ReturnType<typeof manualTimers>;

/** The phone scans the QR: Baileys reports the number, then the connection opens. */
async function link(fake: FakeSocketFactory, channel: WhatsAppChannel, qr = "2@first-qr", device = 4) {
  fake.current.showQr(qr);
  fake.current.ev.emit("creds.update", { me: { id: `${NUMBER}:${device}@s.whatsapp.net` } });
  fake.current.open();
  await channel.idle();
}

/** One unlink check of the adapter, then the reconnection after a logout and the new QR. */
async function checkThenRepair(fake: FakeSocketFactory, channel: WhatsAppChannel, timers: Timers, qr: string) {
  timers.fire("unlink_check");
  await channel.idle();
  timers.fire("reconnect");
  await channel.idle();
  fake.current.showQr(qr);
  await channel.idle();
}

describe("unlinking the WhatsApp number from Administración", () => {
  let h: WebHarness;
  let admin: WebClient;
  let ana: WebClient;
  let fake: FakeSocketFactory;
  let timers: Timers;
  let whatsapp: WhatsAppChannel;

  /** The unlink entries of the audit log (`after` is text on SQLite, jsonb on PostgreSQL). */
  const audits = async () =>
    (
      await sqlRows<{ officialId: number | null; outcome: string; after: unknown }>(
        h.runtime,
        `select official_id "officialId", outcome, after from staff_audit where action = 'whatsapp.unlink' order by id`,
      )
    ).map((a) => ({ ...a, after: typeof a.after === "string" ? (JSON.parse(a.after) as unknown) : a.after }));
  const storedSession = async () =>
    Number((await sqlRow<{ n: number }>(h.runtime, "select count(*) n from whatsapp_auth"))!.n);
  const pendingRequest = async () => (await h.runtime.app.repos.channelState.get("whatsapp"))?.unlinkRequestedAtMs;
  /** Opens the confirmation page and sends its form; the key is the page's unless given. */
  const unlink = async (client: WebClient, key?: string) => {
    if (!key) await client.get(CONFIRM);
    return await client.post(CONFIRM, { _idem: key ?? client.field(CONFIRM, "_idem") });
  };

  beforeEach(async () => {
    h = await createWebHarness();
    await h.addOfficial({ name: "Laura Admin", role: "admin", officeKey: null, email: "laura@x.co", address: "laura" });
    await h.addOfficial({ name: "Ana", role: "head", officeKey: "salud", email: "ana@x.co", address: "ana" });
    admin = await h.signIn("laura@x.co", "laura");
    ana = await h.signIn("ana@x.co", "ana");
    fake = createFakeSocketFactory({ nowMs: () => h.clock.nowMs() });
    timers = manualTimers();
    whatsapp = await createWhatsApp(h.runtime, {
      socketFactory: fake.factory,
      timers,
      onPairing: () => {},
      random: () => 0.5,
    });
    await whatsapp.start(async () => {});
  });
  afterEach(async () => {
    await whatsapp.stop();
    await h.close();
  });

  it("an admin confirms: audited, the adapter logs out, the session is deleted and the page shows a new QR", async () => {
    await link(fake, whatsapp);
    expect(await storedSession()).toBeGreaterThan(0);
    const page = await admin.get(PAGE);
    expect(page.body).toContain("Vinculado al número +573001234567");
    expect(page.body).toContain(`href="${CONFIRM}"`);
    expect(page.body).toContain("Desvincular este número");

    const confirm = await admin.get(CONFIRM);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain("+573001234567");
    expect(confirm.body).toContain(
      "El bot deja de responder por WhatsApp hasta que alguien escanee un código QR nuevo",
    );
    expect(confirm.body).toContain("datos de los ciudadanos se conservan");
    const sent = await admin.post(CONFIRM, { _idem: admin.field(CONFIRM, "_idem") });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${PAGE}?hecho=desvincular`);
    expect(await audits()).toEqual([
      { officialId: expect.any(Number), outcome: "ok", after: { unlinkRequested: true } },
    ]);

    // Recorded, not yet done: the page says so and polls every 2 s.
    expect(fake.current.loggedOut).toBe(false);
    const waiting = await admin.get(`${PAGE}?hecho=desvincular`);
    expect(waiting.body).toContain("Se pidió desvincular el número");
    expect(waiting.body).toContain("Se pidió desvincular este número");
    expect(waiting.body).not.toContain(`href="${CONFIRM}"`);
    expect(waiting.body).toMatch(/hx-trigger="every 2s"/);

    const linked = fake.current;
    await checkThenRepair(fake, whatsapp, timers, "2@new-qr");
    expect(linked.loggedOut).toBe(true);
    expect(fake.sockets).toHaveLength(2);
    expect(fake.current.auth.creds.me).toBeUndefined();
    expect(await storedSession()).toBe(0);
    expect(await pendingRequest()).toBeNull();
    const after = await admin.get(PAGE);
    expect(after.body).toContain('<img class="qr"');
    expect(after.body).toContain("esperando vinculación");
    expect(after.body).not.toContain("Se pidió desvincular este número");
    expect(after.body).not.toContain(`href="${CONFIRM}"`);
  });

  it("says so in English too", async () => {
    await link(fake, whatsapp);
    const cookie = `${[...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ")}; rinde_lang=en`;
    expect((await admin.get(PAGE, { cookie })).body).toContain("Unlink this number");
    const confirm = await admin.get(CONFIRM, { cookie });
    expect(confirm.body).toContain("The bot stops answering on WhatsApp until someone scans a new QR code");
    expect(confirm.body).toContain("Yes, unlink +573001234567");
  });

  it("refuses an official who is not an admin, audits the refusal and changes nothing", async () => {
    await link(fake, whatsapp);
    expect((await ana.get(CONFIRM)).statusCode).toBe(403);
    await ana.get("/admin");
    const sent = await unlink(ana, "a".repeat(22));
    expect(sent.statusCode).toBe(403);
    expect(sent.body).toContain("Su rol no permite esta acción");
    expect(await audits()).toEqual([
      { officialId: expect.any(Number), outcome: "refused", after: { error: "not_allowed" } },
    ]);
    expect(await pendingRequest()).toBeNull();
    timers.fire("unlink_check");
    await whatsapp.idle();
    expect(fake.current.loggedOut).toBe(false);
    expect(await storedSession()).toBeGreaterThan(0);
  });

  it("unlinks once for a form sent twice, and the same form sent again later does not unlink the next session", async () => {
    await link(fake, whatsapp);
    await admin.get(CONFIRM);
    const key = admin.field(CONFIRM, "_idem");
    const [first, second] = await Promise.all([unlink(admin, key), unlink(admin, key)]);
    expect([first.headers.location, second.headers.location].sort()).toEqual([
      `${PAGE}?hecho=desvincular`,
      `${PAGE}?hecho=duplicado`,
    ]);
    const linked = fake.current;
    await checkThenRepair(fake, whatsapp, timers, "2@new-qr");
    expect(linked.loggedOut).toBe(true);

    // A new phone is linked; the old form sent again (a browser's back button) is a duplicate.
    await link(fake, whatsapp, "2@new-qr", 7);
    const again = await unlink(admin, key);
    expect(again.headers.location).toBe(`${PAGE}?hecho=duplicado`);
    timers.fire("unlink_check");
    await whatsapp.idle();
    expect(fake.current.loggedOut).toBe(false);
    expect(await storedSession()).toBeGreaterThan(0);
    expect((await audits()).map((a) => a.outcome)).toEqual(["ok"]);
  });

  it("refuses when WhatsApp is not linked, and says so", async () => {
    fake.current.showQr("2@first-qr");
    await whatsapp.idle();
    expect((await admin.get(PAGE)).body).not.toContain(`href="${CONFIRM}"`);
    const confirm = await admin.get(CONFIRM);
    expect(confirm.statusCode).toBe(422);
    expect(confirm.body).toContain("no hay nada que desvincular");
    const sent = await unlink(admin, "b".repeat(22));
    expect(sent.statusCode).toBe(422);
    expect(sent.body).toContain("WhatsApp no está vinculado a ningún número en este momento");
    expect(await audits()).toEqual([
      { officialId: expect.any(Number), outcome: "refused", after: { error: "not_linked" } },
    ]);
    expect(await pendingRequest()).toBeNull();
  });

  it("drops a request when the phone unlinks first, so the session paired next stays linked", async () => {
    await link(fake, whatsapp);
    expect((await unlink(admin)).statusCode).toBe(303);
    expect(await pendingRequest()).toEqual(expect.any(Number));
    // Unlinked from the phone before the adapter's next check: the session is gone, and so is the request.
    fake.current.close(DisconnectReason.loggedOut, "Intentional Logout");
    await whatsapp.idle();
    expect(await pendingRequest()).toBeNull();
    timers.fire("reconnect");
    await whatsapp.idle();
    await link(fake, whatsapp, "2@new-qr", 7);
    timers.fire("unlink_check");
    await whatsapp.idle();
    expect(fake.current.loggedOut).toBe(false);
    expect((await admin.get(PAGE)).body).toContain(`href="${CONFIRM}"`);
  });

  it("gives a request to one taker only", async () => {
    await link(fake, whatsapp);
    expect((await unlink(admin)).statusCode).toBe(303);
    const repo = h.runtime.app.repos.channelState;
    const taken = await Promise.all([repo.takeUnlinkRequest("whatsapp"), repo.takeUnlinkRequest("whatsapp")]);
    expect(taken.sort()).toEqual([false, true]);
  });
});

describe.skipIf(!postgresAvailable)("unlinking WhatsApp across processes on one PostgreSQL schema", () => {
  const processes = processesOnOneSchema("rinde-wa-unlink-");

  it("the back-office's process records the request, the bot's process logs out; a third process takes nothing", async () => {
    const { clock, open } = await processes();
    const botProcess = await open();
    const webProcess = await open();
    const otherProcess = await open();
    const fake = createFakeSocketFactory({ nowMs: () => clock.nowMs() });
    const timers = manualTimers();
    const channel = await createWhatsApp(botProcess, { socketFactory: fake.factory, timers, onPairing: () => {} });
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
      await link(fake, channel);

      await admin.get(CONFIRM);
      const sent = await admin.post(CONFIRM, { _idem: admin.field(CONFIRM, "_idem") });
      expect(sent.headers.location).toBe(`${PAGE}?hecho=desvincular`);
      const linked = fake.current;
      await checkThenRepair(fake, channel, timers, "2@new-qr");
      expect(linked.loggedOut).toBe(true);
      expect(await otherProcess.app.repos.channelState.takeUnlinkRequest("whatsapp")).toBe(false);
      expect(Number((await sqlRow<{ n: number }>(webProcess, "select count(*) n from whatsapp_auth"))!.n)).toBe(0);
      expect((await admin.get(PAGE)).body).toContain('<img class="qr"');
    } finally {
      await server.close();
      await channel.stop();
    }
  });
});
