/**
 * `rinde questions report` on a seeded database: questions filed, answered on time and late,
 * extended, overdue, reassigned, transferred to another entity (late), waiting for the citizen, before
 * and after the period, with answer
 * surveys; every figure checked against values computed by hand below, then the drill-down, the
 * CSV and the JSON. Through the real services and the CLI entry (in-process), on a real SQLite file.
 *
 * Calendar used for the hand computations (Colombia, 2026): Monday 23 March (San José) and
 * Thursday–Friday 2–3 April (Holy Week) are holidays. A general petition filed Monday 2 March has
 * 15 business days: 3–6 (4), 9–13 (9), 16–20 (14), 24 (15) → due 2026-03-24.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import {
  buildQuestionsReport,
  median,
  percentile,
  questionState,
  type ReportQuestion,
} from "../../src/core/questions-report.ts";
import { createBusinessCalendar } from "../../src/core/calendar/index.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { extendQuestion } from "../../src/services/deadlines/extension.ts";
import { answerQuestion, fileQuestion, reassignQuestion, requestInfo } from "../../src/services/questions/questions.ts";
import { transferQuestion } from "../../src/services/questions/transfer.ts";
import { bindCli, type CliResult } from "../helpers/cli.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { sqlRow, sqlRows, storageEnv } from "../helpers/storage.ts";

/** 10:00 in Bogotá (UTC−5) on a local date. */
const at = (date: string) => Date.parse(`${date}T15:00:00Z`);
const CLI = { from: "--from", to: "--to" };

let dir: string;
let runtime: Runtime;
let cli: (...args: string[]) => Promise<CliResult>;
const ref: Record<string, string> = {};

async function seed(rt: Runtime, clock: ReturnType<typeof createManualClock>) {
  const app = rt.app;
  const citizens = await seedCitizens(rt, { count: 10, channel: "memory", nowMs: at("2026-02-20") });
  let next = 0;
  const file = async (name: string, date: string, officeKey: string) => {
    clock.setMs(at(date));
    const result = await rt.store.withTransaction(
      async () =>
        await fileQuestion(app, {
          citizenId: citizens[next++]!,
          channel: "memory",
          text: `Pregunta ${name}`,
          officeKey,
          requestType: "general",
        }),
    );
    if (!result.ok) throw new Error(result.error);
    ref[name] = result.question.reference;
  };
  const on = async (date: string, work: () => Promise<{ ok: boolean }>) => {
    clock.setMs(at(date));
    const result = await rt.store.withTransaction(work);
    if (!result.ok) throw new Error(JSON.stringify(result));
  };
  const cliActor = { kind: "cli" } as const;
  await file("before", "2026-02-27", "salud");
  for (const name of ["onTime", "late", "extended", "overdue", "moved", "waiting", "outside"])
    await file(name, "2026-03-02", "salud");
  await on(
    "2026-03-03",
    async () => await reassignQuestion(app, cliActor, ref.moved!, "infraestructura", "Es de vías"),
  );
  await on("2026-03-03", async () => await requestInfo(app, cliActor, ref.waiting!, "¿En qué barrio?"));
  await on("2026-03-04", async () => await answerQuestion(app, cliActor, ref.onTime!, "Respuesta"));
  // Art. 21: 5 business days from Monday 2 March end on Monday 9 March; Thursday 12 is late.
  await on(
    "2026-03-12",
    async () =>
      await transferQuestion(app, cliActor, ref.outside!, {
        entityName: "Superservicios",
        reason: "Es de la empresa de energía",
      }),
  );
  await on("2026-03-05", async () => await answerQuestion(app, cliActor, ref.moved!, "Respuesta"));
  await file("withinTerm", "2026-03-20", "infraestructura");
  await on(
    "2026-03-20",
    async () => await extendQuestion(app, cliActor, ref.extended!, "2026-04-10", "Falta una visita técnica"),
  );
  await on("2026-03-25", async () => await answerQuestion(app, cliActor, ref.late!, "Respuesta"));
  await on("2026-03-30", async () => await answerQuestion(app, cliActor, ref.extended!, "Respuesta"));
  await file("after", "2026-04-01", "salud");
  // Answer surveys: clarity 4 and 2 from the salud questions, one "yes" on resolved; one on a
  // question outside the period, which must not count.
  const idOf = async (name: string) =>
    (await sqlRow<{ id: number }>(rt, "select id from questions where reference = ?", [ref[name]]))!.id;
  const answerSurvey = async (surveyId: string, question: string, key: string, value: string) => {
    const definition = JSON.stringify(rt.surveys.get(surveyId));
    const run = (await sqlRow<{ id: number }>(
      rt,
      "insert into survey_runs (survey_id, survey_version, definition, trigger, question_id, office_key, deliver_after_ms, expires_at_ms, created_by, created_at_ms) values (?, 1, ?, 'question_answered', ?, 'salud', 0, 0, 'system', 0) returning id",
      [surveyId, definition, await idOf(question)],
    ))!.id;
    const response = (await sqlRow<{ id: number }>(
      rt,
      "insert into survey_responses (run_id, source, created_at_ms) values (?, 'chat', 0) returning id",
      [run],
    ))!.id;
    await sqlRows(
      rt,
      "insert into survey_answers (response_id, question_key, value, created_at_ms) values (?, ?, ?, 0)",
      [response, key, value],
    );
    await sqlRows(
      rt,
      "insert into survey_answers (response_id, question_key, value, created_at_ms) values (?, 'comment', 'Gracias', 0)",
      [response],
    );
  };
  await answerSurvey("answer_clarity", "onTime", "clear", "4");
  await answerSurvey("answer_clarity", "late", "clear", "2");
  await answerSurvey("answer_resolved", "onTime", "resolved", "yes");
  await answerSurvey("answer_clarity", "before", "clear", "1");
  clock.setMs(at("2026-04-06"));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rinde-report-"));
  const env = { ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" };
  const clock = createManualClock(at("2026-02-20"));
  runtime = await createRuntime({ routerFactory: sharedRouterFactory, env: loadEnv(env), clock });
  await seed(runtime, clock);
  cli = bindCli({ env, clock });
});
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

