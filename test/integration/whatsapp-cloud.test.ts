/**
 * WhatsApp Cloud API end to end (issue 17): the real adapter against the fake Graph API, signed
 * webhooks posted to the real plugin, the real runtime on a temp SQLite with an injected clock.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeDelivery } from "../../src/delivery/delivery-status.ts";
import { channelStatus } from "../../src/services/backoffice/channel-status.ts";
import { eraseCitizen } from "../../src/services/privacy/consent.ts";
import { createInvite } from "../../src/services/staff/staff.ts";
import { ERRORS, type SentMessage } from "../fakes/whatsapp-graph-api.ts";
import {
  bodyOf,
  createCloudHarness,
  envelope,
  sign,
  textOf,
  VERIFY_TOKEN,
  type CloudHarness,
} from "./whatsapp-cloud-harness.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";

let h: CloudHarness;
afterEach(async () => {
  await h?.close();
});

const ANA = "573001112233";
const ANA_JID = `${ANA}@s.whatsapp.net`;
const JEFA = "573009998877";
const QUESTION = "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses";
const HOUR_MS = 3_600_000;
const interactiveOf = (m: SentMessage | undefined) => (m ? bodyOf(m).interactive : undefined);
const count = async (table: string) =>
  ((await sqlRow(h.runtime, `select count(*) n from ${table}`)) as { n: number }).n;

/** Consent by button, "ask" from the list menu, the question, office and type confirmed by buttons. */
async function fileQuestion(from = ANA): Promise<string> {
  const notice = (await h.text(from, "hola")).at(-1)!;
  const menu = (await h.press(from, notice.wamid, "o:0")).at(-1)!;
  expect(interactiveOf(menu)?.type).toBe("list");
  const prompt = (await h.press(from, menu.wamid, "o:0", true)).at(-1)!;
  const confirm = (await h.text(from, QUESTION)).at(-1)!;
  const kind = (await h.press(from, confirm.wamid, "o:0")).at(-1)!;
  const receipt = (await h.press(from, kind.wamid, "o:0", interactiveOf(kind)?.type === "list")).at(-1)!;
  const reference = /RC-\d{4}-\d{6}/.exec(textOf(receipt))?.[0];
  if (!reference) throw new Error(`no radicado in ${JSON.stringify(receipt)} after ${textOf(prompt)}`);
  return reference;
}

async function linkOfficial(from: string): Promise<void> {
  const { code } = await createInvite(h.runtime.app, {
    name: "Jefa Infra",
    officeKey: "infraestructura",
    role: "head",
    ttlMs: 3_600_000,
  });
  const [welcome] = await h.text(from, `/vincular ${code}`);
  expect(textOf(welcome)).toContain("Bienvenido(a), Jefa Infra");
}

