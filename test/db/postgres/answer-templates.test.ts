/**
 * Contract test of the answer templates repository: the same calls on SQLite (the specification)
 * and on PostgreSQL return the same. Skipped without RINDE_TEST_DATABASE_URL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../../src/db/client.ts";
import type { Port } from "../../../src/db/port.ts";
import type { Postgres } from "../../../src/db/postgres/client.ts";
import { createPgAnswerTemplatesRepo } from "../../../src/db/postgres/repositories/answer-templates.ts";
import { createAnswerTemplatesRepo } from "../../../src/db/repositories/answer-templates.ts";
import type { SyncRepos } from "../../../src/db/repositories/index.ts";
import { openFreshPostgres, url } from "../../helpers/postgres.ts";

type Repo = Port<SyncRepos["answerTemplates"]>;

async function scenario(repo: Repo): Promise<unknown[]> {
  const log: unknown[] = [];
  log.push(
    await repo.add({ officeKey: "salud", name: "Vacunas", body: "Hola {{radicado}}", createdBy: null, nowMs: 1000 }),
  );
  log.push(await repo.add({ officeKey: "salud", name: "Agenda", body: "Cita", createdBy: null, nowMs: 2000 }));
  log.push(await repo.add({ officeKey: "hacienda", name: "Predial", body: "Pago", createdBy: null, nowMs: 3000 }));
  log.push(await repo.list("salud"));
  await repo.update(1, { name: "Vacunación", body: "Hola de nuevo" }, 4000);
  await repo.archive(2, 5000);
  log.push(await repo.list("salud"), await repo.get(2), await repo.get(99), await repo.list("educacion"));
  return log;
}

describe.skipIf(!url)("answer templates on PostgreSQL", () => {
  let dir: string;
  let sqlite: Db;
  let postgres: Postgres;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-templates-"));
    sqlite = openDb(join(dir, "rinde.db"));
    postgres = await openFreshPostgres({ max: 2 });
  });
  afterAll(async () => {
    sqlite?.$client.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await postgres?.close();
  });

  it("returns on PostgreSQL what SQLite returns, call by call", async () => {
    const sync = createAnswerTemplatesRepo(sqlite);
    const expected = await scenario({
      list: async (k) => sync.list(k),
      get: async (id) => sync.get(id),
      add: async (r) => sync.add(r),
      update: async (...a) => sync.update(...a),
      archive: async (...a) => sync.archive(...a),
    });
    expect((expected[3] as { name: string }[]).map((t) => t.name)).toEqual(["Agenda", "Vacunas"]);
    expect((expected[4] as { name: string }[]).map((t) => t.name)).toEqual(["Vacunación"]);
    expect(await scenario(createPgAnswerTemplatesRepo(() => postgres.db))).toEqual(expected);
  });
});
