/**
 * `rinde status` on both engines: the engine and the database (the SQLite file's absolute path, the
 * PostgreSQL address without its password) and every Rinde process sharing the database, from the
 * leases their delivery workers keep (src/delivery/worker-lease.ts): two running processes, and one
 * killed whose lease lapsed. PostgreSQL runs with RINDE_TEST_DATABASE_URL, each process its own pool.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createWorkerLease, type WorkerLease } from "../../src/delivery/worker-lease.ts";
import { silentLogger } from "../../src/logger.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { freshSchema, postgresAvailable, url } from "../helpers/postgres.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";

const NOW_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
const MINUTE_MS = 60_000;

interface StatusJson {
  engine: string;
  database: string;
  processes: { id: string; host: string; pid: number; startedAt: string; leaseUntil: string; live: boolean }[];
}

interface Engine {
  name: "sqlite" | "postgres";
  /** The environment of every process, and what status must print as the database. */
  setUp(dir: string): Promise<{ env: Record<string, string>; shown: string; tearDown(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: "sqlite",
    setUp: async (dir) => ({
      env: { RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" },
      shown: join(dir, "rinde.db"),
      tearDown: async () => {},
    }),
  },
  {
    name: "postgres",
    async setUp(dir) {
      const schema = await freshSchema();
      const address = new URL(url!);
      address.password = "n0t-pr1nted";
      address.searchParams.set("schema", schema.schema);
      const env = { DATABASE_URL: address.toString(), RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" };
      address.password = "";
      return { env, shown: address.toString(), tearDown: () => schema.drop() };
    },
  },
];

describe.each(engines)("rinde status on $name", (engine) => {
  const skip = engine.name === "postgres" && !postgresAvailable;
  let dir: string;
  let setup: Awaited<ReturnType<Engine["setUp"]>>;
  const runtimes: Runtime[] = [];
  const leases: WorkerLease[] = [];
  const clock = createManualClock(NOW_MS);

  beforeEach(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), "rinde-status-processes-"));
    setup = await engine.setUp(dir);
  });
  afterEach(async () => {
    if (skip) return;
    for (const lease of leases.splice(0)) await lease.stop();
    for (const runtime of runtimes.splice(0)) await runtime.close();
    await setup.tearDown();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One Rinde process: its own runtime (its own connection or pool) and its delivery lease, as createBot starts it. */
  async function startProcess(host: string, pid: number): Promise<void> {
    const runtime = await createRuntime({ routerFactory: sharedRouterFactory, env: loadEnv(setup.env), clock });
    runtimes.push(runtime);
    const lease = createWorkerLease({
      repos: runtime.app.repos,
      clock,
      logger: silentLogger,
      workerId: `${host}:${pid}:abc123`,
      host,
      pid,
      isAlive: () => true,
    });
    leases.push(lease);
    await lease.start();
  }

  it.skipIf(skip)("names the engine and the database and lists every process sharing it", async () => {
    await startProcess("app-1", 101);
    // A process killed a while ago: its lease lapsed, and no survivor on its machine expired it yet.
    await runtimes[0]!.app.repos.workers.register(
      { id: "app-3:303:dead00", host: "app-3", pid: 303 },
      NOW_MS - 10 * MINUTE_MS,
      NOW_MS - 9 * MINUTE_MS,
    );
    clock.advanceMs(MINUTE_MS);
    await startProcess("app-2", 202);

    const cli = (...args: string[]) => runCliInProcess(args, { env: setup.env, clock });
    const json = await cli("status", "--json");
    expect(json.status, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as StatusJson;
    expect(status.engine).toBe(engine.name);
    expect(status.database).toBe(setup.shown);
    expect(status.processes).toEqual([
      {
        id: "app-3:303:dead00",
        host: "app-3",
        pid: 303,
        startedAt: "2026-03-02T09:50:00-05:00",
        leaseUntil: "2026-03-02T09:51:00-05:00",
        live: false,
      },
      {
        id: "app-1:101:abc123",
        host: "app-1",
        pid: 101,
        startedAt: "2026-03-02T10:00:00-05:00",
        leaseUntil: "2026-03-02T10:00:10-05:00",
        live: false,
      },
      {
        id: "app-2:202:abc123",
        host: "app-2",
        pid: 202,
        startedAt: "2026-03-02T10:01:00-05:00",
        leaseUntil: "2026-03-02T10:01:10-05:00",
        live: true,
      },
    ]);
    // The first process renews its lease, as its timer does every few seconds.
    await leases[0]!.renew();
    const text = await cli("status");
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `motor          ${engine.name === "sqlite" ? "SQLite (un archivo, un proceso)" : "PostgreSQL"}\nbase de datos  ${setup.shown}\n`,
    );
    expect(text.stdout).toMatch(
      /procesos de Rinde en esta base de datos:\nequipo\s+pid\s+desde\s+renovado hasta\s+estado\n[- ]+\napp-3\s+303\s+lun 2 mar 2026 09:50\s+lun 2 mar 2026 09:51\s+sin renovar \(detenido o colgado\)\napp-1\s+101\s+lun 2 mar 2026 10:00\s+lun 2 mar 2026 10:01\s+activo\napp-2\s+202\s+lun 2 mar 2026 10:01\s+lun 2 mar 2026 10:01\s+activo\n/,
    );
    expect(text.stdout + json.stdout).not.toContain("n0t-pr1nted");

    // A process stopping cleanly leaves the list.
    await leases[1]!.stop();
    const after = JSON.parse((await cli("status", "--json")).stdout) as StatusJson;
    expect(after.processes.map((p) => p.host)).toEqual(["app-3", "app-1"]);
  });
});
