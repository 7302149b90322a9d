/**
 * A database with everything the public pages show (issue 15): citizens who wrote from chat
 * (addresses that look like phone numbers and chat ids), questions answered on time and late,
 * overdue, extended, reassigned, transferred to another entity (art. 21), dialogue-space questions with and without a
 * published summary and one answered with the citizen's name, phone and cédula (held back),
 * events (upcoming and past with minutes), commitments with progress and evidence, and survey
 * responses in one district (enough for a segment) and a few in another.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { answerQuestion, fileQuestion, reassignQuestion } from "../../src/services/questions/questions.ts";
import { transferQuestion } from "../../src/services/questions/transfer.ts";
import { extendQuestion } from "../../src/services/deadlines/extension.ts";
import { recordCommitment, postProgress } from "../../src/services/commitments/commitments.ts";
import { createEvent } from "../../src/services/events/events.ts";
import {
  setEventLinks,
  setQuestionPublication,
  setSurveyPublished,
} from "../../src/services/transparency/publication.ts";
import { registerPublicSite } from "../../src/web/public/plugin.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { bogota } from "../helpers/scenario.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { loadPlanFile } from "../integration/plan-helpers.ts";
import { recordPlanProgress } from "../../src/services/plan/index.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const CLI = { kind: "cli" } as const;
export const PUBLISHED_SUMMARY = "¿Cuándo terminan las obras del parque central?";
/** An official's answer written to the citizen: their name (from their text), chat number and cédula. */
export const PERSONAL_ANSWER =
  "Señora Rosa Elvira Cárdenas: el subsidio se paga el 5 de mayo. Si no llega, llámenos y le atendemos al 91827364 o escriba a rosa.cardenas@example.com con su cédula 52.123.456.";
const PLAN_2026 = `profile: villa-esperanza
year: 2026
title: Estrategia de rendición de cuentas 2026
source: Prueba
components:
  - key: informacion
    kind: information
    name: Información
    activities:
      - id: "1.1"
        activity: Publicar el informe de gestión.
        product: Informe publicado.
        goal: { text: "1 informe.", value: 1 }
        offices: [planeacion]
        periods: [{ start: 2026-01-15, end: 2026-06-30 }]
        indicator: { type: manual }
  - key: dialogo
    kind: dialogue
    name: Diálogo
    activities:
      - id: "2.1"
        activity: Realizar la audiencia pública.
        product: Audiencia realizada.
        goal: { text: "1 audiencia.", value: 1 }
        offices: [planeacion]
        periods: [{ start: 2026-01-15, end: 2026-12-15 }]
        indicator: { type: events, kinds: [public_hearing] }
      - id: "2.2"
        activity: Responder las preguntas de los espacios.
        product: Preguntas respondidas.
        goal: { text: "2 preguntas respondidas.", value: 2 }
        offices: [planeacion]
        periods: [{ start: 2026-01-15, end: 2026-12-15 }]
        indicator: { type: questions_answered, scope: events }
`;

/** The names the citizens wrote in their questions. */
export const NAMES = [
  "Marta Liliana Rojas",
  "Jorge Enrique Pabón",
  "Rosa Elvira Cárdenas",
  "Pedro Antonio Gómez",
  "Samuel Arango",
];

export interface Seeded {
  h: Harness;
  server: FastifyInstance;
  /** Everything personal the public output must never contain. */
  secrets: string[];
  references: Record<string, string>;
}

/** `setup` runs on the bare Fastify instance before the plugin (e.g. the real server's CSP header). */
export interface SeedOptions {
  /** Survey respondents with no known district, pooled with comuna-3's 3 (default 17: a pool of 20). */
  unknownDistrictRespondents?: number;
}

