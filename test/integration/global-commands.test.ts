/**
 * The global commands added to flows/commands.yaml, typed at any point of any conversation:
 * "compromisos" opens the commitments menu, "eventos" the events list (while "evento 12" stays the
 * shortcut to one event), and "no más encuestas" stops survey invitations from anywhere, inside a
 * survey or not, and confirms it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sendSurvey } from "../../src/services/surveys/surveys.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { makeEvent } from "./events-helpers.ts";
import { advance, citizenId, consentedCitizen, conversationOf, invitations, MINUTE_MS } from "./surveys-helpers.ts";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const COMMITMENTS_MENU = "Compromisos que la alcaldía hizo en audiencias";
const EVENTS_START = "Espacios de diálogo de la";
const OPTED_OUT = "Listo. No le enviaremos más encuestas.";

const position = async (address: string) => {
  const state = await conversationOf(h, await citizenId(h, address));
  return state ? `${state.flowId}.${state.stepId}` : undefined;
};

describe("'compromisos' and 'eventos' at any point", () => {
  it("'compromisos' opens the commitments menu from the middle of another conversation, in either language", async () => {
    h = await createHarness();
    await consentedCitizen(h, "ana");
    await h.say("ana", "estado"); // waiting for a radicado
    const [menu] = await h.say("ana", "compromisos");
    expect(menu?.text).toContain(COMMITMENTS_MENU);
    expect(menu?.options?.length).toBeGreaterThan(2);
    expect(await position("ana")).toBe("commitments.menu");

    await h.say("ana", "menú");
    await h.say("ana", "1"); // "Hacer una pregunta": waiting for the question's text
    expect(await position("ana")).toBe("ask.prompt");
    const [again] = await h.say("ana", "/Commitments");
    expect(again?.text).toContain(COMMITMENTS_MENU);

    await consentedCitizen(h, "bob");
    await h.say("bob", "ver compromisos");
    expect(await position("bob")).toBe("commitments.menu");
  });

  it("'eventos' opens the events list anywhere, and 'evento 12' still opens event 12", async () => {
    h = await createHarness();
    const hearing = await makeEvent(h);
    await consentedCitizen(h, "ana");
    await h.say("ana", "compromisos");
    const [events] = await h.say("ana", "Eventos");
    expect(events?.text).toContain(EVENTS_START);
    expect(await position("ana")).toBe("events.start");
    const [all] = await h.say("ana", "1");
    expect(all?.options?.some((o) => o.includes(hearing.title))).toBe(true);

    await h.say("ana", "estado");
    expect((await h.say("ana", "audiencias"))[0]?.text).toContain(EVENTS_START);
    const [one] = await h.say("ana", `evento ${hearing.id}`);
    expect(one?.text).toContain(hearing.title);
    expect(await position("ana")).toBe("events.detail");
    expect((await h.say("ana", "/eventos"))[0]?.text).toContain(EVENTS_START);
  });
});

describe("'no más encuestas' at any point", () => {
  it("from the menu, without a survey: confirms, keeps the citizen out of later surveys, and says so when repeated", async () => {
    h = await createHarness();
    const ana = await consentedCitizen(h, "ana");
    const [done] = await h.say("ana", "No más encuestas");
    expect(done?.text).toContain(OPTED_OUT);
    expect(await h.runtime.app.repos.surveys.isOptedOut(ana)).toBe(true);
    expect(await position("ana")).toBe("survey_opt_out._idle");

    const sent = await sendSurvey(h.runtime, {
      surveyId: "topics_consultation",
      segment: "everyone",
      actor: { kind: "cli" },
    });
    expect(sent.ok && sent.invited).toBe(0);

    const [repeated] = await h.say("ana", "no mas encuestas");
    expect(repeated?.text).toContain("Usted ya nos había pedido no enviarle encuestas");
  });

  it("in the middle of another conversation, and in English", async () => {
    h = await createHarness();
    await h.say("tom", "hello", { languageHint: "en" });
    const tom = await citizenId(h, "tom");
    await h.say("tom", "1");
    await h.say("tom", "status");
    const [done] = await h.say("tom", "no more surveys");
    expect(done?.text).toContain("We will not send you more surveys");
    expect(await h.runtime.app.repos.surveys.isOptedOut(tom)).toBe(true);
  });

  it("inside a survey (without accents): cancels the invitation and confirms", async () => {
    h = await createHarness();
    await consentedCitizen(h, "caro");
    const sent = await sendSurvey(h.runtime, {
      surveyId: "topics_consultation",
      segment: "everyone",
      actor: { kind: "cli" },
    });
    expect(sent.ok && sent.invited).toBe(1);
    await advance(h, 3 * MINUTE_MS);
    expect((await position("caro"))?.startsWith("survey.")).toBe(true);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["delivered"]);

    const [done] = await h.say("caro", "NO MAS ENCUESTAS");
    expect(done?.text).toContain(OPTED_OUT);
    expect(await invitations(h)).toEqual([expect.objectContaining({ status: "cancelled", cancelReason: "opted_out" })]);
  });
});
