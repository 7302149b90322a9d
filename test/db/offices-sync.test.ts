/**
 * Offices kept in step with the profile at every start (each `rinde` command): only what differs is
 * written, so an unchanged profile leaves the database untouched (no write, no WAL to checkpoint).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Office } from "../../src/config/profile.ts";
import { openDb, type Db } from "../../src/db/client.ts";
import { createSyncRepos } from "../../src/db/repositories/index.ts";

const office = (key: string, name: string): Office =>
  ({ key, name, category: "infraestructura", head: `Jefe de ${name}`, description: `Oficina de ${name}` }) as Office;

describe("offices: sync from the profile on SQLite", () => {
  let dir: string;
  let db: Db;
  afterEach(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes nothing for an unchanged profile, only the changed office otherwise, and deactivates a removed one", () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-offices-"));
    db = openDb(join(dir, "rinde.db"));
    const repos = createSyncRepos(db);
    const T0 = Date.UTC(2026, 2, 2, 15);
    const changes = () => db.$client.prepare("select total_changes() as n").get() as { n: number };
    repos.offices.syncFromProfile([office("obras", "Obras"), office("salud", "Salud"), office("agua", "Agua")], T0);
    const afterFirst = changes().n;

    repos.offices.syncFromProfile([office("obras", "Obras"), office("salud", "Salud"), office("agua", "Agua")], T0 + 1);
    expect(changes().n).toBe(afterFirst);
    expect(repos.offices.list().map((o) => o.updatedAtMs)).toEqual([T0, T0, T0]);

    repos.offices.syncFromProfile([office("obras", "Obras Públicas"), office("salud", "Salud")], T0 + 2);
    const byKey = new Map(repos.offices.list().map((o) => [o.key, o]));
    expect(byKey.get("obras")).toMatchObject({ name: "Obras Públicas", active: true, updatedAtMs: T0 + 2 });
    expect(byKey.get("salud")).toMatchObject({ active: true, updatedAtMs: T0 });
    expect(byKey.get("agua")).toMatchObject({ active: false, updatedAtMs: T0 + 2 });

    repos.offices.syncFromProfile([office("obras", "Obras Públicas"), office("salud", "Salud")], T0 + 3);
    expect(repos.offices.get("agua")).toMatchObject({ active: false, updatedAtMs: T0 + 2 });
    repos.offices.syncFromProfile([office("agua", "Agua")], T0 + 4);
    expect(repos.offices.get("agua")).toMatchObject({ active: true, updatedAtMs: T0 + 4 });
  });
});
