import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";

// A citizen who types a radicado gets its status, at the main menu as at the status prompt; the rule
// for the menu is core/reference.ts `referenceRequest` (a radicado and at most 4 other words).
const ANA = "ana";
const BETO = "beto";
const NEW_PETITION = "¿De qué tema es su pregunta?";
const NOT_FOUND = "No encontramos una pregunta suya";

describe("status by radicado", () => {
  let h: Harness;
  let anas: string;
  beforeEach(async () => {
    h = await createHarness();
    anas = await fileQuestion(h, ANA); // RC-2026-000001, idle at the menu
    await fileQuestion(h, BETO); // RC-2026-000002
  });
  afterEach(async () => {
    await h.close();
  });

  const questionsFiled = async () => (await h.runtime.app.repos.questions.list()).length;

  it.each(["RC-2026-000001", "rc-2026-1", "estado RC-2026-000001", "¿cómo va el RC-2026-000001?", "2026-000001"])(
    "shows the status when '%s' is typed at the main menu",
    async (text) => {
      const reply = (await h.say(ANA, text)).at(-1)?.text ?? "";
      expect(reply).toContain(`Radicado ${anas}`);
      expect(reply).toContain("en trámite");
      expect(reply).not.toContain(NEW_PETITION);
      expect(await questionsFiled()).toBe(2);
    },
  );

  it("answers another citizen's radicado typed at the menu as not found, revealing nothing, and waits for another", async () => {
    const reply = (await h.say(ANA, "estado RC-2026-000002")).at(-1)?.text ?? "";
    expect(reply).toContain(NOT_FOUND);
    expect(reply).toContain("RC-2026-000002");
    expect(reply).not.toMatch(/Secretar|Dependencia|en trámite/);
    expect(reply).toContain("MENÚ o CANCELAR");
    expect(h.last(ANA)).toContain(NOT_FOUND);
    expect((await h.say(ANA, "rc-2026-1")).at(-1)?.text).toContain(`Radicado ${anas}`);
  });

  it("finds the radicado inside the text at the status prompt", async () => {
    await h.say(ANA, "estado");
    expect(h.last(ANA)).toContain("Escriba el número de radicado");
    const reply = (await h.say(ANA, "estado RC-2026-000001")).at(-1)?.text ?? "";
    expect(reply).not.toContain("no parece un número de radicado");
    expect(reply).toContain("en trámite");
  });

  it("stays at the prompt after an unknown radicado, until one is found or the citizen leaves", async () => {
    await h.say(ANA, "estado");
    const notFound = (await h.say(ANA, "RC-2026-000999")).at(-1)?.text ?? "";
    expect(notFound).toContain(`${NOT_FOUND} con el radicado RC-2026-000999`);
    expect(notFound).toContain("escriba MENÚ o CANCELAR");
    expect(notFound).not.toContain("¿Qué quiere hacer?");
    const again = (await h.say(ANA, "RC-2026-000002")).at(-1)?.text ?? ""; // Beto's: not found either
    expect(again).toContain(NOT_FOUND);
    expect(again).not.toContain("en trámite");
    const malformed = (await h.say(ANA, "no me acuerdo")).at(-1)?.text ?? "";
    expect(malformed).toContain("no parece un número de radicado");
    expect(malformed).toContain("MENÚ");
    expect((await h.say(ANA, "RC-2026-000001")).at(-1)?.text).toContain("en trámite");
  });

  it("leaves the not-found prompt with MENÚ and with CANCELAR", async () => {
    await h.say(ANA, "RC-2026-000999");
    expect(h.last(ANA)).toContain(NOT_FOUND);
    const menu = (await h.say(ANA, "menú")).at(-1);
    expect(menu?.options?.length).toBeGreaterThan(3);
    await h.say(ANA, "estado");
    await h.say(ANA, "RC-2026-000999");
    await h.say(ANA, "cancelar");
    expect(h.last(ANA)).not.toContain(NOT_FOUND);
    // Back at the menu: a radicado is a radicado again, free text a question.
    expect((await h.say(ANA, "RC-2026-000001")).at(-1)?.text).toContain("en trámite");
  });

  it("takes a long text that mentions a radicado as a question, not as a status request", async () => {
    const text = `Quiero agregar información a mi pregunta ${anas} porque el hueco ya tiene dos metros de ancho`;
    const reply = await h.say(ANA, text);
    expect(reply.at(-1)?.text).not.toContain(`Radicado ${anas}`);
    expect(reply.at(-1)?.text ?? "").toMatch(/¿Es correcto\?|¿De qué tema es su pregunta\?/);
  });

  it("takes a long text that mentions a radicado as the information an office asked for", async () => {
    expect((await requestInfo(h.runtime.app, { kind: "cli" }, anas, "¿En qué dirección exacta?")).ok).toBe(true);
    await h.bot.dispatcher.tick();
    const text = `Quiero agregar información a mi pregunta ${anas}: el hueco está en la calle 10 con carrera 5`;
    await h.say(ANA, text);
    const question = (await h.runtime.app.repos.questions.byReference(anas))!;
    expect(question.status).toBe("open");
    const history = await h.runtime.app.repos.questions.history(question.id);
    expect(history.map((e) => e.kind)).toContain("info_provided");
    // A short message with the radicado still asks for its status.
    expect((await h.say(ANA, `como va ${anas}`)).at(-1)?.text).toContain(`Radicado ${anas}`);
  });
});
