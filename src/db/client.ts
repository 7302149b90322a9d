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
  /** WAL pages before a commit checkpoints by itself (SQLite's default is 1,000). */
  walAutoCheckpointPages?: number;
}

export function openDb(path: string, options: OpenDbOptions = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  // Checkpoints run from startCheckpoints() between messages; the automatic one (inside whichever
  // commit crosses the threshold, with two fsyncs) is only a safety net for processes without it.
  sqlite.pragma(`wal_autocheckpoint = ${options.walAutoCheckpointPages ?? 10_000}`);
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: join(PROJECT_ROOT, "migrations") });
  return db;
}

/**
 * Runs `work` in one write transaction (BEGIN IMMEDIATE, so two processes never deadlock on a
 * read-to-write upgrade). `work` must be synchronous: better-sqlite3 transactions cannot span awaits.
 */
export function inTransaction<T>(db: Db, work: () => T): T {
  let run = runners.get(db.$client);
  if (!run) {
    // One wrapper per connection: building it per call cost ~10 µs on every message.
    run = db.$client.transaction((fn: () => unknown) => fn());
    runners.set(db.$client, run);
  }
  return run.immediate(work) as T;
}

const runners = new WeakMap<Database.Database, Database.Transaction<(fn: () => unknown) => unknown>>();

/**
 * Copies the WAL into the database every `intervalMs`, outside any message's transaction, so the
 * checkpoint's fsyncs do not land on a citizen's reply. PASSIVE: never waits for readers or writers.
 */
export function startCheckpoints(db: Db, intervalMs = 1000): () => void {
  const timer = setInterval(() => {
    try {
      db.$client.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // Busy or closing: the next tick (or the automatic checkpoint) catches up.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