describe("WhatsApp Cloud webhook", () => {
  it("answers Meta's verification with the challenge and refuses a wrong verify token", async () => {
    h = await createCloudHarness();
    const ok = await fetch(
      `${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const wrong = await fetch(
      `${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope-nope&hub.challenge=1158201444`,
    );
    expect(wrong.status).toBe(403);
  });

  it("refuses a badly signed or unsigned post with nothing stored and nothing sent", async () => {
    h = await createCloudHarness();
    const body = envelope({
      messages: [
        {
          from: ANA,
          id: "wamid.BAD1",
          timestamp: String(Math.floor(h.clock.nowMs() / 1000)),
          type: "text",
          text: { body: "hola" },
        },
      ],
    });
    const raw = JSON.stringify(body);
    expect((await h.post(body, sign(raw, "another-secret"))).status).toBe(401);
    expect((await h.post(body, "sha256=00")).status).toBe(401);
    const unsigned = await fetch(`${h.url}/webhooks/whatsapp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw,
    });
    expect(unsigned.status).toBe(401);
    // A body changed after signing is refused too.
    expect((await h.post({ ...body, extra: 1 }, sign(raw))).status).toBe(401);
    expect([
      await count("inbound_messages"),
      await count("citizens"),
      await count("channel_windows"),
      h.fake.requests.length,
    ]).toEqual([0, 0, 0, 0]);
  });

  it("acknowledges a message only once it is stored: 500 when it could not be, and Meta's redelivery is handled once", async () => {
    h = await createCloudHarness();
    const hello = (id: string) =>
      envelope({
        messages: [
          {
            from: ANA,
            id,
            timestamp: String(Math.floor(h.clock.nowMs() / 1000)),
            type: "text",
            text: { body: "hola" },
          },
        ],
      });
    const inbound = h.runtime.app.repos.inbound;
    const record = inbound.record.bind(inbound);
    // A slow store: the 200 waits for it, so a crash before the answer leaves Meta to deliver again.
    const slow = vi.spyOn(inbound, "record").mockImplementationOnce(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return await record(...args);
    });
    const raw = JSON.stringify(hello("wamid.SLOW"));
    const response = await fetch(`${h.url}/webhooks/whatsapp`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(await count("inbound_messages")).toBe(1);
    slow.mockRestore();
    await h.advance(0);

    // The store fails (a full disk, the database gone): 500, nothing of the message kept.
    vi.spyOn(inbound, "record").mockRejectedValueOnce(new Error("SQLITE_FULL: database or disk is full"));
    expect((await h.post(hello("wamid.FAIL"))).status).toBe(500);
    expect(await count("inbound_messages")).toBe(1);
    expect(h.logs.some((l) => l.msg === "whatsapp_cloud.webhook_failed")).toBe(true);
    // Meta delivers it again: stored and answered once; a third delivery changes nothing.
    const sentBefore = h.fake.to(ANA).length;
    expect((await h.post(hello("wamid.FAIL"))).status).toBe(200);
    await h.advance(0);
    expect(await count("inbound_messages")).toBe(2);
    const sentAfter = h.fake.to(ANA).length;
    expect(sentAfter).toBeGreaterThan(sentBefore);
    expect((await h.post(hello("wamid.FAIL"))).status).toBe(200);
    await h.advance(0);
    expect([await count("inbound_messages"), h.fake.to(ANA).length]).toEqual([2, sentAfter]);
  });

  it("refuses malformed and oversized bodies with nothing stored; ignores another number's webhooks", async () => {
    h = await createCloudHarness();
    const post = async (raw: string) =>
      await fetch(`${h.url}/webhooks/whatsapp`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
        body: raw,
      });
    expect((await post('{"object":"whatsapp_business_account","entry":[')).status).toBe(400);
    // Meta's batches can reach 3 MB: a 2 MB one is read; beyond 3 MiB, refused before parsing.
    expect((await post(`{"object":"whatsapp_business_account","pad":"${"x".repeat(2_000_000)}"}`)).status).toBe(200);
    expect((await post(`{"pad":"${"x".repeat(3 * 1024 * 1024)}"}`)).status).toBe(413);
    // Signed and well formed, but for another phone number of the same Meta app: acknowledged, ignored.
    const other = envelope({
      messages: [{ from: ANA, id: "wamid.OTHER", timestamp: "1700000000", type: "text", text: { body: "hola" } }],
    });
    (
      other.entry as { changes: { value: { metadata: { phone_number_id: string } } }[] }[]
    )[0]!.changes[0]!.value.metadata.phone_number_id = "999999999999";
    expect((await h.post(other)).status).toBe(200);
    expect([await count("inbound_messages"), await count("citizens"), h.fake.requests.length]).toEqual([0, 0, 0]);
  });

  it("a citizen consents and asks with buttons and lists; a duplicate wamid is handled once", async () => {
    h = await createCloudHarness();
    const reference = await fileQuestion();
    expect(textOf(h.fake.to(ANA).at(-1))).toContain(`Número de radicado: ${reference}`);
    // Meta redelivers the same message: one inbound row, no second reply.
    const sentBefore = h.fake.sent.length;
    const again = envelope({
      messages: [
        {
          from: ANA,
          id: "wamid.DUP",
          timestamp: String(Math.floor(h.clock.nowMs() / 1000)),
          type: "text",
          text: { body: "estado" },
        },
      ],
    });
    expect((await h.post(again)).status).toBe(200);
    await h.advance(0);
    const afterFirst = h.fake.sent.length;
    expect(afterFirst).toBeGreaterThan(sentBefore);
    await h.post(again);
    await h.advance(0);
    expect(h.fake.sent.length).toBe(afterFirst);
    // Every call carried the token; buttons and lists were used, numbered text nowhere needed.
    expect(h.fake.requests.every((r) => r.authorization === "Bearer EAAG-test-token-0123456789")).toBe(true);
    expect(h.fake.to(ANA).map((m) => interactiveOf(m)?.type ?? m.type)).toEqual(
      expect.arrayContaining(["button", "list"]),
    );
  });
});

