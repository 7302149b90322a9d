/**
 * Citizens and events, whole conversations on the memory channel with an injected clock: listing
 * by district, RSVP with its calendar file, reminders a day and an hour before, change and
 * cancellation notices, subscriptions and the stop words.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnnouncement } from "../../src/services/events/announcements.ts";
import { cancelEvent, updateEvent } from "../../src/services/events/events.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { record } from "./commitments-helpers.ts";
import { bogota, consentingCitizen, lastShown, makeEvent, runAt, subscribeDirect, textsTo } from "./events-helpers.ts";
import { sqlRows } from "../helpers/storage.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function rsvpYes(address: string, eventId: number) {
  await h.say(address, `evento ${eventId}`);
  return h.say(address, "1");
}

describe("listing and RSVP", () => {
  it("lists upcoming events by district, shows one, and a yes brings the .ics", async () => {
    const hearing = await makeEvent(h);
    await makeEvent(h, {
      title: "Diálogo territorial San Isidro",
      kind: "territorial_dialogue",
      districts: ["san-isidro"],
      officeKey: "infraestructura",
    });
    await consentingCitizen(h, "ana");

    const menu = (await h.say("ana", "menu")).at(-1)!;
    expect(menu.options).toContain("Eventos y audiencias");
    await h.say("ana", "eventos");
    await h.say("ana", "2"); // by district
    expect(lastShown(h, "ana")).toContain("Comuna 1 Centro");
    await h.say("ana", "Comuna 1 Centro");
    const list = lastShown(h, "ana");
    expect(list).toContain("Audiencia pública de rendición de cuentas 2026");
    expect(list).not.toContain("San Isidro");

    const detail = (await h.say("ana", "1")).at(-1)!.text;
    expect(detail).toContain("martes 10 de marzo de 2026, de 9:00 a. m. a 11:00 a. m.");
    expect(detail).toContain("Coliseo Municipal");
    expect(detail).toContain("https://facebook.com/alcaldia/live");
    expect(detail).toContain("¿Va a asistir?");

    const replies = await h.say("ana", "1");
    const ics = replies.find((m) => m.document);
    expect(ics?.document).toMatchObject({ fileName: `evento-${hearing.id}.ics`, mimeType: "text/calendar" });
    expect(ics!.document!.content).toContain("BEGIN:VCALENDAR");
    expect(ics!.document!.content).toContain("DTSTART:20260310T140000Z");
    expect(ics!.document!.content).toContain(`UID:event-${hearing.id}@`);
    expect(replies.at(-1)!.text).toContain("quedó registrada su asistencia");
    expect(await h.runtime.app.repos.events.rsvpOf(hearing.id, 1)).toBe("yes");

    // Changing one's mind is one more answer, not a second row.
    await h.say("ana", `evento ${hearing.id}`);
    expect(h.last("ana")).toContain("Usted confirmó que asistirá");
    await h.say("ana", "2");
    expect(await h.runtime.app.repos.events.rsvpCounts(hearing.id)).toEqual({ yes: 0, no: 1 });
  });

  it("asks for consent before storing an RSVP, and the shortcut refuses ended events", async () => {
    const event = await makeEvent(h);
    await h.say("beto", "hola");
    await h.say("beto", "2"); // refuses the data notice
    await h.say("beto", `evento ${event.id}`);
    const reply = (await h.say("beto", "1")).at(-1)!.text;
    expect(reply).toContain("necesitamos su autorización");
    expect(await h.runtime.app.repos.events.rsvpCounts(event.id)).toEqual({ yes: 0, no: 0 });

    h.clock.setMs(bogota("2026-03-10", "12:00"));
    await h.say("beto", `EVENTO ${event.id}`);
    expect(h.last("beto")).toContain("no existe o ya terminó");
  });
});

describe("reminders and notices to those who said yes", () => {
  it("reminds a day and an hour before, only those who said yes, once", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await consentingCitizen(h, "beto");
    await rsvpYes("ana", event.id);
    await h.say("beto", `evento ${event.id}`);
    await h.say("beto", "2");

    await runAt(h, "2026-03-09", "08:59");
    expect(textsTo(h, "ana", "Recordatorio")).toEqual([]);
    await runAt(h, "2026-03-09", "09:00");
    const day = textsTo(h, "ana", "Recordatorio: mañana es");
    expect(day).toHaveLength(1);
    expect(day[0]).toContain("9:00 a. m.");
    expect(day[0]).toContain("Para dejar de recibir estos avisos, escriba SALIR.");
    await runAt(h, "2026-03-10", "08:00");
    expect(textsTo(h, "ana", "en una hora empieza")).toHaveLength(1);
    // Running the scheduler again sends nothing more.
    await runAt(h, "2026-03-10", "08:30");
    expect(textsTo(h, "ana", "Recordatorio")).toHaveLength(2);
    expect(textsTo(h, "beto", "Recordatorio")).toEqual([]);
  });

  it("after downtime sends only the hour-before reminder, and none once the event started", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await rsvpYes("ana", event.id);
    await runAt(h, "2026-03-10", "08:10");
    const reminders = textsTo(h, "ana", "Recordatorio");
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain("en una hora empieza «Audiencia pública de rendición de cuentas 2026»");
    await runAt(h, "2026-03-10", "09:05");
    expect(textsTo(h, "ana", "Recordatorio")).toHaveLength(1);
  });

  it("a moved event notifies with a new .ics and moves the reminders; a cancelled one says so", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await rsvpYes("ana", event.id);

    const moved = await updateEvent(h.runtime.app, { kind: "cli" }, event.id, {
      startsAtMs: bogota("2026-03-12", "15:00"),
      endsAtMs: bogota("2026-03-12", "17:00"),
    });
    expect(moved.ok).toBe(true);
    await h.bot.dispatcher.tick();
    const notice = h.channel.to("ana").find((m) => m.text.includes("Cambió el evento"))!;
    expect(notice.text).toContain("jueves 12 de marzo de 2026, de 3:00 p. m. a 5:00 p. m.");
    expect(notice.document!.content).toContain("SEQUENCE:1");
    expect(notice.document!.content).toContain("DTSTART:20260312T200000Z");

    // The old day-before reminder (March 9) finds the event moved and says nothing.
    await runAt(h, "2026-03-09", "09:00");
    expect(textsTo(h, "ana", "Recordatorio")).toEqual([]);
    await runAt(h, "2026-03-11", "15:00");
    expect(textsTo(h, "ana", "mañana es")).toHaveLength(1);

    const cancelled = await cancelEvent(h.runtime.app, { kind: "cli" }, event.id);
    expect(cancelled.ok).toBe(true);
    await h.bot.dispatcher.tick();
    const cancel = h.channel.to("ana").find((m) => m.text.includes("Se canceló el evento"))!;
    expect(cancel.text).toContain("jueves 12 de marzo de 2026");
    expect(cancel.document!.content).toContain("METHOD:CANCEL");
    expect(cancel.document!.content).toContain("STATUS:CANCELLED");
    await runAt(h, "2026-03-12", "14:00");
    expect(textsTo(h, "ana", "en una hora")).toEqual([]);
  });
});

describe("subscriptions and stop words", () => {
  it("subscribes by district in the chat; an event announcement reaches subscribers with consent only", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await h.say("ana", "eventos");
    await h.say("ana", "4");
    expect(h.last("ana")).toContain("Usted no recibe avisos");
    await h.say("ana", "3");
    await h.say("ana", "1"); // Comuna 1 Centro
    expect(h.last("ana")).toContain("escriba SALIR en cualquier momento");
    // A subscriber of another district, one of everything, and one whose consent was revoked.
    const beto = await consentingCitizen(h, "beto");
    await subscribeDirect(h, beto, { kind: "district", key: "san-isidro" });
    const carla = await consentingCitizen(h, "carla");
    await subscribeDirect(h, carla, { kind: "all", key: "" });
    const dora = await consentingCitizen(h, "dora");
    await subscribeDirect(h, dora, { kind: "district", key: "comuna-1" });
    await h.say("dora", "privacidad");
    await h.say("dora", "2");
    await h.say("dora", "1");
    expect(await h.runtime.app.repos.subscriptions.list(dora)).toEqual([]);

    const sent = await createAnnouncement(
      h.runtime.app,
      { kind: "cli" },
      { eventId: event.id, segment: { kind: "interests", topics: [], districts: ["comuna-1"] } },
    );
    expect(sent.ok && sent.recipients).toBe(2);
    await h.bot.dispatcher.tick();
    const card = textsTo(h, "ana", "Audiencia pública de rendición de cuentas 2026")[0]!;
    expect(card).toContain("martes 10 de marzo de 2026, de 9:00 a. m. a 11:00 a. m.");
    expect(card).toContain("Dónde: Coliseo Municipal");
    expect(card).toContain(`escriba EVENTO ${event.id}`);
    expect(card.endsWith("Para dejar de recibir estos avisos, escriba SALIR.")).toBe(true);
    expect(textsTo(h, "carla", "Audiencia pública")).toHaveLength(1);
    expect(textsTo(h, "beto", "Audiencia pública")).toEqual([]);
    expect(textsTo(h, "dora", "Audiencia pública")).toEqual([]);
  });

  it.each(["SALIR", "salír", "Baja", "stop", "  STOP! "])(
    "'%s' stops notices at once and asks before dropping the citizen's RSVP",
    async (word) => {
      const event = await makeEvent(h);
      const ana = await consentingCitizen(h, "ana");
      await subscribeDirect(h, ana, { kind: "all", key: "" });
      await rsvpYes("ana", event.id);
      await h.say("ana", "1"); // in the middle of asking a question
      const [reply] = await h.say("ana", word);
      expect(reply!.text).toContain("ya no le enviaremos:\n• los avisos que pidió: Todos los eventos y avisos");
      expect(reply!.text).toContain("Usted dijo que asistirá a:\n• Audiencia pública");
      expect(reply!.options).toEqual(["Mantener mi asistencia", "Cancelar mi asistencia"]);
      expect(await h.runtime.app.repos.subscriptions.list(ana)).toEqual([]);
      expect(await h.runtime.app.repos.events.rsvpOf(event.id, ana)).toBe("yes"); // not before the citizen confirms
      expect((await h.say("ana", "2")).at(-1)!.text).toContain("cancelamos su asistencia (1)");
      expect(await h.runtime.app.repos.events.rsvpOf(event.id, ana)).toBe("no");
      await runAt(h, "2026-03-09", "09:00");
      expect(textsTo(h, "ana", "Recordatorio")).toEqual([]);
    },
  );

  it("SALIR keeps the RSVP when the citizen chooses to, and its reminders still come", async () => {
    const event = await makeEvent(h);
    const ana = await consentingCitizen(h, "ana");
    await rsvpYes("ana", event.id);
    const [reply] = await h.say("ana", "salir");
    expect(reply!.text).toContain("Usted no tenía avisos activos de temas, comunas ni compromisos.");
    expect((await h.say("ana", "mantener")).at(-1)!.text).toContain("mantenemos su asistencia");
    expect(await h.runtime.app.repos.events.rsvpOf(event.id, ana)).toBe("yes");
    await runAt(h, "2026-03-09", "09:00");
    expect(textsTo(h, "ana", "Recordatorio")).toHaveLength(1);
  });

  it("CANCELAR only cancels the step: subscriptions, RSVPs and followed commitments stay (issue 18.2)", async () => {
    const event = await makeEvent(h);
    const ana = await consentingCitizen(h, "ana");
    await subscribeDirect(h, ana, { kind: "topic", key: "salud" });
    await rsvpYes("ana", event.id);
    const commitment = await record(h, { text: "Pavimentar la calle 10" });
    await h.runtime.app.repos.commitments.follow(commitment.id, ana, h.clock.nowMs());
    await h.say("ana", "menu");
    await h.say("ana", "1");
    for (const word of ["cancelar", "Cancelár", "CANCEL"]) {
      const text = (await h.say("ana", word)).map((m) => m.text).join("\n");
      expect(text).toContain("cancelamos lo que estaba haciendo");
      expect(text).not.toContain("avisos");
    }
    expect(await h.runtime.app.repos.subscriptions.list(ana)).toHaveLength(1);
    expect(await h.runtime.app.repos.events.rsvpOf(event.id, ana)).toBe("yes");
    expect(await h.runtime.app.repos.commitments.isFollowing(commitment.id, ana)).toBe(true);
  });

  it("SALIR also stops followed commitments and says so (no more 'no tiene avisos activos' while they keep coming)", async () => {
    const ana = await consentingCitizen(h, "ana");
    const commitment = await record(h, { text: "Pavimentar la calle 10" });
    await h.runtime.app.repos.commitments.follow(commitment.id, ana, h.clock.nowMs());
    const [reply] = await h.say("ana", "salir");
    expect(reply!.text).toContain("• novedades de los compromisos que seguía (1)");
    expect(reply!.text).toContain("Seguirá recibiendo las respuestas a sus preguntas");
    expect(await h.runtime.app.repos.commitments.isFollowing(commitment.id, ana)).toBe(false);
    const [again] = await h.say("ana", "baja");
    expect(again!.text).toContain("Usted no tenía avisos activos");
  });

  it("deleting one's data forgets subscriptions and RSVPs and withdraws queued announcements", async () => {
    const event = await makeEvent(h);
    const ana = await consentingCitizen(h, "ana");
    await subscribeDirect(h, ana, { kind: "all", key: "" });
    await rsvpYes("ana", event.id);
    h.clock.setMs(bogota("2026-03-02", "22:00"));
    await createAnnouncement(
      h.runtime.app,
      { kind: "cli" },
      { text: "Jornada de vacunación.", segment: { kind: "everyone" } },
    );
    await h.say("ana", "privacidad");
    await h.say("ana", "3");
    await h.say("ana", "1");
    expect(await h.runtime.app.repos.subscriptions.list(ana)).toEqual([]);
    expect(await h.runtime.app.repos.events.rsvpOf(event.id, ana)).toBeUndefined();
    expect(
      await sqlRows(h.runtime, "select status, last_error from outbox where idempotency_key like 'ann:%'"),
    ).toEqual([{ status: "failed", last_error: "consent withdrawn" }]);
  });

  it("a stop word withdraws the announcement still queued for that citizen", async () => {
    const ana = await consentingCitizen(h, "ana");
    await subscribeDirect(h, ana, { kind: "all", key: "" });
    h.clock.setMs(bogota("2026-03-02", "22:00")); // quiet hours: the announcement waits
    const sent = await createAnnouncement(
      h.runtime.app,
      { kind: "cli" },
      { text: "Mañana hay jornada de vacunación en el parque.", segment: { kind: "everyone" } },
    );
    expect(sent.ok).toBe(true);
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "vacunación")).toEqual([]);
    await h.say("ana", "salir");
    await runAt(h, "2026-03-03", "07:00");
    expect(textsTo(h, "ana", "vacunación")).toEqual([]);
  });
});
