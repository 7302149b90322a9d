/**
 * Issue 15: an answer with the asking citizen's personal data is held back from the public pages
 * until the office writes or confirms a version for publication, and the back-office question page
 * says so. The office also decides there whether the answer is published and the question's summary.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileQuestion } from "../helpers/harness.ts";
import { runOn } from "../helpers/cli.ts";
import { sqlRows } from "../helpers/storage.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const CITIZEN = "573004445566";
const ANSWER = "Señora Lucía Fernanda: reparamos el hueco el 10 de marzo. Cualquier cosa le avisamos al 300 444 5566.";
const VERSION = "Reparamos el hueco de la vía principal de El Prado el 10 de marzo.";

describe("publication from the back-office question page", () => {
  let h: WebHarness;
  let reference: string;
  let ana: WebClient;
  let other: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    reference = await fileQuestion(
      h,
      CITIZEN,
      "Soy Lucía Fernanda Ortiz y hay un hueco muy grande en la vía principal del barrio El Prado",
    );
    const officeKey = (await h.runtime.app.repos.questions.byReference(reference))!.officeKey;
    await h.addOfficial({ name: "Ana Funcionaria", role: "official", officeKey, email: "ana@x.co", address: "ana" });
    const otherOffice = h.runtime.app.profile.offices.find((o) => o.key !== officeKey)!.key;
    await h.addOfficial({ name: "Otro", role: "official", officeKey: otherOffice, email: "o@x.co", address: "otro" });
    ana = await h.signIn("ana@x.co", "ana");
    other = await h.signIn("o@x.co", "otro");
  });
  afterEach(async () => {
    await h.close();
  });

  const publicPages = async () => {
    const pages = [];
    for (const url of ["/datos/preguntas_espacios_dialogo.csv", "/preguntas?evento=1", "/eventos/1"])
      pages.push((await h.server.inject({ method: "GET", url })).body);
    return pages.join("\n");
  };
  const submit = async (client: WebClient, form: string, fields: Record<string, string>) => {
    await client.get(`/admin/preguntas/${reference}`);
    const action = `/admin/preguntas/${reference}/${form}`;
    return await client.post(action, { _idem: client.field(action, "_idem"), ...fields });
  };

  it("holds back an answer with the citizen's data, says so, and publishes the office's version", async () => {
    // An ordinary petition: not published by default. The office decides to publish it.
    await ana.get(`/admin/preguntas/${reference}`);
    expect(ana.lastHtml).toContain("La respuesta no se publica (es una petición ordinaria");
    const chosen = await submit(ana, "publicar", { publicar: "si", resumen: "Hueco en la vía principal de El Prado" });
    expect(chosen.statusCode).toBe(303);
    expect(chosen.headers.location).toBe(`/admin/preguntas/${reference}?hecho=publicar`);
    expect((await submit(ana, "responder", { texto: ANSWER })).statusCode).toBe(303);

    const petitions = async () => (await h.server.inject({ method: "GET", url: "/preguntas/peticiones" })).body;
    expect(await petitions()).toContain("Respuesta en revisión de datos personales");
    expect(await petitions()).not.toContain("444 5566");
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).toContain("La respuesta no se muestra en la página pública porque puede tener datos personales");
    expect(page.body).toContain("número de teléfono");
    expect(page.body).toContain("nombre de una persona");
    expect(page.body).toContain("chat de quien preguntó");

    // Another office's official sees the page's state but may not change it.
    expect((await other.get(`/admin/preguntas/${reference}`)).statusCode).toBe(403);
    // The office's version, confirmed; audited with before and after.
    const saved = await submit(ana, "version-publica", { respuesta: VERSION, confirmo: "si" });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/admin/preguntas/${reference}?hecho=version-publica`);
    const q = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(q.publishedAnswer).toBe(VERSION);
    expect(q.answerText).toBe(ANSWER);
    expect(await petitions()).toContain(VERSION);
    const after = await ana.get(`/admin/preguntas/${reference}`);
    expect(after.body).toContain("La página pública muestra esta versión de la respuesta");
    expect(after.body).toContain("Cambió lo que se publica en la página pública");
    const audit = await sqlRows(
      h.runtime,
      "select action, outcome from staff_audit where action = 'question.publication' order by id",
    );
    expect(audit).toEqual([
      { action: "question.publication", outcome: "ok" },
      { action: "question.publication", outcome: "ok" },
    ]);
  });

  it("tells the official who answers, in the chat or the CLI, that the answer is held back and where to fix it", async () => {
    expect((await submit(ana, "publicar", { publicar: "si" })).statusCode).toBe(303);
    const replies = await h.say("ana", `/responder ${reference} ${ANSWER}`);
    const reply = replies.map((r) => r.text).join("\n");
    expect(reply).toContain(`la respuesta a ${reference} quedó registrada`);
    expect(reply).toContain(
      "Ojo: esta respuesta se publica en la página de rendición de cuentas, pero tiene datos personales (número de teléfono, nombre de una persona, número o identificador del chat de quien preguntó).",
    );
    expect(reply).toContain(`/admin/preguntas/${reference}`);

    // Another published question answered from the CLI without personal data: nothing more said.
    const second = await fileQuestion(h, "573007778899", "Cuándo abren la biblioteca del barrio Centro los domingos");
    expect((await runOn(h.runtime, ["questions", "publish", second, "--answer"])).status).toBe(0);
    const clean = await runOn(h.runtime, ["questions", "answer", second, "--text", "Abre los domingos de 9 a 13."]);
    expect(clean.stdout).toBe(`${second} respondida; la respuesta le llegará al ciudadano.\n`);
    const third = await fileQuestion(h, "573001112299", "Cuándo abren el parque del barrio Centro los domingos");
    expect((await runOn(h.runtime, ["questions", "publish", third, "--answer"])).status).toBe(0);
    const held = await runOn(h.runtime, [
      "questions",
      "answer",
      third,
      "--text",
      "Abre los domingos. Escríbanos a parques@correo.co si necesita algo.",
    ]);
    expect(held.stdout).toContain("tiene datos personales (correo electrónico)");
    expect(held.stdout).toContain(`con la CLI: rinde questions publish ${third} --public-answer "…"`);
  });

  it("refuses a version without the confirmation box", async () => {
    expect((await submit(ana, "publicar", { publicar: "si", resumen: "" })).statusCode).toBe(303);
    expect((await submit(ana, "responder", { texto: ANSWER })).statusCode).toBe(303);
    const refused = await submit(ana, "version-publica", { respuesta: VERSION });
    expect(refused.statusCode).toBe(422);
    expect((await h.runtime.app.repos.questions.byReference(reference))!.publishedAnswer).toBeNull();
  });

  it("shows a held-back dialogue answer as under review on the public pages until the office's version", async () => {
    const app = h.runtime.app;
    const { createEvent } = await import("../../src/services/events/events.ts");
    const { fileQuestion: file, answerQuestion } = await import("../../src/services/questions/questions.ts");
    const now = app.clock.nowMs();
    const made = await createEvent(
      app,
      { kind: "cli" },
      {
        kind: "public_hearing",
        title: "Audiencia",
        description: "",
        startsAtMs: now + 86_400_000,
        endsAtMs: now + 90_000_000,
        place: "Coliseo",
        virtualUrl: null,
        officeKey: null,
        districts: [],
        topics: [],
      },
    );
    if (!made.ok) throw new Error(JSON.stringify(made.error));
    const citizenId = (await app.repos.citizens.findContext("memory", CITIZEN))!.citizenId;
    const filed = await file(app, {
      citizenId,
      channel: "memory",
      text: "Soy Lucía Fernanda Ortiz, ¿cuándo arreglan el parque?",
      officeKey: "infraestructura",
      requestType: "dialogue",
      eventId: made.event.id,
    });
    if (!filed.ok) throw new Error(filed.error);
    reference = filed.question.reference;
    const answered = await answerQuestion(app, { kind: "cli" }, reference, ANSWER);
    expect(answered.ok).toBe(true);
    let pages = await publicPages();
    expect(pages).not.toContain("Lucía");
    expect(pages).not.toContain("444 5566");
    expect(pages).toContain("Respuesta en revisión de datos personales");
    await h.addOfficial({ name: "Jefe", role: "head", officeKey: "infraestructura", email: "j@x.co", address: "jefe" });
    const admin = await h.signIn("j@x.co", "jefe");
    expect((await submit(admin, "version-publica", { respuesta: VERSION, confirmo: "si" })).statusCode).toBe(303);
    pages = await publicPages();
    expect(pages).toContain(VERSION);
    expect(pages).not.toContain("Respuesta en revisión de datos personales");
  });
});