describe("WhatsApp Cloud: officials, the 24-hour window and statuses", () => {
  it("the official gets the notice in a private chat and answers by replying; the answer after 25 hours goes as the template", async () => {
    h = await createCloudHarness();
    await linkOfficial(JEFA);
    const reference = await fileQuestion();
    const notice = h.fake.to(JEFA).find((m) => textOf(m).includes(reference));
    expect(notice).toBeDefined();
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    // Its four action buttons do not fit reply buttons (3 at most): they come as a list.
    const actions = interactiveOf(notice)?.action.sections?.[0]?.rows.map((r) => r.id);
    expect(actions).toEqual([
      `a:qa:${question.id}`,
      `a:qi:${question.id}`,
      `a:qr:${question.id}`,
      `a:qe:${question.id}`,
    ]);

    h.clock.advanceMs(25 * HOUR_MS);
    const before = h.fake.sent.length;
    await h.text(JEFA, "La cuadrilla repara el hueco el jueves.\nGracias por avisar.", {
      context: { from: "5760000000", id: notice!.wamid },
    });
    const toAna = h.fake.sent.slice(before).filter((m) => m.to === ANA);
    expect(toAna).toHaveLength(1);
    expect(toAna[0]).toMatchObject({
      type: "template",
      template: {
        name: "rinde_respuesta",
        language: { code: "es" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: reference },
              // The answer itself: the template already names the radicado and says how to reply.
              { type: "text", text: "La cuadrilla repara el hueco el jueves. · Gracias por avisar." },
            ],
          },
        ],
      },
    });
    expect((await h.runtime.app.repos.questions.byId(question.id))?.status).toBe("answered");
    const answer = (await h.runtime.app.repos.outbox.deliveriesForQuestion(question.id)).find(
      (d) => d.key === `q:${question.id}:answer`,
    )!;
    expect(answer).toMatchObject({ status: "sent", template: "rinde_respuesta" });
    // The official's own confirmation went free-form: she just wrote.
    expect(
      h.fake.sent
        .slice(before)
        .filter((m) => m.to === JEFA)
        .every((m) => m.type !== "template"),
    ).toBe(true);

    // Statuses arrive (out of order too) and show on the question's timeline.
    await h.status(toAna[0]!.wamid, "delivered");
    await h.status(toAna[0]!.wamid, "read");
    await h.status(toAna[0]!.wamid, "sent");
    const read = (await h.runtime.app.repos.outbox.deliveriesForQuestion(question.id)).find(
      (d) => d.key === `q:${question.id}:answer`,
    )!;
    expect(read.deliveryStatus).toBe("read");
    expect(describeDelivery(read).map((l) => h.runtime.app.translator.t("es", l.key, l.vars))).toEqual([
      "Leído",
      "Enviado con la plantilla «rinde_respuesta» porque pasaron más de 24 horas desde el último mensaje de la persona",
    ]);
    // A failed status carries Meta's code, explained in plain words.
    const receipt = (await h.runtime.app.repos.outbox.deliveriesForQuestion(question.id)).find((d) =>
      d.key.includes(":official-"),
    )!;
    const receiptRow = (await h.runtime.app.repos.outbox.findById(receipt.outboxId))!;
    await h.status(receiptRow.channelMessageId!, "failed", 131049);
    const failed = (await h.runtime.app.repos.outbox.deliveriesForQuestion(question.id)).find(
      (d) => d.outboxId === receipt.outboxId,
    )!;
    expect(failed).toMatchObject({ deliveryStatus: "failed", deliveryError: "131049" });
    expect(h.runtime.app.translator.t("es", describeDelivery(failed)[1]!.key)).toContain("Se puede intentar otro día");
  });

  it("131047 (re-engagement required) turns the same row into its template", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    h.fake.failNext(ERRORS.reengagement, (body) => body.type !== "template");
    const sent = await h.text(ANA, "hola otra vez");
    expect(h.fake.refused.map((r) => r.error.code)).toEqual([131047]);
    expect(sent.map((m) => m.type)).toEqual(["template"]);
    expect(sent[0]).toMatchObject({ template: { name: "rinde_mensaje" } });
    const row = await sqlRow(h.runtime, "select status, template, attempts from outbox order by id desc limit 1");
    expect(row).toEqual({ status: "sent", template: "rinde_mensaje", attempts: 1 });
  });

  it("131047 reported later in a status webhook sends the same row again as its template, and what follows too", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    const { outbox } = h.runtime.app.repos;
    const enqueue = async (key: string, text: string) =>
      await outbox.enqueue(
        { idempotencyKey: key, channel: "whatsapp", address: ANA_JID, payload: { text } },
        h.clock.nowMs(),
      );
    await enqueue("test:late", "Su trámite avanza");
    await h.advance(0);
    const accepted = h.fake.to(ANA).at(-1)!;
    expect([accepted.type, textOf(accepted)]).toEqual(["text", "Su trámite avanza"]);
    // Meta took it (200 and a wamid), then reports it failed: the window had closed on its clock.
    const before = h.fake.sent.length;
    await h.status(accepted.wamid, "failed", 131047);
    await h.advance(0);
    expect(h.fake.sent.slice(before)).toEqual([
      expect.objectContaining({
        to: ANA,
        type: "template",
        template: expect.objectContaining({ name: "rinde_mensaje" }),
      }),
    ]);
    expect(textOf(h.fake.sent.at(-1))).toContain("Su trámite avanza");
    expect(await sqlRow(h.runtime, "select status, template from outbox where idempotency_key = 'test:late'")).toEqual({
      status: "sent",
      template: "rinde_mensaje",
    });
    // The next message goes as a template too; Meta repeating the webhook changes nothing.
    await h.status(accepted.wamid, "failed", 131047);
    await enqueue("test:next", "Otra novedad");
    await h.advance(0);
    expect(h.fake.sent.slice(before).map((m) => m.type)).toEqual(["template", "template"]);
    // When she writes again, free-form again.
    expect((await h.text(ANA, "gracias")).map((m) => m.type)).not.toContain("template");
  });

  it("131026 reported later in a status webhook marks the chat unreachable", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    const { outbox, citizens } = h.runtime.app.repos;
    await outbox.enqueue(
      { idempotencyKey: "test:gone", channel: "whatsapp", address: ANA_JID, payload: { text: "x" } },
      h.clock.nowMs(),
    );
    await h.advance(0);
    await h.status(h.fake.to(ANA).at(-1)!.wamid, "failed", 131026);
    expect(await sqlRow(h.runtime, "select status from outbox where idempotency_key = 'test:gone'")).toEqual({
      status: "unreachable",
    });
    expect((await citizens.identities(1))[0]?.unreachableAtMs).not.toBeNull();
  });

  it("130429 and 5xx are retried with backoff and the chat's messages keep their order", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    const start = h.fake.sent.length;
    const { outbox } = h.runtime.app.repos;
    h.fake.failNext(ERRORS.throughput);
    h.fake.failNext(ERRORS.serverError);
    for (const n of [1, 2, 3])
      await outbox.enqueue(
        { idempotencyKey: `test:${n}`, channel: "whatsapp", address: ANA_JID, payload: { text: `mensaje ${n}` } },
        h.clock.nowMs(),
      );
    await h.bot.dispatcher.tick();
    for (let i = 0; i < 10 && h.fake.sent.length < start + 3; i++) await h.advance(10_000);
    expect(h.fake.refused.map((r) => textOf(bodyOf(r.body)))).toEqual(["mensaje 1", "mensaje 1"]);
    expect(h.fake.sent.slice(start).map(textOf)).toEqual(["mensaje 1", "mensaje 2", "mensaje 3"]);
    // The throughput refusal is flood control, not a failed attempt; the 500 is one.
    expect(await sqlRow(h.runtime, "select attempts from outbox where idempotency_key = 'test:1'")).toEqual({
      attempts: 2,
    });
  });

  it("paces a burst to one citizen: a few at once, then one every 6 seconds (Meta's pair rate), in order", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    h.clock.advanceMs(60_000);
    const start = h.fake.sent.length;
    for (let n = 1; n <= 9; n++)
      await h.runtime.app.repos.outbox.enqueue(
        { idempotencyKey: `test:burst:${n}`, channel: "whatsapp", address: ANA_JID, payload: { text: `aviso ${n}` } },
        h.clock.nowMs(),
      );
    for (let i = 0; i < 5; i++) await h.bot.dispatcher.tick();
    expect(h.fake.sent.length - start).toBe(6);
    h.clock.advanceMs(5_999);
    await h.bot.dispatcher.tick();
    expect(h.fake.sent.length - start).toBe(6);
    h.clock.advanceMs(1);
    await h.bot.dispatcher.tick();
    expect(h.fake.sent.length - start).toBe(7);
    for (let i = 0; i < 2; i++) {
      h.clock.advanceMs(6_000);
      await h.bot.dispatcher.tick();
    }
    expect(h.fake.sent.slice(start).map(textOf)).toEqual(Array.from({ length: 9 }, (_, i) => `aviso ${i + 1}`));
    expect(h.fake.refused).toEqual([]);
  });

  it("an invalid number becomes unreachable; an expired token pauses sending, reported once", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    h.fake.failNext(ERRORS.undeliverable);
    await h.runtime.app.repos.outbox.enqueue(
      { idempotencyKey: "test:x", channel: "whatsapp", address: ANA_JID, payload: { text: "x" } },
      h.clock.nowMs(),
    );
    await h.advance(0);
    expect(await sqlRow(h.runtime, "select status from outbox where idempotency_key = 'test:x'")).toEqual({
      status: "unreachable",
    });
    expect((await h.runtime.app.repos.citizens.identities(1))[0]?.unreachableAtMs).not.toBeNull();

    h.fake.failNext(ERRORS.tokenExpired, () => true, 2);
    const JUAN = "573005550000";
    await h.text(JUAN, "hola");
    expect((await h.runtime.app.repos.outbox.stats()).find((s) => s.status === "pending")?.count).toBe(1);
    expect(await sqlRow(h.runtime, "select state from channel_state where channel = 'whatsapp'")).toEqual({
      state: "token_expired",
    });
    await h.advance(11 * 60_000); // the pause ends: one more try, refused again, not logged again
    expect(h.fake.refused.filter((r) => r.error.code === 190)).toHaveLength(2);
    expect(h.logs.filter((l) => l.msg.startsWith("whatsapp_cloud.token_invalid"))).toHaveLength(1);
    await h.advance(11 * 60_000); // a new token works again (here: the fake stops refusing)
    expect(textOf(h.fake.to(JUAN).at(-1))).toContain("Hola, soy el asistente");
    expect(await sqlRow(h.runtime, "select state from channel_state where channel = 'whatsapp'")).toEqual({
      state: "open",
    });
  });

  it("a blocked or locked WhatsApp account pauses sending, reported once; nothing is failed or lost", async () => {
    h = await createCloudHarness();
    h.fake.failNext(ERRORS.accountLocked, () => true, 1);
    h.fake.failNext(ERRORS.policyBlock, () => true, 1);
    await h.text(ANA, "hola");
    expect(await sqlRow(h.runtime, "select status, attempts from outbox")).toEqual({ status: "pending", attempts: 0 });
    expect(await sqlRow(h.runtime, "select state, last_error from channel_state where channel = 'whatsapp'")).toEqual({
      state: "account_blocked",
      last_error: expect.stringContaining("131031"),
    });
    // Administración says it in words with Meta's code, not the adapter's English detail.
    const status = await channelStatus(h.runtime.app, { kind: "cli" });
    expect(status.ok && status.channels.find((c) => c.channel === "whatsapp")).toMatchObject({
      state: "account_blocked",
      faultCode: "131031",
    });
    await h.advance(11 * 60_000); // tried once more: still blocked (368), not logged again
    expect(h.fake.refused.map((r) => r.error.code)).toEqual([131031, 368]);
    expect(h.logs.filter((l) => l.msg.startsWith("whatsapp_cloud.account_blocked"))).toHaveLength(1);
    await h.advance(11 * 60_000); // fixed at Meta: the waiting message goes
    expect(textOf(h.fake.to(ANA).at(-1))).toContain("Hola, soy el asistente");
    expect(await sqlRow(h.runtime, "select state from channel_state where channel = 'whatsapp'")).toEqual({
      state: "open",
    });
  });

  it("announcements go only to citizens who opted in, as the template once the window has closed", async () => {
    h = await createCloudHarness();
    const notice = (await h.text(ANA, "hola")).at(-1)!;
    await h.press(ANA, notice.wamid, "o:0"); // consent
    const citizenId = 1;
    const { outbox, subscriptions } = h.runtime.app.repos;
    const before = h.fake.sent.length;
    await outbox.enqueue(
      {
        idempotencyKey: `ann:1:${citizenId}`,
        channel: "whatsapp",
        address: ANA_JID,
        citizenId,
        priority: 1,
        payload: { text: "Audiencia pública el sábado" },
      },
      h.clock.nowMs(),
    );
    await h.advance(0);
    expect(h.fake.sent.length).toBe(before);
    expect(await sqlRow(h.runtime, "select status, last_error from outbox where idempotency_key = 'ann:1:1'")).toEqual({
      status: "failed",
      last_error: expect.stringContaining("not opted in"),
    });

    await subscriptions.add(citizenId, { kind: "all", key: "" }, h.clock.nowMs());
    h.clock.advanceMs(30 * HOUR_MS);
    await outbox.enqueue(
      {
        idempotencyKey: `ann:2:${citizenId}`,
        channel: "whatsapp",
        address: ANA_JID,
        citizenId,
        priority: 1,
        payload: { text: "Audiencia pública\nel sábado" },
      },
      h.clock.nowMs(),
    );
    await h.advance(0);
    expect(h.fake.sent.slice(before)).toEqual([
      expect.objectContaining({
        type: "template",
        template: expect.objectContaining({
          name: "rinde_anuncio",
          components: [
            {
              type: "body",
              parameters: [
                { type: "text", text: h.runtime.app.profile.name },
                { type: "text", text: "Audiencia pública · el sábado" },
              ],
            },
          ],
        }),
      }),
    ]);
  });

  it("sends the event's calendar file by media upload, then as a document with its caption", async () => {
    h = await createCloudHarness();
    await h.text(ANA, "hola");
    const before = h.fake.sent.length;
    const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
    await h.runtime.app.repos.outbox.enqueue(
      {
        idempotencyKey: "ics:1:1:x",
        channel: "whatsapp",
        address: ANA_JID,
        payload: {
          text: "Agréguelo a su calendario",
          document: { fileName: "audiencia.ics", mimeType: "text/calendar", content: ics },
        },
      },
      h.clock.nowMs(),
    );
    await h.advance(0);
    expect(h.fake.uploads).toEqual([
      { id: expect.any(String), fileName: "audiencia.ics", mimeType: "text/calendar", content: ics },
    ]);
    expect(h.fake.sent.slice(before)).toEqual([
      expect.objectContaining({
        type: "document",
        document: { id: h.fake.uploads[0]!.id, filename: "audiencia.ics", caption: "Agréguelo a su calendario" },
      }),
    ]);
    const media = h.fake.requests.find((r) => r.path.endsWith("/media"))!;
    expect(media.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(media.body).toContain('name="messaging_product"\r\n\r\nwhatsapp');
  });

  it("keeps when each person last wrote (Meta's timestamp), never going backwards, and forgets it on erasure", async () => {
    h = await createCloudHarness();
    const writtenAtMs = Math.floor(h.clock.nowMs() / 1000) * 1000;
    await h.text(ANA, "hola");
    const { channelWindows } = h.runtime.app.repos;
    expect(await channelWindows.lastInboundMs("whatsapp", ANA_JID)).toBe(writtenAtMs);
    await channelWindows.touch("whatsapp", ANA_JID, writtenAtMs - HOUR_MS); // a late, older webhook
    expect(await channelWindows.lastInboundMs("whatsapp", ANA_JID)).toBe(writtenAtMs);
    // The address is not stored in clear.
    expect(JSON.stringify(await sqlRows(h.runtime, "select * from channel_windows"))).not.toContain(ANA);
    await eraseCitizen(h.runtime.app, 1);
    expect(await channelWindows.lastInboundMs("whatsapp", ANA_JID)).toBeUndefined();
  });

  it("passes on a photo a citizen sent (an official's notice) by downloading and uploading it again", async () => {
    h = await createCloudHarness();
    await h.text(JEFA, "hola");
    h.fake.media.set("1234567890", { mimeType: "image/jpeg", bytes: Buffer.from("FOTO-DEL-HUECO") });
    const before = h.fake.sent.length;
    await h.runtime.app.repos.outbox.enqueue(
      {
        idempotencyKey: "q:1:new:infraestructura:official-1:file-1",
        channel: "whatsapp",
        address: `${JEFA}@s.whatsapp.net`,
        payload: { text: "Foto adjunta", media: { kind: "photo", fileRef: "1234567890" } },
      },
      h.clock.nowMs(),
    );
    await h.advance(0);
    expect(h.fake.uploads).toEqual([
      { id: expect.any(String), fileName: "archivo", mimeType: "image/jpeg", content: "FOTO-DEL-HUECO" },
    ]);
    expect(h.fake.sent.slice(before)).toEqual([
      expect.objectContaining({ type: "image", image: { id: h.fake.uploads[0]!.id, caption: "Foto adjunta" } }),
    ]);
  });
});
