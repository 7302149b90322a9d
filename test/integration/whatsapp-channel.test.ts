/**
 * The WhatsApp channel driven through a fake Baileys socket, with the real runtime (createRuntime +
 * createBot over a temp database — SQLite, or PostgreSQL with RINDE_TEST_DATABASE_URL — the real
 * flows and locales) and an injected clock: citizens' conversations with numbered menus, officials
 * answering by quoting, refusals, the connection lifecycle (reconnect, logout and re-pairing; its
 * PostgreSQL counterpart is test/integration/whatsapp-session-store.test.ts) and safe sending.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DisconnectReason } from "@whiskeysockets/baileys";
import { afterEach, describe, expect, it } from "vitest";
import type { PairingEvent } from "../../src/channels/whatsapp/pairing.ts";
import type { ReconnectTimers, WhatsAppChannel } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { runOn } from "../helpers/cli.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createChannelStateRepo } from "../../src/db/repositories/channel-state.ts";
import { createWhatsAppAuthRepo } from "../../src/db/repositories/whatsapp-auth.ts";
import { createBot, createWhatsApp, type Bot } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import {
  boomLike,
  createFakeSocketFactory,
  incoming,
  type FakeSocketFactory,
  type IncomingInput,
  type SentWhatsAppMessage,
} from "../fakes/baileys-socket.ts";
import { MONDAY_10AM_BOGOTA_MS } from "../helpers/harness.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { onPostgres, sqliteOnly, sqlRow, sqlRows, storageEnv } from "../helpers/storage.ts";

const CITIZEN = "573001112233@s.whatsapp.net";
const HEAD = "573005550001@s.whatsapp.net";
const OTHER_OFFICE = "573005550002@s.whatsapp.net";
const STRANGER = "573009999999@s.whatsapp.net";
const GROUP = "120363000000000001@g.us";
const QUESTION = "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses";

interface World {
  dir: string;
  clock: ReturnType<typeof createManualClock>;
  runtime: Runtime;
  bot: Bot;
  channel: WhatsAppChannel;
  fake: FakeSocketFactory;
  timers: ReturnType<typeof manualTimers>;
  pairing: PairingEvent[];
}

let world: World | undefined;
afterEach(async () => {
  if (!world) return;
  await world.bot.stop();
  await world.runtime.close();
  rmSync(world.dir, { recursive: true, force: true });
  world = undefined;
});

/** Reconnect timers fired by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; delayMs: number }>();
  let next = 0;
  const timers: ReconnectTimers & { pending: typeof pending; delays(): number[]; fire(): void } = {
    pending,
    set: (callback, delayMs) => (pending.set(++next, { callback, delayMs }), next),
    clear: (handle) => void pending.delete(handle as number),
    delays: () => [...pending.values()].map((t) => t.delayMs),
    fire() {
      for (const [handle, timer] of [...pending]) {
        pending.delete(handle);
        timer.callback();
      }
    },
  };
  return timers;
}

async function start(env: Record<string, string> = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-wa-"));
  const clock = createManualClock(MONDAY_10AM_BOGOTA_MS);
  const runtime = await createRuntime({
    routerFactory: sharedRouterFactory,
    env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default", WHATSAPP_ENABLED: "1", ...env }),
    clock,
  });
  const fake = createFakeSocketFactory({ nowMs: () => clock.nowMs() });
  const timers = manualTimers();
  const pairing: PairingEvent[] = [];
  const channel = await createWhatsApp(runtime, {
    socketFactory: fake.factory,
    timers,
    onPairing: (e) => pairing.push(e),
    random: () => 0.5,
  });
  const bot = createBot(runtime, [channel], { pollIntervalMs: 5, workerId: "wa-test" });
  await bot.start();
  world = { dir, clock, runtime, bot, channel, fake, timers, pairing };
  return world;
}

/** Handles what arrived, then delivers the outbox, moving the clock to each paced send. */
async function drain(w: World): Promise<void> {
  await w.channel.idle();
  for (let i = 0; i < 100; i++) {
    const sent = await w.bot.dispatcher.tick();
    const dueMs = await w.runtime.app.repos.outbox.nextDueMs(["whatsapp"]);
    if (dueMs === undefined) return;
    if (dueMs > w.clock.nowMs()) w.clock.setMs(dueMs);
    // nextDueMs counts a row held behind an earlier, later-due row of its chat: step past it.
    else if (sent === 0) w.clock.advanceMs(1000);
  }
  throw new Error(
    `The outbox did not drain: ${JSON.stringify(await sqlRows(w.runtime, "select id, address, status, attempts, not_before_ms, claimed_until_ms, last_error, payload from outbox where status = 'pending'"))}`,
  );
}

