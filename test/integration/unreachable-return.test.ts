/**
 * Issue 19, point 3: a citizen who blocked the bot misses their answer (the chat is unreachable,
 * staff see "no entregado"); when they write again the chat is reachable and what has legal weight
 * and never arrived is delivered, before the reply to what they wrote.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerQuestion, showQuestion } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";

const ANA = "ana";

describe("a citizen who blocked the bot and comes back", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("gets the answer they missed when they write again; until then staff see it undelivered", async () => {
    const app = h.runtime.app;
    const reference = await fileQuestion(h, ANA);
    h.channel.failNext({
      ok: false,
      kind: "permanent",
      reason: "403 Forbidden: bot was blocked by the user",
      unreachable: true,
    });
    expect(
      (await answerQuestion(app, { kind: "cli" }, reference, "La reparación quedó programada para el jueves.")).ok,
    ).toBe(true);
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).not.toContain("programada para el jueves");
    const before = await showQuestion(app, { kind: "cli" }, reference);
    expect(before.ok && before.undeliveredToCitizen).toBe(1);

    const replies = await h.say(ANA, "hola");
    const texts = replies.map((m) => m.text);
    expect(texts[0]).toContain("programada para el jueves");
    expect(texts.length).toBeGreaterThanOrEqual(2);
    const after = await showQuestion(app, { kind: "cli" }, reference);
    expect(after.ok && after.undeliveredToCitizen).toBe(0);
    expect(await app.repos.citizens.isUnreachable("memory", ANA)).toBe(false);
  });
});