const MARCH = [CLI.from, "2026-03-01", CLI.to, "2026-03-31"];

describe("rinde questions report", () => {
  it("gives the hand-computed figures per office and in total", async () => {
    const result = await cli("questions", "report", ...MARCH, "--json");
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as {
      from: string;
      to: string;
      asOf: string;
      offices: Record<string, unknown>[];
      total: Record<string, unknown>;
    };
    expect([report.from, report.to, report.asOf]).toEqual(["2026-03-01", "2026-03-31", "2026-04-06"]);
    const salud = report.offices.find((o) => o.officeKey === "salud");
    // salud keeps onTime (answered 03-04, 2 business days), late (03-25 > 03-24, 16 days),
    // extended (due 04-10 after the extension, answered 03-30, 19 days), overdue, waiting, the one
    // transferred to another entity (out of the on-time rate); moved left for another office.
    expect(salud).toMatchObject({
      received: 6,
      answeredOnTime: 2,
      answeredLate: 1,
      openWithinTerm: 0,
      overdue: 1,
      waitingForCitizen: 1,
      withdrawn: 0,
      extended: 1,
      transferred: 1,
      reassigned: 1,
      onTimeRate: 0.5, // 2 ÷ (3 answered + 1 overdue)
      medianBusinessDaysToAnswer: 16, // 2, 16, 19
      p90BusinessDaysToAnswer: 19, // rank ⌈0.9 × 3⌉ = 3
      satisfaction: [
        { surveyId: "answer_clarity", responses: 2, mean: 3, yesShare: null },
        { surveyId: "answer_resolved", responses: 1, mean: null, yesShare: 1 },
      ],
    });
    // infraestructura: moved (answered 03-05, 3 days) and withinTerm (filed 03-20, due 04-15).
    expect(report.offices.find((o) => o.officeKey === "infraestructura")).toMatchObject({
      received: 2,
      answeredOnTime: 1,
      openWithinTerm: 1,
      overdue: 0,
      transferred: 0,
      reassigned: 0,
      onTimeRate: 1,
      medianBusinessDaysToAnswer: 3,
      p90BusinessDaysToAnswer: 3,
      satisfaction: [],
    });
    expect(report.offices.find((o) => o.officeKey === "educacion")).toMatchObject({
      received: 0,
      onTimeRate: null,
      medianBusinessDaysToAnswer: null,
    });
    expect(report.total).toMatchObject({
      received: 8,
      answeredOnTime: 3,
      answeredLate: 1,
      openWithinTerm: 1,
      overdue: 1,
      waitingForCitizen: 1,
      withdrawn: 0,
      extended: 1,
      transferred: 1,
      reassigned: 1,
      onTimeRate: 0.6, // 3 ÷ (4 + 1)
      medianBusinessDaysToAnswer: 9.5, // 2, 3, 16, 19
      p90BusinessDaysToAnswer: 19,
    });
  });

  it("drills down from a figure to its radicados", async () => {
    const refs = async (office: string, figure: string) =>
      (
        JSON.parse(
          (await cli("questions", "report", ...MARCH, "--office", office, "--figure", figure, "--json")).stdout,
        ) as { reference: string }[]
      ).map((r) => r.reference);
    expect(await refs("salud", "overdue")).toEqual([ref.overdue]);
    expect(await refs("salud", "transferred")).toEqual([ref.outside]);
    expect(await refs("salud", "reassigned")).toEqual([ref.moved]);
    expect(await refs("infraestructura", "reassigned")).toEqual([]);
    expect(await refs("salud", "answeredOnTime")).toEqual([ref.onTime, ref.extended]);
    expect(await refs("infraestructura", "received")).toEqual([ref.moved, ref.withinTerm]);
    expect(await refs("*", "received")).toHaveLength(8);
    const text = await cli("questions", "report", ...MARCH, "--office", "salud", "--figure", "waitingForCitizen");
    expect(text.stdout).toContain("Esperando al ciudadano · Secretaría de Salud");
    expect(text.stdout).toContain(ref.waiting);
  });

  it("prints a table with the total and says where the definitions are; --help gives them", async () => {
    const result = await cli("questions", "report", ...MARCH);
    expect(result.stdout).toContain(
      "Informe de peticiones: radicadas del 2026-03-01 al 2026-03-31, estado al 2026-04-06",
    );
    expect(result.stdout).toMatch(
      /\nTotal\s+8\s+3\s+1\s+1\s+1\s+1\s+0\s+1\s+1\s+1\s+60\s+9\.5\s+19\s+answer_clarity: 3\.0\/5 \(n=2\); answer_resolved: 100 % sí \(n=1\)/,
    );
    expect(result.stdout).toContain("rinde questions report --help");
    const help = await cli("questions", "report", "--help");
    for (const words of [
      "fecha de radicación",
      "ya incluye la prórroga",
      "art. 21",
      "percentil 90",
      "Respondidas a tiempo ÷ (respondidas + vencidas)",
    ])
      expect(help.stdout).toContain(words);
  });

  it("writes the CSV (one row per office and the total) and refuses bad input with a clear line", async () => {
    const out = join(dir, "informe.csv");
    expect((await cli("questions", "report", ...MARCH, "--csv", "--out", out)).stdout).toContain(out);
    const text = readFileSync(out, "utf8");
    // Excel in Colombia: UTF-8 with BOM, `;` between fields, decimal comma (issue 12 item 6).
    expect(text.startsWith("\uFEFFDependencia;")).toBe(true);
    const lines = text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + runtime.app.profile.offices.length + 1);
    expect(lines.at(-1)).toMatch(/^Total;8;3;1;1;1;1;0;1;1;1;60;9,5;19;/);
    // `--separator ,`: commas, decimal point, still the BOM.
    const comma = await cli("questions", "report", ...MARCH, "--csv", "--separator", ",");
    expect(comma.stdout.startsWith("\uFEFFDependencia,")).toBe(true);
    expect(comma.stdout).toMatch(/\nTotal,8,3,1,1,1,1,0,1,1,1,60,9\.5,19,/);
    expect((await cli("questions", "report", ...MARCH, "--csv", "--separator", "|")).status).toBe(1);
    expect(await cli("questions", "report", "--from", "2026-04-01", "--to", "2026-03-01")).toMatchObject({
      status: 1,
      stderr: "rinde: --from debe ser igual o anterior a --to\n",
    });
    expect(await cli("questions", "report", "--from", "marzo")).toMatchObject({ status: 1 });
    expect(await cli("questions", "report", "--office", "nada")).toMatchObject({ status: 1 });
    expect((await cli("questions", "report", "--figure", "everything", "--office", "salud")).stderr).toContain(
      "received, answeredOnTime",
    );
  });

  it("defaults to this month up to today", async () => {
    const report = JSON.parse((await cli("questions", "report", "--json")).stdout) as {
      from: string;
      to: string;
      total: { received: number };
    };
    expect(report).toMatchObject({ from: "2026-04-01", to: "2026-04-06", total: { received: 1 } });
  });
});