/** A message from WhatsApp; resolves to what was sent back to that chat. */
async function say(w: World, input: IncomingInput): Promise<SentWhatsAppMessage[]> {
  const before = w.fake.sent().length;
  w.fake.current.receive(incoming(input));
  await drain(w);
  return w.fake
    .sent()
    .slice(before)
    .filter((m) => m.jid === input.chat);
}

const text = async (w: World, chat: string, body: string) =>
  (await say(w, { chat, text: body })).map((m) => m.text).join("\n---\n");

/** The number a numbered-text menu shows for the option containing `label`. */
function optionNumber(menu: string, label: string): string {
  const line = menu.split("\n").find((l) => /^\d+\. /.test(l) && l.includes(label));
  if (!line) throw new Error(`No option '${label}' in:\n${menu}`);
  return line.split(".")[0]!;
}

/** Consents, asks, and picks the office through the numbered menus; returns the radicado. */
async function fileQuestion(w: World, chat: string, subject = "vías y obras"): Promise<string> {
  await text(w, chat, "hola");
  await text(w, chat, "1");
  let menu = await text(w, chat, QUESTION);
  if (menu.includes("Ver todos los temas") === false) menu = await text(w, chat, optionNumber(menu, "elegir otro"));
  menu = await text(w, chat, optionNumber(menu, "Ver todos los temas"));
  await text(w, chat, optionNumber(menu, subject));
  const receipt = await text(w, chat, "1");
  const reference = /RC-\d{4}-\d{6}/.exec(receipt)?.[0];
  if (!reference) throw new Error(`No radicado in: ${receipt}`);
  return reference;
}

async function addOfficial(w: World, address: string, officeKey: string, role: "official" | "head" = "official") {
  return await w.runtime.app.repos.officials.add(
    { name: `Func ${officeKey}`, officeKey, role, channel: "whatsapp", address },
    w.clock.nowMs(),
  );
}

