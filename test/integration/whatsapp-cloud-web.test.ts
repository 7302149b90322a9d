/**
 * WhatsApp Cloud through the web server as `npm start` builds it (issue 17): src/main.ts
 * `startWeb` registers the webhook beside the back-office and the public site when
 * WHATSAPP_MODE=cloud, and not otherwise; a signed post reaches the bot, a badly signed one is
 * refused with nothing stored; the statuses Meta posts show on the back-office question page.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, startWeb } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";
import { startSession } from "../../src/services/backoffice/auth.ts";
import { whatsappLink } from "../../src/services/backoffice/channel-status.ts";
import { answerQuestion, reassignQuestion } from "../../src/services/questions/questions.ts";
import { MONDAY_10AM_BOGOTA_MS } from "../helpers/harness.ts";
import { freePort } from "../web/browser.ts";
import {
  bodyOf,
  createCloudHarness,
  envelope,
  sign,
  textOf,
  VERIFY_TOKEN,
  type CloudHarness,
} from "./whatsapp-cloud-harness.ts";
import { sqlRow, storageEnv } from "../helpers/storage.ts";

const ANA = "573001112233";
const QUESTION = "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses";
let h: CloudHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const count = async (table: string) => (await sqlRow<{ n: number }>(h!.runtime, `select count(*) n from ${table}`))!.n;
const interactiveOf = (m: { wamid: string } | undefined) =>
  m ? (bodyOf(m as never).interactive as { type: string } | undefined) : undefined;

/** Consent, "ask", the question, office and type confirmed: the same path a citizen takes. */
async function fileQuestion(harness: CloudHarness): Promise<string> {
  const notice = (await harness.text(ANA, "hola")).at(-1)!;
  const menu = (await harness.press(ANA, notice.wamid, "o:0")).at(-1)!;
  await harness.press(ANA, menu.wamid, "o:0", true);
  const confirm = (await harness.text(ANA, QUESTION)).at(-1)!;
  const kind = (await harness.press(ANA, confirm.wamid, "o:0")).at(-1)!;
  const receipt = (await harness.press(ANA, kind.wamid, "o:0", interactiveOf(kind)?.type === "list")).at(-1)!;
  const reference = /RC-\d{4}-\d{6}/.exec(textOf(receipt))?.[0];
  if (!reference) throw new Error(`no radicado in ${JSON.stringify(receipt)}`);
  return reference;
}

