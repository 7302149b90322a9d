/**
 * Once per vitest run (vitest `globalSetup`): builds the migrated SQLite template new test databases
 * are copied from (test/helpers/sqlite-template.ts), removed after the run; on PostgreSQL runs,
 * drops the test schemas an earlier run left behind more than an hour ago (test/helpers/postgres.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openDb } from "../../src/db/client.ts";
import { sweepStaleSchemas, url } from "./postgres.ts";

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-template-"));
  const template = join(dir, "template.db");
  // Migrated, checkpointed into the one file (no -wal beside it), closed.
  const db = openDb(template);
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  project.provide("sqliteTemplate", template);
  if (url !== undefined) {
    const swept = await sweepStaleSchemas();
    if (swept.length > 0)
      process.stdout.write(`Dropped ${swept.length} test schema(s) older than an hour: ${swept.join(", ")}\n`);
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
