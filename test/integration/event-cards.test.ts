/**
 * Issue 18, point 7: an event card does not repeat the kind its title already says, and a change
 * notice says what changed, old → new (date, time, place).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { titleSaysKind } from "../../src/core/events.ts";
import { updateEvent } from "../../src/services/events/events.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { bogota, consentingCitizen, makeEvent } from "./events-helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe("event cards", () => {
  it("shows a title that already names its kind once", async () => {
    const event = await makeEvent(h); // public_hearing, "Audiencia pública de rendición de cuentas 2026"
    await consentingCitizen(h, "ana");
    const [card] = await h.say("ana", `evento ${event.id}`);
    expect(card?.text).toContain("Audiencia pública de rendición de cuentas 2026");
    expect(card?.text).not.toMatch(/Audiencia pública de rendición de cuentas: Audiencia pública/);
    expect(card?.text.match(/Audiencia pública/g)).toHaveLength(1);
  });

  it("keeps the kind before a title that does not say it", async () => {
    const event = await makeEvent(h, { kind: "territorial_dialogue", title: "Barrio San Isidro y sus vías" });
    await consentingCitizen(h, "ana");
    const [card] = await h.say("ana", `evento ${event.id}`);
    expect(card?.text).toContain("Diálogo territorial: Barrio San Isidro y sus vías");
  });

  it("recognizes the kind in a title regardless of case, accents and the kind's long form", () => {
    expect(titleSaysKind("AUDIENCIA PUBLICA 2026", "Audiencia pública de rendición de cuentas")).toBe(true);
    expect(titleSaysKind("Feria de la transparencia en la plaza", "Feria de la transparencia")).toBe(true);
    expect(titleSaysKind("Rendición de cuentas de salud", "Diálogo temático")).toBe(false);
  });
});

describe("change notices", () => {
  it("say what changed: the old and new date, time and place", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await h.say("ana", `evento ${event.id}`);
    await h.say("ana", "1"); // will attend
    const moved = await updateEvent(h.runtime.app, { kind: "cli" }, event.id, {
      startsAtMs: bogota("2026-03-12", "15:00"),
      endsAtMs: bogota("2026-03-12", "17:00"),
      place: "Teatro Municipal",
    });
    expect(moved.ok).toBe(true);
    await h.bot.dispatcher.tick();
    const notice = h.channel.to("ana").find((m) => m.text.includes("Cambió el evento"))!;
    expect(notice.text).toContain("• Fecha: antes martes 10 de marzo de 2026 → ahora jueves 12 de marzo de 2026");
    expect(notice.text).toContain("• Hora: antes 9:00 a. m. – 11:00 a. m. → ahora 3:00 p. m. – 5:00 p. m.");
    expect(notice.text).toContain("• Lugar: antes Coliseo Municipal, carrera 5 # 10-20 → ahora Teatro Municipal");
    expect(notice.text).not.toContain("Enlace: antes");
  });

  it("name only the time when the day stays the same", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await h.say("ana", `evento ${event.id}`);
    await h.say("ana", "1");
    await updateEvent(h.runtime.app, { kind: "cli" }, event.id, {
      startsAtMs: bogota("2026-03-10", "10:00"),
      endsAtMs: bogota("2026-03-10", "12:00"),
    });
    await h.bot.dispatcher.tick();
    const notice = h.channel.to("ana").find((m) => m.text.includes("Cambió el evento"))!;
    expect(notice.text).toContain("• Hora: antes 9:00 a. m. – 11:00 a. m. → ahora 10:00 a. m. – 12:00 p. m.");
    expect(notice.text).not.toContain("Fecha: antes");
    expect(notice.text).not.toContain("Lugar: antes");
  });
});
