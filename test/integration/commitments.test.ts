/**
 * The commitments registry end to end on a real database: recording and its refusals, progress
 * only from the responsible office, notices to followers through the outbox (language, consent,
 * deletion), automatic following from an event's RSVPs, citizens browsing page by page in the
 * chat, and officials working from their chats.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eraseCitizen } from "../../src/services/privacy/consent.ts";
import {
  cancelCommitment,
  followCommitment,
  postProgress,
  recordCommitment,
  unfollowCommitment,
} from "../../src/services/commitments/commitments.ts";
import { createInvite } from "../../src/services/staff/staff.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import {
  addEvent,
  addOfficial,
  citizenWithConsent,
  CLI,
  outboxKeys,
  record,
  repoOf,
  textsTo,
} from "./commitments-helpers.ts";
import { sqlRows } from "../helpers/storage.ts";

const MAIN_OPTION = "Compromisos de la alcaldía";

describe("commitments registry", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(); // Monday 2 March 2026, 10:00 Bogotá
  });
  afterEach(async () => {
    await h.close();
  });

  it("records a commitment with a public number and a created entry in its history", async () => {
    const comms = await addOfficial(h, "comunicaciones", "communications", null);
    const result = await recordCommitment(h.runtime.app, comms, {
      text: "Pavimentar la vía a San Isidro",
      officeKey: "infraestructura",
      dueDate: "2026-09-30",
      districtKey: "san-isidro",
    });
    expect(result.ok).toBe(true);
    const second = await record(h, {
      text: "Abrir el puesto de salud los sábados",
      officeKey: "salud",
      dueDate: "2026-03-02",
    }); // due today is fine
    expect(second.number).toBe(2);
    const first = (await repoOf(h).byNumber(1))!;
    expect(first).toMatchObject({
      status: "pending",
      progress: 0,
      districtKey: "san-isidro",
      officeKey: "infraestructura",
    });
    expect((await repoOf(h).history(first.id)).map((u) => [u.kind, u.status, u.percent, u.actor])).toEqual([
      ["created", "pending", 0, `official:${(comms as { officialId: number }).officialId}`],
    ]);
  });

  it("refuses a due date in the past, unknown references, and recording by a plain official or another office's head", async () => {
    const app = h.runtime.app;
    const base = { text: "Arreglar el parque de la Comuna 2", officeKey: "infraestructura", dueDate: "2026-06-30" };
    expect(await recordCommitment(app, CLI, { ...base, dueDate: "2026-03-01" })).toEqual({
      ok: false,
      error: "due_date_in_past",
    });
    expect(await recordCommitment(app, CLI, { ...base, dueDate: "2026-02-30" })).toEqual({
      ok: false,
      error: "invalid_due_date",
    });
    expect(await recordCommitment(app, CLI, { ...base, officeKey: "nada" })).toEqual({
      ok: false,
      error: "unknown_office",
    });
    expect(await recordCommitment(app, CLI, { ...base, districtKey: "marte" })).toEqual({
      ok: false,
      error: "unknown_district",
    });
    expect(await recordCommitment(app, CLI, { ...base, eventId: 999 })).toEqual({ ok: false, error: "unknown_event" });
    expect(await recordCommitment(app, CLI, { ...base, text: " " })).toEqual({ ok: false, error: "empty_text" });
    expect(await recordCommitment(app, await addOfficial(h, "func", "official", "infraestructura"), base)).toEqual({
      ok: false,
      error: "not_allowed",
    });
    expect(await recordCommitment(app, await addOfficial(h, "jefe-salud", "head", "salud"), base)).toEqual({
      ok: false,
      error: "not_allowed",
    });
    expect((await recordCommitment(app, await addOfficial(h, "jefe", "head", "infraestructura"), base)).ok).toBe(true);
    expect(await repoOf(h).count()).toBe(1);
  });

  it("takes progress only from the responsible office, within 0–100 and never backwards, and completes at 100 %", async () => {
    const app = h.runtime.app;
    const c = await record(h, { text: "Reparar el alumbrado del parque" });
    const other = await addOfficial(h, "salud-func", "official", "salud");
    const comms = await addOfficial(h, "comunicaciones", "communications", null);
    const mine = await addOfficial(h, "func", "official", "infraestructura");
    expect(await postProgress(app, other, c.number, { percent: 50, note: "Ya casi" })).toEqual({
      ok: false,
      error: "not_allowed",
    });
    expect(await postProgress(app, comms, c.number, { percent: 50, note: "Ya casi" })).toEqual({
      ok: false,
      error: "not_allowed",
    });
    expect(await postProgress(app, mine, c.number, { percent: 120, note: "Demasiado" })).toEqual({
      ok: false,
      error: "progress_out_of_range",
    });
    expect(await postProgress(app, mine, c.number, { percent: -5, note: "Negativo" })).toEqual({
      ok: false,
      error: "progress_out_of_range",
    });
    expect(await postProgress(app, mine, c.number, { percent: 40, note: "x", evidenceUrl: "ftp://x" })).toEqual({
      ok: false,
      error: "invalid_evidence_url",
    });
    expect(await postProgress(app, mine, 999, { percent: 40, note: "x" })).toEqual({
      ok: false,
      error: "commitment_not_found",
    });
    expect(await repoOf(h).history(c.id)).toHaveLength(1); // nothing refused left a trace

    const first = await postProgress(app, mine, c.number, {
      percent: 40,
      note: "Se compraron las luminarias",
      evidenceUrl: "https://villaesperanza.gov.co/factura.pdf",
    });
    expect(first.ok && first.commitment).toMatchObject({ status: "in_progress", progress: 40 });
    expect(await postProgress(app, mine, c.number, { percent: 30, note: "Menos" })).toEqual({
      ok: false,
      error: "progress_backwards",
    });
    h.clock.advanceMs(86_400_000);
    const done = await postProgress(app, mine, c.number, { percent: 100, note: "Quedó instalado" });
    expect(done.ok && done.commitment).toMatchObject({ status: "done", progress: 100, doneAtMs: h.clock.nowMs() });
    expect(await postProgress(app, mine, c.number, { percent: 100, note: "Otra vez" })).toEqual({
      ok: false,
      error: "already_closed",
    });
    expect(await cancelCommitment(app, CLI, c.number, "Tarde")).toEqual({ ok: false, error: "already_closed" });
    expect((await repoOf(h).history(c.id)).map((u) => [u.kind, u.status, u.percent, u.evidenceUrl])).toEqual([
      ["created", "pending", 0, null],
      ["progress", "in_progress", 40, "https://villaesperanza.gov.co/factura.pdf"],
      ["progress", "done", 100, null],
    ]);
  });

  it("notifies followers of progress, completion and cancellation in their language; never without consent or after deletion", async () => {
    const app = h.runtime.app;
    const ana = await citizenWithConsent(h, "ana");
    const john = await citizenWithConsent(h, "john");
    await app.repos.citizens.setLocale(john, "en");
    const luis = await citizenWithConsent(h, "luis");
    const c = await record(h, { text: "Construir el polideportivo de la Comuna 3" });
    const other = await record(h, { text: "Dotar la biblioteca de la Comuna 1" });
    for (const id of [ana, john, luis]) expect((await followCommitment(app, id, c.number)).ok).toBe(true);
    expect((await followCommitment(app, ana, other.number)).ok).toBe(true);
    await eraseCitizen(app, luis);
    await h.say("pedro", "hola"); // no consent yet
    const pedro = (await app.repos.citizens.findContext("memory", "pedro"))!.citizenId;
    expect(await followCommitment(app, pedro, c.number)).toEqual({ ok: false, error: "missing_consent" });

    const jefe = await addOfficial(h, "jefe", "head", "infraestructura");
    const progress = await postProgress(app, jefe, c.number, {
      percent: 35,
      note: "Se adjudicó el contrato",
      evidenceUrl: "https://secop.gov.co/proceso/123",
    });
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Avance del compromiso 1")).toEqual([
      expect.stringContaining(
        "Secretaría de Infraestructura informa que va en 35 %: Se adjudicó el contrato\nEvidencia: https://secop.gov.co/proceso/123",
      ),
    ]);
    expect(textsTo(h, "john", "Update on commitment 1")).toEqual([
      expect.stringContaining("reports 35%: Se adjudicó el contrato"),
    ]);
    expect(textsTo(h, "pedro", "compromiso")).toEqual([]);
    // One outbox row per update and follower; the deleted citizen has no row at all.
    const updateId = progress.ok ? progress.update.id : 0;
    expect(await outboxKeys(h, `cm:u${updateId}:`)).toEqual([
      `cm:u${updateId}:cit${ana}`,
      `cm:u${updateId}:cit${john}`,
    ]);

    await unfollowCommitment(app, john, c.number);
    await postProgress(app, jefe, c.number, { percent: 100, note: "Se inauguró el 20 de abril" });
    await cancelCommitment(app, CLI, other.number, "El predio no es del municipio");
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "¡Compromiso 1 cumplido!")).toHaveLength(1);
    expect(textsTo(h, "john", "is done")).toEqual([]);
    expect(textsTo(h, "ana", "El compromiso 2 (Dotar la biblioteca de la Comuna 1) fue cancelado")).toEqual([
      expect.stringContaining("Motivo: El predio no es del municipio"),
    ]);
  });

  it("makes the citizens who RSVP'd the event follow its commitments automatically, with one welcome per event", async () => {
    const app = h.runtime.app;
    const ana = await citizenWithConsent(h, "ana");
    const beto = await citizenWithConsent(h, "beto");
    const carla = await citizenWithConsent(h, "carla");
    const eventId = await addEvent(h, "Audiencia pública de rendición de cuentas", [
      { citizenId: ana, answer: "yes" },
      { citizenId: beto, answer: "no" },
      { citizenId: carla, answer: "yes" },
    ]);
    await unfollowCommitment(app, carla, 1); // nothing yet: a no-op
    const comms = await addOfficial(h, "comunicaciones", "communications", null);
    const first = await recordCommitment(app, comms, {
      text: "Iluminar la cancha del barrio El Prado",
      officeKey: "infraestructura",
      dueDate: "2026-08-31",
      eventId,
    });
    expect(first.ok).toBe(true);
    const c = (await repoOf(h).byNumber(1))!;
    expect(await repoOf(h).isFollowing(c.id, ana)).toBe(true);
    expect(await repoOf(h).isFollowing(c.id, carla)).toBe(true);
    expect(await repoOf(h).isFollowing(c.id, beto)).toBe(false);
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Audiencia pública de rendición de cuentas")).toEqual([
      expect.stringContaining("hizo 1 compromiso(s): número(s) 1"),
    ]);

    // Someone who unfollows stays out, even when later notices re-read the event's RSVPs.
    await unfollowCommitment(app, carla, c.number);
    const dani = await citizenWithConsent(h, "dani");
    await addRsvp(h, eventId, dani); // a late RSVP still follows
    await postProgress(app, CLI, c.number, { percent: 50, note: "Postes instalados" });
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Postes instalados")).toHaveLength(1);
    expect(textsTo(h, "dani", "Postes instalados")).toHaveLength(1);
    expect(textsTo(h, "carla", "Postes instalados")).toEqual([]);
    expect(textsTo(h, "beto", "Postes instalados")).toEqual([]);
  });

  it("defers notices written in quiet hours until they end", async () => {
    const app = h.runtime.app;
    const ana = await citizenWithConsent(h, "ana");
    const c = await record(h, { text: "Poner semáforo en la calle 10" });
    await followCommitment(app, ana, c.number);
    h.clock.setMs(Date.parse("2026-03-02T22:30:00-05:00"));
    await postProgress(app, CLI, c.number, { percent: 10, note: "Estudio de tránsito listo" });
    await h.bot.scheduler.tick();
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Estudio de tránsito listo")).toEqual([]);
    h.clock.setMs(Date.parse("2026-03-03T07:00:00-05:00"));
    await h.bot.scheduler.tick();
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Estudio de tránsito listo")).toHaveLength(1);
  });
});

async function addRsvp(h: Harness, eventId: number, citizenId: number): Promise<void> {
  await sqlRows(
    h.runtime,
    "insert into event_rsvps (event_id, citizen_id, answer, created_at_ms, updated_at_ms) values (?, ?, 'yes', ?, ?)",
    [eventId, citizenId, h.clock.nowMs(), h.clock.nowMs()],
  );
}

describe("citizens browsing commitments in the chat", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("lists by office five per page with 'Ver más', shows one with its progress and follows it", async () => {
    for (let i = 1; i <= 7; i++)
      await record(h, { text: `Compromiso de obra número ${i} en la Comuna ${i}`, dueDate: `2026-0${(i % 6) + 4}-15` });
    await record(h, { text: "Vacunar en las veredas", officeKey: "salud" });
    await postProgress(h.runtime.app, CLI, 3, {
      percent: 20,
      note: "Se hizo el diseño",
      evidenceUrl: "https://villaesperanza.gov.co/diseno.pdf",
    });
    await citizenWithConsent(h, "ana");

    const menu = await h.say("ana", MAIN_OPTION);
    expect(menu.at(-1)?.text).toContain("¿Cómo quiere buscarlos?");
    const offices = await h.say("ana", "Por dependencia responsable");
    expect(offices.at(-1)?.options).toEqual([
      "Secretaría de Infraestructura (7)",
      "Secretaría de Salud (1)",
      "Buscar de otra forma",
    ]);
    const page1 = (await h.say("ana", "1")).at(-1)!;
    expect(page1.text).toContain("Compromisos a cargo de Secretaría de Infraestructura: 7 en total (página 1 de 2)");
    expect(page1.options).toHaveLength(7);
    expect(page1.options?.slice(5)).toEqual(["Ver más (página 2 de 2)", "Buscar de otra forma"]);
    const page2 = (await h.say("ana", "Ver más")).at(-1)!;
    expect(page2.text).toContain("(página 2 de 2)");
    expect(page2.options).toHaveLength(3); // two commitments and "Buscar de otra forma"

    await h.say("ana", "Buscar de otra forma");
    await h.say("ana", "Por dependencia responsable");
    await h.say("ana", "1");
    const third = (await repoOf(h).byNumber(3))!;
    const position = (await repoOf(h).list({ officeKey: "infraestructura" })).findIndex((c) => c.id === third.id) + 1;
    const detail = (await h.say("ana", String(position))).at(-1)!;
    expect(detail.text).toContain("Compromiso 3\nCompromiso de obra número 3 en la Comuna 3");
    expect(detail.text).toContain("Estado: en ejecución — avance 20 %");
    expect(detail.text).toContain("20 % — Se hizo el diseño (evidencia: https://villaesperanza.gov.co/diseno.pdf)");
    expect(detail.options).toEqual(["Seguir este compromiso", "Volver a la lista", "Volver al menú principal"]);
    const followed = (await h.say("ana", "1")).at(-1)!;
    expect(followed.text).toContain("Listo, ahora sigue el compromiso 3");
    const ana = (await h.runtime.app.repos.citizens.findContext("memory", "ana"))!.citizenId;
    expect(await repoOf(h).isFollowing(third.id, ana)).toBe(true);

    // "Los que yo sigo" lists it; unfollowing the last one goes back to the commitments menu.
    await h.say("ana", "menú");
    await h.say("ana", MAIN_OPTION);
    const mine = (await h.say("ana", "Los que yo sigo")).at(-1)!;
    expect(mine.text).toContain("Compromisos que usted sigue: 1 en total");
    const shown = (await h.say("ana", "1")).at(-1)!;
    expect(shown.options?.[0]).toBe("Dejar de seguirlo");
    const unfollowed = (await h.say("ana", "1")).at(-1)!;
    expect(unfollowed.text).toContain("ya no sigue el compromiso 3");
    expect(unfollowed.text).toContain("¿Cómo quiere buscarlos?");
    expect(await repoOf(h).isFollowing(third.id, ana)).toBe(false);
  });

  it("lists by district (including commitments of events held for it) and by event", async () => {
    const eventId = await addEvent(h, "Diálogo territorial San Isidro", [], ["san-isidro"]);
    await record(h, { text: "Arreglar la escuela de San Isidro", districtKey: "san-isidro" });
    await record(h, { text: "Llevar el acueducto a la vereda", eventId });
    await record(h, { text: "Sembrar árboles en la Comuna 1", districtKey: "comuna-1", officeKey: "ambiente" });
    await citizenWithConsent(h, "ana");
    await h.say("ana", MAIN_OPTION);
    const districts = (await h.say("ana", "Por comuna o corregimiento")).at(-1)!;
    expect(districts.options).toEqual(["Comuna 1 Centro (1)", "San Isidro (2)", "Buscar de otra forma"]);
    const list = (await h.say("ana", "San Isidro")).at(-1)!;
    expect(list.text).toContain("Compromisos de San Isidro: 2 en total");
    await h.say("ana", "Buscar de otra forma");
    const byEvent = (await h.say("ana", "Por espacio de diálogo")).at(-1)!;
    expect(byEvent.options?.[0]).toMatch(/^Diálogo territorial San Isidro \(lunes 2 de marzo de 2026\) \(1\)$/);
    const eventList = (await h.say("ana", "1")).at(-1)!;
    expect(eventList.options?.[0]).toContain("Llevar el acueducto a la vereda — sin iniciar, 0 %");
  });

  it("asks for consent before following", async () => {
    await record(h, { text: "Pintar el salón comunal" });
    await h.say("eva", "hola");
    await h.say("eva", "2"); // refuses the data notice
    await h.say("eva", MAIN_OPTION);
    await h.say("eva", "Por dependencia responsable");
    await h.say("eva", "1");
    await h.say("eva", "1");
    const reply = (await h.say("eva", "Seguir este compromiso")).at(-1)!;
    expect(reply.text).toContain("necesitamos su autorización");
    expect(await repoOf(h).recipients(1)).toEqual([]);
  });

  it("adds one main-menu option and keeps the others", async () => {
    const reply = (await h.say("ana", "hola")).at(-1)!;
    const menu = (await h.say("ana", "1")).at(-1)!;
    expect(reply.text).toBeTruthy();
    expect(menu.options).toContain(MAIN_OPTION);
    expect(menu.options).toEqual(
      expect.arrayContaining([
        "Hacer una pregunta o petición",
        "Consultar el estado de mi pregunta",
        "Cambiar idioma / Language",
      ]),
    );
  });
});

describe("officials recording commitments and progress from their chats", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ channelId: "telegram" });
  });
  afterEach(async () => {
    await h.close();
  });

  const link = async (address: string, officeKey: string | null, role: "official" | "head" | "communications") => {
    const { code } = await createInvite(h.runtime.app, { name: `Func ${address}`, officeKey, role, ttlMs: 3_600_000 });
    await h.say(address, `/vincular ${code}`);
  };

  it("records with /compromiso, reports with /avance, cancels with /cancelar_compromiso and lists with /compromisos", async () => {
    await link("jefa", "infraestructura", "head");
    await link("comms", null, "communications");
    await link("salud", "salud", "official");
    expect((await h.say("comms", "/compromiso 2026-06-30 Arreglar la vía"))[0]?.text).toContain(
      "Diga de qué dependencia es el compromiso",
    );
    expect(
      (await h.say("comms", "/compromiso infraestructura 2026-06-30 comuna:comuna-2 Arreglar la vía de El Progreso"))[0]
        ?.text,
    ).toContain(
      "quedó registrado el compromiso 1 de Secretaría de Infraestructura, con fecha límite martes 30 de junio de 2026",
    );
    expect((await h.say("jefa", "/compromiso 2026-01-15 Algo ya vencido"))[0]?.text).toContain(
      "La fecha límite ya pasó",
    );
    expect((await h.say("jefa", "/compromiso 15/07/2026 Pintar los andenes del centro"))[0]?.text).toContain(
      "compromiso 2 de Secretaría de Infraestructura",
    );

    expect((await h.say("salud", "/avance 1 50 Ya vamos por la mitad"))[0]?.text).toContain(
      "solo la dependencia responsable informa avances",
    );
    expect((await h.say("jefa", "/avance 1 150 Demasiado"))[0]?.text).toContain("porcentaje entero de 0 a 100");
    expect((await h.say("jefa", "/avance 1"))[0]?.text).toContain("/avance 12 40");
    expect(
      (await h.say("jefa", "/avance 1 60% Se pavimentaron 300 metros https://villaesperanza.gov.co/fotos"))[0]?.text,
    ).toContain("el compromiso 1 quedó en 60 % (en ejecución)");
    const update = (await repoOf(h).history((await repoOf(h).byNumber(1))!.id)).at(-1)!;
    expect(update).toMatchObject({
      percent: 60,
      note: "Se pavimentaron 300 metros",
      evidenceUrl: "https://villaesperanza.gov.co/fotos",
    });

    expect((await h.say("jefa", "/compromisos"))[0]?.text).toMatch(
      /Compromisos abiertos de Secretaría de Infraestructura:\n• 1\. Arreglar la vía de El Progreso — 60 % — en ejecución[\s\S]*• 2\. Pintar los andenes del centro/,
    );
    expect((await h.say("jefa", "/cancelar_compromiso 2"))[0]?.text).toContain("/cancelar_compromiso 12 motivo");
    expect((await h.say("jefa", "/cancelar_compromiso 2 No hay presupuesto este año"))[0]?.text).toContain(
      "el compromiso 2 quedó cancelado",
    );
    expect(await repoOf(h).byNumber(2)).toMatchObject({
      status: "cancelled",
      statusReason: "No hay presupuesto este año",
    });
    expect((await h.say("jefa", "ayuda"))[0]?.text).toContain("/avance N porcentaje nota");
  });
});
