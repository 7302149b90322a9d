/**
 * A citizen's photos and documents opened from the question page (GET /admin/preguntas/:ref/adjuntos/:id):
 * streamed through our server from the fake Telegram Bot API (getFile, then the file URL, which
 * carries the bot token) and the fake Graph API (media id → short-lived URL, both with the access
 * token), with readers built from configuration as src/main.ts builds them.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { channelFilesFromEnv } from "../../src/channels/file-readers.ts";
import { loadEnv } from "../../src/config/env.ts";
import type { NewAttachment } from "../../src/db/repositories/attachments.ts";
import { createFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-bot-api.ts";
import { createFakeGraphApi, type FakeGraphApi } from "../fakes/whatsapp-graph-api.ts";
import { fileQuestion } from "../helpers/harness.ts";
import { sqlRows } from "../helpers/storage.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const WHATSAPP_TOKEN = "EAAG-secret-access-token-0123456789";
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]);

describe("back-office: a citizen's files from the channel that keeps them", () => {
  let telegram: FakeTelegramApi;
  let graph: FakeGraphApi;
  let h: WebHarness;
  let reference: string;
  let ana: WebClient;
  const logged: string[] = [];

  beforeEach(async () => {
    telegram = await createFakeTelegramApi();
    graph = await createFakeGraphApi();
    logged.length = 0;
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    });
    const env = loadEnv({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WHATSAPP_ACCESS_TOKEN: WHATSAPP_TOKEN,
      WHATSAPP_GRAPH_URL: graph.url,
    });
    h = await createWebHarness({
      web: { fileReaders: channelFilesFromEnv(env), logger: { level: "info" } as never },
    });
    reference = await fileQuestion(h, "ciudadana");
    const officeKey = (await question()).officeKey;
    await h.addOfficial({ name: "Ana", role: "official", officeKey, email: "ana@x.co", address: "ana-chat" });
    ana = await h.signIn("ana@x.co", "ana-chat");
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.close();
    await telegram.close();
    await graph.close();
  });

  const question = async () => (await h.runtime.app.repos.questions.byReference(reference))!;
  /** Adds attachments to the question; returns their ids in order. */
  const attach = async (...attachments: NewAttachment[]): Promise<number[]> => {
    const { id } = await question();
    const before = (await h.runtime.app.repos.attachments.forQuestion(id)).length;
    await h.runtime.app.repos.attachments.add(id, attachments, h.clock.nowMs());
    return (await h.runtime.app.repos.attachments.forQuestion(id)).slice(before).map((a) => a.id);
  };
  const fileUrl = (id: number) => `/admin/preguntas/${reference}/adjuntos/${id}`;
  /** The audit's file views, `after` parsed (text on SQLite, jsonb on PostgreSQL). */
  const views = async () =>
    (
      await sqlRows<{ official_id: number; action: string; subject: string; outcome: string; after: unknown }>(
        h.runtime,
        "select official_id, action, subject, outcome, after from staff_audit where action = 'question.attachment_view' order by id",
      )
    ).map((row) => ({ ...row, after: typeof row.after === "string" ? (JSON.parse(row.after) as unknown) : row.after }));
  const expectNoSecrets = (text: string) => {
    expect(text).not.toContain(telegram.token);
    expect(text).not.toContain(WHATSAPP_TOKEN);
  };

  it("an official of the office sees a Telegram photo as a thumbnail and opens it: the same bytes, inline, no-store, audited", async () => {
    const photo = telegram.registerFile(PHOTO, "file_7.jpg");
    const [id] = await attach({ channel: "telegram", kind: "photo", fileRef: photo.file_id });
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).toContain(
      `<a class="file-link thumb" href="${fileUrl(id!)}"><img src="${fileUrl(id!)}" alt="" loading="lazy"><span>Ver archivo</span></a>`,
    );
    // The thumbnail comes from our own origin, which the page's CSP allows.
    expect(page.headers["content-security-policy"]).toMatch(/img-src 'self'/);

    const file = await ana.get(fileUrl(id!));
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PHOTO)).toBe(true);
    expect(file.headers["content-type"]).toBe("image/jpeg");
    expect(file.headers["content-disposition"]).toBe(
      `inline; filename="${reference}-adjunto-${id}.jpg"; filename*=UTF-8''${reference}-adjunto-${id}.jpg`,
    );
    expect(file.headers["cache-control"]).toBe("private, no-store");
    expect(file.headers["x-content-type-options"]).toBe("nosniff");
    expect(file.headers["content-security-policy"]).toContain("sandbox");
    expect(file.headers.location).toBeUndefined();
    expectNoSecrets(JSON.stringify(file.headers));
    expect(telegram.calls("getFile").map((c) => c.params.file_id)).toEqual([photo.file_id]);

    // One entry per official, file and day: the thumbnail reloads with every visit.
    await ana.get(fileUrl(id!));
    const official = (await h.runtime.app.repos.officials.list({})).find((o) => o.name === "Ana")!;
    expect(await views()).toEqual([
      {
        official_id: official.id,
        action: "question.attachment_view",
        subject: reference,
        outcome: "ok",
        after: { attachmentId: id, kind: "photo", channel: "telegram" },
      },
    ]);
  });

  it("a document is downloaded with its name; HTML and SVG are never served as themselves", async () => {
    const pdf = telegram.registerFile(Buffer.from("%PDF-1.4 oficio"), "oficio.pdf");
    const html = telegram.registerFile(Buffer.from("<script>alert(1)</script>"), "pagina.html");
    const svg = telegram.registerFile(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), "dibujo.svg");
    const [pdfId, htmlId, svgId] = await attach(
      {
        channel: "telegram",
        kind: "document",
        fileRef: pdf.file_id,
        fileName: 'Oficio Nº 3 "urgente".pdf',
        mimeType: "application/pdf",
      },
      { channel: "telegram", kind: "document", fileRef: html.file_id, fileName: "pagina.html", mimeType: "text/html" },
      { channel: "telegram", kind: "photo", fileRef: svg.file_id, fileName: "dibujo.svg", mimeType: "image/svg+xml" },
    );
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).toContain(`· <a class="file-link" href="${fileUrl(pdfId!)}" download>Descargar</a>`);

    const document = await ana.get(fileUrl(pdfId!));
    expect(document.statusCode).toBe(200);
    expect(document.body).toBe("%PDF-1.4 oficio");
    expect(document.headers["content-type"]).toBe("application/pdf");
    expect(document.headers["content-disposition"]).toBe(
      `attachment; filename="Oficio N_ 3 _urgente_.pdf"; filename*=UTF-8''Oficio%20N%C2%BA%203%20_urgente_.pdf`,
    );
    for (const id of [htmlId!, svgId!]) {
      const active = await ana.get(fileUrl(id));
      expect(active.headers["content-type"]).toBe("application/octet-stream");
      expect(active.headers["content-disposition"]).toMatch(/^attachment;/);
      expect(active.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("WhatsApp Cloud: fetched with the access token; an expired media id says where to look instead", async () => {
    graph.media.set("wamid-media-1", { mimeType: "image/png", bytes: PHOTO });
    const [kept, expired] = await attach(
      { channel: "whatsapp", kind: "photo", fileRef: "wamid-media-1", mimeType: "image/png" },
      { channel: "whatsapp", kind: "document", fileRef: "wamid-media-gone", mimeType: "application/pdf" },
    );
    const file = await ana.get(fileUrl(kept!));
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PHOTO)).toBe(true);
    expect(file.headers["content-type"]).toBe("image/png");
    expect(file.headers["cache-control"]).toBe("private, no-store");
    const gets = graph.requests.filter((r) => r.method === "GET");
    expect(gets.map((r) => r.path)).toEqual([
      expect.stringMatching(/^\/v\d+\.\d+\/wamid-media-1$/),
      "/download/wamid-media-1",
    ]);
    expect(gets.every((r) => r.authorization === `Bearer ${WHATSAPP_TOKEN}`)).toBe(true);

    const gone = await ana.get(fileUrl(expired!));
    expect(gone.statusCode).toBe(410);
    expect(gone.headers["content-type"]).toMatch(/^text\/html/);
    expect(gone.body).toContain("El archivo ya no está disponible en WhatsApp; búsquelo en el chat de la dependencia.");
    expectNoSecrets(gone.body);
    expect(await views()).toHaveLength(1);
  });

  it("refuses an official of another office (403, audited) and answers 404 for a file not in the question; unreadable channels get no link", async () => {
    const photo = telegram.registerFile(PHOTO, "file_8.jpg");
    const [id, memory] = await attach(
      { channel: "telegram", kind: "photo", fileRef: photo.file_id },
      { channel: "memory", kind: "photo", fileRef: "ph-1", mimeType: "image/jpeg" },
    );
    const { officeKey } = await question();
    const other = (await h.runtime.app.repos.offices.list()).find((o) => o.key !== officeKey)!;
    await h.addOfficial({
      name: "Bruno",
      role: "official",
      officeKey: other.key,
      email: "bruno@x.co",
      address: "bruno-chat",
    });
    const bruno = await h.signIn("bruno@x.co", "bruno-chat");
    const refused = await bruno.get(fileUrl(id!));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain("Su rol no permite esta acción en esta dependencia.");
    expect(telegram.calls("getFile")).toEqual([]);
    expect((await views()).map((v) => v.outcome)).toEqual(["refused"]);

    // Another question's attachment id, an unknown one, a bad one, and an unknown radicado.
    expect((await ana.get(fileUrl(id! + 100))).statusCode).toBe(404);
    expect((await ana.get(`/admin/preguntas/${reference}/adjuntos/abc`)).statusCode).toBe(404);
    expect((await ana.get(`/admin/preguntas/RC-2020-999999/adjuntos/${id}`)).statusCode).toBe(404);
    const notServed = await ana.get(fileUrl(memory!));
    expect(notServed.statusCode).toBe(404);
    expect(notServed.body).toContain("Búsquelo en el chat de la dependencia.");
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).not.toContain(`href="${fileUrl(memory!)}"`);
    expect(page.body).toContain("también llegaron al chat de la dependencia");
  });

  it("Telegram down: a polite 502, logged without the token or the radicado; over 20 MB: Telegram's limit explained", async () => {
    const photo = telegram.registerFile(PHOTO, "file_9.jpg");
    const big = telegram.registerFile(Buffer.alloc(20 * 1024 * 1024 + 1), "video.mp4");
    const [id, bigId] = await attach(
      { channel: "telegram", kind: "photo", fileRef: photo.file_id },
      { channel: "telegram", kind: "document", fileRef: big.file_id, fileName: "video.mp4", mimeType: "video/mp4" },
    );
    const tooBig = await ana.get(fileUrl(bigId!));
    expect(tooBig.statusCode).toBe(422);
    expect(tooBig.body).toContain("El archivo pesa más de 20 MB y no se puede abrir desde aquí.");

    telegram.outage();
    const down = await ana.get(fileUrl(id!));
    expect(down.statusCode).toBe(502);
    expect(down.body).toContain("Telegram no respondió y no pudimos traer el archivo.");
    expectNoSecrets(down.body + JSON.stringify(down.headers));
    const output = logged.join("");
    expect(output).toContain("backoffice.file_failed");
    expectNoSecrets(output);
    expect(output).not.toContain(reference);
    expect(output).not.toContain(photo.file_id);
    expect(await views()).toEqual([]);
  });
});
