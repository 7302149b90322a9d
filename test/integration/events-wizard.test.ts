/**
 * The communications staff's event wizard in a linked official's private chat: creating an event
 * with refusals (a date in the past, an end before the start, an unknown district, no place or
 * link), announcing it with the count and a confirmation, live progress in the chat, editing and
 * cancelling, and who may use it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { bogota, consentingCitizen, lastShown, makeEvent, subscribeDirect, textsTo } from "./events-helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.runtime.app.repos.officials.add(
    { name: "Comunicaciones", officeKey: null, role: "communications", channel: "memory", address: "prensa" },
    h.clock.nowMs(),
  );
  await h.runtime.app.repos.officials.add(
    { name: "Funcionaria", officeKey: "salud", role: "official", channel: "memory", address: "func" },
    h.clock.nowMs(),
  );
});
afterEach(async () => {
  await h.close();
});

/** Sends each line as the communications official and returns the last reply. */
async function staff(...lines: string[]): Promise<string> {
  let last = "";
  for (const line of lines) last = (await h.say("prensa", line)).map((m) => m.text).join("\n");
  return last;
}

describe("event wizard", () => {
  it("creates an event step by step, refusing bad answers with the reason", async () => {
    const menu = await staff("/evento");
    expect(menu).toContain("Asistente de eventos");
    expect(menu).toContain("1. Crear un evento");
    expect(await staff("1")).toContain("Audiencia pública de rendición de cuentas");
    await staff("2"); // territorial dialogue
    await staff("Diálogo territorial Comuna 3", "Avances del plan de desarrollo en la comuna.");

    // A date in the past.
    await staff("2026-02-20", "9:00");
    let reply = await staff("11:00");
    expect(reply).toContain("La fecha y hora de inicio ya pasaron");
    expect(reply).toContain("¿Qué día es?");
    // An end before the start.
    await staff("14/03/2026", "3 pm");
    reply = await staff("2:00 pm");
    expect(reply).toContain("La hora de fin debe ser después de la hora de inicio");
    // Nonsense time.
    await staff("14/03/2026", "a las tres");
    reply = await staff("17:00");
    expect(reply).toContain("No entendí la hora");
    await staff("14/03/2026", "3 pm", "5:00 pm");

    // Neither place nor link.
    await staff("-");
    reply = await staff("-");
    expect(reply).toContain("Falta el lugar o el enlace");
    await staff("Salón comunal Los Almendros, calle 12 # 4-50");
    reply = await staff("no tengo");
    expect(reply).toContain("El enlace no es válido");
    await staff("Salón comunal Los Almendros, calle 12 # 4-50");
    reply = await staff("-");
    expect(reply).toContain("3. Comuna 3 Los Almendros");

    // An unknown district.
    reply = await staff("3, 12");
    expect(reply).toContain("No existe la comuna o corregimiento «12»");
    reply = await staff("3");
    expect(reply).toContain("¿Qué dependencia es responsable?");
    reply = await staff("Secretaría de Planeación");
    expect(reply).toContain("Diálogo territorial Comuna 3"); // the kind is not repeated (issue 18, point 7)
    expect(reply).not.toContain("Diálogo territorial: Diálogo territorial");
    expect(reply).toContain("sábado 14 de marzo de 2026, de 3:00 p. m. a 5:00 p. m.");
    expect(reply).toContain("Para: Comuna 3 Los Almendros");
    reply = await staff("1");
    expect(reply).toMatch(/Evento #\d+ publicado/);

    const [event] = await h.runtime.app.repos.events.list();
    expect(event).toMatchObject({
      kind: "territorial_dialogue",
      place: "Salón comunal Los Almendros, calle 12 # 4-50",
      virtualUrl: null,
      officeKey: "planeacion",
      districts: ["comuna-3"],
      topics: ["planeacion"],
      createdBy: expect.stringMatching(/^official:\d+$/),
    });
    expect(event!.startsAtMs).toBe(bogota("2026-03-14", "15:00"));
    expect(reply).toContain("¿Quiere anunciarlo ahora?");
    expect(await staff("2")).toContain("Asistente de eventos");
    expect(await staff("salir")).toContain("Salió del asistente");
    // Out of the wizard, the chat is the usual staff chat again.
    expect(await staff("hola")).not.toContain("Asistente de eventos");
  });

  it("announces an event: shows the count, asks, sends, and reports progress in the chat", async () => {
    const event = await makeEvent(h, { districts: ["comuna-3"] });
    for (const address of ["ana", "beto", "carla"]) {
      const id = await consentingCitizen(h, address);
      await subscribeDirect(h, id, { kind: "district", key: address === "carla" ? "san-isidro" : "comuna-3" });
    }
    await staff("/evento", "4");
    expect(lastShown(h, "prensa")).toContain(`#${event.id} Audiencia pública de rendición de cuentas 2026`);
    await staff("1");
    const confirm = await staff("1"); // interested in the event's districts and topics
    expect(confirm).toContain("El anuncio llegará a 2 personas");
    expect(confirm).toContain("9:00 p. m.");
    expect(textsTo(h, "ana", "Audiencia pública")).toEqual([]);
    const sent = await staff("1");
    expect(sent).toMatch(/Anuncio #\d+ en camino a 2 personas/);
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Audiencia pública")).toHaveLength(1);
    expect(textsTo(h, "beto", "Audiencia pública")).toHaveLength(1);
    expect(textsTo(h, "carla", "Audiencia pública")).toEqual([]);

    // The progress job reports to the official's chat once everything is settled.
    h.clock.advanceMs(30_000);
    await h.bot.scheduler.tick();
    await h.bot.dispatcher.tick();
    const done = textsTo(h, "prensa", "terminado");
    expect(done).toHaveLength(1);
    expect(done[0]).toContain("Enviados: 2");
    expect(done[0]).toContain("100%");

    // And on request.
    await staff("/evento", "5");
    const progress = await staff("1");
    expect(progress).toContain("Enviados: 2 · Fallidos: 0 · Sin contacto: 0 · Sin confirmar: 0 (de 2)");
  });

  it("edits the time (telling those who said yes) and cancels an event", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await h.say("ana", `evento ${event.id}`);
    await h.say("ana", "1");

    await staff("/evento", "2", "1", "1", "2026-03-11", "9:00");
    let reply = await staff("8:00");
    expect(reply).toContain("La hora de fin debe ser después");
    reply = await staff("1", "2026-03-11", "9:00", "12:00");
    expect(reply).toContain("Evento actualizado");
    expect(reply).toContain("Avisamos del cambio a 1 personas");
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Cambió el evento")[0]).toContain(
      "miércoles 11 de marzo de 2026, de 9:00 a. m. a 12:00 p. m.",
    );

    await staff("3", "1");
    expect(lastShown(h, "prensa")).toContain("1 personas confirmaron asistencia");
    reply = await staff("1");
    expect(reply).toContain("cancelado");
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Se canceló el evento")).toHaveLength(1);
    expect((await h.runtime.app.repos.events.get(event.id))!.status).toBe("cancelled");
  });

  it("is only for communications staff and admins; a wizard in progress survives a restart", async () => {
    expect((await h.say("func", "/evento")).at(-1)!.text).toContain("Solo el equipo de comunicaciones");
    await staff("/evento", "1");
    await h.reopen();
    expect(await staff("1")).toContain("¿Cuál es el título del evento?");
    // A staff command leaves the wizard and runs as usual.
    expect(await staff("/pendientes")).not.toContain("título");
  });
});
