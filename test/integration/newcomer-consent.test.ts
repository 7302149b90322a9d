/**
 * Issue 18, points 4 and 11: what a new citizen sees first. The consent screen is short, the full
 * notice is one option away, and a question sent before consent is offered for filing afterwards,
 * kept only in the conversation while the citizen decides.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";

const ANA = "ana";
const QUESTION = "¿Cuándo van a arreglar el alumbrado público de la calle 5 en el barrio Centro?";

describe("a new citizen's first steps", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const conversationData = async () =>
    ((await sqlRow(h.runtime, "select data from conversations")) as { data: string } | undefined)?.data ?? "";
  const questionCount = async () => ((await sqlRow(h.runtime, "select count(*) n from questions")) as { n: number }).n;

  it("offers to file the question written before consent, once the citizen consents", async () => {
    const [notice] = await h.say(ANA, QUESTION);
    expect(notice?.text).toContain("Leímos su mensaje");
    expect(notice?.text).toContain("¿Nos autoriza?");
    expect(await questionCount()).toBe(0);
    const [offer] = await h.say(ANA, "1");
    expect(offer?.text).toContain("Guardamos su autorización");
    expect(offer?.text).toContain("¿Quiere que registremos lo que escribió?");
    expect(offer?.text).toContain(QUESTION);
    expect(offer?.options).toEqual(["Sí, registrarlo", "No, ir al menú"]);
    await h.say(ANA, "1"); // register it: routing proposes an office or topics
    const next = h.last(ANA);
    expect(next).toMatch(/¿Es correcto\?|¿De qué tema/);
    await h.say(ANA, "1");
    const receipt = (await h.say(ANA, "1")).at(-1)?.text ?? "";
    expect(receipt).toMatch(/RC-2026-\d{6}/);
    expect((await h.runtime.app.repos.questions.list())[0]?.text).toBe(QUESTION);
  });

  it("forgets the question when consent is refused, and keeps it nowhere but the conversation before", async () => {
    await h.say(ANA, QUESTION);
    // Before deciding: only in the conversation state, never as a question.
    expect(await conversationData()).toContain("alumbrado");
    expect(await questionCount()).toBe(0);
    const [refused] = await h.say(ANA, "2");
    expect(refused?.text).toContain("No guardaremos sus datos");
    expect(await conversationData()).not.toContain("alumbrado");
    expect(await questionCount()).toBe(0);
  });

  it("forgets the question when the citizen leaves the consent screen another way", async () => {
    await h.say(ANA, QUESTION);
    await h.say(ANA, "menú");
    expect(await conversationData()).not.toContain("alumbrado");
  });

  it("lets the citizen decline filing it and go to the menu", async () => {
    await h.say(ANA, QUESTION);
    await h.say(ANA, "1");
    const [menu] = await h.say(ANA, "2");
    expect(menu?.text).toContain("¿Qué quiere hacer?");
    expect(await conversationData()).not.toContain("alumbrado");
    expect(await questionCount()).toBe(0);
  });

  it("keeps a greeting out of the offer", async () => {
    const [notice] = await h.say(ANA, "hola");
    expect(notice?.text).not.toContain("Leímos su mensaje");
    const [after] = await h.say(ANA, "1");
    expect(after?.text).not.toContain("¿Quiere que registremos");
    expect(after?.text).toContain("¿Qué quiere hacer?");
  });

  it("shows a short consent screen with the full notice one option away, and proves the full notice's version", async () => {
    const [notice] = await h.say(ANA, "hola");
    expect(notice!.text.length).toBeLessThan(420);
    expect(notice?.text).toMatch(/Quién:/);
    expect(notice?.text).toMatch(/Para qué:/);
    expect(notice?.text).toMatch(/Sus derechos:/);
    expect(notice?.options).toEqual(["Sí, autorizo", "No autorizo", "Leer el aviso completo"]);
    const [full] = await h.say(ANA, "3");
    const profile = h.runtime.app.profile;
    expect(full?.text).toContain(profile.dataNotice.controller);
    expect(full?.text).toContain(profile.dataNotice.policyUrl);
    expect(full?.text).toContain(`versión ${profile.dataNotice.version}`);
    expect(full?.options).toEqual(["Sí, autorizo", "No autorizo"]);
    await h.say(ANA, "1");
    const proof = await sqlRows(h.runtime, "select decision, notice_version from consents");
    expect(proof).toEqual([{ decision: "granted", notice_version: profile.dataNotice.version }]);
  });

  it("answers in English with the same short screen", async () => {
    const [notice] = await h.say(ANA, "hello", { languageHint: "en" });
    expect(notice?.text).toContain("Do you authorize us?");
    expect(notice?.options?.[2]).toBe("Read the full notice");
    expect(notice!.text.length).toBeLessThan(420);
  });
});

describe("what counts as a question on first contact", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(["Buenas tardes", "Hola, buenos días, ¿cómo está?", "hello, good morning"])(
    "'%s' is a greeting, not a question to offer",
    async (text) => {
      const [notice] = await h.say("ana", text);
      expect(notice?.text).not.toContain("Leímos su mensaje");
    },
  );
});
