/**
 * A seeded year of Pasto 2022 for the plan tests: dialogue spaces (thematic, territorial by
 * district, hearings by office), event questions and their answers, survey responses from chat and
 * paper, commitments with progress, published answer reports and manual progress. Every figure the
 * tests expect is counted by hand in the comments here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnv } from "../../src/config/env.ts";
import type { Actor } from "../../src/core/authorization.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { formatPlanProblem, type PlanProblem } from "../../src/core/plan/index.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { cancelCommitment, postProgress, recordCommitment } from "../../src/services/commitments/commitments.ts";
import {
  planContextOf,
  publishAnswerReport,
  readPlanFile,
  recordPlanProgress,
  storePlan,
} from "../../src/services/plan/index.ts";
import { bogota } from "../helpers/scenario.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { sqlRow, sqlRows, storageEnv } from "../helpers/storage.ts";

export { bogota };
export const CLI: Actor = { kind: "cli" };
export const HOUR_MS = 3_600_000;
export const PASTO_PLAN = join(import.meta.dirname, "../../plans/pasto-2022.yaml");
export const BUCARAMANGA_PLAN = join(import.meta.dirname, "../../plans/bucaramanga-2019.yaml");

export interface PlanWorld {
  dir: string;
  clock: ReturnType<typeof createManualClock>;
  runtime: Runtime;
  at(date: string, time?: string): number;
  close(): Promise<void>;
}

/** A runtime (no bot, so no background jobs) on a fresh database with the given profile. */
export async function createPlanWorld(profile: string, start: string): Promise<PlanWorld> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-plan-"));
  const clock = createManualClock(bogota(start, "10:00"));
  const runtime = await createRuntime({
    routerFactory: sharedRouterFactory,
    env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: profile }),
    clock,
  });
  return {
    dir,
    clock,
    runtime,
    at(date, time = "10:00") {
      clock.setMs(bogota(date, time));
      return clock.nowMs();
    },
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The problems of a plan file as the CLI prints them, in `lang`. */
export function planProblemLines(
  runtime: Runtime,
  file: string,
  problems: readonly PlanProblem[],
  lang: "es" | "en" = "es",
): string[] {
  return problems.map((p) => formatPlanProblem(file, p, runtime.app.translator.t(lang, p.key, p.vars)));
}

export async function loadPlanFile(runtime: Runtime, file: string, actor: Actor = CLI) {
  const read = readPlanFile(file, planContextOf(runtime.app, runtime.surveys.keys()));
  if (!read.ok) throw new Error(planProblemLines(runtime, file, read.problems).join("\n"));
  const { plan, sha256 } = read;
  const outcome = await storePlan(runtime.app, actor, { plan, sha256, sourceFile: file });
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome;
}

type Kind = "public_hearing" | "territorial_dialogue" | "thematic_dialogue" | "mayor_live";

/** An event of two hours starting at 09:00 Bogotá on `date`. */
export async function addEvent(
  runtime: Runtime,
  input: {
    kind: Kind;
    date: string;
    title?: string;
    officeKey?: string;
    districts?: string[];
    topics?: string[];
    status?: "scheduled" | "held" | "cancelled";
  },
): Promise<number> {
  const startsAtMs = bogota(input.date, "09:00");
  return (
    await runtime.app.repos.events.insert(
      {
        kind: input.kind,
        title: input.title ?? `${input.kind} ${input.date}`,
        startsAtMs,
        endsAtMs: startsAtMs + 2 * HOUR_MS,
        officeKey: input.officeKey ?? null,
        status: input.status ?? "scheduled",
        createdBy: "cli",
        createdAtMs: startsAtMs - 30 * 24 * HOUR_MS,
        updatedAtMs: startsAtMs,
      },
      input.districts ?? [],
      input.topics ?? [],
    )
  ).id;
}

let referenceSeq = 0;
async function addQuestion(
  runtime: Runtime,
  input: { citizenId: number; eventId: number; filed: string; due: string; answered?: string; officeKey?: string },
): Promise<void> {
  const filedAtMs = bogota(input.filed, "11:00");
  const answeredAtMs = input.answered ? bogota(input.answered, "15:00") : null;
  referenceSeq++;
  await sqlRows(
    runtime,
    "insert into questions (reference, citizen_id, office_key, request_type, status, text, channel, filed_at_ms, term_business_days, due_date, answer_text, answered_at_ms, updated_at_ms, event_id) values (?, ?, ?, 'dialogue', ?, '¿Cuándo arreglan la vía?', 'memory', ?, 15, ?, ?, ?, ?, ?)",
    [
      `RC-2022-${String(referenceSeq).padStart(6, "0")}`,
      input.citizenId,
      input.officeKey ?? "opgi",
      answeredAtMs ? "answered" : "open",
      filedAtMs,
      input.due,
      answeredAtMs ? "Respuesta" : null,
      answeredAtMs,
      answeredAtMs ?? filedAtMs,
      input.eventId,
    ],
  );
}

async function addSurveyRun(
  runtime: Runtime,
  input: {
    surveyId: string;
    trigger: "event_ended" | "paper" | "question_answered";
    eventId?: number;
    createdAtMs: number;
  },
): Promise<number> {
  const definition = runtime.surveys.get(input.surveyId)!;
  return (
    await runtime.app.repos.surveys.insertRun({
      surveyId: input.surveyId,
      surveyVersion: definition.version,
      definition: JSON.stringify(definition),
      trigger: input.trigger,
      eventId: input.eventId ?? null,
      deliverAfterMs: input.createdAtMs,
      expiresAtMs: input.createdAtMs + 5 * 24 * HOUR_MS,
      createdBy: "system",
      createdAtMs: input.createdAtMs,
    })
  ).id;
}

async function addResponses(
  runtime: Runtime,
  runId: number,
  input: {
    source: "chat" | "paper";
    count: number;
    atMs: number;
    answers?: Record<string, string>;
    complete?: boolean;
  },
): Promise<void> {
  const repo = runtime.app.repos.surveys;
  for (let i = 0; i < input.count; i++) {
    const id = await repo.createResponse(
      {
        runId,
        source: input.source,
        sourceRef: input.source === "paper" ? `seed:${runId}:${i}` : null,
        completedAtMs: input.source === "paper" ? input.atMs : null,
      },
      input.atMs,
    );
    for (const [key, value] of Object.entries(input.answers ?? {})) await repo.addAnswer(id, key, value, input.atMs);
    if (input.source === "chat" && input.complete !== false) await repo.completeResponse(id, input.atMs);
  }
}

/** Thematic dialogues: 20 in the window of 2.1 (4 Apr – 20 Dec), plus one before, one after, one cancelled. */
export const THEMATIC_DATES = [
  "2022-04-20",
  "2022-05-05",
  "2022-05-20",
  "2022-06-03",
  "2022-06-17",
  "2022-07-01",
  "2022-07-22",
  "2022-08-05",
  "2022-08-19",
  "2022-09-02",
  "2022-09-16",
  "2022-09-30",
  "2022-10-07",
  "2022-10-14",
  "2022-10-21",
  "2022-10-28",
  "2022-11-04",
  "2022-11-11",
  "2022-11-18",
  "2022-11-25",
];
/** Corregimientos never visited: 15 of 17 reached. */
export const MISSING_CORREGIMIENTOS = ["san-fernando", "santa-barbara"];

export interface SeededYear {
  events: { thematic: number[]; hearingAug: number; hearingNov: number; hearingTransito: number };
  commitmentNumbers: number[];
}

/** Seeds the year (the clock ends at 2022-12-31 10:00). */
export async function seedPastoYear(world: PlanWorld): Promise<SeededYear> {
  const { runtime } = world;
  const app = runtime.app;
  const citizenIds: number[] = [];
  for (let i = 0; i < 3; i++)
    citizenIds.push(
      (await sqlRow<{ id: number }>(
        runtime,
        "insert into citizens (consent, created_at_ms) values ('granted', ?) returning id",
        [bogota("2022-01-03")],
      ))!.id,
    );

  // 2.1 — thematic dialogues. Topics stand for the groups reached: 10 about educación, 10 about salud.
  const thematic: number[] = [];
  for (const [i, date] of THEMATIC_DATES.entries())
    thematic.push(
      await addEvent(runtime, {
        kind: "thematic_dialogue",
        date,
        topics: [i % 2 === 0 ? "educacion" : "salud"],
        status: i === 4 ? "held" : "scheduled",
      }),
    );
  await addEvent(runtime, { kind: "thematic_dialogue", date: "2022-03-15" }); // before the window
  await addEvent(runtime, { kind: "thematic_dialogue", date: "2022-12-22" }); // after the end date
  await addEvent(runtime, { kind: "thematic_dialogue", date: "2022-06-10", status: "cancelled" });

  // 2.2 — territorial dialogues: the 12 comunas (Mar–Jun), 15 of 17 corregimientos (Jul–Oct), comuna 1 twice, one with no district.
  const districts = app.profile.districts;
  const comunas = districts.filter((d) => d.kind === "comuna").map((d) => d.key);
  const corregimientos = districts
    .filter((d) => d.kind === "corregimiento" && !MISSING_CORREGIMIENTOS.includes(d.key))
    .map((d) => d.key);
  for (const [i, key] of comunas.entries())
    await addEvent(runtime, {
      kind: "territorial_dialogue",
      date: `2022-0${3 + Math.floor(i / 3)}-${String(10 + i).padStart(2, "0")}`,
      districts: [key],
    });
  for (const [i, key] of corregimientos.entries())
    await addEvent(runtime, {
      kind: "territorial_dialogue",
      date: `2022-${String(7 + Math.floor(i / 4)).padStart(2, "0")}-${String(5 + i).padStart(2, "0")}`,
      districts: [key],
    });
  await addEvent(runtime, { kind: "territorial_dialogue", date: "2022-06-28", districts: ["comuna-1"] });
  await addEvent(runtime, { kind: "territorial_dialogue", date: "2022-06-29" });

  // 2.3–2.7 — hearings: OPGI twice, Educación, Bienestar Social; Tránsito after its end date; Salud none.
  const hearingAug = await addEvent(runtime, {
    kind: "public_hearing",
    date: "2022-08-12",
    officeKey: "opgi",
    topics: ["opgi"],
  });
  const hearingNov = await addEvent(runtime, {
    kind: "public_hearing",
    date: "2022-11-18",
    officeKey: "opgi",
    status: "held",
  });
  await addEvent(runtime, { kind: "public_hearing", date: "2022-10-10", officeKey: "educacion" });
  await addEvent(runtime, { kind: "public_hearing", date: "2022-11-03", officeKey: "bienestar_social" });
  const hearingTransito = await addEvent(runtime, {
    kind: "public_hearing",
    date: "2022-12-28",
    officeKey: "transito",
  });
  for (const citizenId of citizenIds)
    await sqlRows(
      runtime,
      "insert into event_rsvps (event_id, citizen_id, answer, created_at_ms, updated_at_ms) values (?, ?, 'yes', ?, ?)",
      [hearingAug, citizenId, bogota("2022-08-01"), bogota("2022-08-01")],
    );

  // 3.2 / 3.3 — event questions: 10 in June (answered on time), 80 from August to October:
  // 30 answered on time, 10 late, 30 on time, 10 never answered.
  for (let i = 0; i < 10; i++)
    await addQuestion(runtime, {
      citizenId: citizenIds[0]!,
      eventId: thematic[4]!,
      filed: "2022-06-10",
      due: "2022-07-08",
      answered: "2022-06-30",
    });
  for (let i = 0; i < 80; i++) {
    const first = i < 40;
    const answered = i < 30 ? "2022-08-20" : i < 40 ? "2022-09-05" : i < 70 ? "2022-10-20" : undefined;
    await addQuestion(runtime, {
      citizenId: citizenIds[i % 3]!,
      eventId: first ? thematic[7]! : thematic[12]!,
      filed: first ? "2022-08-01" : "2022-10-03",
      due: first ? "2022-08-26" : "2022-10-28",
      answered,
    });
  }

  // 3.1 — surveys: 30 chat responses (20 say 5, 10 say 4) and 5 unfinished after the August hearing;
  // 25 paper forms (all say 3) of the November hearing imported on 27 Dec; 10 answer surveys (not of an event).
  const runA = await addSurveyRun(runtime, {
    surveyId: "event_satisfaction",
    trigger: "event_ended",
    eventId: hearingAug,
    createdAtMs: bogota("2022-08-12", "13:00"),
  });
  await addResponses(runtime, runA, {
    source: "chat",
    count: 20,
    atMs: bogota("2022-08-12", "18:00"),
    answers: { overall: "5" },
  });
  await addResponses(runtime, runA, {
    source: "chat",
    count: 10,
    atMs: bogota("2022-08-12", "18:00"),
    answers: { overall: "4" },
  });
  await addResponses(runtime, runA, { source: "chat", count: 5, atMs: bogota("2022-08-12", "18:00"), complete: false });
  const runB = await addSurveyRun(runtime, {
    surveyId: "event_satisfaction",
    trigger: "paper",
    eventId: hearingNov,
    createdAtMs: bogota("2022-12-27"),
  });
  await addResponses(runtime, runB, {
    source: "paper",
    count: 25,
    atMs: bogota("2022-12-27"),
    answers: { overall: "3" },
  });
  const runC = await addSurveyRun(runtime, {
    surveyId: "answer_clarity",
    trigger: "question_answered",
    createdAtMs: bogota("2022-08-25"),
  });
  await addResponses(runtime, runC, { source: "chat", count: 10, atMs: bogota("2022-08-25", "12:00"), answers: {} });

  // Commitments: C1 done on time, C2 in progress and past due, C3 pending, C4 cancelled.
  world.at("2022-03-01");
  const commitment = async (officeKey: string, dueDate: string, text: string) => {
    const r = await recordCommitment(app, CLI, { officeKey, dueDate, text });
    if (!r.ok) throw new Error(r.error);
    return r.commitment.number;
  };
  const c1 = await commitment("educacion", "2022-06-30", "Dotar la biblioteca de la IEM");
  world.at("2022-04-01");
  const c2 = await commitment("salud", "2022-08-31", "Abrir el puesto de salud de Genoy");
  world.at("2022-05-02");
  const c3 = await commitment("infraestructura", "2022-12-15", "Pavimentar la vía a Catambuco");
  world.at("2022-06-01");
  const c4 = await commitment("gobierno", "2022-09-30", "Instalar cámaras en la comuna 4");
  world.at("2022-05-10");
  await postProgress(app, CLI, c1, { percent: 50, note: "Libros comprados" });
  world.at("2022-06-15");
  await cancelCommitment(app, CLI, c4, "Lo asumió la Policía");
  world.at("2022-06-20");
  await postProgress(app, CLI, c1, { percent: 100, note: "Entregada" });
  world.at("2022-07-05");
  await postProgress(app, CLI, c2, { percent: 30, note: "Obra iniciada" });

  // 3.4 — answer reports: June, August (published twice: counted once) and October events.
  for (const [date, eventId] of [
    ["2022-07-05", thematic[4]!],
    ["2022-09-10", thematic[7]!],
    ["2022-09-20", thematic[7]!],
    ["2022-11-05", thematic[12]!],
  ] as const) {
    world.at(date);
    const r = await publishAnswerReport(
      app,
      CLI,
      eventId,
      `https://www.pasto.gov.co/respuestas/${eventId}-${date}.pdf`,
    );
    if (!r.ok) throw new Error(r.error);
  }

  // 1.7 — the newspaper: 7.500 copies by 1 Aug, 15.000 by 30 Nov (manual, with evidence).
  world.at("2022-08-01");
  await recordPlanProgress(app, CLI, {
    year: 2022,
    activityId: "1.7",
    value: 7500,
    evidenceUrl: "https://www.pasto.gov.co/periodico/julio.pdf",
  });
  world.at("2022-11-30");
  await recordPlanProgress(app, CLI, {
    year: 2022,
    activityId: "1.7",
    value: 15000,
    evidenceUrl: "https://www.pasto.gov.co/periodico/noviembre.pdf",
  });

  world.at("2022-12-31");
  return { events: { thematic, hearingAug, hearingNov, hearingTransito }, commitmentNumbers: [c1, c2, c3, c4] };
}
