/** A database with a bit of everything for the CLI tests: citizens, questions, an event, a commitment, an official. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { localTimeToMs } from "../../src/core/deadline-schedule.ts";
import { recordCommitment } from "../../src/services/commitments/commitments.ts";
import { createEvent } from "../../src/services/events/events.ts";
import { answerQuestion, fileQuestion } from "../../src/services/questions/questions.ts";
import { createRuntime } from "../../src/runtime.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { runRinde } from "../helpers/cli.ts";
import { storageEnv } from "../helpers/storage.ts";

/** 2026-03-02 10:00 Bogotá (15:00 UTC), a Monday. */
export const NOW_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
export const bogota = (date: string, time: string) => localTimeToMs(date, time, "America/Bogota");

export interface CliWorld {
  dir: string;
  dbPath: string;
  env: Record<string, string>;
  clock: ReturnType<typeof createManualClock>;
  rinde(...args: string[]): ReturnType<typeof runRinde>;
}

export function createWorld(): CliWorld {
  const dir = mkdtempSync(join(tmpdir(), "rinde-cli-"));
  const dbPath = join(dir, "rinde.db");
  const env = { ...storageEnv(dbPath), RINDE_PROFILE: "default" };
  const clock = createManualClock(NOW_MS);
  return { dir, dbPath, env, clock, rinde: (...args) => runRinde(args, env, { clock }) };
}

/** Seeds the world's database: 5 citizens subscribed to salud, 2 questions (one answered), an event, a commitment, an official. */
export async function seed(world: CliWorld): Promise<{ officialId: number; references: string[] }> {
  const runtime = await createRuntime({ env: loadEnv(world.env), clock: world.clock });
  try {
    const { app } = runtime;
    const citizens = await seedCitizens(runtime, {
      count: 5,
      channel: "memory",
      nowMs: NOW_MS,
      subscription: { kind: "topic", key: "salud" },
    });
    const references = await runtime.store.withTransaction(async () => {
      const filedReferences: string[] = [];
      for (const [i, text] of [
        "¿Cuándo abren el centro de salud de la vereda?",
        "Solicito copia del contrato de la vía",
      ].entries()) {
        const filed = await fileQuestion(app, {
          citizenId: citizens[i]!,
          channel: "memory",
          text,
          officeKey: i === 0 ? "salud" : "infraestructura",
          requestType: i === 0 ? "general" : "information",
        });
        if (!filed.ok) throw new Error(filed.error);
        filedReferences.push(filed.question.reference);
      }
      return filedReferences;
    });
    const answered = await answerQuestion(
      app,
      { kind: "cli" },
      references[1]!,
      "Le enviamos la copia al correo registrado.",
    );
    if (!answered.ok) throw new Error(answered.error);
    const event = await createEvent(
      app,
      { kind: "cli" },
      {
        kind: "public_hearing",
        title: "Audiencia pública de rendición de cuentas 2026",
        description: "Informe de gestión.",
        startsAtMs: bogota("2026-03-10", "09:00"),
        endsAtMs: bogota("2026-03-10", "11:00"),
        place: "Coliseo Municipal",
        virtualUrl: null,
        officeKey: "planeacion",
        districts: ["comuna-1"],
        topics: [],
      },
    );
    if (!event.ok) throw new Error(JSON.stringify(event.error));
    const commitment = await recordCommitment(
      app,
      { kind: "cli" },
      {
        officeKey: "infraestructura",
        dueDate: "2026-06-30",
        text: "Pavimentar la calle 10 entre carreras 3 y 5",
        eventId: event.event.id,
      },
    );
    if (!commitment.ok) throw new Error(commitment.error);
    const official = await app.repos.officials.add(
      { name: "Ana Pérez", officeKey: "salud", role: "head", channel: null, address: null },
      NOW_MS,
    );
    return { officialId: official.id, references };
  } finally {
    await runtime.close();
  }
}