describe("report rules", () => {
  const calendar = createBusinessCalendar();
  const q = (over: Partial<ReportQuestion>): ReportQuestion => ({
    id: 1,
    reference: "RC-2026-000001",
    officeKey: "salud",
    status: "open",
    filedAtMs: at("2026-03-02"),
    dueDate: "2026-03-24",
    answeredAtMs: null,
    termStartedAtMs: null,
    extendedTo: null,
    ...over,
  });

  it("counts an answer on the due date as on time and the next day as late, in local time", () => {
    // 23:30 in Bogotá on the due date is already the next day in UTC.
    expect(
      questionState(
        q({ status: "answered", answeredAtMs: Date.parse("2026-03-25T04:30:00Z") }),
        "2026-04-06",
        "America/Bogota",
      ),
    ).toBe("answered_on_time");
    expect(
      questionState(
        q({ status: "answered", answeredAtMs: Date.parse("2026-03-25T05:30:00Z") }),
        "2026-04-06",
        "America/Bogota",
      ),
    ).toBe("answered_late");
    expect(questionState(q({}), "2026-03-24", "America/Bogota")).toBe("open_within_term");
    expect(questionState(q({}), "2026-03-25", "America/Bogota")).toBe("overdue");
  });

  it("puts a question in the period by its local filing date", () => {
    const lateEvening = q({ filedAtMs: Date.parse("2026-04-01T03:00:00Z") }); // 31 March, 22:00 in Bogotá
    const input = {
      from: "2026-03-01",
      to: "2026-03-31",
      asOf: "2026-04-06",
      timeZone: "America/Bogota",
      calendar,
      offices: [{ key: "salud", name: "Salud" }],
      reassignments: [],
      surveyAnswers: [],
    };
    expect(buildQuestionsReport({ ...input, questions: [lateEvening] }).total.received).toBe(1);
    expect(
      buildQuestionsReport({ ...input, questions: [q({ filedAtMs: Date.parse("2026-04-01T05:00:00Z") })] }).total
        .received,
    ).toBe(0);
  });

  it("computes the median and the nearest-rank 90th percentile", () => {
    expect([median([]), percentile([], 90)]).toEqual([null, null]);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });
});