export async function seedPublicData(
  setup?: (server: FastifyInstance) => void,
  options: SeedOptions = {},
): Promise<Seeded> {
  const h = await createHarness();
  const app = h.runtime.app;
  const day = 86_400_000;
  const people = [
    {
      address: "573001234567",
      text: "Soy Marta Liliana Rojas, cédula 1098765432, y el hueco frente a mi casa en la calle 45 sigue sin arreglar",
    },
    {
      address: "573009876543",
      text: "Me llamo Jorge Enrique Pabón, vivo en la carrera 12 número 8-20 y pido copia del contrato de alumbrado",
    },
    {
      address: "91827364",
      text: "Quiero saber por qué Rosa Elvira Cárdenas no recibió el subsidio de adulto mayor este mes",
    },
    {
      address: "55544433",
      text: "Denuncio que el vecino Pedro Antonio Gómez bota basura en la quebrada La Iglesia todas las noches",
    },
    {
      address: "573152223344",
      text: "Mi hijo Samuel Arango no tiene cupo en el colegio Santa Inés y necesito ayuda urgente",
    },
  ];
  const citizenIds: number[] = [];
  for (const p of people) {
    await h.say(p.address, "hola");
    await h.say(p.address, "1");
    citizenIds.push((await app.repos.citizens.findContext("memory", p.address))!.citizenId);
  }
  const file = async (
    i: number,
    officeKey: string,
    requestType: "general" | "information" | "dialogue" = "general",
    eventId?: number,
  ) => {
    const filed = await fileQuestion(app, {
      citizenId: citizenIds[i]!,
      channel: "memory",
      text: people[i]!.text,
      officeKey,
      requestType,
      eventId,
    });
    if (!filed.ok) throw new Error(filed.error);
    return filed.question.reference;
  };
  const ok = <T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> => {
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r as Extract<T, { ok: true }>;
  };

  // An event held on 2026-03-10 and one upcoming in May.
  const held = ok(
    await createEvent(app, CLI, {
      kind: "public_hearing",
      title: "Audiencia pública 2026",
      description: "Informe de gestión.",
      startsAtMs: bogota("2026-03-10", "09:00"),
      endsAtMs: bogota("2026-03-10", "11:00"),
      place: "Coliseo Municipal",
      virtualUrl: null,
      officeKey: "planeacion",
      districts: ["comuna-1"],
      topics: [],
    }),
  ).event;
  ok(
    await createEvent(app, CLI, {
      kind: "territorial_dialogue",
      title: "Diálogo en la Comuna 2",
      description: "",
      startsAtMs: bogota("2026-05-20", "15:00"),
      endsAtMs: bogota("2026-05-20", "17:00"),
      place: "Salón comunal El Progreso",
      virtualUrl: "https://example.org/envivo",
      officeKey: null,
      districts: ["comuna-2"],
      topics: [],
    }),
  );

  const references: Record<string, string> = {
    onTime: await file(0, "infraestructura"),
    late: await file(1, "hacienda", "information"),
    overdue: await file(2, "desarrollo_social"),
    extended: await file(3, "ambiente"),
    reassigned: await file(4, "salud"),
    transferred: await file(4, "movilidad"),
    dialoguePublished: await file(0, "planeacion", "dialogue", held.id),
    dialogueBare: await file(1, "planeacion", "dialogue", held.id),
    // Answered in writing to the person, with their name, phone and cédula: held back from the public pages.
    dialoguePersonal: await file(2, "desarrollo_social", "dialogue", held.id),
  };
  ok(await answerQuestion(app, CLI, references.onTime!, "Programamos el arreglo de la vía para la próxima semana."));
  ok(await reassignQuestion(app, CLI, references.reassigned!, "educacion", "Le corresponde a Educación"));
  ok(
    await transferQuestion(app, CLI, references.transferred!, {
      entityName: "Superintendencia de Servicios Públicos",
      reason: "La queja es sobre la empresa de energía",
    }),
  );
  ok(await extendQuestion(app, CLI, references.extended!, "2026-04-15", "Necesitamos una visita técnica"));
  ok(await setQuestionPublication(app, CLI, references.dialoguePublished!, { summary: PUBLISHED_SUMMARY }));

  h.clock.advanceMs(10 * day); // 2026-03-12: after the hearing
  ok(
    await setEventLinks(app, CLI, held.id, {
      minutesUrl: "https://example.org/acta-2026.pdf",
      recordingUrl: "https://example.org/video",
    }),
  );
  ok(await answerQuestion(app, CLI, references.dialoguePublished!, "Las obras del parque terminan en junio de 2026."));
  ok(await answerQuestion(app, CLI, references.dialoguePersonal!, PERSONAL_ANSWER));
  const commitment = ok(
    await recordCommitment(app, CLI, {
      officeKey: "infraestructura",
      dueDate: "2026-06-30",
      text: "Terminar el parque central",
      eventId: held.id,
      districtKey: "comuna-1",
    }),
  ).commitment;
  ok(
    await postProgress(app, CLI, commitment.number, {
      percent: 40,
      note: "Obra civil avanzada",
      evidenceUrl: "https://example.org/fotos-parque",
    }),
  );
  ok(
    await recordCommitment(app, CLI, {
      officeKey: "movilidad",
      dueDate: "2026-03-20",
      text: "Señalizar el cruce escolar de la calle 8",
    }),
  );

  h.clock.advanceMs(40 * day); // 2026-04-21: the information request is late, the general ones overdue
  ok(await answerQuestion(app, CLI, references.late!, "Adjuntamos copia del contrato de alumbrado público."));

  // Survey responses: 24 in comuna-1 (shown as a segment), 3 in comuna-3 and the rest with no known
  // district (pooled: 20 by default, enough to show the districts apart).
  const definition = h.runtime.surveys.get("answer_clarity")!;
  const unknown = options.unknownDistrictRespondents ?? 17;
  const respondentCount = 27 + unknown;
  const nowMs = h.clock.nowMs();
  const respondents = await seedCitizens(h.runtime, {
    count: respondentCount,
    channel: "memory",
    prefix: "3104445",
    nowMs,
  });
  const runFor = async (segment: string) =>
    await app.repos.surveys.insertRun({
      surveyId: "answer_clarity",
      surveyVersion: 1,
      definition: JSON.stringify(definition),
      trigger: "segment",
      segment,
      deliverAfterMs: nowMs,
      expiresAtMs: nowMs + day,
      createdBy: "cli",
      createdAtMs: nowMs,
    });
  const runs = [await runFor("district:comuna-1"), await runFor("district:comuna-3"), await runFor("everyone")];
  for (const [i, citizenId] of respondents.entries()) {
    const run = i < 24 ? runs[0]! : i < 27 ? runs[1]! : runs[2]!;
    const [invitation] = await app.repos.surveys.invite(run.id, [citizenId], nowMs);
    const response = await app.repos.surveys.createResponse(
      { runId: run.id, invitationId: invitation!.id, source: "chat", completedAtMs: nowMs },
      nowMs,
    );
    const answer = i < 24 ? (i < 14 ? "5" : i < 20 ? "4" : "2") : i < 27 ? "1" : "3";
    await app.repos.surveys.addAnswer(response, "clear", answer, nowMs);
    await app.repos.surveys.addAnswer(response, "comment", `Comentario privado de la persona ${i}`, nowMs);
  }
  ok(await setSurveyPublished(app, CLI, "answer_clarity", true));

  // The year's accountability plan (issue 16's public page): measured and manual activities.
  const planFile = join(h.dir, "plan-2026.yaml");
  writeFileSync(planFile, PLAN_2026);
  await loadPlanFile(h.runtime, planFile);
  ok(
    await recordPlanProgress(app, CLI, {
      year: 2026,
      activityId: "1.1",
      value: 1,
      evidenceUrl: "https://example.org/informe-2026.pdf",
      note: "Informe publicado en el portal",
    }),
  );

  const server = Fastify();
  setup?.(server);
  await registerPublicSite(server, { app });
  await server.ready();
  const secrets = [
    ...people.flatMap((p) => [p.address, p.text]),
    ...NAMES.flatMap((n) => [n, ...n.split(" ").filter((w) => w.length > 4)]),
    "1098765432",
    "52.123.456",
    "rosa.cardenas@example.com",
    ...Array.from({ length: respondentCount }, (_, i) => `3104445${i}`).filter((a) => a.length >= 8),
    ...people.map((p) => p.text.split(" ").slice(0, 5).join(" ")),
    "Comentario privado",
    ...citizenIds.map((id) => `citizen:${id}`),
  ];
  return { h, server, secrets, references };
}
