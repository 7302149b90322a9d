/**
 * A segment's survey goes out as bulk (priority 1); the citizen's own replies go first. A citizen
 * who writes before the survey's first message reached them is not answering it: their text is
 * handled as usual, and the survey comes later, at the next idle moment.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runOn } from "../helpers/cli.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import {
  advance,
  consentedCitizen,
  conversationOf,
  invitations,
  MINUTE_MS,
  responseAnswers,
  runJobs,
} from "./surveys-helpers.ts";
import { sqlRows } from "../helpers/storage.ts";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe("a survey whose first message has not been sent", () => {
  it("does not take the citizen's message as an answer; the survey is sent again later", async () => {
    h = await createHarness();
    const ana = await consentedCitizen(h, "ana");
    expect(
      (await runOn(h.runtime, ["surveys", "send", "topics_consultation", "--segment", "everyone"])).error,
    ).toBeUndefined();
    h.clock.advanceMs(3 * MINUTE_MS);
    // The survey's bulk row cannot go out yet (a backlog on the channel).
    h.channel.failNext({ ok: false, kind: "retry", retryAfterMs: 60 * MINUTE_MS, reason: "backlog" });
    await runJobs(h);
    expect((await conversationOf(h, ana))?.flowId).toBe("survey");
    const sentBefore = h.channel.to("ana").length;

    // At the main menu as far as Ana knows, "2" is "check the status of a question".
    const replies = await h.say("ana", "2");
    expect(replies.map((r) => r.text).join("\n")).toContain("radicado");
    expect(replies.map((r) => r.text).join("\n")).not.toContain("Pregunta");
    expect(await responseAnswers(h)).toEqual([]);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["pending"]);
    // The survey's queued first message is withdrawn: it never goes out after its retry time.
    const surveyRows = async () =>
      await sqlRows(h.runtime, "select status from outbox where idempotency_key like 'survey:%' order by id");
    expect(await surveyRows()).toEqual([{ status: "failed" }]);

    // Back at the menu and quiet for a while: the survey comes, and now "2" answers it.
    await h.say("ana", "menu");
    await advance(h, 10 * MINUTE_MS);
    expect(h.last("ana")).toContain("Pregunta 1 de 2");
    expect(
      h.channel
        .to("ana")
        .slice(sentBefore)
        .filter((m) => m.text.includes("Pregunta 1 de 2")),
    ).toHaveLength(1);
    expect(await surveyRows()).toEqual([{ status: "failed" }, { status: "sent" }]);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["delivered"]);
    await h.say("ana", "2");
    expect(await responseAnswers(h)).toEqual([{ topic: "educacion" }]);
    expect(h.last("ana")).toContain("Pregunta 2 de 2");
  });

  it("leaves a survey alone once its first message was sent", async () => {
    h = await createHarness();
    await consentedCitizen(h, "ana");
    await runOn(h.runtime, ["surveys", "send", "topics_consultation", "--segment", "everyone"]);
    await advance(h, 3 * MINUTE_MS);
    expect(h.last("ana")).toContain("Pregunta 1 de 2");
    await h.say("ana", "2");
    expect(await responseAnswers(h)).toEqual([{ topic: "educacion" }]);
  });
});