describe("WhatsApp channel: citizens", () => {
  it("runs a whole conversation with numbered menus answered by number or words, at a slow uneven pace", async () => {
    const w = await start();
    expect(w.channel.capabilities).toMatchObject({ nativeOptions: false, ratePerSecond: 12 / 60, sendJitterMs: 3000 });
    w.fake.current.open();

    const notice = await text(w, CITIZEN, "Buenas tardes");
    expect(notice).toContain("¿Nos autoriza");
    expect(notice).toMatch(/\n1\. Sí, autorizo\n2\. No autorizo\n3\. Leer el aviso completo$/);
    // The words of an option work as well as its number.
    expect(await text(w, CITIZEN, "sí, autorizo")).toMatch(/\n1\. Hacer una pregunta o petición\n2\. /);
    let menu = await text(w, CITIZEN, QUESTION);
    if (!menu.includes("Ver todos los temas")) menu = await text(w, CITIZEN, optionNumber(menu, "elegir otro"));
    menu = await text(w, CITIZEN, optionNumber(menu, "Ver todos los temas"));
    const types = await text(w, CITIZEN, optionNumber(menu, "vías y obras"));
    expect(types).toMatch(/^1\. /m);
    const receipt = await text(w, CITIZEN, "1");
    expect(receipt).toContain("Número de radicado: RC-2026-000001");
    expect(receipt).toContain("Secretaría de Infraestructura");
    const question = (await w.runtime.app.repos.questions.byReference("RC-2026-000001"))!;
    expect(question).toMatchObject({
      officeKey: "infraestructura",
      channel: "whatsapp",
      status: "open",
      text: QUESTION,
    });

    expect(await text(w, CITIZEN, "estado")).toContain("Escriba el número de radicado");
    expect(await text(w, CITIZEN, "rc 2026 000001")).toContain("en trámite");

    // Every reply went to the citizen's chat, one message per turn, never faster than the rate.
    const sent = w.fake.sent();
    expect(new Set(sent.map((m) => m.jid))).toEqual(new Set([CITIZEN]));
    const gaps = sent.slice(1).map((m, i) => m.atMs - sent[i]!.atMs);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(5000);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(5000 + 3000);
  });

  it("handles a message key once and ignores own, status, broadcast, channel, history and unbound group messages", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    const first = incoming({ chat: CITIZEN, text: "hola", id: "DUPLICATE1" });
    w.fake.current.receive([first, first]);
    w.fake.current.receive(first);
    await drain(w);
    expect(w.fake.sent()).toHaveLength(1);

    const ignored: [IncomingInput, "notify" | "append"][] = [
      [{ chat: STRANGER, text: "hola", fromMe: true }, "notify"],
      [{ chat: "status@broadcast", sender: STRANGER, text: "mi estado" }, "notify"],
      [{ chat: "1234567890@broadcast", text: "lista de difusión" }, "notify"],
      [{ chat: "120363999999999999@newsletter", text: "canal" }, "notify"],
      [{ chat: STRANGER, text: "mensaje viejo del historial" }, "append"],
      [{ chat: GROUP, sender: STRANGER, text: "hola grupo" }, "notify"],
    ];
    for (const [input, type] of ignored) w.fake.current.receive(incoming(input), type);
    await drain(w);
    expect(w.fake.sent()).toHaveLength(1);
    expect(await sqlRow(w.runtime, "select count(*) n from channel_identities")).toEqual({ n: 1 });
  });

  it("reads a captioned image as text, explains an image without caption, and keys LID chats by phone number", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    const lid = "99887766554433@lid";
    await say(w, { chat: lid, alt: CITIZEN, text: "hola" });
    await say(w, { chat: lid, alt: CITIZEN, text: "1" });
    const captioned = await say(w, { chat: CITIZEN, image: { caption: QUESTION } });
    expect(captioned.at(-1)?.text).toMatch(/^\d+\. /m);
    expect(await sqlRows(w.runtime, "select address from channel_identities")).toEqual([{ address: CITIZEN }]);

    const other = "573001230000@s.whatsapp.net";
    await text(w, other, "hola");
    const noCaption = await say(w, { chat: other, image: {} });
    expect(noCaption).toHaveLength(1);
    expect(noCaption[0]?.text).not.toMatch(/^\d+\. /m);
  });

  it("says plainly that a file was not kept: a caption still counts as the question, an uncaptioned file asks for words", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    await text(w, CITIZEN, "hola");
    await text(w, CITIZEN, "1");

    // A photo with the question as caption: the notice, then the question goes on as typed text.
    const [captioned] = await say(w, { chat: CITIZEN, image: { caption: QUESTION } });
    expect(captioned?.text).toMatch(
      /^Por WhatsApp todavía no podemos recibir archivos, así que el que envió no quedó guardado\./,
    );
    let menu = captioned!.text;
    if (!menu.includes("Ver todos los temas")) menu = await text(w, CITIZEN, optionNumber(menu, "elegir otro"));
    menu = await text(w, CITIZEN, optionNumber(menu, "Ver todos los temas"));
    await text(w, CITIZEN, optionNumber(menu, "vías y obras"));
    expect(await text(w, CITIZEN, "1")).toContain("Número de radicado: RC-2026-000001");
    expect(await w.runtime.app.repos.questions.byReference("RC-2026-000001")).toMatchObject({
      text: QUESTION,
      channel: "whatsapp",
    });
    expect(await sqlRow(w.runtime, "select count(*) n from question_attachments")).toEqual({ n: 0 });

    // A document without caption: the position does not move, the citizen is asked to write instead.
    const position = async () => {
      const citizen = (await w.runtime.app.repos.citizens.findContext("whatsapp", CITIZEN))!;
      return [citizen.flowId, citizen.stepId, citizen.data];
    };
    await text(w, CITIZEN, "estado");
    const waiting = await position();
    const before = w.fake.sent().length;
    w.fake.current.receive({
      key: { remoteJid: CITIZEN, fromMe: false, id: "DOC00001" },
      message: { documentMessage: { fileName: "derecho-de-peticion.pdf", mimetype: "application/pdf" } },
      messageTimestamp: 1_772_463_600,
    });
    await drain(w);
    expect(
      w.fake
        .sent()
        .slice(before)
        .map((m) => m.text),
    ).toEqual([
      "Por WhatsApp todavía no podemos recibir fotos, documentos, audios ni otros archivos (las ubicaciones sí). Describa su pregunta con palabras, por favor.",
    ]);
    expect(await position()).toEqual(waiting);
    // No reply ever promised to receive files (those texts are Telegram's).
    for (const message of w.fake.sent())
      expect(message.text).not.toMatch(/Puedo recibir|Recibí su archivo|Puede enviar fotos/);
  });
});

