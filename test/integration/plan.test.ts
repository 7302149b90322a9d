/**
 * The accountability plan against a seeded year (test/integration/plan-helpers.ts): both shipped
 * plans load; every measured indicator equals the figure counted by hand; states follow the
 * injected clock; the evaluation report's figures; malformed plans are refused with
 * `file › path: problem`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  planContextOf,
  planReport,
  planStatus,
  publicPlanReport,
  readPlanFile,
  type ActivityStatus,
} from "../../src/services/plan/index.ts";
import {
  BUCARAMANGA_PLAN,
  bogota,
  createPlanWorld,
  loadPlanFile,
  MISSING_CORREGIMIENTOS,
  PASTO_PLAN,
  planProblemLines,
  seedPastoYear,
  type PlanWorld,
} from "./plan-helpers.ts";

async function activity(world: PlanWorld, id: string, date?: string, time = "12:00"): Promise<ActivityStatus> {
  const nowMs = date ? bogota(date, time) : world.clock.nowMs();
  const outcome = await planStatus(world.runtime.app, 2022, nowMs);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.status.activities.find((a) => a.id === id)!;
}

describe("the shipped plans", () => {
  let world: PlanWorld | undefined;
  afterEach(() => world?.close());

  it("loads Pasto 2022: 23 activities in three components, mapped to the profile's offices", async () => {
    world = await createPlanWorld("pasto", "2022-01-03");
    const outcome = await loadPlanFile(world.runtime, PASTO_PLAN);
    expect(outcome.activities).toBe(23);
    expect(outcome.plan.components.map((c) => [c.kind, c.activities.length])).toEqual([
      ["information", 11],
      ["dialogue", 8],
      ["responsibility", 4],
    ]);
    const territorial = outcome.plan.components[1]!.activities[1]!;
    expect(territorial.indicator).toEqual({
      type: "events",
      kinds: ["territorial_dialogue"],
      distinctDistricts: { comuna: 12, corregimiento: 17 },
    });
    expect(outcome.plan.components[0]!.activities[5]!.offices).toEqual([
      "bienestar_social",
      "juventud",
      "mosig",
      "gobierno",
    ]);
  });

  it("loads Bucaramanga 2019 with its four subcomponents, including the evaluation", async () => {
    world = await createPlanWorld("bucaramanga", "2019-01-02");
    const outcome = await loadPlanFile(world.runtime, BUCARAMANGA_PLAN);
    expect(outcome.activities).toBe(21);
    expect(outcome.plan.components.map((c) => c.kind)).toEqual([
      "information",
      "dialogue",
      "responsibility",
      "evaluation",
    ]);
    expect((await loadPlanFile(world.runtime, BUCARAMANGA_PLAN)).replaced).toBe(true);
  });

  it("refuses a plan for another profile", async () => {
    world = await createPlanWorld("bucaramanga", "2022-01-03");
    await expect(loadPlanFile(world!.runtime, PASTO_PLAN)).rejects.toThrow(
      /pasto-2022\.yaml › profile: el plan es del perfil «pasto» pero Rinde está funcionando con el perfil «bucaramanga»\./,
    );
  });
});

describe("a malformed plan file", () => {
  let world: PlanWorld;
  beforeAll(async () => {
    world = await createPlanWorld("pasto", "2022-01-03");
  });
  afterAll(async () => await world.close());

  /** Every problem of the file, as `rinde plan load` prints it (without the file name), in `lang`. */
  function problemsOf(yaml: string, lang: "es" | "en" = "es"): string[] {
    const file = join(world.dir, "bad.yaml");
    writeFileSync(file, yaml);
    const read = readPlanFile(file, planContextOf(world.runtime.app, world.runtime.surveys.keys()));
    if (read.ok) throw new Error("the plan was accepted");
    return planProblemLines(world.runtime, file, read.problems, lang).map((l) => l.replace(`${file} › `, ""));
  }

  const activity = (extra: string) => `
profile: pasto
year: 2022
title: Plan de prueba
components:
  - key: dialogo
    kind: dialogue
    name: Diálogo
    activities:
      - id: "1"
        activity: Realizar audiencias
        product: Audiencias realizadas
        goal: { text: 2 audiencias, value: 2 }
        periods: [{ start: 2022-03-01, end: 2022-06-30 }]
${extra}`;

  it("names the file, the path and the problem for each mistake, all at once", async () => {
    const yaml = `${activity(`        offices: [hacienda_x]
        indicator: { type: events, kinds: [public_hearing], ofices: [opgi] }`)}
      - id: "1"
        activity: Medir respuestas a tiempo
        product: Respuestas a tiempo
        goal: { text: 90 %, value: 90 }
        offices: [opgi]
        periods: [{ start: 2022-07-31, end: 2022-02-30 }]
        indicator: { type: answered_on_time }
      - id: "4"
        activity: Otra
        product: Otra cosa
        goal: { text: cinco, value: cinco }
        offices: []
        periods: [{ start: 2022-07-01 }]
        indicator: { type: eventos }
`;
    expect(problemsOf(yaml)).toEqual([
      "components › 0 › activities › 0 › indicator: campo(s) que el plan no conoce: ofices (revise la ortografía).",
      "components › 0 › activities › 1 › periods › 0 › end: use una fecha real con la forma AAAA-MM-DD.",
      "components › 0 › activities › 2 › goal › value: debe ser un número.",
      "components › 0 › activities › 2 › offices: la lista necesita al menos 1 elemento(s).",
      "components › 0 › activities › 2 › periods › 0 › end: falta este dato.",
      "components › 0 › activities › 2 › indicator › type: debe ser uno de: manual, events, survey_responses, event_questions, questions_answered, answered_on_time, commitments_reported, answer_reports.",
    ]);
    expect(problemsOf(yaml, "en").slice(0, 2)).toEqual([
      "components › 0 › activities › 0 › indicator: field(s) a plan does not have: ofices (check the spelling).",
      "components › 0 › activities › 1 › periods › 0 › end: use a real date written YYYY-MM-DD.",
    ]);
  });

  it("checks references against the profile once the shape is right", async () => {
    const problems = problemsOf(`${activity(`        offices: [hacienda_x]
        indicator: { type: events, kinds: [territorial_dialogue], distinctDistricts: { comuna: 14 } }`)}
      - id: "1"
        activity: Medir respuestas a tiempo
        product: Respuestas a tiempo
        goal: { text: 90 %, value: 90 }
        offices: [opgi]
        periods: [{ start: 2022-07-31, end: 2022-02-28 }]
        indicator: { type: answered_on_time }
      - id: "3"
        activity: Encuestas
        product: Encuestas
        goal: { text: 50 encuestas, value: 50 }
        offices: [opgi]
        periods: [{ start: 2021-01-01, end: 2021-02-28 }]
        indicator: { type: survey_responses, surveys: [encuesta_x] }
`);
    expect(problems).toEqual([
      "components › 0 › activities › 0 › offices › 0: no existe la dependencia «hacienda_x» (vea las claves con: rinde offices list).",
      "components › 0 › activities › 0 › indicator › distinctDistricts › comuna: pide 14 comuna(s) pero el perfil tiene 12.",
      "components › 0 › activities › 1 › id: el número de actividad «1» está repetido.",
      "components › 0 › activities › 1 › periods › 0: empieza (2022-07-31) después de terminar (2022-02-28).",
      "components › 0 › activities › 1 › indicator › type: «answered_on_time» mide un porcentaje: escriba la meta con unit: percent.",
      "components › 0 › activities › 2 › periods › 0: queda por fuera del año del plan, 2022.",
      "components › 0 › activities › 2 › indicator › surveys › 0: no existe la encuesta «encuesta_x» (vea flows/surveys).",
    ]);
  });

  it("says when the file is empty, and refuses a file too big before reading it", async () => {
    expect(problemsOf("")).toEqual(
      [
        "el archivo está vacío: escriba el plan (profile, year, title y components) o cópielo de plans/pasto-2022.yaml.",
      ].map((text) => `${join(world.dir, "bad.yaml")}: ${text}`),
    );
    expect(problemsOf("# solo comentarios\n\n", "en")).toEqual([
      `${join(world.dir, "bad.yaml")}: the file is empty: write the plan (profile, year, title and components) or copy it from plans/pasto-2022.yaml.`,
    ]);
    // 2,000,000 bytes (1953.1 KB, shown rounded up): a hundred times the seeds' plans.
    const big = "# relleno\n".repeat(200_000);
    expect(problemsOf(big)).toEqual([
      `${join(world.dir, "bad.yaml")}: el archivo pesa 1954 KB y un plan puede pesar hasta 1024 KB: revise que sea el plan y no otro archivo.`,
    ]);
  });

  it("says when the file is not YAML", async () => {
    const file = join(world.dir, "broken.yaml");
    writeFileSync(file, "profile: pasto\n  year: [2022\n");
    await expect(loadPlanFile(world.runtime, file)).rejects.toThrow(
      `${file}: no es YAML válido cerca de la línea 1, columna 10: revise la sangría, los dos puntos y los corchetes.`,
    );
  });
});

