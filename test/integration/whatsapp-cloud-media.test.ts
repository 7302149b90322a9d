/**
 * WhatsApp Cloud API, what citizens send besides text (issue 17): photos and documents kept as
 * media references on the question and passed on to the office's officials, shared locations kept
 * with their coordinates; stickers, reactions, contacts and Meta's "unsupported" messages answered
 * politely without changing the conversation.
 * The real adapter, webhook plugin and runtime against the fake Graph API.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createInvite } from "../../src/services/staff/staff.ts";
import { ERRORS, type SentMessage } from "../fakes/whatsapp-graph-api.ts";
import { bodyOf, createCloudHarness, envelope, textOf, type CloudHarness } from "./whatsapp-cloud-harness.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";

let h: CloudHarness;
afterEach(async () => {
  await h?.close();
});

const ANA = "573001112233";
const JEFA = "573009998877";
const QUESTION = "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses";
let counter = 0;

/** Posts one message of any type from `from`; resolves to what the fake got meanwhile. */
async function send(from: string, message: Record<string, unknown>): Promise<SentMessage[]> {
  const before = h.fake.sent.length;
  await h.post(
    envelope({
      contacts: [{ profile: { name: "Ana" }, wa_id: from }],
      messages: [
        { from, id: `wamid.MEDIA${++counter}`, timestamp: String(Math.floor(h.clock.nowMs() / 1000)), ...message },
      ],
    }),
  );
  await h.advance(0);
  return h.fake.sent.slice(before);
}

/** Consent by button, then "ask" from the list menu: the prompt for the question. */
async function openAsk(from = ANA): Promise<void> {
  const notice = (await h.text(from, "hola")).at(-1)!;
  const menu = (await h.press(from, notice.wamid, "o:0")).at(-1)!;
  await h.press(from, menu.wamid, "o:0", true);
}

const conversation = async () =>
  await sqlRow<{ flow_id: string; step_id: string; data: string }>(
    h.runtime,
    "select flow_id, step_id, data from conversations where citizen_id = 1",
  );

