/**
 * Opens the database: creates the folder, sets the pragmas (WAL, foreign keys, busy timeout) and
 * applies the drizzle-kit migrations in `migrations/`. Bot, CLI and tests all open it here.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { PROJECT_ROOT } from "../config/env.ts";
import * as schema from "./schema.ts";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenDbOptions {
  /** `normal` (default) survives process crashes; `full` also survives power loss, slower. */
  synchronous?: "normal" | "full";
  /** How long a writer waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

export function openDb(path: string, options: OpenDbOptions = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: join(PROJECT_ROOT, "migrations") });
  return db;
}

/**
 * Runs `work` in one write transaction (BEGIN IMMEDIATE, so two processes never deadlock on a
 * read-to-write upgrade). `work` must be synchronous: better-sqlite3 transactions cannot span awaits.
 */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.$client.transaction(work).immediate();
}