describe("Pasto 2022 measured against a seeded year", () => {
  let world: PlanWorld;
  beforeAll(async () => {
    world = await createPlanWorld("pasto", "2022-01-03");
    await loadPlanFile(world.runtime, PASTO_PLAN);
    await seedPastoYear(world);
  });
  afterAll(async () => await world.close());

  it("counts every measured indicator as counted by hand (on 31 Dec 2022)", async () => {
    const figures = Object.fromEntries(
      await Promise.all(
        ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1", "3.2", "3.3", "3.4", "1.7", "1.1"].map(async (id) => {
          const a = await activity(world, id);
          return [id, { value: a.value, byEnd: a.valueByEnd, state: a.state, onTime: a.onTime }] as const;
        }),
      ),
    );
    expect(figures).toEqual({
      // 20 thematic dialogues in the window, plus the one of 22 Dec (after the end date); not March's nor the cancelled one.
      "2.1": { value: 21, byEnd: 20, state: "done", onTime: true },
      // Distinct districts: 12 comunas + 15 corregimientos (comuna 1 twice and the one with no district add nothing).
      "2.2": { value: 27, byEnd: 27, state: "late", onTime: null },
      "2.3": { value: 2, byEnd: 2, state: "done", onTime: true },
      "2.4": { value: 1, byEnd: 1, state: "done", onTime: true },
      "2.5": { value: 0, byEnd: 0, state: "late", onTime: null },
      // Tránsito's hearing on 28 Dec, after its end date (20 Dec): done, late.
      "2.6": { value: 1, byEnd: 0, state: "done", onTime: false },
      "2.7": { value: 1, byEnd: 1, state: "done", onTime: true },
      // 30 finished chat responses + 25 paper forms (counted on the hearing's day, 18 Nov, though imported on 27 Dec).
      "3.1": { value: 55, byEnd: 55, state: "done", onTime: true },
      // 80 questions filed from August; the 10 of June are before the window (1 Jul).
      "3.2": { value: 80, byEnd: 80, state: "late", onTime: null },
      // 30 + 10 + 30 answered from 1 Jul.
      "3.3": { value: 70, byEnd: 70, state: "late", onTime: null },
      // Reports of 3 events (August's published twice).
      "3.4": { value: 3, byEnd: 3, state: "done", onTime: true },
      "1.7": { value: 15000, byEnd: 15000, state: "done", onTime: true },
      "1.1": { value: null, byEnd: null, state: "late", onTime: null },
    });
    const territorial = await activity(world, "2.2");
    expect(territorial.districts).toEqual([
      { kind: "comuna", required: 12, reachedByEnd: 12, reachedNow: 12, missing: [] },
      { kind: "corregimiento", required: 17, reachedByEnd: 15, reachedNow: 15, missing: MISSING_CORREGIMIENTOS },
    ]);
    expect(
      (await activity(world, "1.7")).evidence.map((e) => (e.kind === "progress" ? [e.date, e.value, e.url] : e.kind)),
    ).toEqual([
      ["2022-08-01", 7500, "https://www.pasto.gov.co/periodico/julio.pdf"],
      ["2022-11-30", 15000, "https://www.pasto.gov.co/periodico/noviembre.pdf"],
    ]);
    const status = await planStatus(world.runtime.app, 2022);
    expect(status.ok && status.status.byState).toEqual({ on_track: 0, at_risk: 1, done: 8, late: 14 });
  });

  it("follows the clock: not started, on track, at risk, done; late after the end date, done late", async () => {
    const thematic = async (date: string) => {
      const a = await activity(world, "2.1", date);
      return { state: a.state, started: a.started, value: a.value, expected: a.expected };
    };
    expect(await thematic("2022-03-31")).toEqual({ state: "on_track", started: false, value: 0, expected: 0 });
    // 15 Jul: 6 held; 103 of 261 days elapsed → 20 × 103/261 = 7.9 expected, slack 2: on track.
    expect(await thematic("2022-07-15")).toEqual({ state: "on_track", started: true, value: 6, expected: 7.9 });
    // 31 Aug: 9 held; 150 of 261 days → 11.5 expected; 9 < 11.5 − 2: at risk.
    expect(await thematic("2022-08-31")).toEqual({ state: "at_risk", started: true, value: 9, expected: 11.5 });
    expect(await thematic("2022-11-25")).toMatchObject({ state: "done", value: 20 });
    // Salud's hearing never happened: at risk in the last 15 days, late after 20 Dec.
    expect((await activity(world, "2.5", "2022-11-30")).state).toBe("on_track");
    expect((await activity(world, "2.5", "2022-12-10")).state).toBe("at_risk");
    expect((await activity(world, "2.5", "2022-12-21")).state).toBe("late");
    expect(await activity(world, "2.6", "2022-12-21")).toMatchObject({ state: "late", onTime: null });
    expect(await activity(world, "2.6", "2022-12-29")).toMatchObject({ state: "done", onTime: false });
  });

  it("measures the other indicators of a plan (shares, commitments, all questions, survey filters)", async () => {
    const file = join(world.dir, "pasto-2022-extra.yaml");
    const item = (id: string, goal: string, period: [string, string], indicator: string) => `      - id: "${id}"
        activity: Actividad ${id}
        product: Producto ${id}
        goal: ${goal}
        offices: [opgi]
        periods: [{ start: ${period[0]}, end: ${period[1]} }]
        indicator: ${indicator}
`;
    writeFileSync(
      file,
      `profile: pasto
year: 2022
title: Indicadores de prueba
components:
  - key: responsabilidad
    kind: responsibility
    name: Responsabilidad
    activities:
${item("A", "{ text: 90 %, value: 90, unit: percent }", ["2022-01-01", "2022-12-31"], "{ type: answered_on_time }")}${item("B", "{ text: 2, value: 2 }", ["2022-01-01", "2022-12-31"], "{ type: commitments_reported }")}${item("C", "{ text: 100 %, value: 100, unit: percent }", ["2022-01-01", "2022-06-30"], "{ type: commitments_reported, measure: share }")}${item("D", "{ text: 10, value: 10 }", ["2022-06-01", "2022-06-30"], "{ type: questions_answered, scope: all }")}${item("E", "{ text: 1, value: 1 }", ["2022-01-01", "2022-12-31"], "{ type: event_questions, offices: [salud] }")}${item("F", "{ text: 10, value: 10 }", ["2022-08-01", "2022-08-31"], "{ type: survey_responses, surveys: [answer_clarity] }")}${item("G", "{ text: 100, value: 100 }", ["2022-08-01", "2022-12-31"], "{ type: survey_responses }")}${item("H", "{ text: 4, value: 4 }", ["2022-01-01", "2022-12-31"], "{ type: events, kinds: [mayor_live] }")}`,
    );
    await loadPlanFile(world.runtime, file);
    try {
      const got = Object.fromEntries(
        await Promise.all(
          ["A", "B", "C", "D", "E", "F", "G", "H"].map(async (id) => {
            const a = await activity(world, id);
            return [id, [a.valueByEnd, a.state]] as const;
          }),
        ),
      );
      // Counted after the end date too, for work done late: 80 answers since 1 June.
      expect((await activity(world, "D")).value).toBe(80);
      expect(got).toEqual({
        // 70 of the 90 event questions answered by their due date (10 late, 10 never answered).
        A: [77.8, "at_risk"],
        // C1 (May, June) and C2 (July) had progress posted; C4 was cancelled.
        B: [2, "done"],
        // By 30 Jun: C1 reported, of C1, C2, C3 (C4 cancelled) → 33.3 %.
        C: [33.3, "late"],
        // By its end date (30 Jun): the 10 June answers.
        D: [10, "done"],
        E: [0, "at_risk"],
        F: [10, "done"],
        // 30 chat + 25 paper + 10 answer surveys; unfinished ones do not count.
        G: [65, "at_risk"],
        H: [0, "at_risk"],
      });
    } finally {
      await loadPlanFile(world.runtime, PASTO_PLAN);
    }
  });

  it("builds the evaluation report with the year's figures", async () => {
    const outcome = await planReport(world.runtime.app, 2022);
    if (!outcome.ok) throw new Error(outcome.error);
    const r = outcome.report;
    expect(r.totals).toEqual({
      activities: 23,
      byState: { on_track: 0, at_risk: 1, done: 8, late: 14 },
      doneOnTime: 7,
      doneLate: 1,
    });
    expect(r.components.map((c) => [c.key, c.byState.done, c.activities.length])).toEqual([
      ["informacion", 1, 11],
      ["dialogo", 5, 8],
      ["responsabilidad", 2, 4],
    ]);
    // 22 thematic (20 + March + 22 Dec), 29 territorial (12 + 15 + comuna 1 again + no district), 5 hearings.
    expect(r.spaces.held).toBe(56);
    expect(r.spaces.byKind).toEqual([
      { kind: "public_hearing", held: 5 },
      { kind: "territorial_dialogue", held: 29 },
      { kind: "thematic_dialogue", held: 22 },
    ]);
    expect(r.spaces.municipalityWide).toBe(28);
    expect(r.spaces.rsvpYes).toBe(3);
    const byDistrict = Object.fromEntries(r.spaces.byDistrict.map((d) => [d.key, d.held]));
    expect(byDistrict["comuna-1"]).toBe(2);
    expect(byDistrict["comuna-12"]).toBe(1);
    expect(byDistrict["genoy"]).toBe(1);
    expect(MISSING_CORREGIMIENTOS.map((k) => byDistrict[k])).toEqual([0, 0]);
    expect(r.groups.filter((g) => g.events > 0)).toEqual([
      { key: "opgi", name: "Oficina de Planeación de Gestión Institucional (OPGI)", events: 1, rsvpYes: 3 },
      { key: "educacion", name: "Secretaría de Educación Municipal", events: 10, rsvpYes: 0 },
      { key: "salud", name: "Secretaría de Salud Municipal", events: 10, rsvpYes: 0 },
    ]);
    expect(r.questions).toEqual({ received: 90, answered: 80, onTimeShare: 77.8, cameDue: 90, answeredOnTime: 70 });
    // C1 done on time; C2 and C3 past due and open; C4 cancelled.
    expect(r.commitments).toEqual({
      total: 4,
      byStatus: { pending: 1, in_progress: 1, done: 1, overdue: 0, cancelled: 1 },
      dueSoFar: 3,
      doneOnTime: 1,
      shareDoneOnTime: 1 / 3,
      withProgress: 2,
    });
    // event_satisfaction: (20×5 + 10×4 + 25×3) / 55 answers = 3.91, over 60 responses (5 unfinished).
    expect(r.satisfaction).toEqual([
      { surveyId: "answer_clarity", responses: 10, mean: null },
      { surveyId: "event_satisfaction", responses: 60, mean: 3.91 },
    ]);
    // The public version keeps the evidence links but not who recorded them.
    expect(JSON.stringify(r)).toContain('"actor":"cli"');
    const published = publicPlanReport(r);
    expect(JSON.stringify(published)).not.toContain('"actor"');
    expect(published.components[0]!.activities[6]!.evidence).toEqual([
      { kind: "progress", value: 7500, url: "https://www.pasto.gov.co/periodico/julio.pdf", date: "2022-08-01" },
      { kind: "progress", value: 15000, url: "https://www.pasto.gov.co/periodico/noviembre.pdf", date: "2022-11-30" },
    ]);
  });

  it("leaves a question transferred to another entity out of the on-time share (its term ended with the transfer)", async () => {
    const { repos } = world.runtime.app;
    // One of the 10 event questions never answered, transferred (art. 21) instead.
    const [unanswered] = (await repos.questions.list({})).filter(
      (q) => q.status === "open" && q.dueDate >= "2022-01-01" && q.dueDate <= "2022-12-31",
    );
    await repos.questions.update(unanswered!.id, { status: "transferred" });
    try {
      // 70 on time of 89 judged (was 70 of 90).
      const outcome = await planReport(world.runtime.app, 2022);
      if (!outcome.ok) throw new Error(outcome.error);
      expect(outcome.report.questions).toMatchObject({ onTimeShare: 78.7, cameDue: 89, answeredOnTime: 70 });
    } finally {
      await repos.questions.update(unanswered!.id, { status: "open" });
    }
  });
});
