/**
 * The back-office's "Trasladar a otra entidad" (Ley 1755 de 2015, art. 21) on the question page:
 * a preview of the citizen's notice, errors beside each field in Spanish with nothing saved, the
 * CSRF check, a role that may not act, a double submit acting once, and the question out of the
 * open inbox views and findable under "Trasladadas".
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileQuestion } from "../helpers/harness.ts";
import { sqlRows } from "../helpers/storage.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const CITIZEN = "ciudadana";
const ENTITY = "Superintendencia de Servicios Públicos Domiciliarios";
const REASON = "El cobro de la energía lo vigila la Superintendencia";

describe("back-office: transfer to another entity", () => {
  let h: WebHarness;
  let reference: string;
  let ana: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    reference = await fileQuestion(h, CITIZEN);
    const officeKey = (await h.runtime.app.repos.questions.byReference(reference))!.officeKey;
    await h.addOfficial({ name: "Ana Funcionaria", role: "official", officeKey, email: "ana@x.co", address: "ana" });
    ana = await h.signIn("ana@x.co", "ana");
  });
  afterEach(async () => {
    await h.close();
  });

  const url = () => `/admin/preguntas/${reference}/trasladar`;
  const question = async () => (await h.runtime.app.repos.questions.byReference(reference))!;
  const transferAudit = async () =>
    await sqlRows<{ outcome: string; via: string }>(
      h.runtime,
      "select outcome, via from staff_audit where action = 'question.transfer' order by id",
    );

  it("previews the citizen's notice, transfers, tells the citizen, and moves the question to «Trasladadas»", async () => {
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).toContain("Trasladar a otra entidad");
    expect(page.body).toMatch(/a más tardar el [^<]*9 de marzo de 2026/);
    const preview = await ana.post(
      `/admin/preguntas/${reference}/vista-previa-traslado`,
      { entidad: ENTITY, correo: "", referencia: "", motivo: REASON },
      { "hx-request": "true" },
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain(`le corresponde a ${ENTITY}`);
    expect(preview.body).toContain(reference);
    expect((await question()).status).toBe("open"); // a preview saves nothing
    const response = await ana.post(url(), {
      _idem: ana.field(url(), "_idem"),
      entidad: ENTITY,
      correo: "",
      referencia: "OF-77",
      motivo: REASON,
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/admin/preguntas/${reference}?hecho=trasladar`);
    expect((await question()).status).toBe("transferred");
    await h.bot.dispatcher.tick();
    expect(h.last(CITIZEN)).toContain(`le corresponde a ${ENTITY}`);
    expect(await transferAudit()).toEqual([{ outcome: "ok", via: "web" }]);
    const after = await ana.get(response.headers.location as string);
    expect(after.body).toContain("Pregunta trasladada y aviso enviado al ciudadano.");
    expect(after.body).toContain(`Trasladada a ${ENTITY} el`);
    expect(after.body).toContain("dentro del término");
    expect(after.body).toContain("Número del traslado: OF-77");
    expect(after.body).not.toContain(url()); // no more actions on it
    const inbox = await ana.get("/admin/bandeja");
    expect(inbox.body).not.toContain(`>${reference}<`);
    expect(inbox.body).toMatch(/Trasladadas <span class="count">1<\/span>/);
    expect(inbox.body).toMatch(/Nuevas <span class="count">0<\/span>/);
    expect((await ana.get("/admin/bandeja?vista=trasladadas")).body).toContain(reference);
  });

  it("shows each error beside its field in Spanish, keeps what was typed, and saves nothing", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    const response = await ana.post(url(), {
      _idem: ana.field(url(), "_idem"),
      entidad: "  ",
      correo: "radicacion@",
      referencia: "",
      motivo: REASON,
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatch(
      /id="transfer-entity-error">Escriba el nombre de la entidad que debe responder\.<\/p>\s*<input id="transfer-entity"/,
    );
    expect(response.body).toMatch(/id="transfer-email-error">Escriba un solo correo válido/);
    expect(response.body).toContain(REASON); // the reason typed is kept
    expect(response.body).toMatch(/<details class="card" id="transfer" open>/);
    expect((await question()).status).toBe("open");
    expect(await transferAudit()).toEqual([]);
  });

  it("refuses a forged CSRF token and a role that may not act, and nothing changes", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    const forged = await ana.post(url(), {
      _csrf: "forged",
      _idem: ana.field(url(), "_idem"),
      entidad: ENTITY,
      motivo: REASON,
    });
    expect(forged.statusCode).toBe(403);
    await h.addOfficial({ name: "Carlos Control", role: "internal_control", officeKey: null, email: "c@x.co" });
    const control = await h.signIn("c@x.co", "chat-c@x.co");
    const page = await control.get(`/admin/preguntas/${reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(url());
    const refused = await control.post(url(), { _idem: "z".repeat(22), entidad: ENTITY, correo: "", motivo: REASON });
    expect(refused.statusCode).toBe(403);
    await h.bot.dispatcher.tick();
    expect((await question()).status).toBe("open");
    expect(h.channel.to(CITIZEN).some((m) => m.text.includes(ENTITY))).toBe(false);
    expect(await transferAudit()).toEqual([{ outcome: "refused", via: "web" }]);
  });

  it("transfers once on a double submit and tells the citizen once", async () => {
    await ana.get(`/admin/preguntas/${reference}`);
    const fields = { _idem: ana.field(url(), "_idem"), entidad: ENTITY, correo: "", motivo: REASON };
    const [first, second] = await Promise.all([ana.post(url(), fields), ana.post(url(), fields)]);
    const done = [first, second].filter((r) => r.headers.location === `/admin/preguntas/${reference}?hecho=trasladar`);
    expect(done).toHaveLength(1);
    const other = first === done[0] ? second : first;
    // The other submit lands on the result (SQLite runs the two one after the other), or, when both
    // run at once on PostgreSQL, waits for the first and is refused: already transferred.
    if (other.statusCode === 303) expect(other.headers.location).toBe(`/admin/preguntas/${reference}?hecho=duplicado`);
    else expect([other.statusCode, other.body.includes("ya fue trasladada")]).toEqual([422, true]);
    await h.bot.dispatcher.tick();
    expect(h.channel.to(CITIZEN).filter((m) => m.text.includes(ENTITY))).toHaveLength(1);
    expect(
      (await h.runtime.app.repos.questions.history((await question()).id)).filter((e) => e.kind === "transferred"),
    ).toHaveLength(1);
    expect((await transferAudit()).filter((r) => r.outcome === "ok")).toHaveLength(1);
  });
});
