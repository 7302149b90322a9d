/**
 * The back-office Eventos section (issue 14, point 4): the lists with RSVPs and questions, the
 * create and edit form (reasons beside each field, one event per form however often it is sent),
 * edits and cancellation that reach those who said yes through the outbox, the event's questions
 * answered at the event, "held", minutes links, and an event that already took place recorded
 * from the form and from `rinde events create --held`. On SQLite, and on PostgreSQL with
 * RINDE_TEST_DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/authorization.ts";
import { localTimeToMs } from "../../src/core/deadline-schedule.ts";
import { cancelEvent, createEvent, rsvp, type EventInput } from "../../src/services/events/events.ts";
import { fileEventQuestion } from "../../src/services/events/questions.ts";
import { citizenWithConsent } from "../integration/commitments-helpers.ts";
import { runRinde } from "../helpers/cli.ts";
import { sqlRows, sqlValue, storageEnv } from "../helpers/storage.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const CLI: Actor = { kind: "cli" };
const at = (date: string, time: string) => localTimeToMs(date, time, "America/Bogota");

/** An event as the CLI would create it (the harness starts on Monday 2 March 2026, 10:00 Bogotá). */
function draft(overrides: Partial<EventInput> = {}): EventInput {
  return {
    kind: "public_hearing",
    title: "Audiencia pública de rendición de cuentas 2026",
    description: "",
    startsAtMs: at("2026-03-10", "09:00"),
    endsAtMs: at("2026-03-10", "11:00"),
    place: "Teatro Municipal",
    virtualUrl: null,
    officeKey: null,
    districts: [],
    topics: [],
    ...overrides,
  };
}

/** The form fields of a valid event on 10 March 2026, 9:00–11:00. */
const FORM = {
  tipo: "territorial_dialogue",
  titulo: "Diálogo con la comuna",
  descripcion: "Avances de las obras del barrio",
  fecha: "2026-03-10",
  inicio: "09:00",
  fin: "11:00",
  lugar: "Salón comunal",
  enlace: "",
  dependencia: "infraestructura",
};

