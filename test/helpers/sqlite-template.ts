/**
 * New SQLite test databases start as a copy of one migrated, empty database instead of applying the
 * twenty-odd migrations each time: about 40 ms of CPU per database against 4 ms for a copy, and a
 * run opens hundreds. test/helpers/global-setup.ts builds the template once per run with openDb
 * (the real migrations); opening a copy still runs drizzle's migrator, which finds them all applied.
 * Tests whose subject is creating or migrating a database (`rinde db init`, `db migrate`) do not
 * use it.
 */
import { copyFileSync, existsSync } from "node:fs";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated, empty SQLite file new test databases are copied from (global-setup.ts). */
    sqliteTemplate: string;
  }
}

/** Puts a migrated, empty database at `dbPath` unless a file is already there. */
export function startFromTemplate(dbPath: string): void {
  if (existsSync(dbPath)) return;
  copyFileSync(inject("sqliteTemplate"), dbPath);
}
