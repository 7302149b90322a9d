/**
 * Issue 18, point 10: a citizen who erases their data leaves open petitions behind. The entity
 * must still answer them (Ley 1755 de 2015), but can no longer deliver by chat: staff are told so in
 * the office chat, in `questions show`/`list` and when they answer, and nobody promises delivery.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerQuestion, requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { runOn } from "../helpers/cli.ts";
import { addOfficial } from "./deadlines-helpers.ts";

const ANA = "ana";
const OFFICIAL = "func-infra";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function eraseAna() {
  await h.say(ANA, "privacidad");
  await h.say(ANA, "3");
  const [done] = await h.say(ANA, "1");
  expect(done?.text).toContain("Borramos sus datos");
}

describe("open questions of a citizen who erased their data", () => {
  it("warns the citizen before erasing that open questions are answered but not delivered here", async () => {
    await fileQuestion(h, ANA);
    await h.say(ANA, "privacidad");
    const [confirm] = await h.say(ANA, "3");
    expect(confirm?.text).toContain("se responderán igual");
    expect(confirm?.text).toContain("no le llegará por este chat");
  });

  it("stay open with their term, and the office is told the answer cannot be delivered", async () => {
    await addOfficial(h, OFFICIAL, "official", "infraestructura");
    const reference = await fileQuestion(h, ANA);
    await h.bot.dispatcher.tick();
    const before = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(before.officeKey).toBe("infraestructura");
    await eraseAna();
    await h.bot.dispatcher.tick();
    const after = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(after.status).toBe("open");
    expect(after.dueDate).toBe(before.dueDate);
    expect((await h.runtime.app.repos.questions.history(after.id)).map((e) => e.kind)).toContain("contact_erased");
    const notice = h.channel.to(OFFICIAL).find((m) => m.text.includes("borró sus datos"));
    expect(notice?.text).toContain(`${reference} borró sus datos personales`);
    expect(notice?.text).toContain("se debe responder a más tardar el martes 24 de marzo de 2026");
    expect(notice?.text).toContain("no se le podrá enviar por el chat");
  });

  it("answering records the answer without promising delivery, in the chat and the CLI", async () => {
    await addOfficial(h, OFFICIAL, "official", "infraestructura");
    const first = await fileQuestion(h, ANA);
    const second = await fileQuestion(
      h,
      ANA,
      "Solicito información sobre el estado de la vía al corregimiento San Isidro",
    );
    await eraseAna();
    const replies = await h.say(OFFICIAL, `/responder ${first} Ya se programó la reparación.`);
    const reply = replies.find((m) => m.text.startsWith("Listo"));
    expect(reply?.text).toContain("quedó registrada en el expediente");
    expect(reply?.text).not.toContain("se enviará al ciudadano");
    expect((await h.runtime.app.repos.questions.byReference(first))?.status).toBe("answered");
    const out = (await runOn(h.runtime, ["questions", "answer", second, "--text", "La vía se arregla en abril."]))
      .stdout;
    expect(out).toBe(
      `${second} respondida; el ciudadano borró sus datos: la respuesta queda en el expediente pero no se le puede entregar por chat.\n`,
    );
    expect(out).not.toContain("la respuesta le llegará al ciudadano");
  });

  it("shows the erased contact in questions show and list, and refuses asking them for information", async () => {
    const reference = await fileQuestion(h, ANA);
    await eraseAna();
    const shown = (await runOn(h.runtime, ["questions", "show", reference])).stdout;
    expect(shown).toMatch(/contacto\s+datos borrados/);
    expect(shown).toContain("el ciudadano borró sus datos");
    expect((await runOn(h.runtime, ["questions", "show", reference], "en")).stdout).toMatch(/contact\s+erased/);
    const listed = JSON.parse((await runOn(h.runtime, ["questions", "list", "--json"])).stdout) as {
      reference: string;
      contact: string;
    }[];
    expect(listed).toEqual([expect.objectContaining({ reference, contact: "erased" })]);
    expect(await requestInfo(h.runtime.app, { kind: "cli" }, reference, "¿En qué dirección?")).toEqual({
      ok: false,
      error: "citizen_erased",
    });
    expect((await answerQuestion(h.runtime.app, { kind: "cli" }, reference, "Respuesta")).ok).toBe(true);
  });

  it("a citizen who keeps their data still gets the usual promise", async () => {
    const reference = await fileQuestion(h, ANA);
    const out = (await runOn(h.runtime, ["questions", "answer", reference, "--text", "Listo."])).stdout;
    expect(out).toContain("la respuesta le llegará al ciudadano");
    const listed = JSON.parse((await runOn(h.runtime, ["questions", "list", "--json"])).stdout) as {
      contact: string;
    }[];
    expect(listed[0]?.contact).toBe("chat");
  });
});
