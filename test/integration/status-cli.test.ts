/**
 * `rinde status` over a SQLite file another runtime wrote (the CLI runner in-process): the pending outbox
 * by priority (replies before bulk, with the oldest due time) and the scheduler's jobs by kind and
 * status (with the next run of pending ones), as text and with --json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createRuntime } from "../../src/runtime.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { onPostgres, sqliteOnly, storageEnv } from "../helpers/storage.ts";

const NOW_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
const HOUR_MS = 3_600_000;

interface StatusJson {
  outbox: { channel: string; status: string; count: number }[];
  outboxPending: { channel: string; priority: number; kind: string; count: number; oldestDue: string }[];
  jobs: { kind: string; status: string; count: number; nextRun: string | null }[];
  connections: unknown[];
  processes: unknown[];
}

describe("rinde status", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rinde-status-"));
    env = { ...process.env, ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default", RINDE_LOG_LEVEL: "warn" };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    runCliInProcess(args, { env: { ...storageEnv(env.RINDE_DB!), RINDE_PROFILE: "default" } });

  /** What a running bot leaves behind: replies and a bulk sending waiting, jobs pending, done and failed. */
  async function seed(): Promise<void> {
    const runtime = await createRuntime({
      routerFactory: sharedRouterFactory,
      env: loadEnv({ ...storageEnv(env.RINDE_DB!), RINDE_PROFILE: "default" }),
      clock: createManualClock(NOW_MS),
    });
    const { outbox, jobs } = runtime.app.repos;
    await outbox.enqueue(
      { idempotencyKey: "r1", channel: "telegram", address: "42", payload: { text: "respuesta" } },
      NOW_MS - HOUR_MS,
    );
    await outbox.enqueue(
      { idempotencyKey: "r2", channel: "telegram", address: "43", payload: { text: "respuesta" } },
      NOW_MS,
    );
    for (let i = 0; i < 3; i++)
      await outbox.enqueue(
        {
          idempotencyKey: `b${i}`,
          channel: "telegram",
          address: String(50 + i),
          priority: 1,
          payload: { text: "anuncio" },
        },
        NOW_MS + i,
      );
    await outbox.enqueue(
      {
        idempotencyKey: "w1",
        channel: "whatsapp",
        address: "573001112233@s.whatsapp.net",
        priority: 1,
        payload: { text: "anuncio" },
      },
      NOW_MS,
    );
    const [sent] = await outbox.claim({
      channels: ["whatsapp"],
      workerId: "w",
      nowMs: NOW_MS,
      claimMs: 60_000,
      limit: 1,
    });
    await outbox.markSent(sent!.id, "w", "3EB0", NOW_MS);

    await jobs.plan({ key: "a1", kind: "deadline.alert", runAtMs: NOW_MS + 2 * HOUR_MS }, NOW_MS);
    await jobs.plan({ key: "a2", kind: "deadline.alert", runAtMs: NOW_MS + 5 * HOUR_MS }, NOW_MS);
    await jobs.plan({ key: "s1", kind: "survey.question_answered", runAtMs: NOW_MS }, NOW_MS);
    await jobs.plan({ key: "s2", kind: "survey.question_answered", runAtMs: NOW_MS }, NOW_MS);
    const claimed = await jobs.claim({
      kinds: ["survey.question_answered"],
      workerId: "w",
      nowMs: NOW_MS,
      claimMs: 60_000,
      limit: 2,
    });
    await jobs.complete(claimed[0]!.id, "w", NOW_MS);
    await jobs.markFailed(claimed[1]!.id, "w", "boom", NOW_MS);
    await runtime.close();
  }

  it("--json lists the pending outbox per channel and priority and the jobs by kind and status", async () => {
    await seed();
    const run = await cli("status", "--json");
    expect(run.status, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout) as StatusJson;
    expect(status.outboxPending).toEqual([
      { channel: "telegram", priority: 0, kind: "replies", count: 2, oldestDue: "2026-03-02T09:00:00-05:00" },
      { channel: "telegram", priority: 1, kind: "bulk", count: 3, oldestDue: "2026-03-02T10:00:00-05:00" },
    ]);
    expect(status.outbox).toEqual(
      expect.arrayContaining([
        { channel: "whatsapp", status: "sent", count: 1 },
        { channel: "telegram", status: "pending", count: 5 },
      ]),
    );
    expect(status.jobs).toEqual(
      expect.arrayContaining([
        { kind: "deadline.alert", status: "pending", count: 2, nextRun: "2026-03-02T12:00:00-05:00" },
        { kind: "survey.question_answered", status: "done", count: 1, nextRun: null },
        { kind: "survey.question_answered", status: "failed", count: 1, nextRun: null },
      ]),
    );
    expect(status.jobs).toHaveLength(3);
    expect(status.connections).toEqual([]);
    expect(status.processes).toEqual([]);
  });

  it.skipIf(onPostgres)(
    sqliteOnly(
      "prints the same as tables in Spanish with local times, says (ninguno) on an empty database, and refuses a missing one",
      "RINDE_DB as a file: missing, then created by `db init`",
    ),
    async () => {
      const missing = await cli("status");
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe(
        `rinde: No existe la base de datos ${env.RINDE_DB}. Revise RINDE_DB, o créela con \`rinde db init\` (o \`npm start\`).\n`,
      );
      expect((await cli("db", "init")).status).toBe(0);
      const empty = await cli("status");
      expect(empty.status, empty.stderr).toBe(0);
      expect(empty.stdout).toContain(
        `motor          SQLite (un archivo, un proceso)\nbase de datos  ${env.RINDE_DB}\n`,
      );
      expect(empty.stdout).toMatch(/procesos de Rinde en esta base de datos:\n\(ninguno\)/);
      expect(empty.stdout).toMatch(/mensajes por enviar, por prioridad:\n\(ninguno\)/);
      expect(empty.stdout).toMatch(/trabajos programados:\n\(ninguno\)/);

      await seed();
      const run = await cli("status");
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /mensajes por enviar, por prioridad:\ncanal\s+prioridad\s+cantidad\s+el más antiguo\n[- ]+\ntelegram\s+0 \(respuestas\)\s+2\s+lun 2 mar 2026 09:00\ntelegram\s+1 \(masivos\)\s+3\s+lun 2 mar 2026 10:00\n/,
      );
      expect(run.stdout).toMatch(/trabajos programados:\ntipo\s+estado\s+cantidad\s+próxima ejecución\n[- ]+\n/);
      expect(run.stdout).toMatch(/\ndeadline\.alert\s+pendiente\s+2\s+lun 2 mar 2026 12:00\n/);
      expect(run.stdout).toMatch(/\nsurvey\.question_answered\s+hecho\s+1\n/);
      expect(run.stdout).toMatch(/conexiones:\n\(ninguno\)/);
      const english = await cli("status", "--lang", "en");
      expect(english.stdout).toMatch(/\ndeadline\.alert\s+pending\s+2\s+Mon 2 Mar 2026 12:00\n/);
    },
  );
});
