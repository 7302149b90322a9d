import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileQuestion } from "../helpers/harness.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { sqlRows } from "../helpers/storage.ts";

const CITIZEN = "ciudadana";

describe("back-office inbox and question page", () => {
  let h: WebHarness;
  let reference: string;
  let officeKey: string;
  let ana: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    reference = await fileQuestion(h, CITIZEN);
    officeKey = (await h.runtime.app.repos.questions.byReference(reference))!.officeKey;
    await h.addOfficial({
      name: "Ana Funcionaria",
      role: "official",
      officeKey,
      email: "ana@x.co",
      address: "ana-chat",
    });
    ana = await h.signIn("ana@x.co", "ana-chat");
  });
  afterEach(async () => {
    await h.close();
  });

  const question = async () => (await h.runtime.app.repos.questions.byReference(reference))!;
  const auditRows = async () =>
    await sqlRows(
      h.runtime,
      "select action, outcome, subject from staff_audit where action like 'question.%' order by id",
    );

  it("counts the days left from the day a weekend question counts as filed, never that day itself", async () => {
    // Saturday 7 March 2026: filed, it counts as filed on Monday 9 and its 15 days start on Tuesday 10.
    h.clock.advanceMs(5 * 86_400_000);
    const saturday = await fileQuestion(h, "sabatina", "Necesito saber cuándo arreglan el alumbrado del parque");
    const filed = (await h.runtime.app.repos.questions.byReference(saturday))!;
    expect(filed.dueDate).toBe("2026-03-31"); // 23 March is a holiday (San José)
    await h.runtime.app.repos.questions.update(filed.id, { officeKey, updatedAtMs: h.clock.nowMs() });
    // Sessions end after 30 idle minutes: sign in again on each day looked at.
    const daysLeftShown = async () =>
      /Quedan (\d+) días hábiles/.exec(
        (await (await h.signIn("ana@x.co", "ana-chat")).get(`/admin/preguntas/${saturday}`)).body,
      )?.[1];
    expect(await daysLeftShown()).toBe("15");
    // On Monday, the day it counts as filed, still 15; on Tuesday, the first day of the term, 14.
    h.clock.advanceMs(2 * 86_400_000);
    expect(await daysLeftShown()).toBe("15");
    h.clock.advanceMs(86_400_000);
    expect(await daysLeftShown()).toBe("14");
  });

  it("lists the office's new questions with counts and the business days left in words", async () => {
    const page = await ana.get("/admin/bandeja");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(reference);
    expect(page.body).toMatch(/Nuevas <span class="count">1<\/span>/);
    expect(page.body).toMatch(/Quedan 15 días hábiles/);
    expect(page.body).toContain("deadline-on_time");
    // Search by radicado goes straight to the question; by words filters the list.
    const byReference = await ana.get(`/admin/bandeja?q=${reference.toLowerCase()}`);
    expect(byReference.headers.location).toBe(`/admin/preguntas/${reference}`);
    expect((await ana.get("/admin/bandeja?q=hueco+Prado")).body).toContain(reference);
    expect((await ana.get("/admin/bandeja?q=semáforo")).body).not.toContain(reference);
  });

  it("lists a shared location with its coordinates and a map link that opens in another tab", async () => {
    await h.runtime.app.repos.attachments.add(
      (await question()).id,
      [
        { channel: "memory", kind: "photo", fileRef: "ph-1", mimeType: "image/jpeg" },
        {
          channel: "memory",
          kind: "location",
          fileRef: "geo:4.6097102,-74.0817534",
          placeName: "Parque <b>Santander</b>",
          placeAddress: "Cra. 7 #16",
        },
      ],
      h.clock.nowMs(),
    );
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<h3>Adjuntos</h3>");
    expect(page.body).toContain("<li>Foto <span");
    expect(page.body).toContain(
      '<li class="place">Ubicación: 4.6097102, -74.0817534 (Parque &lt;b&gt;Santander&lt;/b&gt;, Cra. 7 #16) · ' +
        '<a href="https://www.openstreetmap.org/?mlat=4.6097102&amp;mlon=-74.0817534#map=18/4.6097102/-74.0817534" ' +
        'target="_blank" rel="noopener noreferrer">Ver en el mapa (se abre en otra pestaña)</a></li>',
    );
    // The page loads nothing from the map's site: the link is only followed when clicked.
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).not.toMatch(/<(img|script|iframe|link)[^>]+openstreetmap/);
  });

  it("answers with a preview of exactly what the citizen receives, and the citizen receives it", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    expect(ana.lastHtml).toContain("Hay un hueco muy grande");
    const preview = await ana.post(
      `/admin/preguntas/${reference}/vista-previa`,
      { texto: "Repararemos la vía el 10 de marzo." },
      { "hx-request": "true" },
    );
    expect(preview.body).toContain("Repararemos la vía el 10 de marzo.");
    expect(preview.body).toContain(reference);
    const idem = ana.field(`/admin/preguntas/${reference}/responder`, "_idem");
    const response = await ana.post(`/admin/preguntas/${reference}/responder`, {
      _idem: idem,
      texto: "Repararemos la vía el 10 de marzo.",
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/admin/preguntas/${reference}?hecho=responder`);
    await h.bot.dispatcher.tick();
    expect(h.last(CITIZEN)).toContain("Repararemos la vía el 10 de marzo.");
    expect((await question()).status).toBe("answered");
    expect(await auditRows()).toEqual([{ action: "question.answer", outcome: "ok", subject: reference }]);
  });

  it("acts once on a double submit of the same form", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    const fields = {
      _idem: ana.field(`/admin/preguntas/${reference}/nota`, "_idem"),
      texto: "Llamar a la interventoría",
    };
    const first = await ana.post(`/admin/preguntas/${reference}/nota`, fields);
    const second = await ana.post(`/admin/preguntas/${reference}/nota`, fields);
    expect(first.headers.location).toContain("hecho=nota");
    expect(second.headers.location).toContain("hecho=duplicado");
    expect(
      (await h.runtime.app.repos.questions.history((await question()).id)).filter((e) => e.kind === "note"),
    ).toHaveLength(1);
    // An answer submitted twice goes to the citizen once.
    await ana.get(`/admin/preguntas/${reference}`);
    const answer = { _idem: ana.field(`/admin/preguntas/${reference}/responder`, "_idem"), texto: "Respuesta única" };
    await Promise.all([
      ana.post(`/admin/preguntas/${reference}/responder`, answer),
      ana.post(`/admin/preguntas/${reference}/responder`, answer),
    ]);
    await h.bot.dispatcher.tick();
    expect(h.channel.to(CITIZEN).filter((m) => m.text.includes("Respuesta única"))).toHaveLength(1);
  });

  it("refuses an extension beyond twice the term, shows the limit beside the field, and changes nothing", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    expect(ana.lastHtml).toContain("no puede pasar del");
    const before = (await question()).dueDate;
    const response = await ana.post(`/admin/preguntas/${reference}/prorrogar`, {
      _idem: ana.field(`/admin/preguntas/${reference}/prorrogar`, "_idem"),
      fecha: "2026-06-30",
      motivo: "Visita técnica",
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatch(/id="extend-error"[^>]*>La nueva fecha no puede ser posterior al/);
    expect((await question()).dueDate).toBe(before);
    expect(await auditRows()).toEqual([{ action: "question.extend", outcome: "refused", subject: reference }]);
    // Within the limit it is accepted and the citizen is told.
    const ok = await ana.post(`/admin/preguntas/${reference}/prorrogar`, {
      _idem: ana.field(`/admin/preguntas/${reference}/prorrogar`, "_idem"),
      fecha: "2026-04-07",
      motivo: "Visita técnica",
    });
    expect(ok.statusCode).toBe(303);
    expect((await question()).dueDate).toBe("2026-04-07");
  });

  it("reassigns with a reason; the other office's inbox shows it and ours no longer does", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    const target = h.runtime.app.profile.offices.find((o) => o.key !== officeKey)!.key;
    const missing = await ana.post(`/admin/preguntas/${reference}/reasignar`, {
      _idem: ana.field(`/admin/preguntas/${reference}/reasignar`, "_idem"),
      oficina: target,
      motivo: "  ",
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain("Escriba el motivo");
    const ok = await ana.post(`/admin/preguntas/${reference}/reasignar`, {
      _idem: ana.field(`/admin/preguntas/${reference}/reasignar`, "_idem"),
      oficina: target,
      motivo: "Es de su competencia",
    });
    expect(ok.statusCode).toBe(303);
    expect((await question()).officeKey).toBe(target);
    // Ana's office no longer holds it, and she may not see the other office's question.
    expect((await ana.get("/admin/bandeja")).body).not.toContain(reference);
    expect((await ana.get(`/admin/preguntas/${reference}`)).statusCode).toBe(403);
  });

  it("refuses actions to a role that may not act, and nothing changes", async () => {
    await h.addOfficial({
      name: "Carlos Control",
      role: "internal_control",
      officeKey: null,
      email: "carlos@x.co",
      address: "carlos-chat",
    });
    await h.addOfficial({
      name: "Otra Oficina",
      role: "official",
      officeKey: h.runtime.app.profile.offices.find((o) => o.key !== officeKey)!.key,
      email: "otra@x.co",
      address: "otra-chat",
    });
    const control = await h.signIn("carlos@x.co", "carlos-chat");
    // Internal control reads the question but gets no action forms, and a forged post is refused.
    const page = await control.get(`/admin/preguntas/${reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("/responder");
    const forged = await control.post(`/admin/preguntas/${reference}/responder`, {
      _idem: "x".repeat(22),
      texto: "No debería salir",
    });
    expect(forged.statusCode).toBe(403);
    const other = await h.signIn("otra@x.co", "otra-chat");
    await other.get("/admin/bandeja");
    expect(
      (await other.post(`/admin/preguntas/${reference}/responder`, { _idem: "y".repeat(22), texto: "Tampoco" }))
        .statusCode,
    ).toBe(403);
    await h.bot.dispatcher.tick();
    expect((await question()).status).toBe("open");
    expect(h.channel.to(CITIZEN).some((m) => /No debería salir|Tampoco/.test(m.text))).toBe(false);
    expect(await auditRows()).toEqual([
      { action: "question.answer", outcome: "refused", subject: reference },
      { action: "question.answer", outcome: "refused", subject: reference },
    ]);
  });

  it("asks the citizen for information, assigns to a colleague, and shows it in 'asignadas a mí' and 'esperando'", async () => {
    const me = (await h.runtime.app.repos.staffAuth.officialByEmail("ana@x.co"))!;
    await ana.get(`/admin/preguntas/${reference}`);
    expect(
      (
        await ana.post(`/admin/preguntas/${reference}/asignar`, {
          _idem: ana.field(`/admin/preguntas/${reference}/asignar`, "_idem"),
          funcionario: String(me.id),
        })
      ).statusCode,
    ).toBe(303);
    expect((await ana.get("/admin/bandeja?vista=mias")).body).toContain(reference);
    await ana.get(`/admin/preguntas/${reference}`);
    const response = await ana.post(`/admin/preguntas/${reference}/pedir-informacion`, {
      _idem: ana.field(`/admin/preguntas/${reference}/pedir-informacion`, "_idem"),
      texto: "¿En qué dirección exacta?",
    });
    expect(response.statusCode).toBe(303);
    await h.bot.dispatcher.tick();
    expect(h.last(CITIZEN)).toContain("¿En qué dirección exacta?");
    const waiting = await ana.get("/admin/bandeja?vista=esperando");
    expect(waiting.body).toContain(reference);
    expect(waiting.body).toContain("En pausa");
    const timeline = await ana.get(`/admin/preguntas/${reference}`);
    expect(timeline.body).toContain("Se pidió información");
    expect(timeline.body).toContain("Ana Funcionaria");
  });

  it("pages the inbox by keyset without repeating or skipping questions", async () => {
    const { repos, clock } = h.runtime.app;
    const base = await question();
    for (let i = 0; i < 60; i++) {
      await repos.questions.insert({
        ...base,
        reference: `RC-2026-9${String(i).padStart(5, "0")}`,
        dueDate: `2026-04-${String(1 + (i % 20)).padStart(2, "0")}`,
        filedAtMs: clock.nowMs(),
        updatedAtMs: clock.nowMs(),
        termStartedAtMs: clock.nowMs(),
        eventId: null,
      });
    }
    const seen: string[] = [];
    let url: string | undefined = "/admin/bandeja?vista=nuevas";
    while (url) {
      const page = await ana.get(url);
      seen.push(
        ...[...page.body.matchAll(/<th scope="row"><a href="\/admin\/preguntas\/(RC-[\d-]+)"/g)].map((m) => m[1]!),
      );
      url = /href="([^"]+)" rel="next"/.exec(page.body)?.[1]?.replaceAll("&amp;", "&");
    }
    expect(seen).toHaveLength(61);
    expect(new Set(seen).size).toBe(61);
  });
});
