/**
 * `rinde surveys` and `rinde questions report` on a real database: an ad hoc consultation, paper
 * forms from a hearing (bad rows reported by line, nothing partial stored, no double import), and
 * results computed from known responses, as text bar charts and CSV.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOn } from "../helpers/cli.ts";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import {
  addEvent,
  advance,
  consentedCitizen,
  HOUR_MS,
  invitations,
  MINUTE_MS,
  responseAnswers,
  runJobs,
  runs,
} from "./surveys-helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

/** `rinde surveys …` on the harness's database, in English (the Spanish texts are covered by test/cli/). */
const surveys = async (...args: string[]) => await runOn(h.runtime, ["surveys", ...args], "en");

describe("rinde surveys list and send", () => {
  it("lists the definitions, sends a consultation to a segment and lists the run", async () => {
    const listed = await surveys("list");
    for (const id of ["answer_clarity", "answer_resolved", "event_satisfaction", "topics_consultation"])
      expect(listed.stdout).toContain(id);
    expect(listed.stdout).toMatch(/topics_consultation\s+1\s+Topics for the public hearing\s+on demand\s+2\s+0\s+0/);

    await consentedCitizen(h, "ana");
    await consentedCitizen(h, "beto");
    const sent = await surveys("send", "topics_consultation", "--segment", "everyone", "--label", "Audiencia 2026");
    expect(sent.error).toBeUndefined();
    expect(sent.stdout).toMatch(/^Run #1 \(topics_consultation to everyone\): 2 citizen\(s\) invited\./);
    expect(sent.stdout).toContain("outside quiet hours (21:00–07:00)");
    const runsOut = JSON.parse((await surveys("list", "--runs", "--json")).stdout) as {
      run: number;
      trigger: string;
      subject: string;
      invited: number;
    }[];
    expect(runsOut).toMatchObject([{ run: 1, trigger: "segment", segment: "everyone", invited: 2 }]);
  });

  it("explains bad arguments and refuses officials without the right", async () => {
    expect((await surveys("send", "nope", "--segment", "everyone")).error).toMatch(/There is no survey 'nope'/);
    expect((await surveys("send", "topics_consultation", "--segment", "barrio:x")).error).toMatch(
      /Invalid segment \(.*\)\. Use: everyone \|/,
    );
    expect((await surveys("send", "topics_consultation", "--segment", "office:nope")).error).toMatch(
      /There is no office/,
    );
    expect((await surveys("send", "topics_consultation")).error).toBe("--segment is missing.");
    const official = await h.runtime.app.repos.officials.add(
      { name: "Func", officeKey: "salud", role: "official", channel: null, address: null },
      h.clock.nowMs(),
    );
    expect(
      (await surveys("send", "topics_consultation", "--segment", "everyone", "--as", String(official.id))).error,
    ).toMatch(/may not send surveys/);
    const head = await h.runtime.app.repos.officials.add(
      { name: "Jefa", officeKey: "salud", role: "head", channel: null, address: null },
      h.clock.nowMs(),
    );
    expect(
      (await surveys("send", "topics_consultation", "--segment", "office:salud", "--as", String(head.id))).error,
    ).toBeUndefined();
    expect((await surveys("results")).error).toMatch(/Say what to show/);
    await expect(surveys("frobnicate")).rejects.toThrow();
  });
});

describe("results", () => {
  it("prints invitations, response rate, bar charts and comments computed from the responses; exports CSV", async () => {
    for (const who of ["ana", "beto", "caro", "dani"]) await consentedCitizen(h, who);
    await surveys("send", "topics_consultation", "--segment", "everyone");
    await advance(h, 3 * MINUTE_MS);
    await h.say("ana", "1"); // salud
    await h.say("ana", "Más médicos en el puesto de salud");
    await h.say("beto", "Salud");
    await h.say("beto", "omitir");
    await h.say("caro", "5"); // obras
    await h.say("caro", "La vía al corregimiento");
    // dani does not answer
    expect(await responseAnswers(h)).toHaveLength(3);

    const out = (await surveys("results", "--locale", "es", "--run", "1")).stdout;
    expect(out).toContain("topics_consultation (v1) — Consulta de temas para la audiencia pública");
    expect(out).toContain("invited 4 · delivered 4 · responses 3 (chat 3, paper 0) · completed 3 · response rate 75 %");
    expect(out).toContain("1. ¿Qué tema le interesa más?  [choice]  answers 3 · skipped 0");
    const bar = (n: number) => "█".repeat(n);
    expect(out).toMatch(new RegExp(`Salud\\s+\\|${bar(20)} {10}\\|\\s+2\\s+67 %`));
    expect(out).toMatch(new RegExp(`Obras y vías\\s+\\|${bar(10)} {20}\\|\\s+1\\s+33 %`));
    expect(out).toMatch(/Educación\s+\| {30}\|\s+0\s+0 %/);
    expect(out).toContain(
      "2. ¿Hay algo concreto de ese tema que quiera que expliquemos?  [text]  answers 2 · skipped 1",
    );
    expect(out).toContain("   – Más médicos en el puesto de salud\n   – La vía al corregimiento");

    const english = (await surveys("results", "--survey", "topics_consultation", "--locale", "en")).stdout;
    expect(english).toMatch(/Health\s+\|█+/);

    const file = join(h.dir, "results.csv");
    expect((await surveys("results", "--locale", "es", "--run", "1", "--csv", file)).stdout).toMatch(
      /^\d+ result row\(s\) written/,
    );
    const csv = readFileSync(file, "utf8").slice(1).trim().split("\n");
    expect(csv[0]).toBe(
      "Survey;Runs;Invited;Delivered;Responses;Paper responses;Response rate;Question id;Question;Type;Answered;Skipped;Mean;Value;Option;Count;Share",
    );
    expect(csv).toContain(
      "topics_consultation;1;4;4;3;0;0,7500;topic;¿Qué tema le interesa más?;choice;3;0;;salud;Salud;2;0,6667",
    );
    expect(csv.some((line) => line.endsWith(";;Más médicos en el puesto de salud;1;"))).toBe(true);

    const json = JSON.parse((await surveys("results", "--locale", "es", "--run", "1", "--json")).stdout) as {
      responseRate: number;
    }[];
    expect(json[0]!.responseRate).toBe(0.75);
  });

  it("shows office satisfaction from the answer surveys in `rinde questions report`", async () => {
    const answer = async (address: string, clear: string) => {
      const reference = await fileQuestion(h, address);
      await answerQuestion(h.runtime.app, { kind: "cli" }, reference, "Respuesta de la dependencia.");
      await runJobs(h);
      await advance(h, HOUR_MS);
      await h.say(address, clear);
      await h.say(address, "omitir");
    };
    await answer("ana", "5");
    await answer("beto", "2");
    const report = (await runOn(h.runtime, ["questions", "report"])).stdout;
    expect(report).toMatch(/Secretaría de Infraestructura\s+2\s+2\s.*answer_clarity: 3\.5\/5 \(n=2\)$/m);
    expect(report).toMatch(/Secretaría de Salud\s+0\s.*–$/m);
    const json = JSON.parse(
      (await runOn(h.runtime, ["questions", "report", "--office", "infraestructura", "--json"])).stdout,
    ) as { offices: unknown[] };
    expect(json.offices).toEqual([
      expect.objectContaining({
        officeKey: "infraestructura",
        received: 2,
        answeredOnTime: 2,
        satisfaction: [{ surveyId: "answer_clarity", responses: 2, mean: 3.5, yesShare: null }],
      }),
    ]);
    const byOffice = (await surveys("results", "--locale", "es", "--office", "infraestructura")).stdout;
    expect(byOffice).toContain("answer_clarity (v1)");
    expect(byOffice).toContain("invited 2 · delivered 2 · responses 2");
  });
});

describe("paper surveys", () => {
  const GOOD = [
    "overall,information,answered,heard_from,improve",
    "5,4,sí,Radio o televisión,",
    '4,4,no,,"Más sillas, y sonido"',
    "3,2,1,chat,",
  ].join("\n");
  const BAD = [
    "overall,information,answered,heard_from,improve",
    "5,4,sí,,",
    "6,4,sí,,",
    "5,,no,,",
    "4,4,tal vez,tv,",
    "5,4,sí,,",
  ].join("\n");

  it("reports bad rows by line and stores nothing; imports the fixed file once, counted with the chat answers", async () => {
    const ana = await consentedCitizen(h, "ana");
    const event = await addEvent(h, {
      title: "Audiencia pública de rendición de cuentas",
      endsAtMs: h.clock.nowMs() - 3 * HOUR_MS,
      officeKey: "planeacion",
      rsvps: [[ana, "yes"]],
    });
    await advance(h, 15 * MINUTE_MS);
    for (const answer of ["5", "5", "sí", "1", "Muy bien organizada"]) await h.say("ana", answer);
    expect((await invitations(h)).map((i) => i.status)).toEqual(["completed"]);

    const bad = join(h.dir, "bad.csv");
    writeFileSync(bad, BAD);
    const failed = await surveys("import", "event_satisfaction", bad, "--event", String(event));
    expect(failed.error).toBe(
      `4 problem(s) in ${bad}; nothing was imported. Fix the lines above and import the file again.`,
    );
    expect(failed.stderr.split("\n").filter(Boolean).slice(0, -1)).toEqual([
      `${bad}:3: Column 'overall': '6' is not a number from 1 to 5.`,
      `${bad}:4: Column 'information': an answer is required (the question is not optional).`,
      `${bad}:5: Column 'answered': 'tal vez' is not yes or no (sí/no, 1/0).`,
      `${bad}:5: Column 'heard_from': 'tv' is not one of the options: chat (1), social_media (2), radio_tv (3), community (4), other (5).`,
    ]);
    expect(await runs(h)).toHaveLength(1);
    expect(await responseAnswers(h)).toHaveLength(1);

    const good = join(h.dir, "good.csv");
    writeFileSync(good, GOOD);
    expect((await surveys("import", "event_satisfaction", good, "--event", String(event))).stdout).toBe(
      "3 paper response(s) imported into run #2 (event_satisfaction).\n",
    );
    expect((await runs(h))[1]).toMatchObject({ trigger: "paper", eventId: event, officeKey: "planeacion" });
    expect((await responseAnswers(h)).slice(1)).toEqual([
      { overall: "5", information: "4", answered: "yes", heard_from: "radio_tv", improve: null },
      { overall: "4", information: "4", answered: "no", heard_from: null, improve: "Más sillas, y sonido" },
      { overall: "3", information: "2", answered: "yes", heard_from: "chat", improve: null },
    ]);
    expect((await surveys("import", "1", good)).error).toBe(
      "This file was already imported (run #2); nothing was imported.",
    );
    expect(await responseAnswers(h)).toHaveLength(4);

    const out = (await surveys("results", "--locale", "es", "--event", String(event))).stdout;
    expect(out).toContain("runs: #2, #1");
    expect(out).toContain(
      "invited 1 · delivered 1 · responses 4 (chat 1, paper 3) · completed 4 · response rate 100 %",
    );
    expect(out).toContain("1. En general, ¿cómo califica el espacio?  [scale]  answers 4 · skipped 0 · mean 4.25/5");
    expect(out).toContain("3. ¿Le respondieron sus preguntas o inquietudes?  [yes/no]  answers 4 · skipped 0");
  });

  it("imports into an existing run by number, and explains unknown targets", async () => {
    const file = join(h.dir, "good.csv");
    writeFileSync(file, GOOD);
    expect((await surveys("import", "7", file)).error).toMatch(/There is no run 7/);
    expect((await surveys("import", "nope", file)).error).toMatch(/There is no survey 'nope'/);
    expect((await surveys("import", "event_satisfaction", file, "--event", "99")).error).toMatch(
      /There is no event 99/,
    );
    expect((await surveys("import", "event_satisfaction", join(h.dir, "missing.csv"))).error).toMatch(
      /Cannot read the file/,
    );
    expect((await surveys("import", "event_satisfaction", file, "--label", "Feria, formularios")).stdout).toMatch(
      /3 paper response\(s\) imported into run #1/,
    );
    const second = join(h.dir, "second-batch.csv");
    writeFileSync(second, "overall,information,answered\n5,5,no\n2,3,no\n");
    expect((await surveys("import", "1", second)).stdout).toBe(
      "2 paper response(s) imported into run #1 (event_satisfaction).\n",
    );
    expect(await responseAnswers(h)).toHaveLength(5);
  });
});