describe("WhatsApp channel: shared locations", () => {
  it("keeps a pin with the question although files are not kept; the office group gets it as a map link", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    expect(
      (await runOn(w.runtime, ["offices", "bind", "infraestructura", "--whatsapp-group", GROUP])).error,
    ).toBeUndefined();
    await text(w, CITIZEN, "hola");
    await text(w, CITIZEN, "1");
    const pin = async (locationMessage: Record<string, unknown>) => {
      const before = w.fake.sent().length;
      w.fake.current.receive({
        key: { remoteJid: CITIZEN, fromMe: false, id: `LOC${before}` },
        message: { locationMessage },
        messageTimestamp: 1_772_463_600,
      });
      await drain(w);
      return w.fake
        .sent()
        .slice(before)
        .map((m) => m.text)
        .join("\n---\n");
    };
    // A live location has no fixed point: nothing kept, the citizen is told what to send.
    expect(await pin({ degreesLatitude: 10.3997, degreesLongitude: -75.5144, isLive: true })).toContain(
      "No pudimos guardar esa ubicación",
    );
    const received = await pin({ degreesLatitude: 10.3997, degreesLongitude: -75.5144, name: "Torre del Reloj" });
    expect(received).toMatch(/^Recibimos la ubicación \(adjuntos en total: 1\)\. Se enviará con su pregunta\./);
    expect(received).toContain("Escriba su pregunta");
    let menu = await text(w, CITIZEN, QUESTION);
    if (!menu.includes("Ver todos los temas")) menu = await text(w, CITIZEN, optionNumber(menu, "elegir otro"));
    menu = await text(w, CITIZEN, optionNumber(menu, "Ver todos los temas"));
    await text(w, CITIZEN, optionNumber(menu, "vías y obras"));
    expect(await text(w, CITIZEN, "1")).toContain("Número de radicado: RC-2026-000001");
    expect(await sqlRows(w.runtime, "select channel, kind, file_ref, place_name from question_attachments")).toEqual([
      { channel: "whatsapp", kind: "location", file_ref: "geo:10.3997,-75.5144", place_name: "Torre del Reloj" },
    ]);
    // Baileys sends no pins: the group reads the coordinates and a link WhatsApp makes clickable.
    expect(
      w.fake
        .sent()
        .filter((m) => m.jid === GROUP && m.text.includes("ubicación"))
        .map((m) => m.text),
    ).toEqual([
      "RC-2026-000001 — adjunto 1 de 1: ubicación 10.3997, -75.5144 (Torre del Reloj)\n" +
        "Ver en el mapa: https://www.openstreetmap.org/?mlat=10.3997&mlon=-75.5144#map=18/10.3997/-75.5144",
    ]);
  });
});

