/** Answer templates per office and bulk assign in the inbox (issue 14), both audited. */
import { sqlRows } from "../helpers/storage.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileQuestion } from "../helpers/harness.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const OFFICE = "infraestructura";
const BODY =
  "Respecto de su petición {{radicado}}, {{dependencia}} programó una visita técnica.\nAtentamente, {{funcionario}}";

describe("answer templates", () => {
  let h: WebHarness;
  let reference: string;
  let head: WebClient;
  let ana: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    reference = await fileQuestion(h, "ciudadana");
    expect((await h.runtime.app.repos.questions.byReference(reference))!.officeKey).toBe(OFFICE);
    await h.addOfficial({
      name: "Jefa Infra",
      role: "head",
      officeKey: OFFICE,
      email: "jefa@x.co",
      address: "jefa-chat",
    });
    await h.addOfficial({
      name: "Ana Funcionaria",
      role: "official",
      officeKey: OFFICE,
      email: "ana@x.co",
      address: "ana-chat",
    });
    head = await h.signIn("jefa@x.co", "jefa-chat");
    ana = await h.signIn("ana@x.co", "ana-chat");
  });
  afterEach(async () => {
    await h.close();
  });

  const templates = async () =>
    await sqlRows<{ id: number; name: string; body: string; archived: number | null }>(
      h.runtime,
      "select id, name, body, archived_at_ms archived from answer_templates order by id",
    );
  const audit = async () =>
    await sqlRows<{ action: string; outcome: string; subject: string; before: string | null; after: string | null }>(
      h.runtime,
      "select action, outcome, subject, cast(before as text) before, cast(after as text) after from staff_audit where action like 'answer_template.%' order by id",
    );

  const create = async (client: WebClient, name: string, body: string) => {
    await client.get(`/admin/plantillas?oficina=${OFFICE}`);
    return await client.post("/admin/plantillas", {
      _idem: client.field("/admin/plantillas", "_idem"),
      oficina: OFFICE,
      nombre: name,
      texto: body,
    });
  };

  it("lets the head save a template once, audited; an official inserts it filled on the question page and sends it", async () => {
    const fields = { _idem: "", oficina: OFFICE, nombre: "Visita técnica", texto: BODY };
    await head.get(`/admin/plantillas?oficina=${OFFICE}`);
    fields._idem = head.field("/admin/plantillas", "_idem");
    const first = await head.post("/admin/plantillas", fields);
    const second = await head.post("/admin/plantillas", fields);
    expect(first.headers.location).toBe(`/admin/plantillas?oficina=${OFFICE}&hecho=guardada`);
    expect(second.headers.location).toContain("hecho=duplicado");
    expect(await templates()).toEqual([{ id: 1, name: "Visita técnica", body: BODY, archived: null }]);
    expect((await audit()).map((a) => ({ ...a, after: a.after && JSON.parse(a.after) }))).toEqual([
      {
        action: "answer_template.create",
        outcome: "ok",
        subject: OFFICE,
        before: null,
        after: {
          id: 1,
          officeKey: OFFICE,
          name: "Visita técnica",
          bodyLength: BODY.length,
          archived: false,
        },
      },
    ]);

    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).toMatch(
      /<select id="answer-template" name="plantilla">\s*<option value="1">Visita técnica<\/option>/,
    );
    const filled = await ana.get(`/admin/preguntas/${reference}?plantilla=1`);
    const text = /<textarea id="answer-text"[^>]*>([^<]*)<\/textarea>/.exec(filled.body)![1]!;
    expect(text).toBe(
      `Respecto de su petición ${reference}, Secretaría de Infraestructura programó una visita técnica.\nAtentamente, Ana Funcionaria`,
    );
    const sent = await ana.post(`/admin/preguntas/${reference}/responder`, {
      _idem: ana.field(`/admin/preguntas/${reference}/responder`, "_idem"),
      texto: text,
    });
    expect(sent.statusCode).toBe(303);
    await h.bot.dispatcher.tick();
    expect(h.last("ciudadana")).toContain("programó una visita técnica");
  });

  it("refuses an unknown variable beside the field and saves nothing; officials only read; a forged form does nothing", async () => {
    const bad = await create(head, "Mala", "Hola {{nombre}}, su radicado es {{radicado}}");
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/id="tpl-new-error">El texto usa una variable que no existe/);
    expect(bad.body).toMatch(/<textarea id="tpl-new-text"[^>]*aria-invalid="true"[^>]*>Hola \{\{nombre\}\}/);
    const byOfficial = await ana.post("/admin/plantillas", {
      _idem: "x".repeat(22),
      oficina: OFFICE,
      nombre: "Mía",
      texto: "Hola",
    });
    expect(byOfficial.statusCode).toBe(403);
    const forged = await head.post("/admin/plantillas", {
      _csrf: "forged",
      _idem: "y".repeat(22),
      oficina: OFFICE,
      nombre: "Falsa",
      texto: "Hola",
    });
    expect(forged.statusCode).toBe(403);
    expect(await templates()).toEqual([]);
    expect((await audit()).map((a) => `${a.action} ${a.outcome}`)).toEqual([
      "answer_template.create refused",
      "answer_template.create refused",
    ]);
    await create(head, "Saludo", "Buenos días.");
    const read = await ana.get(`/admin/plantillas?oficina=${OFFICE}`);
    expect(read.body).toContain("Buenos días.");
    expect(read.body).not.toContain('action="/admin/plantillas/1"');
  });

  it("edits and archives (before → after in the log); an archived template is no longer offered", async () => {
    await create(head, "Saludo", "Buenos días.");
    await head.get(`/admin/plantillas?oficina=${OFFICE}`);
    const edited = await head.post("/admin/plantillas/1", {
      _idem: head.field("/admin/plantillas/1", "_idem"),
      oficina: OFFICE,
      nombre: "Saludo formal",
      texto: "Cordial saludo.",
    });
    expect(edited.statusCode).toBe(303);
    await head.get(`/admin/plantillas?oficina=${OFFICE}`);
    await head.post("/admin/plantillas/1/archivar", {
      _idem: head.field("/admin/plantillas/1/archivar", "_idem"),
      oficina: OFFICE,
    });
    expect((await templates())[0]).toMatchObject({ name: "Saludo formal", body: "Cordial saludo." });
    expect((await templates())[0]!.archived).not.toBeNull();
    const [, update, archive] = await audit();
    expect(JSON.parse(update!.before!)).toMatchObject({ name: "Saludo" });
    expect(JSON.parse(update!.after!)).toMatchObject({ name: "Saludo formal" });
    expect(archive).toMatchObject({ action: "answer_template.archive", subject: "answer_template:1" });
    expect((await ana.get(`/admin/preguntas/${reference}`)).body).not.toContain('id="answer-template"');
    expect((await ana.get(`/admin/preguntas/${reference}?plantilla=1`)).body).toMatch(
      /<textarea id="answer-text"[^>]*><\/textarea>/,
    );
  });
});

