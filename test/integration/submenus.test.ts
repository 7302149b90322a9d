/**
 * Issue 18.6: after "no hay eventos programados" (or an event that no longer exists) the citizen is
 * told where they are and the events menu is shown again, so the next number answers that menu and
 * never starts an unrelated main-menu action; a typo of a menu option or a global word is
 * understood where it used to become a new question.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { consentingCitizen } from "./events-helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const position = async (address: string) => {
  const c = (await h.runtime.app.repos.citizens.findContext("memory", address))!;
  return `${c.flowId}.${c.stepId}`;
};

describe("sub-menus say where the citizen is", () => {
  it("no events: says so, stays in the events menu with its options, and a number chooses from that menu", async () => {
    await consentingCitizen(h, "ana");
    await h.say("ana", "eventos");
    const [none] = await h.say("ana", "1"); // all upcoming events: there are none
    expect(none!.text).toContain("Por ahora no hay eventos programados");
    expect(none!.text).toContain("Sigue en «Eventos y audiencias»");
    expect(none!.options).toHaveLength(5);
    expect(await position("ana")).toBe("events.start");
    const [back] = await h.say("ana", String(none!.options!.length)); // the last option: back to the menu
    expect(back!.text).toContain("¿Qué quiere hacer?");
    expect(await position("ana")).toBe("main.menu");
  });

  it("an event that no longer exists: says so and where the citizen is; the next number answers the events menu", async () => {
    await consentingCitizen(h, "ana");
    const [gone] = await h.say("ana", "evento 999");
    expect(gone!.text).toContain("Ese evento no existe o ya terminó. Sigue en «Eventos y audiencias»");
    expect(gone!.options).toHaveLength(5);
    expect(await position("ana")).toBe("events.start");
    await h.say("ana", "1"); // "all upcoming events" (none), not "Hacer una pregunta" of the main menu
    expect(await position("ana")).toBe("events.start");
    expect(h.last("ana")).toContain("Por ahora no hay eventos programados");
  });

  it("understands typos of options and global words that used to become questions", async () => {
    await consentingCitizen(h, "ana");
    await h.say("ana", "menu");
    await h.say("ana", "consultar estdo");
    expect(await position("ana")).toBe("status.prompt");
    await h.say("ana", "ayda");
    expect(h.last("ana")).toContain("MENÚ: volver al inicio");
    await h.say("ana", "menuu");
    expect(await position("ana")).toBe("main.menu");
    await h.say("ana", "idiona");
    expect(await position("ana")).toBe("language.choose");
    await h.say("ana", "menu");
    const [question] = await h.say("ana", "el estado de las canchas del barrio es terrible");
    expect(question!.text).toMatch(/Creemos que su pregunta es (para|sobre)|¿De qué tema es su pregunta\?/);
  });
});
