/** The WhatsApp Cloud adapter's pure parts: rendering, webhook parsing, error classes, signatures, window rules. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import pino from "pino";
import { createWhatsAppCloudChannel } from "../../src/channels/whatsapp-cloud/cloud-channel.ts";
import { parseWebhook } from "../../src/channels/whatsapp-cloud/normalize.ts";
import { renderMessage } from "../../src/channels/whatsapp-cloud/render.ts";
import { classifyGraphError, isAccountFault, isTokenError } from "../../src/channels/whatsapp-cloud/send-errors.ts";
import { isValidSignature } from "../../src/channels/whatsapp-cloud/webhook.ts";
import { DEFAULT_WHATSAPP_TEMPLATES } from "../../src/config/whatsapp-templates.ts";
import { bodyOf } from "../fakes/whatsapp-graph-api.ts";
import {
  decideWhatsAppSend,
  templateKindOf,
  templateParameter,
  WHATSAPP_WINDOW_MS,
  WINDOW_SAFETY_MARGIN_MS,
} from "../../src/delivery/whatsapp-window.ts";

const labels = { listButton: "Ver opciones" };
const at = bodyOf;

describe("rendering", () => {
  it("uses reply buttons up to 3 short titles, a list up to 10 rows, numbered text beyond", () => {
    const buttons = renderMessage(
      { address: "a", text: "¿Autoriza?", options: ["Sí, autorizo", "No autorizo"] },
      labels,
    );
    expect(at(buttons[0]).interactive?.type).toBe("button");
    const list = renderMessage({ address: "a", text: "Elija", options: ["Uno", "Dos", "Tres", "Cuatro"] }, labels);
    expect(at(list[0]).interactive).toMatchObject({
      type: "list",
      action: { button: "Ver opciones", sections: [{ rows: [{ id: "o:0", title: "1. Uno" }, {}, {}, { id: "o:3" }] }] },
    });
    const long = renderMessage(
      { address: "a", text: "Elija", options: ["Hacer una pregunta o petición", "Ver"] },
      labels,
    );
    expect(at(long[0]).interactive?.action.sections?.[0]?.rows[0]).toEqual({
      id: "o:0",
      title: "1. Hacer una pregunta…",
      description: "1. Hacer una pregunta o petición",
    });
    // Reply buttons keep their words whole; list rows are numbered (typing the number works).
    expect(at(buttons[0]).interactive?.action.buttons?.map((b) => b.reply.title)).toEqual([
      "Sí, autorizo",
      "No autorizo",
    ]);
    const eleven = renderMessage(
      { address: "a", text: "Elija", options: Array.from({ length: 11 }, (_, i) => `Opción ${i + 1}`) },
      labels,
    );
    expect(eleven).toEqual([
      { type: "text", text: { body: expect.stringContaining("11. Opción 11"), preview_url: false } },
    ]);
    // Two options with the same title: Meta would refuse the buttons; numbered text says which is which.
    expect(renderMessage({ address: "a", text: "Elija", options: ["Sí", "No", "Sí"] }, labels)).toEqual([
      { type: "text", text: { body: "Elija\n\n1. Sí\n2. No\n3. Sí", preview_url: false } },
    ]);
  });

  it("shows officials' action buttons as reply buttons or a list, and drops them when they fit neither", () => {
    const two = renderMessage(
      {
        address: "a",
        text: "Nueva pregunta",
        buttons: [
          { label: "Responder", action: "qa:7" },
          { label: "Prórroga", action: "qe:7" },
        ],
      },
      labels,
    );
    expect(at(two[0]).interactive?.action.buttons?.map((b) => b.reply.id)).toEqual(["a:qa:7", "a:qe:7"]);
    const four = renderMessage(
      {
        address: "a",
        text: "Nueva pregunta",
        buttons: ["qa", "qi", "qr", "qe"].map((k) => ({ label: `Acción ${k}`, action: `${k}:7` })),
      },
      labels,
    );
    expect(at(four[0]).interactive?.type).toBe("list");
    const eleven = renderMessage(
      {
        address: "a",
        text: "Nueva pregunta",
        buttons: Array.from({ length: 11 }, (_, i) => ({ label: `A${i}`, action: `x:${i}` })),
      },
      labels,
    );
    expect(eleven).toEqual([{ type: "text", text: { body: "Nueva pregunta", preview_url: false } }]);
  });

  it("falls back to numbered text when the body is too long for an interactive message, and splits at 4096", () => {
    const text = "x ".repeat(3000);
    const parts = renderMessage(
      { address: "a", text, options: ["Sí", "No"], replyToChannelMessageId: "wamid.1" },
      labels,
    );
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ type: "text", context: { message_id: "wamid.1" } });
    expect(parts[1]).not.toHaveProperty("context");
    expect(at(parts[1]).text?.body).toContain("2. No");
  });

  it("renders a template with its parameters", () => {
    expect(
      renderMessage(
        {
          address: "a",
          text: "t",
          template: { name: "rinde_respuesta", language: "es", parameters: ["RC-2026-000001", "ok"] },
        },
        labels,
      ),
    ).toEqual([
      {
        type: "template",
        template: {
          name: "rinde_respuesta",
          language: { code: "es" },
          components: [
            {
              type: "body",
              parameters: [
                { type: "text", text: "RC-2026-000001" },
                { type: "text", text: "ok" },
              ],
            },
          ],
        },
      },
    ]);
  });
});

describe("webhook parsing", () => {
  const value = (v: Record<string, unknown>, phoneNumberId = "111") => ({
    object: "whatsapp_business_account",
    entry: [{ changes: [{ field: "messages", value: { metadata: { phone_number_id: phoneNumberId }, ...v } }] }],
  });

  it("reads texts, button and list replies, media, locations, reactions and statuses; ignores other numbers", () => {
    const content = parseWebhook(
      value({
        messages: [
          {
            from: "573001112233",
            id: "w1",
            timestamp: "1700000000",
            type: "text",
            text: { body: "hola" },
            context: { id: "w0" },
          },
          {
            from: "573001112233",
            id: "w2",
            timestamp: "1700000001",
            type: "interactive",
            context: { id: "w9" },
            interactive: { type: "list_reply", list_reply: { id: "o:4", title: "x" } },
          },
          {
            from: "573001112233",
            id: "w3",
            timestamp: "1700000002",
            type: "image",
            image: { id: "m1", mime_type: "image/jpeg", caption: "el hueco" },
          },
          {
            from: "573001112233",
            id: "w4",
            timestamp: "1700000003",
            type: "location",
            location: { latitude: 4.6, longitude: -74.08 },
          },
          { from: "573001112233", id: "w5", timestamp: "1700000004", type: "reaction", reaction: { emoji: "👍" } },
        ],
        statuses: [{ id: "w8", status: "failed", timestamp: "1700000005", errors: [{ code: 131026 }] }],
      }),
      "111",
      0,
    );
    expect(content.messages).toEqual([
      {
        channel: "whatsapp",
        channelMessageId: "w1",
        address: "573001112233@s.whatsapp.net",
        chatKind: "private",
        text: "hola",
        replyToChannelMessageId: "w0",
        receivedAtMs: 1_700_000_000_000,
      },
      {
        channel: "whatsapp",
        channelMessageId: "w2",
        address: "573001112233@s.whatsapp.net",
        chatKind: "private",
        text: "5",
        button: { onChannelMessageId: "w9", optionIndex: 4 },
        receivedAtMs: 1_700_000_001_000,
      },
      {
        channel: "whatsapp",
        channelMessageId: "w3",
        address: "573001112233@s.whatsapp.net",
        chatKind: "private",
        text: "el hueco",
        media: { kind: "photo", fileRef: "m1", mimeType: "image/jpeg", keptByChannel: true },
        receivedAtMs: 1_700_000_002_000,
      },
      {
        channel: "whatsapp",
        channelMessageId: "w4",
        address: "573001112233@s.whatsapp.net",
        chatKind: "private",
        media: { kind: "location", fileRef: "geo:4.6,-74.08", keptByChannel: true },
        receivedAtMs: 1_700_000_003_000,
      },
      // A reaction gets the polite "what I can read" answer (see whatsapp-cloud-media.test.ts).
      {
        channel: "whatsapp",
        channelMessageId: "w5",
        address: "573001112233@s.whatsapp.net",
        chatKind: "private",
        media: { kind: "other", keptByChannel: true },
        receivedAtMs: 1_700_000_004_000,
      },
    ]);
    expect(content.statuses).toEqual([
      { channelMessageId: "w8", status: "failed", atMs: 1_700_000_005_000, errorCode: "131026" },
    ]);
    expect(
      parseWebhook(
        value({ messages: [{ from: "57300", id: "x", type: "text", text: { body: "hola" } }] }, "222"),
        "111",
        0,
      ).messages,
    ).toEqual([]);
  });

  it("reads a location's coordinates with the place's name and address; impossible coordinates give none", () => {
    const locations = [
      { latitude: 4.6097, longitude: -74.0817, name: "Parque Santander", address: "Cra. 7 #16" },
      { latitude: 4.6097, longitude: -74.0817 },
      { latitude: -95, longitude: -74.0817, name: "Ninguna parte" },
      { latitude: "x", longitude: -74.0817 },
    ];
    const content = parseWebhook(
      value({
        messages: locations.map((location, i) => ({ from: "573001112233", id: `l${i}`, type: "location", location })),
      }),
      "111",
      0,
    );
    expect(content.messages.map((m) => m.media)).toEqual([
      {
        kind: "location",
        fileRef: "geo:4.6097,-74.0817",
        placeName: "Parque Santander",
        placeAddress: "Cra. 7 #16",
        keptByChannel: true,
      },
      { kind: "location", fileRef: "geo:4.6097,-74.0817", keptByChannel: true },
      { kind: "location", placeName: "Ninguna parte", keptByChannel: true },
      { kind: "location", keptByChannel: true },
    ]);
  });
});

describe("send errors", () => {
  it("classifies Meta's codes", () => {
    expect(classifyGraphError({ httpStatus: 400, code: 130429 })).toMatchObject({ kind: "retry", scope: "channel" });
    expect(classifyGraphError({ httpStatus: 400, code: 131056 })).toMatchObject({
      kind: "retry",
      scope: "chat",
      retryAfterMs: 6000,
    });
    expect(classifyGraphError({ httpStatus: 503 })).toMatchObject({ kind: "retry" });
    expect(classifyGraphError({ httpStatus: 400, code: 131047 })).toMatchObject({
      kind: "permanent",
      code: "window_closed",
      unreachable: false,
    });
    expect(classifyGraphError({ httpStatus: 400, code: 131026 })).toMatchObject({
      kind: "permanent",
      unreachable: true,
    });
    expect(classifyGraphError({ httpStatus: 400, code: 132001 })).toMatchObject({
      kind: "permanent",
      unreachable: false,
    });
    // Faults of the whole account pause the channel (cloud-channel.ts), 100 and template errors fail the message.
    expect(
      [368, 131031, 131042, 131037, 133010, 10, 200, 100, 131009, 132001, 130497].map((code) =>
        isAccountFault({ httpStatus: 400, code }),
      ),
    ).toEqual([true, true, true, true, true, true, true, false, false, false, false]);
    expect([
      isTokenError({ httpStatus: 401 }),
      isTokenError({ httpStatus: 400, code: 190 }),
      isTokenError({ httpStatus: 400, code: 100 }),
    ]).toEqual([true, true, false]);
  });
});

describe("network failures", () => {
  it("a refused connection is a plain retry; a reset after the request may have sent it (ambiguous, issue 19)", async () => {
    const failWith = (code: string) =>
      createWhatsAppCloudChannel({
        graphUrl: "http://127.0.0.1:9",
        apiVersion: "v21.0",
        phoneNumberId: "111",
        accessToken: "token-token-token-token",
        ratePerSecond: 80,
        logger: pino({ level: "silent" }),
        nowMs: () => 0,
        labels,
        fetch: () => Promise.reject(Object.assign(new TypeError("fetch failed"), { cause: { code } })),
      });
    expect(await failWith("ECONNREFUSED").send({ address: "573001112233@s.whatsapp.net", text: "hola" })).toEqual({
      ok: false,
      kind: "retry",
      retryAfterMs: 0,
      reason: "network error (ECONNREFUSED)",
    });
    expect(await failWith("ECONNRESET").send({ address: "573001112233@s.whatsapp.net", text: "hola" })).toMatchObject({
      kind: "retry",
      ambiguous: true,
    });
    expect(await failWith("ECONNRESET").send({ address: "120363000000@g.us", text: "hola" })).toMatchObject({
      kind: "permanent",
      unreachable: false,
    });
  });
});

describe("signatures", () => {
  it("accepts only the HMAC-SHA256 of the exact raw body with the app secret", () => {
    const raw = Buffer.from('{"a":1}');
    const good = `sha256=${createHmac("sha256", "s3cret").update(raw).digest("hex")}`;
    expect(isValidSignature(raw, good, "s3cret")).toBe(true);
    expect(isValidSignature(Buffer.from('{"a": 1}'), good, "s3cret")).toBe(false);
    expect(isValidSignature(raw, good, "other")).toBe(false);
    expect(isValidSignature(raw, good.slice(0, -2), "s3cret")).toBe(false);
    expect(isValidSignature(raw, undefined, "s3cret")).toBe(false);
  });
});

describe("the 24-hour window", () => {
  const base = { templates: DEFAULT_WHATSAPP_TEMPLATES, optedIn: true, nowMs: 10 * WHATSAPP_WINDOW_MS };
  it("sends free-form inside the window and the kind's template outside it", () => {
    const origin = { idempotencyKey: "q:7:answer", priority: 0 };
    expect(decideWhatsAppSend({ ...base, origin, lastInboundMs: base.nowMs - 23 * 3_600_000 })).toEqual({
      mode: "free_form",
    });
    expect(decideWhatsAppSend({ ...base, origin, lastInboundMs: base.nowMs - 24 * 3_600_000 })).toMatchObject({
      mode: "template",
      template: { name: "rinde_respuesta" },
    });
    // The boundary: free-form stops 5 minutes early, so the message reaches Meta inside the 24 hours.
    const edge = base.nowMs - (WHATSAPP_WINDOW_MS - WINDOW_SAFETY_MARGIN_MS);
    expect(WINDOW_SAFETY_MARGIN_MS).toBe(5 * 60_000);
    expect(decideWhatsAppSend({ ...base, origin, lastInboundMs: edge + 1 }).mode).toBe("free_form");
    expect(decideWhatsAppSend({ ...base, origin, lastInboundMs: edge }).mode).toBe("template");
    expect(decideWhatsAppSend({ ...base, origin, lastInboundMs: undefined })).toMatchObject({
      mode: "template",
      kind: "answer",
    });
  });

  it("refuses bulk announcements and surveys without opt-in, even inside the window", () => {
    const lastInboundMs = base.nowMs - 1000;
    expect(
      decideWhatsAppSend({
        ...base,
        optedIn: false,
        lastInboundMs,
        origin: { idempotencyKey: "ann:3:9", priority: 1 },
      }),
    ).toEqual({ mode: "refuse", reason: "not_opted_in" });
    expect(
      decideWhatsAppSend({
        ...base,
        optedIn: false,
        lastInboundMs,
        origin: { idempotencyKey: "survey:i4:start", priority: 1 },
      }),
    ).toEqual({ mode: "refuse", reason: "not_opted_in" });
    // A survey about the citizen's own question is not bulk.
    expect(
      decideWhatsAppSend({
        ...base,
        optedIn: false,
        lastInboundMs,
        origin: { idempotencyKey: "survey:i4:start", priority: 0 },
      }),
    ).toEqual({ mode: "free_form" });
  });

  it("names each message's kind from its key", () => {
    const kinds = [
      "q:7:answer",
      "q:7:extended:2026-04-01",
      "q:7:new:official-3",
      "deadline:digest:salud:2026-03-02",
      "ann:1:2",
      "survey:i1:start",
      "cm:u3:cit9",
      "in:4",
      "ics:1:2:x",
    ].map((k) => templateKindOf({ idempotencyKey: k }));
    expect(kinds).toEqual([
      "answer",
      "question_update",
      "staff_notice",
      "staff_notice",
      "announcement",
      "survey",
      "commitment_update",
      "notice",
      "notice",
    ]);
  });

  it("flattens template parameters to one line and cuts long ones", () => {
    expect(templateParameter("Uno\n\n  dos\tcon     espacios")).toBe("Uno · dos con espacios");
    expect([...templateParameter("a".repeat(2000))]).toHaveLength(700);
    expect(templateParameter("  ")).toBe("-");
  });
});