describe("WhatsApp channel: officials", () => {
  it("posts new questions to the bound group and takes an answer quoted from a registered official only", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    expect(
      (await runOn(w.runtime, ["offices", "bind", "infraestructura", "--whatsapp-group", GROUP])).error,
    ).toBeUndefined();
    expect((await w.runtime.app.repos.offices.get("infraestructura"))?.whatsappJid).toBe(GROUP);
    await addOfficial(w, HEAD, "infraestructura", "head");

    const reference = await fileQuestion(w, CITIZEN);
    await drain(w);
    const notice = w.fake.sent().find((m) => m.jid === GROUP)!;
    expect(notice.text).toContain(`Nueva pregunta ${reference}`);
    expect(notice.text).toContain("Dependencia: Secretaría de Infraestructura");
    expect(notice.text).toContain("Responder a más tardar: ");
    expect(notice.text).toContain(QUESTION);

    // Someone in the group who is not a registered official is refused, and nothing changes.
    const refused = await say(w, { chat: GROUP, sender: STRANGER, text: "Eso ya lo arreglaron", quotedId: notice.id });
    expect(refused[0]?.text).toContain("solo los funcionarios registrados");
    expect((await w.runtime.app.repos.questions.byReference(reference))?.status).toBe("open");

    // Chatter among officials is not answered.
    expect(await say(w, { chat: GROUP, sender: HEAD, text: "Buenos días equipo" })).toEqual([]);

    const official = incoming({
      chat: GROUP,
      sender: "1122334455@lid",
      alt: HEAD,
      text: "La cuadrilla repara el hueco este jueves.",
      quotedId: notice.id,
    });
    w.fake.current.receive(official);
    await drain(w);
    const confirmation = w.fake
      .sent()
      .filter((m) => m.jid === GROUP)
      .at(-1)!;
    expect(confirmation.text).toContain(`respuesta a ${reference} quedó registrada`);
    // The confirmation quotes the official's message in the group.
    expect(confirmation.quotedId).toBe(official.key.id);
    expect(await w.runtime.app.repos.questions.byReference(reference)).toMatchObject({
      status: "answered",
      answerText: "La cuadrilla repara el hueco este jueves.",
    });
    expect(
      w.fake
        .sent()
        .filter((m) => m.jid === CITIZEN)
        .at(-1)?.text,
    ).toContain("La cuadrilla repara el hueco este jueves.");
  });

  it("lets officials in private chats answer by quoting their notice or with `responder`, and refuses others", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    await addOfficial(w, HEAD, "infraestructura", "head");
    await addOfficial(w, OTHER_OFFICE, "salud");
    const first = await fileQuestion(w, CITIZEN);
    const second = await fileQuestion(w, "573001234567@s.whatsapp.net");
    const notices = w.fake.sent().filter((m) => m.jid === HEAD);
    expect(notices.map((m) => /RC-\d{4}-\d{6}/.exec(m.text)?.[0])).toEqual([first, second]);
    expect(w.fake.sent().some((m) => m.jid === OTHER_OFFICE)).toBe(false);

    // An official of another office, with the command without "/": refused.
    expect(await text(w, OTHER_OFFICE, `responder ${first} no es de nosotros`)).toContain("no puede actuar");
    // A citizen who types the command is just a citizen: the question is untouched.
    await text(w, STRANGER, `responder ${first} ya está resuelto`);
    expect((await w.runtime.app.repos.questions.byReference(first))?.status).toBe("open");

    const quoted = await say(w, {
      chat: HEAD,
      text: "Programamos la reparación para el lunes.",
      quotedId: notices[0]!.id,
    });
    expect(quoted.map((m) => m.text).join("\n")).toContain(`respuesta a ${first} quedó registrada`);
    // The notice is closed by a short status line quoting it (WhatsApp cannot edit it later), not repeated whole.
    const closing = quoted.find((m) => m.quotedId === notices[0]!.id);
    expect(closing?.text).toBeTruthy();
    expect(closing?.text).not.toContain("Nueva pregunta");
    expect(await text(w, HEAD, `responder ${second} Enviamos la cuadrilla mañana.`)).toContain(
      `respuesta a ${second} quedó registrada`,
    );
    expect((await w.runtime.app.repos.questions.byReference(first))?.answerText).toBe(
      "Programamos la reparación para el lunes.",
    );
    expect((await w.runtime.app.repos.questions.byReference(second))?.answerText).toBe("Enviamos la cuadrilla mañana.");
  });

  it("binds a group when its head writes the bind command there", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    await addOfficial(w, HEAD, "infraestructura", "head");
    const reply = await say(w, { chat: GROUP, sender: HEAD, text: "vincular_grupo infraestructura" });
    expect(reply[0]?.text).toContain("quedó vinculado");
    expect((await w.runtime.app.repos.offices.get("infraestructura"))?.whatsappJid).toBe(GROUP);
  });
});

