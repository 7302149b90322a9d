/**
 * Surveys end to end with an injected clock: the answer surveys (clarity an hour later, "resolved"
 * a week later), the event survey, an ad hoc consultation; waiting for an idle citizen and quiet
 * hours; expiry; the one-response rule; who gets none (no consent, opted out, deleted).
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createBot } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { eraseSurveyData } from "../../src/services/surveys/conversation.ts";
import { inviteCitizens, sendSurvey, startAnswerSurveys } from "../../src/services/surveys/surveys.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import {
  addEvent,
  advance,
  bogota,
  citizenId,
  consentedCitizen,
  conversationOf,
  DAY_MS,
  HOUR_MS,
  invitations,
  MINUTE_MS,
  responseAnswers,
  runJobs,
  runs,
} from "./surveys-helpers.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { sqlRows, storageEnv } from "../helpers/storage.ts";

const ANA = "ana";
const BETO = "beto";
const CARO = "caro";
const DANI = "dani";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function answeredQuestion(address: string): Promise<string> {
  const reference = await fileQuestion(h, address);
  const answered = await answerQuestion(
    h.runtime.app,
    { kind: "cli" },
    reference,
    "Programamos la reparación para el 10 de marzo.",
  );
  expect(answered.ok).toBe(true);
  await runJobs(h);
  return reference;
}

describe("answer surveys", () => {
  it("asks whether the answer was clear an hour later, and whether the matter was resolved a week later", async () => {
    h = await createHarness();
    const reference = await answeredQuestion(ANA);
    expect(h.last(ANA)).toContain("Programamos la reparación");
    expect((await runs(h)).map((r) => [r.surveyId, r.trigger, r.officeKey])).toEqual([
      ["answer_clarity", "question_answered", "infraestructura"],
      ["answer_resolved", "question_answered", "infraestructura"],
    ]);

    await advance(h, 59 * MINUTE_MS);
    expect(h.last(ANA)).toContain("Programamos la reparación");
    await advance(h, MINUTE_MS);
    const survey = h.channel.to(ANA).at(-1)!;
    expect(survey.text).toContain(`respondió su pregunta con radicado ${reference}`);
    expect(survey.text).toContain("Pregunta 1 de 2. ¿Qué tan clara fue la respuesta?");
    expect(survey.options).toEqual(["Nada clara", "Poco clara", "Más o menos clara", "Clara", "Muy clara"]);

    const [next] = await h.say(ANA, "4");
    expect(next?.text).toContain("Pregunta 2 de 2. ¿Quiere decirnos algo más sobre la respuesta?");
    expect(next?.text).toContain("OMITIR");
    const [thanks] = await h.say(ANA, "Fue clara pero tardaron");
    expect(thanks?.text).toContain("¡Gracias!");
    expect(await responseAnswers(h)).toEqual([{ clear: "4", comment: "Fue clara pero tardaron" }]);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["completed", "pending"]);
    // The conversation is back to normal: free text is a new question again.
    expect((await conversationOf(h, await citizenId(h, ANA)))?.stepId).toBe("_idle");

    await advance(h, 7 * DAY_MS - HOUR_MS - MINUTE_MS);
    expect(h.last(ANA)).toContain("¡Gracias!");
    await advance(h, MINUTE_MS);
    expect(h.last(ANA)).toContain("¿Se resolvió lo que pidió?");
    expect(h.channel.to(ANA).at(-1)?.options).toEqual(["Sí", "No"]);
    await h.say(ANA, "no");
    await h.say(ANA, "omitir");
    expect(await responseAnswers(h)).toEqual([
      { clear: "4", comment: "Fue clara pero tardaron" },
      { resolved: "no", comment: null },
    ]);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["completed", "completed"]);
  });

  it("makes no second run when the trigger is replayed", async () => {
    h = await createHarness();
    const reference = await answeredQuestion(ANA);
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(await startAnswerSurveys(h.runtime, question.id, h.clock.nowMs())).toBe(0);
    expect(await runs(h)).toHaveLength(2);
    expect(await invitations(h)).toHaveLength(2);
  });
});

describe("waiting for an idle citizen", () => {
  it("does not interrupt a conversation in progress; starts once the citizen is back at the menu", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    h.clock.advanceMs(HOUR_MS - MINUTE_MS);
    await h.say(ANA, "1"); // "Hacer una pregunta": now writing a question
    expect(h.last(ANA)).toContain("Escriba");
    await advance(h, MINUTE_MS);
    await advance(h, 10 * MINUTE_MS);
    expect(h.last(ANA)).not.toContain("clara");
    expect((await invitations(h))[0]!.status).toBe("pending");

    await h.say(ANA, "menú");
    await advance(h, MINUTE_MS);
    expect(h.last(ANA)).not.toContain("clara"); // the citizen may be about to type
    await advance(h, 5 * MINUTE_MS);
    expect(h.last(ANA)).toContain("¿Qué tan clara fue la respuesta?");
    expect((await invitations(h))[0]!.status).toBe("delivered");
  });

  it("takes over a conversation left untouched for the survey's idle time", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    h.clock.advanceMs(HOUR_MS - MINUTE_MS);
    await h.say(ANA, "1");
    for (let i = 0; i < 5; i++) await advance(h, 5 * MINUTE_MS);
    expect(h.last(ANA)).toContain("Escriba");
    await advance(h, 5 * MINUTE_MS);
    expect(h.last(ANA)).toContain("¿Qué tan clara fue la respuesta?");
  });

  it("waits out quiet hours", async () => {
    h = await createHarness({ startMs: bogota("2026-03-02", "19:30") });
    await answeredQuestion(ANA);
    await advance(h, 2 * HOUR_MS); // 21:30: due, but quiet
    expect(h.last(ANA)).not.toContain("clara");
    h.clock.setMs(bogota("2026-03-03", "06:59"));
    await runJobs(h);
    expect(h.last(ANA)).not.toContain("clara");
    h.clock.setMs(bogota("2026-03-03", "07:00"));
    await runJobs(h);
    expect(h.last(ANA)).toContain("¿Qué tan clara fue la respuesta?");
  });
});

describe("expiry", () => {
  it("closes the survey after its time: unanswered invitations expire and the chat goes back to normal", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    await advance(h, HOUR_MS);
    expect(h.last(ANA)).toContain("¿Qué tan clara fue la respuesta?");
    const ana = await citizenId(h, ANA);
    expect((await conversationOf(h, ana))?.flowId).toBe("survey");

    await advance(h, 3 * DAY_MS - MINUTE_MS);
    expect((await invitations(h))[0]!.status).toBe("delivered");
    await advance(h, MINUTE_MS);
    expect((await invitations(h))[0]!.status).toBe("expired");
    expect((await runs(h))[0]!.closedAtMs).not.toBeNull();
    expect((await conversationOf(h, ana))?.stepId).toBe("_idle");
    // The next message is handled as usual, not as a late answer.
    await h.say(ANA, "5");
    expect(h.last(ANA)).not.toContain("encuesta");
    expect(await responseAnswers(h)).toEqual([]);
  });

  it("expires an invitation never delivered because the citizen stayed busy", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    h.clock.advanceMs(HOUR_MS - MINUTE_MS);
    // Busy the whole time: a message every 20 minutes, away from the menu.
    await h.say(ANA, "1");
    for (let elapsed = 0; elapsed <= 3 * DAY_MS; elapsed += 20 * MINUTE_MS) {
      await advance(h, 20 * MINUTE_MS);
      await h.say(ANA, "estado");
    }
    expect((await invitations(h))[0]!.status).toBe("expired");
    expect(h.channel.to(ANA).some((m) => m.text.includes("clara"))).toBe(false);
  });

  it("tells a citizen who answers after the run closed that the survey is over", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    await advance(h, HOUR_MS);
    // The clock passes the expiry before the expiry job has run.
    await h.bot.scheduler.stop();
    h.clock.advanceMs(3 * DAY_MS);
    await h.say(ANA, "5");
    expect(h.last(ANA)).toContain("Esta encuesta ya cerró");
    expect(await responseAnswers(h)).toEqual([]);
  });
});

describe("the one-response rule and who gets none", () => {
  it("invites a citizen once per run and takes one response", async () => {
    h = await createHarness();
    const ana = await consentedCitizen(h, ANA);
    const sent = await sendSurvey(h.runtime, {
      surveyId: "topics_consultation",
      segment: "everyone",
      actor: { kind: "cli" },
    });
    expect(sent.ok && sent.invited).toBe(1);
    const run = sent.ok ? sent.run : undefined;
    expect(await inviteCitizens(h.runtime.app, run!, [ana, ana], h.clock.nowMs())).toBe(0);
    expect(await invitations(h)).toHaveLength(1);

    await advance(h, 3 * MINUTE_MS);
    expect(h.last(ANA)).toContain("¿Qué tema le interesa más?");
    await h.say(ANA, "Movilidad");
    await h.say(ANA, "El puente peatonal de la 30");
    expect(await responseAnswers(h)).toEqual([{ topic: "movilidad", details: "El puente peatonal de la 30" }]);
    // Restarting the same invitation's conversation records nothing more.
    const repo = h.runtime.app.repos.surveys;
    const invitation = (await repo.invitationsOfRun(run!.id))[0]!;
    await h.runtime.app.repos.citizens.saveConversation(
      ana,
      {
        flowId: "survey",
        stepId: "ask_choice",
        flowVersion: 1,
        data: JSON.stringify({
          surveyInvitationId: invitation.id,
          surveyIndex: 0,
          surveyOptions: [{ value: "salud", label: "Salud" }],
        }),
      },
      h.clock.nowMs(),
    );
    await h.say(ANA, "1");
    expect(h.last(ANA)).toContain("Esta encuesta ya cerró");
    expect(await responseAnswers(h)).toHaveLength(1);

    // A second sending is a new run: one more invitation, one more response allowed.
    const again = await sendSurvey(h.runtime, {
      surveyId: "topics_consultation",
      segment: "everyone",
      actor: { kind: "cli" },
    });
    expect(again.ok && again.invited).toBe(1);
  });

  it("sends nothing to citizens without consent, who opted out, or who deleted their data", async () => {
    h = await createHarness();
    const ana = await consentedCitizen(h, ANA);
    await h.say(BETO, "hola");
    await h.say(BETO, "2"); // refuses the data notice
    await consentedCitizen(h, CARO);
    await consentedCitizen(h, DANI);

    // Caro opts out from the first survey she gets.
    await sendSurvey(h.runtime, { surveyId: "topics_consultation", segment: "channel:memory", actor: { kind: "cli" } });
    await advance(h, 3 * MINUTE_MS);
    const [bye] = await h.say(CARO, "No más encuestas");
    expect(bye?.text).toContain("No le enviaremos más encuestas");
    // Dani deletes their data.
    await h.say(DANI, "privacidad");
    const options = h.channel.to(DANI).at(-1)?.options ?? [];
    await h.say(DANI, String(options.findIndex((o) => /borrar/i.test(o)) + 1));
    if (h.channel.to(DANI).at(-1)?.options?.length) await h.say(DANI, "1");

    const before = (await invitations(h)).length;
    const sent = await sendSurvey(h.runtime, {
      surveyId: "topics_consultation",
      segment: "everyone",
      actor: { kind: "cli" },
    });
    expect(sent.ok && sent.invited).toBe(1);
    expect((await invitations(h)).slice(before).map((i) => i.citizen)).toEqual([ana]);
    expect((await invitations(h)).find((i) => i.cancelReason === "opted_out")).toBeDefined();
  });

  it("cancels a waiting invitation when consent is revoked before delivery", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    await h.say(ANA, "privacidad");
    const options = h.channel.to(ANA).at(-1)?.options ?? [];
    await h.say(ANA, String(options.findIndex((o) => /retirar|revocar/i.test(o)) + 1));
    if (h.channel.to(ANA).at(-1)?.options?.length) await h.say(ANA, "1");
    expect((await h.runtime.app.repos.citizens.get(await citizenId(h, ANA)))?.consent).toBe("revoked");
    await advance(h, HOUR_MS + 10 * MINUTE_MS);
    expect((await invitations(h))[0]).toMatchObject({ status: "cancelled", cancelReason: "no_consent" });
    expect(h.channel.to(ANA).some((m) => m.text.includes("clara"))).toBe(false);
  });

  it("erases free-text answers when the citizen erases their data", async () => {
    h = await createHarness();
    await answeredQuestion(ANA);
    await advance(h, HOUR_MS);
    await h.say(ANA, "2");
    await h.say(ANA, "Mi vecino Juan Pérez tampoco entendió");
    await eraseSurveyData(h.runtime.app, await citizenId(h, ANA), h.clock.nowMs());
    expect(await responseAnswers(h)).toEqual([{ clear: "2" }]);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["completed", "cancelled"]);
  });
});

describe("chat answers", () => {
  it("re-asks on answers that are not options, and accepts labels and skips", async () => {
    h = await createHarness();
    await consentedCitizen(h, ANA);
    const event = await addEvent(h, {
      title: "Audiencia pública 2026",
      endsAtMs: h.clock.nowMs() - 3 * HOUR_MS,
      officeKey: "planeacion",
      rsvps: [[await citizenId(h, ANA), "yes"]],
    });
    await advance(h, 15 * MINUTE_MS); // the next look for ended events finds it
    const intro = h.channel.to(ANA).at(-1)!;
    expect(intro.text).toContain("Gracias por participar en «Audiencia pública 2026»");
    expect(intro.text).toContain("5 preguntas cortas");
    expect(intro.options).toEqual(["Muy mal", "Mal", "Regular", "Bien", "Muy bien"]);
    await h.say(ANA, "9");
    expect(h.last(ANA)).toContain("Escriba el número de una opción");
    await h.say(ANA, "omitir");
    expect(h.last(ANA)).toContain("Esta pregunta necesita una respuesta");
    await h.say(ANA, "muy bien");
    await h.say(ANA, "4");
    await h.say(ANA, "si");
    const heard = h.channel.to(ANA).at(-1)!;
    expect(heard.options?.at(-1)).toBe("Prefiero no responder");
    await h.say(ANA, String(heard.options!.length));
    await h.say(ANA, "x".repeat(600));
    expect(h.last(ANA)).toContain("máximo 500 caracteres");
    await h.say(ANA, "Más sillas");
    expect(h.last(ANA)).toContain("¡Gracias!");
    expect(await responseAnswers(h)).toEqual([
      { overall: "5", information: "4", answered: "yes", heard_from: null, improve: "Más sillas" },
    ]);
    expect(await runs(h)).toMatchObject([
      { surveyId: "event_satisfaction", trigger: "event_ended", eventId: event, officeKey: "planeacion" },
    ]);
  });
});

describe("event surveys", () => {
  it("goes two hours after the event to those who said they would come, once", async () => {
    h = await createHarness();
    const ana = await consentedCitizen(h, ANA);
    const beto = await consentedCitizen(h, BETO);
    const caro = await consentedCitizen(h, CARO);
    const endsAtMs = h.clock.nowMs() + 3 * HOUR_MS;
    await addEvent(h, {
      title: "Feria de la transparencia",
      endsAtMs,
      rsvps: [
        [ana, "yes"],
        [beto, "no"],
      ],
    });
    await addEvent(h, { title: "Cancelada", endsAtMs, status: "cancelled", rsvps: [[caro, "yes"]] });

    await advance(h, 4 * HOUR_MS);
    expect(await runs(h)).toEqual([]);
    await advance(h, HOUR_MS + 15 * MINUTE_MS);
    expect((await runs(h)).map((r) => r.surveyId)).toEqual(["event_satisfaction"]);
    expect((await invitations(h)).map((i) => i.citizen)).toEqual([ana]);
    expect(h.last(ANA)).toContain("Feria de la transparencia");
    expect(h.channel.to(BETO).some((m) => m.text.includes("Feria"))).toBe(false);
    expect(h.channel.to(CARO).some((m) => m.text.includes("Cancelada"))).toBe(false);

    await advance(h, 30 * MINUTE_MS);
    expect(await runs(h)).toHaveLength(1);
  });

  it("catches up after downtime but not for events whose survey would already have expired", async () => {
    h = await createHarness();
    const ana = await consentedCitizen(h, ANA);
    await addEvent(h, { title: "Hace mucho", endsAtMs: h.clock.nowMs() - 10 * DAY_MS, rsvps: [[ana, "yes"]] });
    await addEvent(h, { title: "Ayer", endsAtMs: h.clock.nowMs() - DAY_MS, rsvps: [[ana, "yes"]] });
    await h.bot.scheduler.stop();
    h.clock.advanceMs(HOUR_MS); // down for an hour
    await h.reopen();
    await runJobs(h);
    expect(h.last(ANA)).toContain("Ayer");
    expect(await runs(h)).toHaveLength(1);
  });
});

describe("two processes on one database", () => {
  it("deliver each invitation once", async () => {
    h = await createHarness();
    const addresses = ["ana", "beto", "caro", "dani", "eli", "fer"];
    for (const address of addresses) await consentedCitizen(h, address);
    await h.bot.scheduler.stop();
    expect(
      await sendSurvey(h.runtime, { surveyId: "topics_consultation", segment: "everyone", actor: { kind: "cli" } }),
    ).toMatchObject({ ok: true, invited: 6 });
    const other = await createRuntime({
      routerFactory: sharedRouterFactory,
      env: loadEnv({ ...storageEnv(h.dbPath), RINDE_PROFILE: "default" }),
      clock: h.clock,
    });
    const otherBot = createBot(other, [createMemoryChannel()], { workerId: "other-process" });
    try {
      h.clock.advanceMs(3 * MINUTE_MS);
      await Promise.all([h.bot.scheduler.tick(), otherBot.scheduler.tick(), h.bot.scheduler.tick()]);
      const keys = (await sqlRows(
        h.runtime,
        "select idempotency_key k from outbox where idempotency_key like 'survey:%' order by k",
      )) as { k: string }[];
      expect(keys).toHaveLength(6);
      expect(new Set(keys.map((r) => r.k)).size).toBe(6);
      expect((await invitations(h)).map((i) => i.status)).toEqual(Array(6).fill("delivered"));
    } finally {
      await otherBot.stop();
      await other.close();
    }
  });
});