describe("bulk assign in the inbox", () => {
  let h: WebHarness;
  let refs: string[];
  let anaId: number;
  let head: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    refs = [
      await fileQuestion(h, "c1"),
      await fileQuestion(h, "c2", "Hay un hueco enorme en la calle 10 del barrio Centro hace semanas"),
    ];
    await h.addOfficial({
      name: "Jefa Infra",
      role: "head",
      officeKey: OFFICE,
      email: "jefa@x.co",
      address: "jefa-chat",
    });
    anaId = await h.addOfficial({
      name: "Ana Funcionaria",
      role: "official",
      officeKey: OFFICE,
      email: "ana@x.co",
      address: "ana-chat",
    });
    head = await h.signIn("jefa@x.co", "jefa-chat");
  });
  afterEach(async () => {
    await h.close();
  });

  const assignees = async () =>
    await Promise.all(refs.map(async (r) => (await h.runtime.app.repos.questions.byReference(r))!.assignedTo));
  const bulk = async (client: WebClient, preguntas: string[], funcionario: string) => {
    await client.get(`/admin/bandeja?oficina=${OFFICE}&vista=nuevas`);
    return await client.post("/admin/bandeja/asignar", {
      _idem: client.field("/admin/bandeja/asignar", "_idem"),
      oficina: OFFICE,
      funcionario,
      preguntas,
      volver: client.field("/admin/bandeja/asignar", "volver").replace(/&amp;/g, "&"),
    });
  };

  it("assigns the ticked questions to one official, once, with history and one audit entry", async () => {
    const page = await head.get(`/admin/bandeja?oficina=${OFFICE}&vista=nuevas`);
    for (const r of refs)
      expect(page.body).toContain(`<input type="checkbox" name="preguntas" value="${r}" form="bulk-assign"`);
    const fields = {
      _idem: head.field("/admin/bandeja/asignar", "_idem"),
      oficina: OFFICE,
      funcionario: String(anaId),
      preguntas: refs,
      volver: `/admin/bandeja?oficina=${OFFICE}&vista=nuevas`,
    };
    const first = await head.post("/admin/bandeja/asignar", fields);
    const again = await head.post("/admin/bandeja/asignar", fields);
    expect(first.headers.location).toBe(`/admin/bandeja?oficina=${OFFICE}&vista=nuevas&hecho=asignadas`);
    expect(again.headers.location).toContain("hecho=duplicado");
    expect(await assignees()).toEqual([anaId, anaId]);
    for (const r of refs) {
      const q = (await h.runtime.app.repos.questions.byReference(r))!;
      expect((await h.runtime.app.repos.questions.history(q.id)).filter((e) => e.kind === "assigned")).toHaveLength(1);
    }
    const rows = await sqlRows<{ outcome: string; before: string; after: string }>(
      h.runtime,
      "select outcome, cast(before as text) before, cast(after as text) after from staff_audit where action = 'question.bulk_assign'",
    );
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.before)).toEqual({ assignedTo: { [refs[0]!]: null, [refs[1]!]: null } });
    expect(JSON.parse(rows[0]!.after)).toEqual({ assignedTo: anaId, questions: refs });
    expect((await head.get(`/admin/bandeja?oficina=${OFFICE}&vista=mias`)).statusCode).toBe(200);
  });

  it("changes nothing when one ticked question is of another office, none is ticked, or the official is of another office", async () => {
    await h.addOfficial({
      name: "Otro",
      role: "official",
      officeKey: "salud",
      email: "otro@x.co",
      address: "otro-chat",
    });
    const other = await h.runtime.app.repos.officials.list({ officeKey: "salud" });
    const foreign = await bulk(head, [refs[0]!, "RC-2026-999999"], String(anaId));
    expect(foreign.statusCode).toBe(422);
    expect(foreign.body).toMatch(
      /id="bulk-error" role="alert">Una de las preguntas marcadas no es de esta dependencia/,
    );
    expect((await bulk(head, [], String(anaId))).body).toContain("Marque al menos una pregunta");
    expect((await bulk(head, refs, String(other[0]!.id))).statusCode).toBe(422);
    expect(await assignees()).toEqual([null, null]);
  });

  it("offers no bulk form to internal control and refuses its post", async () => {
    await h.addOfficial({
      name: "Control",
      role: "internal_control",
      officeKey: null,
      email: "control@x.co",
      address: "control-chat",
    });
    const control = await h.signIn("control@x.co", "control-chat");
    const page = await control.get(`/admin/bandeja?oficina=${OFFICE}&vista=nuevas`);
    expect(page.body).not.toContain('id="bulk-assign"');
    const refused = await control.post("/admin/bandeja/asignar", {
      _idem: "z".repeat(22),
      oficina: OFFICE,
      funcionario: String(anaId),
      preguntas: refs,
      volver: `/admin/bandeja?oficina=${OFFICE}`,
    });
    expect(refused.statusCode).toBe(403);
    expect(await assignees()).toEqual([null, null]);
  });
});