describe("back-office Eventos", () => {
  let h: WebHarness;
  let ivanId: number;
  beforeEach(async () => {
    h = await createWebHarness();
    await h.addOfficial({
      name: "Carla Comunicaciones",
      role: "communications",
      officeKey: null,
      email: "carla@x.co",
      address: "carla-chat",
    });
    ivanId = await h.addOfficial({
      name: "Iván Infraestructura",
      role: "official",
      officeKey: "infraestructura",
      email: "ivan@x.co",
      address: "ivan-chat",
    });
  });
  afterEach(async () => {
    await h.close();
  });

  const create = async (overrides: Partial<EventInput> = {}) => {
    const created = await createEvent(h.runtime.app, CLI, draft(overrides));
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.event;
  };
  const answer = async (address: string, eventId: number, value: "yes" | "no") => {
    await citizenWithConsent(h, address);
    const citizen = (await h.runtime.app.repos.citizens.findContext("memory", address))!;
    await h.runtime.store.withTransaction(() => rsvp(h.runtime.app, citizen, "memory", address, eventId, value));
  };
  const eventCount = async () => Number(await sqlValue(h.runtime, "select count(*) n from events"));
  /** The audit entries of an action, oldest first (`after` parsed: PostgreSQL returns it as JSON already). */
  const audits = async (action: string) =>
    (
      await sqlRows<{ outcome: string; official_id: number | null; via: string; after: unknown }>(
        h.runtime,
        "select outcome, official_id, via, after from staff_audit where action = ? order by id",
        [action],
      )
    ).map((row) => ({ ...row, after: typeof row.after === "string" ? (JSON.parse(row.after) as unknown) : row.after }));

  it("lists upcoming, past and cancelled events with their RSVPs and questions; only managers get «Nuevo evento»", async () => {
    const hearing = await create();
    await create({ title: "Feria de la transparencia", kind: "transparency_fair", districts: ["comuna-1"] });
    const cancelled = await create({ title: "Recorrido a la obra del puente", kind: "site_visit" });
    expect((await cancelEvent(h.runtime.app, CLI, cancelled.id)).ok).toBe(true);
    await answer("ana", hearing.id, "yes");
    await answer("beto", hearing.id, "no");
    const carla = await h.signIn("carla@x.co", "carla-chat");
    const upcoming = await carla.get("/admin/eventos");
    expect(upcoming.statusCode).toBe(200);
    expect(upcoming.body).toContain('href="/admin/eventos" aria-current="page"');
    expect(upcoming.body).toContain("Nuevo evento");
    expect(upcoming.body).toContain("Audiencia pública de rendición de cuentas 2026");
    expect(upcoming.body).toContain("Feria de la transparencia");
    expect(upcoming.body).not.toContain("Recorrido a la obra del puente");
    expect(upcoming.body).toContain("1 sí · 1 no");
    expect(upcoming.body).toContain("0 recibidas · 0 respondidas");
    expect(upcoming.body).toContain('Feria de la transparencia</a><br><span class="detail">Feria de la transparencia');
    expect(upcoming.body).toContain("Todo el municipio");
    expect(upcoming.body).toContain("<td>10/03/2026, 9:00 a. m.</td>");
    const cancelledList = await carla.get("/admin/eventos?vista=cancelados");
    expect(cancelledList.body).toContain("Recorrido a la obra del puente");
    expect(cancelledList.body).toContain("Cancelado");
    h.clock.setMs(at("2026-03-11", "08:00"));
    // A day later the session has expired (30 minutes idle): sign in again.
    const past = await (await h.signIn("carla@x.co", "carla-chat")).get("/admin/eventos?vista=pasados");
    expect(past.body).toContain("Audiencia pública de rendición de cuentas 2026");
    expect(past.body).toContain("Terminó (falta marcarlo como realizado)");
    const ivan = await h.signIn("ivan@x.co", "ivan-chat");
    const seen = await ivan.get("/admin/eventos?vista=pasados");
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain("Audiencia pública de rendición de cuentas 2026");
    expect(seen.body).not.toContain("Nuevo evento");
  });

  it("creates an event from the form: reasons beside each field, then one event however often it is sent", async () => {
    const carla = await h.signIn("carla@x.co", "carla-chat");
    expect((await carla.get("/admin/eventos/nuevo")).statusCode).toBe(200);
    const idem = carla.field("/admin/eventos", "_idem");
    const refused = await carla.post("/admin/eventos", {
      ...FORM,
      _idem: idem,
      titulo: " ",
      fecha: "2026-03-01",
      inicio: "10:00",
      fin: "09:00",
      lugar: "",
      enlace: "ftp://alcaldia",
      comunas: ["comuna-1", "comuna-99"],
    });
    expect(refused.statusCode).toBe(422);
    const beside = (field: string) => new RegExp(`id="ev-${field}-error">([^<]*)<`).exec(refused.body)?.[1];
    expect(beside("titulo")).toContain("Falta el título.");
    expect(beside("fecha")).toContain("La fecha y hora de inicio ya pasaron");
    expect(beside("fin")).toContain("La hora de fin debe ser después de la hora de inicio.");
    expect(beside("enlace")).toContain("El enlace no es válido");
    expect(beside("comunas")).toContain("comuna-99");
    expect(refused.body).toMatch(/id="ev-titulo"[^>]*aria-invalid="true"/);
    // What was typed stays in the form.
    expect(refused.body).toContain(">Avances de las obras del barrio</textarea>");
    expect(refused.body).toMatch(/value="comuna-1" checked/);
    expect(await eventCount()).toBe(0);
    expect(await audits("event.create")).toMatchObject([{ outcome: "refused", official_id: expect.any(Number) }]);

    const unreadable = await carla.post("/admin/eventos", { ...FORM, _idem: idem, fecha: "el martes" });
    expect(unreadable.statusCode).toBe(422);
    expect(unreadable.body).toContain('id="ev-fecha-error">No entendí la fecha.');

    const fields = { ...FORM, _idem: idem, comunas: ["comuna-1"], temas: [] };
    const created = await carla.post("/admin/eventos", fields);
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe("/admin/eventos/1?hecho=creado");
    const again = await carla.post("/admin/eventos", fields);
    expect(again.headers.location).toBe("/admin/eventos/1?hecho=duplicado");
    expect(await eventCount()).toBe(1);
    const event = (await h.runtime.app.repos.events.get(1))!;
    expect(event).toMatchObject({
      kind: "territorial_dialogue",
      title: "Diálogo con la comuna",
      status: "scheduled",
      startsAtMs: at("2026-03-10", "09:00"),
      endsAtMs: at("2026-03-10", "11:00"),
      officeKey: "infraestructura",
      districts: ["comuna-1"],
    });
    expect(Number(await sqlValue(h.runtime, "select count(*) n from jobs where kind = 'event.reminder'"))).toBe(2);
    const ok = (await audits("event.create")).filter((a) => a.outcome === "ok");
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ via: "web" });
    const page = await carla.get("/admin/eventos/1?hecho=creado");
    expect(page.body).toContain("Evento creado.");
    expect(page.body).toContain('href="/eventos/1"');
    expect(page.body).toContain('href="/admin/anuncios?evento=1"');
    const composer = await carla.get("/admin/anuncios?evento=1");
    expect(composer.body).toMatch(/<option value="1" selected>Diálogo con la comuna/);
  });

  it("edits the time: the confirmation says those who said yes are told, and they are, through the outbox", async () => {
    const event = await create();
    await answer("ana", event.id, "yes");
    await answer("beto", event.id, "no");
    const carla = await h.signIn("carla@x.co", "carla-chat");
    const form = await carla.get(`/admin/eventos/${event.id}/editar`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("se avisará a la persona que confirmó asistencia");
    expect(form.body).toMatch(/id="ev-fecha"[^>]*value="2026-03-10"/);
    expect(form.body).toMatch(/id="ev-inicio"[^>]*value="09:00"/);
    const mark = h.channel.to("ana").length;
    const saved = await carla.post(`/admin/eventos/${event.id}/editar`, {
      _idem: carla.field(`/admin/eventos/${event.id}/editar`, "_idem"),
      tipo: "public_hearing",
      titulo: event.title,
      descripcion: "",
      fecha: "2026-03-10",
      inicio: "10:00",
      fin: "12:00",
      lugar: "Teatro Municipal",
      enlace: "",
      dependencia: "",
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/admin/eventos/${event.id}?hecho=avisados`);
    expect((await carla.get(saved.headers.location as string)).body).toContain(
      "Se está avisando del cambio a las personas que confirmaron asistencia.",
    );
    expect((await h.runtime.app.repos.events.get(event.id))!).toMatchObject({
      status: "changed",
      startsAtMs: at("2026-03-10", "10:00"),
    });
    await h.bot.dispatcher.tick();
    const told = h.channel.to("ana").slice(mark);
    expect(told.map((m) => m.text).join("\n")).toContain(event.title);
    expect(h.channel.to("beto").some((m) => m.text?.includes("antes"))).toBe(false);
    expect(await audits("event.update")).toMatchObject([{ outcome: "ok", via: "web" }]);
    expect((await audits("event.update"))[0]!.after).toMatchObject({ notified: true });

    // A title alone changes nothing citizens must hear about.
    await carla.get(`/admin/eventos/${event.id}/editar`);
    const retitled = await carla.post(`/admin/eventos/${event.id}/editar`, {
      _idem: carla.field(`/admin/eventos/${event.id}/editar`, "_idem"),
      tipo: "public_hearing",
      titulo: "Audiencia pública 2026",
      fecha: "2026-03-10",
      inicio: "10:00",
      fin: "12:00",
      lugar: "Teatro Municipal",
    });
    expect(retitled.headers.location).toBe(`/admin/eventos/${event.id}?hecho=editado`);
  });

  it("cancels only after the confirmation page, and tells those who said yes", async () => {
    const event = await create();
    await answer("ana", event.id, "yes");
    const carla = await h.signIn("carla@x.co", "carla-chat");
    const confirm = await carla.get(`/admin/eventos/${event.id}/cancelar`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain("Se avisará a la persona que confirmó asistencia.");
    expect((await h.runtime.app.repos.events.get(event.id))!.status).toBe("scheduled");
    const mark = h.channel.to("ana").length;
    const done = await carla.post(`/admin/eventos/${event.id}/cancelar`, {
      _idem: carla.field(`/admin/eventos/${event.id}/cancelar`, "_idem"),
    });
    expect(done.headers.location).toBe(`/admin/eventos/${event.id}?hecho=cancelado`);
    expect((await h.runtime.app.repos.events.get(event.id))!.status).toBe("cancelled");
    await h.bot.dispatcher.tick();
    expect(
      h.channel
        .to("ana")
        .slice(mark)
        .map((m) => m.text)
        .join("\n"),
    ).toMatch(/cancel/i);
    const page = await carla.get(`/admin/eventos/${event.id}`);
    expect(page.body).not.toContain(`/admin/eventos/${event.id}/editar`);
    expect((await carla.get(`/admin/eventos/${event.id}/editar`)).statusCode).toBe(409);
  });

  it("refuses an ordinary official politely, changes nothing and audits the refusal; a forged CSRF token changes nothing", async () => {
    const event = await create();
    const ivan = await h.signIn("ivan@x.co", "ivan-chat");
    const page = await ivan.get("/admin/eventos/nuevo");
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain("Su rol no permite esta acción");
    const refused = await ivan.post("/admin/eventos", { ...FORM, _idem: "i".repeat(22) });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain("No se cambió nada.");
    const edit = await ivan.post(`/admin/eventos/${event.id}/editar`, { ...FORM, _idem: "j".repeat(22) });
    expect(edit.statusCode).toBe(403);
    const cancel = await ivan.post(`/admin/eventos/${event.id}/cancelar`, { _idem: "k".repeat(22) });
    expect(cancel.statusCode).toBe(403);
    expect(await eventCount()).toBe(1);
    expect((await h.runtime.app.repos.events.get(event.id))!).toMatchObject({
      status: "scheduled",
      title: event.title,
    });
    expect(await audits("event.create")).toEqual([
      { outcome: "refused", official_id: ivanId, via: "web", after: { error: "not_allowed" } },
    ]);
    expect((await audits("event.cancel")).map((a) => a.outcome)).toEqual(["refused"]);

    const carla = await h.signIn("carla@x.co", "carla-chat");
    await carla.get("/admin/eventos/nuevo");
    const forged = await carla.post("/admin/eventos", { ...FORM, _idem: "f".repeat(22), _csrf: "forged" });
    expect(forged.statusCode).toBe(403);
    expect(await eventCount()).toBe(1);
  });

  it("lists the event's questions; its office marks some answered at the event, the event held, and the minutes link", async () => {
    const event = await create({
      officeKey: "infraestructura",
      startsAtMs: at("2026-03-03", "09:00"),
      endsAtMs: at("2026-03-03", "11:00"),
    });
    const other = await create({ title: "Diálogo temático de movilidad", kind: "thematic_dialogue" });
    const references: string[] = [];
    for (const [address, text] of [
      ["ana", "¿Cuándo terminan la obra de la calle 10?"],
      ["beto", "¿Qué pasa con el alumbrado del parque?"],
    ] as const) {
      await citizenWithConsent(h, address);
      const citizen = (await h.runtime.app.repos.citizens.findContext("memory", address))!;
      const filed = await h.runtime.store.withTransaction(() =>
        fileEventQuestion(h.runtime.app, citizen, "memory", event.id, text),
      );
      if (!filed.ok) throw new Error(filed.error);
      references.push(filed.question.reference);
    }
    let ivan = await h.signIn("ivan@x.co", "ivan-chat");
    const before = await ivan.get(`/admin/eventos/${event.id}`);
    expect(before.body).toContain(`href="/admin/preguntas/${references[0]}"`);
    expect(before.body).toContain("2 recibidas · 0 respondidas");
    // Not started yet: nothing to mark.
    expect(before.body).not.toContain(`action="/admin/eventos/${event.id}/respondidas"`);

    h.clock.setMs(at("2026-03-03", "11:30"));
    ivan = await h.signIn("ivan@x.co", "ivan-chat");
    await ivan.get(`/admin/eventos/${event.id}`);
    expect(ivan.lastHtml).toContain(`value="${references[1]}"`);
    const none = await ivan.post(`/admin/eventos/${event.id}/respondidas`, {
      _idem: ivan.field(`/admin/eventos/${event.id}/respondidas`, "_idem"),
      resumen: "",
    });
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain("Marque al menos una pregunta.");
    const marked = await ivan.post(`/admin/eventos/${event.id}/respondidas`, {
      _idem: ivan.field(`/admin/eventos/${event.id}/respondidas`, "_idem"),
      radicados: [references[0]!],
      resumen: "La obra termina en abril, según el contrato.",
    });
    expect(marked.headers.location).toBe(`/admin/eventos/${event.id}?hecho=respondidas`);
    const questions = h.runtime.app.repos.questions;
    expect((await questions.byReference(references[0]!))!.status).toBe("answered");
    expect((await questions.byReference(references[1]!))!.status).toBe("open");
    await h.bot.dispatcher.tick();
    expect(h.last("ana")).toContain("La obra termina en abril");
    const after = await ivan.get(`/admin/eventos/${event.id}`);
    expect(after.body).toContain("respondida en el evento");
    expect(after.body).toContain("2 recibidas · 1 respondidas");
    expect(after.body).toContain("Realizado");

    const links = await ivan.post(`/admin/eventos/${event.id}/enlaces`, {
      _idem: ivan.field(`/admin/eventos/${event.id}/enlaces`, "_idem"),
      acta: "notaurl",
      grabacion: "",
    });
    expect(links.statusCode).toBe(422);
    expect(links.body).toContain('id="links-error"');
    const saved = await ivan.post(`/admin/eventos/${event.id}/enlaces`, {
      _idem: ivan.field(`/admin/eventos/${event.id}/enlaces`, "_idem"),
      acta: "https://alcaldia.gov.co/acta-audiencia.pdf",
      grabacion: "",
    });
    expect(saved.headers.location).toBe(`/admin/eventos/${event.id}?hecho=enlaces`);
    expect((await h.runtime.app.repos.events.get(event.id))!.minutesUrl).toBe(
      "https://alcaldia.gov.co/acta-audiencia.pdf",
    );

    // The other event has no office: communications marks it held once it has ended.
    h.clock.setMs(at("2026-03-10", "12:00"));
    const carla = await h.signIn("carla@x.co", "carla-chat");
    await carla.get(`/admin/eventos/${other.id}`);
    const held = await carla.post(`/admin/eventos/${other.id}/realizado`, {
      _idem: carla.field(`/admin/eventos/${other.id}/realizado`, "_idem"),
    });
    expect(held.headers.location).toBe(`/admin/eventos/${other.id}?hecho=realizado`);
    expect((await h.runtime.app.repos.events.get(other.id))!.status).toBe("held");
    expect((await audits("event.held")).map((a) => a.outcome)).toEqual(["ok"]);
  });

  it("records an event that already took place: held, nothing planned or sent; refuses one not ended or too old", async () => {
    await answer("ana", (await create()).id, "yes");
    const carla = await h.signIn("carla@x.co", "carla-chat");
    // Messages to citizens and event reminders (the bot's own jobs and staff messages run beside the test).
    const outboxBefore = Number(
      await sqlValue(h.runtime, "select count(*) n from outbox where citizen_id is not null"),
    );
    const jobsBefore = Number(await sqlValue(h.runtime, "select count(*) n from jobs where kind = 'event.reminder'"));
    await carla.get("/admin/eventos/nuevo");
    const idem = carla.field("/admin/eventos", "_idem");
    const notEnded = await carla.post("/admin/eventos", { ...FORM, _idem: idem, realizado: "1" });
    expect(notEnded.statusCode).toBe(422);
    expect(notEnded.body).toContain('id="ev-fin-error">Para registrar un evento que ya se realizó');
    const tooOld = await carla.post("/admin/eventos", { ...FORM, _idem: idem, realizado: "1", fecha: "2025-01-20" });
    expect(tooOld.body).toContain('id="ev-fecha-error">Ese evento fue hace más de 400 días');
    const recorded = await carla.post("/admin/eventos", { ...FORM, _idem: idem, realizado: "1", fecha: "2026-02-10" });
    expect(recorded.statusCode).toBe(303);
    const id = Number(/\/admin\/eventos\/(\d+)\?hecho=registrado$/.exec(String(recorded.headers.location))?.[1]);
    expect((await h.runtime.app.repos.events.get(id))!).toMatchObject({
      status: "held",
      startsAtMs: at("2026-02-10", "09:00"),
    });
    expect(Number(await sqlValue(h.runtime, "select count(*) n from outbox where citizen_id is not null"))).toBe(
      outboxBefore,
    );
    expect(Number(await sqlValue(h.runtime, "select count(*) n from jobs where kind = 'event.reminder'"))).toBe(
      jobsBefore,
    );
    expect((await carla.get(String(recorded.headers.location))).body).toContain(
      "Evento registrado como realizado. No se envió ningún mensaje",
    );
    expect((await carla.get("/admin/eventos?vista=pasados")).body).toContain("Realizado");

    // The same from the CLI, on the same database.
    const env = { ...storageEnv(h.dbPath), RINDE_PROFILE: "default" };
    const cli = (...args: string[]) => runRinde(args, env, { clock: h.clock });
    const base = ["events", "create", "--kind", "thematic_dialogue", "--title", "Diálogo de salud"];
    const when = ["--date", "2026-01-20", "--start", "15:00", "--end", "17:00", "--place", "Hospital"];
    const refused = await cli(...base, ...when);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("La fecha y hora de inicio ya pasaron");
    const held = await cli(...base, ...when, "--held", "--json");
    expect(held.status, held.stderr).toBe(0);
    expect(JSON.parse(held.stdout)).toMatchObject({ kind: "thematic_dialogue", status: "held" });
    const text = await cli(
      ...base,
      "--date",
      "2026-01-21",
      "--start",
      "15:00",
      "--end",
      "17:00",
      "--link",
      "https://x.co/v",
      "--held",
    );
    expect(text.stdout).toContain("registrado como realizado: no se envió nada a nadie");
    expect(Number(await sqlValue(h.runtime, "select count(*) n from outbox where citizen_id is not null"))).toBe(
      outboxBefore,
    );
    expect(Number(await sqlValue(h.runtime, "select count(*) n from jobs where kind = 'event.reminder'"))).toBe(
      jobsBefore,
    );
    expect((await audits("event.create")).map((a) => [a.outcome, a.via])).toEqual([
      ["refused", "web"],
      ["refused", "web"],
      ["ok", "web"],
      ["refused", "cli"],
      ["ok", "cli"],
      ["ok", "cli"],
    ]);
  });
});
