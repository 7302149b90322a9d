/**
 * Issue 18.3: when an office asked the citizen for more information, the citizen's next free text
 * (or a reply to the request message) is that information. With one question waiting it is attached
 * at once and the term restarts (Ley 1755 de 2015, art. 17); the confirmation says how to ask a new
 * question instead. With several requests the citizen says which, or that it is a new question, or
 * nothing. A reply to the request names the question: attached at once.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { outboxKeys } from "../helpers/scenario.ts";
import { sqlRow } from "../helpers/storage.ts";

const ANA = "ana";
const ADDRESS = "Calle 12 con carrera 8, frente a la tienda";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const question = async (ref: string) => (await h.runtime.app.repos.questions.byReference(ref))!;
const kinds = async (ref: string) =>
  (await h.runtime.app.repos.questions.history((await question(ref)).id)).map((e) => e.kind);

async function asked(ref: string, request: string): Promise<void> {
  expect((await requestInfo(h.runtime.app, { kind: "cli" }, ref, request)).ok).toBe(true);
  await h.bot.dispatcher.tick();
}

describe("answering an information request", () => {
  it("takes the next free text as the information: attached at once, the term restarted, no menu to find", async () => {
    const ref = await fileQuestion(h, ANA);
    await asked(ref, "¿En qué dirección exacta está el hueco?");
    expect(h.last(ANA)).toContain("responda a este mensaje o escríbala aquí");
    h.clock.advanceMs(7 * 86_400_000); // Monday 9 March

    const [done] = await h.say(ANA, ADDRESS);
    expect(done!.text).toContain(`Agregamos su información a la pregunta ${ref}`);
    expect(done!.text).toContain("le responderemos a más tardar el martes 31 de marzo de 2026");
    expect(done!.text).toContain("Si su mensaje era una pregunta nueva, escriba NUEVA PREGUNTA.");
    expect(done!.options ?? []).toEqual([]);
    expect(await question(ref)).toMatchObject({ status: "open", dueDate: "2026-03-31" });
    expect(await kinds(ref)).toEqual(["filed", "info_requested", "info_provided"]);
    const provided = (await h.runtime.app.repos.questions.lastEvent((await question(ref)).id, "info_provided"))!;
    expect(JSON.parse(provided.data)).toMatchObject({ text: ADDRESS });
  });

  it("the way out named in the confirmation starts a new question; with several requests the menu offers it, or nothing", async () => {
    const ref = await fileQuestion(h, ANA);
    await asked(ref, "¿En qué dirección exacta está el hueco?");
    await h.say(ANA, ADDRESS);
    const [prompt] = await h.say(ANA, "NUEVA PREGUNTA");
    expect(prompt!.text).toContain("Escriba su pregunta o petición en un solo mensaje");

    await h.say(ANA, "menu");
    const second = await fileQuestion(
      h,
      ANA,
      "Necesito copia del contrato de alumbrado público del barrio El Prado firmado en 2025",
    );
    const third = await fileQuestion(
      h,
      ANA,
      "Quiero saber por qué no han recogido las basuras en el barrio Centro esta semana",
    );
    await asked(second, "¿Qué número tiene el contrato?");
    await asked(third, "¿En qué calle están las basuras?");
    await h.say(ANA, "Quiero saber cuándo abren las inscripciones para los cursos de música de la casa de la cultura");
    const [routed] = await h.say(ANA, "3");
    expect(routed!.text).toMatch(/Creemos que su pregunta es (para|sobre)|¿De qué tema es su pregunta\?/);
    expect((await question(second)).status).toBe("info_requested");

    await h.say(ANA, "menu");
    await h.say(ANA, "Todavía estoy averiguando el número del contrato");
    const [nothing] = await h.say(ANA, "no enviar nada");
    expect(nothing!.text).toContain("cancelamos lo que estaba haciendo");
    expect([(await question(second)).status, (await question(third)).status]).toEqual([
      "info_requested",
      "info_requested",
    ]);
    expect(await kinds(second)).toEqual(["filed", "info_requested"]);
  });

  it("with several requests, asks which question the information is for", async () => {
    const first = await fileQuestion(h, ANA);
    const second = await fileQuestion(
      h,
      ANA,
      "Necesito copia del contrato de alumbrado público del barrio El Prado firmado en 2025",
    );
    await asked(first, "¿En qué dirección exacta está el hueco?");
    await asked(second, "¿Qué número tiene el contrato?");
    const [offer] = await h.say(ANA, "El contrato es el número 245 de 2025");
    expect(offer!.text).toContain("Varias dependencias le pidieron más información");
    expect(offer!.text).toContain("«¿Qué número tiene el contrato?»");
    expect(offer!.options).toHaveLength(4);
    const pick = offer!.options!.findIndex((o) => o.includes(second)) + 1;
    await h.say(ANA, String(pick));
    expect((await question(second)).status).toBe("open");
    expect((await question(first)).status).toBe("info_requested");
  });

  it("a reply to the request message is attached at once; a greeting is still a greeting", async () => {
    const ref = await fileQuestion(h, ANA);
    await asked(ref, "¿En qué dirección exacta está el hueco?");
    const [greeting] = await h.say(ANA, "hola");
    expect(greeting!.text).not.toContain("¿Su mensaje es esa información?");

    const [key] = await outboxKeys(h, `q:${(await question(ref)).id}:info-request-`);
    const row = (await sqlRow(h.runtime, "select channel_message_id id from outbox where idempotency_key = ?", [
      key,
    ])) as { id: string };
    const [done] = await h.say(ANA, ADDRESS, { replyToChannelMessageId: row.id });
    expect(done!.text).toContain(`Agregamos su información a la pregunta ${ref}`);
    expect(done!.text).not.toContain("NUEVA PREGUNTA");
    expect(await kinds(ref)).toEqual(["filed", "info_requested", "info_provided"]);
  });
});