describe.skipIf(onPostgres)(
  sqliteOnly("WhatsApp channel: connection", "reads the stored session through the SQLite repository"),
  () => {
    // The adapter records its state without waiting (a port call after any transaction in progress).
    const stateOf = async (w: World) => {
      await new Promise((resolve) => setImmediate(resolve));
      return createChannelStateRepo(w.runtime.db!).get("whatsapp");
    };

    it("reconnects with backoff after every close but a logout, keeps the session and sends what waited", async () => {
      const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
      const firstSocket = w.fake.current;
      firstSocket.ev.emit("creds.update", { me: { id: "573000000000:3@s.whatsapp.net" } });
      firstSocket.open();
      expect((await stateOf(w))?.state).toBe("open");

      firstSocket.close(DisconnectReason.connectionLost, "Connection Lost");
      expect(w.channel.state).toBe("reconnecting");
      expect(await stateOf(w)).toMatchObject({ state: "reconnecting", detail: "closed (408); retry in 2000 ms" });
      expect(w.timers.delays()).toEqual([2000]);
      expect(firstSocket.ev.listenerCount("messages.upsert")).toBe(0);

      // While closed, a message (here queued by another process, e.g. the CLI) waits in the outbox.
      await w.runtime.app.repos.outbox.enqueue(
        {
          idempotencyKey: "test:while-closed",
          channel: "whatsapp",
          address: CITIZEN,
          payload: { text: "Aviso de prueba" },
        },
        w.clock.nowMs(),
      );
      await w.bot.dispatcher.tick();
      expect(await sqlRow(w.runtime, 'select status, attempts, last_error "lastError" from outbox')).toEqual({
        status: "pending",
        attempts: 1,
        lastError: "whatsapp: not connected (reconnecting)",
      });
      expect(w.fake.sent()).toHaveLength(0);

      w.timers.fire();
      await w.channel.idle();
      expect(w.fake.sockets).toHaveLength(2);
      // The new socket gets the stored session, not a new pairing.
      expect(w.fake.current.auth.creds.me?.id).toBe("573000000000:3@s.whatsapp.net");
      expect(Buffer.from(w.fake.current.auth.creds.noiseKey.public)).toEqual(
        Buffer.from(firstSocket.auth.creds.noiseKey.public),
      );
      w.fake.current.close(DisconnectReason.connectionClosed);
      expect(w.timers.delays()).toEqual([4000]);
      w.timers.fire();
      await w.channel.idle();
      w.fake.current.open();
      expect((await stateOf(w))?.state).toBe("open");
      await drain(w);
      expect(w.fake.sent().map((m) => m.jid)).toEqual([CITIZEN]);
      expect(w.fake.sent()[0]!.text).toBe("Aviso de prueba");

      // A restart requested by WhatsApp (after pairing) reconnects at once; an open resets the backoff.
      w.fake.current.close(DisconnectReason.restartRequired);
      expect(w.timers.delays()).toEqual([0]);
      w.timers.fire();
      await w.channel.idle();
      w.fake.current.close(DisconnectReason.connectionLost);
      expect(w.timers.delays()).toEqual([2000]);
      // Events of an old socket change nothing.
      firstSocket.close(DisconnectReason.connectionLost);
      expect(w.timers.delays()).toEqual([2000]);
      // Stopping cancels the pending reconnection.
      await w.bot.stop();
      expect(w.timers.pending.size).toBe(0);
      expect((await stateOf(w))?.state).toBe("stopped");
      await w.bot.start(); // afterEach stops it again
    });

    it("after a logout deletes the stored session and asks for a new pairing", async () => {
      const w = await start();
      const auth = createWhatsAppAuthRepo(w.runtime.db!, { nowMs: () => w.clock.nowMs() });
      w.fake.current.showQr("2@first-qr");
      expect(w.pairing).toEqual([{ kind: "qr", qr: "2@first-qr", validForMs: 60_000 }]);
      expect((await stateOf(w))?.state).toBe("pairing");
      // The phone scanned the QR: Baileys reports the new credentials, then asks for a restart.
      w.fake.current.ev.emit("creds.update", { me: { id: "573000000000:3@s.whatsapp.net" }, platform: "android" });
      await w.channel.idle();
      expect(auth.isPaired()).toBe(true);
      w.fake.current.close(DisconnectReason.restartRequired);
      w.timers.fire();
      await w.channel.idle();
      w.fake.current.open();
      const pairedNoiseKey = Buffer.from(w.fake.current.auth.creds.noiseKey.public);

      await w.fake.current.logout();
      await w.channel.idle();
      expect(auth.isPaired()).toBe(false);
      expect(await sqlRow(w.runtime, "select count(*) n from whatsapp_auth")).toEqual({ n: 0 });
      expect((await stateOf(w))?.state).toBe("logged_out");
      expect(w.pairing.at(-1)).toEqual({ kind: "logged_out" });

      w.timers.fire();
      await w.channel.idle();
      const fresh = w.fake.current;
      expect(fresh.auth.creds.me).toBeUndefined();
      expect(Buffer.from(fresh.auth.creds.noiseKey.public)).not.toEqual(pairedNoiseKey);
      fresh.showQr("2@second-qr");
      expect(w.pairing.at(-1)).toEqual({ kind: "qr", qr: "2@second-qr", validForMs: 60_000 });
      expect((await stateOf(w))?.state).toBe("pairing");
    });

    it("pairs with a code typed on the phone when WHATSAPP_PHONE is set", async () => {
      const w = await start({ WHATSAPP_PHONE: "573000000000" });
      w.fake.current.showQr();
      w.fake.current.showQr();
      await Promise.resolve();
      expect(w.fake.current.pairingCodeRequests).toEqual(["573000000000"]);
      expect(w.pairing).toEqual([{ kind: "code", code: "ABCD1234" }]);
    });

    it("stores each pairing QR with its expiry for the back-office, the number once linked, and clears the QR", async () => {
      const w = await start();
      const t0 = w.clock.nowMs();
      w.fake.current.showQr("2@qr-one,key,key");
      expect(await stateOf(w)).toMatchObject({
        state: "pairing",
        sinceMs: t0,
        pairingQr: "2@qr-one,key,key",
        pairingCode: null,
        pairingExpiresAtMs: t0 + 60_000,
      });
      // Baileys replaces the QR every 20 s after the first minute: the row follows, `since` stays.
      w.clock.advanceMs(60_000);
      w.fake.current.showQr("2@qr-two,key,key");
      expect(await stateOf(w)).toMatchObject({
        state: "pairing",
        sinceMs: t0,
        pairingQr: "2@qr-two,key,key",
        pairingExpiresAtMs: t0 + 80_000,
      });
      // Scanned: the credentials name the bot's number; WhatsApp restarts the connection, which opens.
      w.fake.current.ev.emit("creds.update", { me: { id: "573000000000:3@s.whatsapp.net" }, platform: "android" });
      w.fake.current.close(DisconnectReason.restartRequired);
      expect(await stateOf(w)).toMatchObject({ state: "reconnecting", pairingQr: null, lastError: null });
      w.timers.fire();
      await w.channel.idle();
      w.clock.advanceMs(5_000);
      w.fake.current.open();
      expect(await stateOf(w)).toMatchObject({
        state: "open",
        sinceMs: t0 + 65_000,
        account: "+573000000000",
        pairingQr: null,
        pairingExpiresAtMs: null,
      });
      // A dropped connection keeps the number and records the error.
      w.fake.current.close(DisconnectReason.connectionLost, "Connection Lost");
      expect(await stateOf(w)).toMatchObject({
        state: "reconnecting",
        account: "+573000000000",
        lastError: "408: Connection Lost",
        lastErrorAtMs: t0 + 65_000,
      });
    });

    it("stores the pairing code instead of a QR when WHATSAPP_PHONE is set", async () => {
      const w = await start({ WHATSAPP_PHONE: "573000000000" });
      w.fake.current.showQr();
      expect(await stateOf(w)).toMatchObject({ state: "pairing", pairingQr: null, pairingCode: "ABCD1234" });
    });

    it("shows the connection state in `rinde status`", async () => {
      const w = await start();
      w.fake.current.open();
      const output = (await runOn(w.runtime, ["status", "--json"])).stdout;
      const summary = JSON.parse(output) as { connections: { channel: string; state: string }[] };
      expect(summary.connections).toEqual([expect.objectContaining({ channel: "whatsapp", state: "open" })]);
      expect((await runOn(w.runtime, ["status"])).stdout).toMatch(/conexiones:\n.*\n.*\nwhatsapp\s+conectado/);
      await w.bot.stop();
      expect((await stateOf(w))?.state).toBe("stopped");
      expect(w.fake.current.ended).toBe(true);
      await w.bot.start(); // afterEach stops it again
    });
  },
);

