/**
 * Issue 18.5 with 19.7: one length rule for what a citizen writes, stated the same in the prompt,
 * the error and the check, counted as a person sees it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_CITIZEN_TEXT_LENGTH } from "../../src/core/text-length.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

const ANA = "ana";
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.say(ANA, "hola");
  await h.say(ANA, "1"); // consent → menu
});
afterEach(async () => {
  await h.close();
});

const conversation = async () => (await h.runtime.app.repos.citizens.findContext("memory", ANA))!;

describe("one length rule", () => {
  it("the prompt states the limit, and a longer question is refused with its real length and the same limit", async () => {
    const [prompt] = await h.say(ANA, "1");
    expect(prompt!.text).toContain(`máximo ${MAX_CITIZEN_TEXT_LENGTH} caracteres`);
    const tooLong = `En el barrio El Prado ${"hay un hueco enorme ".repeat(150)}`.slice(0, MAX_CITIZEN_TEXT_LENGTH + 1);
    const [refused] = await h.say(ANA, tooLong);
    expect(refused!.text).toContain(
      `Su mensaje tiene ${MAX_CITIZEN_TEXT_LENGTH + 1} caracteres y el máximo es ${MAX_CITIZEN_TEXT_LENGTH}`,
    );
    expect(await conversation()).toMatchObject({ flowId: "ask", stepId: "prompt" });
    const [tooShort] = await h.say(ANA, "hueco");
    expect(tooShort!.text).toContain(`escriba al menos 10 caracteres (máximo ${MAX_CITIZEN_TEXT_LENGTH})`);
  });

  it("counts emoji as a person sees them: 2,000 emoji are within the limit, and a family emoji stays whole", async () => {
    await h.say(ANA, "1");
    const text = `Miren esta calle ${"🚧".repeat(1000)} ${"👍🏽".repeat(1000)} 👨‍👩‍👧`;
    const [reply] = await h.say(ANA, text);
    expect(reply!.text).not.toContain("caracteres y el máximo");
    expect(JSON.parse((await conversation()).data ?? "{}").questionText).toContain("👨‍👩‍👧");
  });

  it("reports an emoji-only text over the limit in emoji, not in UTF-16 units", async () => {
    const [reply] = await h.say(ANA, "👍🏽".repeat(3500));
    expect(reply!.text).toContain("Su mensaje tiene 3500 caracteres y el máximo es 3000");
  });
});