describe("WhatsApp Cloud: files citizens send", () => {
  it("keeps a photo as a media reference on the question and passes it on to the office's official", async () => {
    h = await createCloudHarness();
    const { code } = await createInvite(h.runtime.app, {
      name: "Jefa Infra",
      officeKey: "infraestructura",
      role: "head",
      ttlMs: 3_600_000,
    });
    await h.text(JEFA, `/vincular ${code}`);
    await openAsk();
    const [received] = await send(ANA, {
      type: "image",
      image: { id: "4490709327384033", mime_type: "image/jpeg", sha256: "abc" },
    });
    expect(textOf(received)).toContain("Recibí su archivo (1 en total)");
    const confirm = (await h.text(ANA, QUESTION)).at(-1)!;
    const kind = (await h.press(ANA, confirm.wamid, "o:0")).at(-1)!;
    const list = bodyOf(kind).interactive?.type === "list";
    h.fake.media.set("4490709327384033", { mimeType: "image/jpeg", bytes: Buffer.from("FOTO-DEL-HUECO") });
    await h.press(ANA, kind.wamid, "o:0", list);
    const reference = /RC-\d{4}-\d{6}/.exec(textOf(h.fake.to(ANA).at(-1)))?.[0];
    expect(reference).toBeDefined();

    expect(await sqlRows(h.runtime, "select channel, kind, file_ref, mime_type from question_attachments")).toEqual([
      { channel: "whatsapp", kind: "photo", file_ref: "4490709327384033", mime_type: "image/jpeg" },
    ]);
    // The official gets the notice, then the photo: downloaded from Meta and uploaded again.
    const toJefa = h.fake.to(JEFA);
    const noticeAt = toJefa.findIndex((m) => textOf(m).includes(reference!));
    expect(textOf(toJefa[noticeAt])).toContain("Adjuntos del ciudadano: 1");
    expect(h.fake.uploads.map((u) => u.content)).toEqual(["FOTO-DEL-HUECO"]);
    expect(toJefa[noticeAt + 1]).toMatchObject({
      type: "image",
      image: { id: h.fake.uploads[0]!.id, caption: `${reference} — adjunto 1 de 1` },
    });
  });

  it("keeps a document with its caption read as the question", async () => {
    h = await createCloudHarness();
    await openAsk();
    const replies = await send(ANA, {
      type: "document",
      document: { id: "998877", mime_type: "application/pdf", filename: "derecho-peticion.pdf", caption: QUESTION },
    });
    const state = await conversation();
    expect(JSON.parse(state!.data).attachments).toEqual([
      { kind: "document", fileRef: "998877", mimeType: "application/pdf", fileName: "derecho-peticion.pdf" },
    ]);
    // The caption went on as the question's text: the next message is the office's confirmation.
    expect(textOf(replies.at(-1))).toContain("La atiende: Secretaría de Infraestructura.");
  });

  it("keeps a shared location with its place on the question and passes it on to the official as a pin", async () => {
    h = await createCloudHarness();
    const { code } = await createInvite(h.runtime.app, {
      name: "Jefa Infra",
      officeKey: "infraestructura",
      role: "head",
      ttlMs: 3_600_000,
    });
    await h.text(JEFA, `/vincular ${code}`);
    const pin = {
      type: "location",
      location: { latitude: 4.6097102, longitude: -74.0817534, name: "Parque Santander", address: "Cra. 7 #16-20" },
    };
    // Before consent a location is not kept, as a photo would not be.
    const notice = (await h.text(ANA, "hola")).at(-1)!;
    expect((await send(ANA, pin)).map(textOf)).toEqual([
      expect.stringContaining("Puede enviar una ubicación como parte de una pregunta"),
    ]);
    await h.press(ANA, notice.wamid, "o:0");
    // At the menu the question starts with it.
    const replies = await send(ANA, pin);
    expect(textOf(replies[0])).toMatch(
      /^Recibimos la ubicación \(adjuntos en total: 1\)\. Se enviará con su pregunta\./,
    );
    expect(textOf(replies.at(-1))).toContain("Escriba su pregunta");
    expect(JSON.parse((await conversation())!.data).attachments).toEqual([
      {
        kind: "location",
        fileRef: "geo:4.6097102,-74.0817534",
        placeName: "Parque Santander",
        placeAddress: "Cra. 7 #16-20",
      },
    ]);
    // Impossible coordinates are not kept; the citizen is told what to send instead.
    const before = await conversation();
    expect((await send(ANA, { type: "location", location: { latitude: 91, longitude: -74.08 } })).map(textOf)).toEqual([
      expect.stringContaining("No pudimos guardar esa ubicación. Envíe un punto fijo"),
    ]);
    expect(await conversation()).toEqual(before);

    const confirm = (await h.text(ANA, QUESTION)).at(-1)!;
    const kind = (await h.press(ANA, confirm.wamid, "o:0")).at(-1)!;
    // The pin fails once after its line went out: the retry sends only the pin.
    h.fake.failNext(ERRORS.serverError, (body) => body.type === "location");
    await h.press(ANA, kind.wamid, "o:0", bodyOf(kind).interactive?.type === "list");
    for (let i = 0; i < 5 && !h.fake.to(JEFA).some((m) => m.type === "location"); i++) await h.advance(10_000);
    expect(h.fake.refused.map((r) => bodyOf(r.body).type)).toEqual(["location"]);
    expect(textOf(h.fake.to(ANA).at(-1))).toMatch(/RC-\d{4}-\d{6}/);
    expect(
      await sqlRows(h.runtime, "select channel, kind, file_ref, place_name, place_address from question_attachments"),
    ).toEqual([
      {
        channel: "whatsapp",
        kind: "location",
        file_ref: "geo:4.6097102,-74.0817534",
        place_name: "Parque Santander",
        place_address: "Cra. 7 #16-20",
      },
    ]);
    // The official gets the notice, a line with the coordinates and a map link, then Meta's location message.
    const reference = /RC-\d{4}-\d{6}/.exec(textOf(h.fake.to(ANA).at(-1)))![0];
    const toJefa = h.fake.to(JEFA);
    const noticeAt = toJefa.findIndex((m) => textOf(m).includes(`Nueva pregunta ${reference}`));
    expect(textOf(toJefa[noticeAt])).toContain("Adjuntos del ciudadano: 1");
    expect(textOf(toJefa[noticeAt + 1])).toBe(
      `${reference} — adjunto 1 de 1: ubicación 4.6097102, -74.0817534 (Parque Santander, Cra. 7 #\u206016-20)\n` +
        "Ver en el mapa: https://www.openstreetmap.org/?mlat=4.6097102&mlon=-74.0817534#map=18/4.6097102/-74.0817534",
    );
    expect(toJefa[noticeAt + 2]).toMatchObject({
      type: "location",
      location: { latitude: 4.6097102, longitude: -74.0817534, name: "Parque Santander", address: "Cra. 7 #16-20" },
    });
    expect(toJefa).toHaveLength(noticeAt + 3);
  });

  it("counts locations with files toward the most attachments a question may carry", async () => {
    h = await createCloudHarness();
    await openAsk();
    await send(ANA, { type: "image", image: { id: "55501", mime_type: "image/jpeg" } });
    for (let i = 2; i <= 10; i++) {
      const [reply] = await send(ANA, { type: "location", location: { latitude: 4.6 + i / 1000, longitude: -74.08 } });
      expect(textOf(reply)).toContain(`Recibimos la ubicación (adjuntos en total: ${i})`);
    }
    const before = await conversation();
    expect((await send(ANA, { type: "location", location: { latitude: 4.7, longitude: -74.08 } })).map(textOf)).toEqual(
      ["Una pregunta puede llevar máximo 10 archivos o ubicaciones. Ya tiene 10: siga con su pregunta."],
    );
    expect(await conversation()).toEqual(before);
  });

  it("answers stickers, reactions, contacts and unsupported messages politely and changes nothing", async () => {
    h = await createCloudHarness();
    await openAsk();
    const before = await conversation();
    const polite = "Puedo recibir mensajes de texto, fotos, documentos (PDF, Word, Excel…) y ubicaciones";
    const kinds: Record<string, unknown>[] = [
      { type: "sticker", sticker: { id: "st1", mime_type: "image/webp", animated: false } },
      { type: "reaction", reaction: { message_id: h.fake.sent.at(-1)!.wamid, emoji: "👍" } },
      { type: "contacts", contacts: [{ name: { formatted_name: "Juan" }, phones: [{ phone: "+57 300" }] }] },
      { type: "audio", audio: { id: "au1", mime_type: "audio/ogg; codecs=opus", voice: true } },
      {
        type: "unsupported",
        errors: [
          {
            code: 131051,
            title: "Message type unknown",
            error_data: { details: "Message type is not currently supported" },
          },
        ],
      },
    ];
    for (const message of kinds) {
      const replies = await send(ANA, message);
      expect(replies.map(textOf), JSON.stringify(message)).toEqual([expect.stringContaining(polite)]);
      expect(await conversation()).toEqual(before);
    }
    // Taking a reaction back (no emoji) is not answered; nothing was kept.
    expect(await send(ANA, { type: "reaction", reaction: { message_id: "wamid.X", emoji: "" } })).toEqual([]);
    expect(await sqlRow(h.runtime, "select count(*) n from question_attachments")).toEqual({ n: 0 });
    // The conversation goes on where it was: the question is taken.
    expect(textOf((await h.text(ANA, QUESTION)).at(-1))).toContain("La atiende: Secretaría de Infraestructura.");
  });
});