describe("WhatsApp channel: sending safely", () => {
  it("retries a send that met a closed connection and marks a number without WhatsApp unreachable", async () => {
    const w = await start({ WHATSAPP_RATE_PER_MINUTE: "120", WHATSAPP_SEND_JITTER_MS: "0" });
    w.fake.current.open();
    w.fake.current.failNextSend(boomLike("Connection Closed", DisconnectReason.connectionClosed));
    await say(w, { chat: CITIZEN, text: "hola" });
    const row = await sqlRow(w.runtime, 'select status, attempts, last_error "lastError" from outbox');
    expect(row).toEqual({ status: "sent", attempts: 2, lastError: "whatsapp 428: Connection Closed" });

    // An official registered with a number that has no WhatsApp account.
    const nowhere = "573001000000@s.whatsapp.net";
    w.fake.notOnWhatsApp.add(nowhere);
    await addOfficial(w, nowhere, "infraestructura");
    await fileQuestion(w, "573007654321@s.whatsapp.net");
    await drain(w);
    const notice = await sqlRow(w.runtime, 'select status, last_error "lastError" from outbox where address = ?', [
      nowhere,
    ]);
    expect(notice).toEqual({ status: "unreachable", lastError: "whatsapp: not on WhatsApp" });
    expect(w.fake.sent().some((m) => m.jid === nowhere)).toBe(false);
  });
});