describe("startWeb with WHATSAPP_MODE=cloud", () => {
  it("serves the webhook on the web server beside the back-office: verification, a signed post handled, a bad signature refused", async () => {
    h = await createCloudHarness({ web: true });
    expect((await fetch(`${h.url}/admin/ingresar`)).status).toBe(200);
    expect((await fetch(`${h.url}/`)).status).toBe(200);
    const verify = await fetch(
      `${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=987654`,
    );
    expect([verify.status, await verify.text()]).toEqual([200, "987654"]);

    const forged = envelope({
      messages: [
        {
          from: ANA,
          id: "wamid.FORGED",
          timestamp: String(Math.floor(h.clock.nowMs() / 1000)),
          type: "text",
          text: { body: "hola" },
        },
      ],
    });
    const raw = JSON.stringify(forged);
    expect((await h.post(forged, sign(raw, "not-the-app-secret"))).status).toBe(401);
    expect(
      (
        await fetch(`${h.url}/webhooks/whatsapp`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: raw,
        })
      ).status,
    ).toBe(401);
    expect([await count("inbound_messages"), await count("citizens"), h.fake.sent.length]).toEqual([0, 0, 0]);

    const replies = await h.text(ANA, "hola");
    expect(await count("inbound_messages")).toBe(1);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((m) => m.to === ANA)).toBe(true);
  });

  it("shows on the question's timeline what WhatsApp reported for each message to the citizen", async () => {
    h = await createCloudHarness({ web: true });
    const reference = await fileQuestion(h);
    const app = h.runtime.app;
    const question = (await app.repos.questions.byReference(reference))!;
    const other = app.profile.offices.find((o) => o.key !== question.officeKey)!;
    expect(
      (await reassignQuestion(app, { kind: "cli" }, reference, other.key, "Le corresponde a otra dependencia")).ok,
    ).toBe(true);
    await h.advance(0);
    const reassignedNotice = h.fake.to(ANA).at(-1)!;
    expect(textOf(reassignedNotice)).toContain(reference);
    expect((await answerQuestion(app, { kind: "cli" }, reference, "La cuadrilla repara el hueco el jueves.")).ok).toBe(
      true,
    );
    await h.advance(0);
    const answer = h.fake.to(ANA).at(-1)!;
    expect(textOf(answer)).toContain("La cuadrilla repara el hueco el jueves.");

    await h.status(reassignedNotice.wamid, "failed", 131049);
    await h.status(answer.wamid, "delivered");
    await h.status(answer.wamid, "read");

    const admin = (await app.repos.officials.list({})).find((o) => o.role === "admin")!;
    const { sessionId } = await startSession(app, admin.id);
    const page = await fetch(`${h.url}/admin/preguntas/${reference}`, {
      headers: { cookie: `rinde_sid=${sessionId}` },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    const timeline = html.slice(
      html.indexOf('id="timeline-heading"'),
      html.indexOf("</ol>", html.indexOf('id="timeline-heading"')),
    );
    const messages = [...timeline.matchAll(/<li class="event message[^"]*">([\s\S]*?)<\/li>/g)].map((m) =>
      m[1]!.replace(/<[^>]+>/g, "").replace(/\s+/g, " "),
    );
    const reassignedLine = messages.find((m) => m.includes("Aviso de reasignación al ciudadano"));
    const answerLine = messages.find((m) => m.includes("Respuesta enviada al ciudadano"));
    expect(reassignedLine).toContain("por WhatsApp");
    expect(reassignedLine).toContain("No entregado");
    expect(reassignedLine).toContain(
      "Meta no entregó el mensaje para no saturar a la persona con mensajes de empresas.",
    );
    expect(answerLine).toContain("Leído");
    expect(answerLine).not.toContain("No entregado");
    // One line per message to the citizen; the notices to the offices' chats are not listed.
    const toCitizen = (await sqlRow<{ n: number }>(
      h.runtime,
      "select count(*) n from outbox where citizen_id is not null and question_id = ?",
      [question.id],
    ))!;
    expect(messages).toHaveLength(toCitizen.n);
    expect(html).toContain('class="delivery delivery-read"');
    expect(html).toContain('class="delivery delivery-failed"');

    // English: the same states in the staff member's language.
    const english = await (
      await fetch(`${h.url}/admin/preguntas/${reference}`, {
        headers: { cookie: `rinde_sid=${sessionId}; rinde_lang=en` },
      })
    ).text();
    expect(english).toContain("Answer sent to the citizen");
    expect(english).toContain(">Read");
  });
});

describe("WhatsApp Cloud on Administración", () => {
  it("forgets a number an earlier Baileys set-up recorded, so no unlink of it is offered", async () => {
    h = await createCloudHarness();
    const { app } = h.runtime;
    await h.bot.stop();
    // What the unofficial client left behind: linked to a phone number.
    await app.repos.channelState.set(
      "whatsapp",
      { state: "open", detail: null, account: "+573001234567" },
      h.clock.nowMs(),
    );
    await h.bot.start();
    await expect
      .poll(async () => await app.repos.channelState.get("whatsapp"))
      .toMatchObject({ state: "open", account: null });
    const admin = { kind: "official" as const, officialId: 1, officeKey: null, role: "admin" as const, active: true };
    expect(await whatsappLink(app, admin)).toEqual({ ok: false, error: "not_linked" });
  });
});

describe("startWeb without WhatsApp Cloud", () => {
  it("registers no webhook: Meta's posts find nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rinde-web-nocloud-"));
    const port = await freePort();
    const runtime = await createRuntime({
      env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_WEB_HOST: "127.0.0.1", RINDE_WEB_PORT: String(port) }),
      clock: createManualClock(MONDAY_10AM_BOGOTA_MS),
    });
    await runtime.app.repos.officials.add({ name: "Admin", officeKey: null, role: "admin" }, runtime.app.clock.nowMs());
    const bot = createBot(runtime, [], { pollIntervalMs: 5, workerId: "test-nocloud" });
    await bot.start();
    const server = await startWeb(runtime, bot);
    try {
      const raw = JSON.stringify(envelope({ messages: [] }));
      expect(
        (
          await fetch(`http://127.0.0.1:${port}/webhooks/whatsapp`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
            body: raw,
          })
        ).status,
      ).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/admin/ingresar`)).status).toBe(200);
    } finally {
      await server.close();
      await bot.stop();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
