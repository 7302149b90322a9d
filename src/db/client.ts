/**
 * Opens the database: creates the folder, sets the pragmas (WAL, foreign keys, busy timeout) and
 * applies the drizzle-kit migrations in `migrations/sqlite/`. Bot, CLI and tests all open it here.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { PROJECT_ROOT } from "../config/env.ts";
import { migrationJournal, migrationReport, type MigrationReport } from "./migrations.ts";
import * as schema from "./schema.ts";

export const SQLITE_MIGRATIONS_FOLDER = join(PROJECT_ROOT, "migrations", "sqlite");

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
  // Deleted and overwritten content is zeroed in the file, so erased personal data does not stay
  // behind as raw bytes (Ley 1581 de 2012; issue 19). PostgreSQL has no equivalent per row: there,
  // VACUUM after an erasure and encrypted storage play this part.
  sqlite.pragma("secure_delete = ON");
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  // Checkpoints run from startCheckpoints() between messages; the automatic one (inside whichever
  // commit crosses the threshold, with two fsyncs) is only a safety net for processes without it.
  sqlite.pragma(`wal_autocheckpoint = ${options.walAutoCheckpointPages ?? 10_000}`);
  const db = drizzle(sqlite, { schema }) as Db;
  const journal = migrationJournal(SQLITE_MIGRATIONS_FOLDER);
  const beforeMs = newestMigrationMs(sqlite);
  // drizzle's migrator reads and hashes every migration file even when none is due, then applies
  // those stamped after the newest recorded: with that one already the journal's newest, it would
  // do nothing, and every CLI command paid for the reading (issue 12, point 7).
  if (beforeMs === null || journal.some((m) => m.createdAtMs > beforeMs))
    migrate(db, { migrationsFolder: SQLITE_MIGRATIONS_FOLDER });
  reports.set(sqlite, migrationReport(journal, beforeMs, newestMigrationMs(sqlite)));
  secrets.set(sqlite, path === ":memory:" ? randomBytes(32) : loadSecret(`${path}.key`));
  return db;
}

const secrets = new WeakMap<Database.Database, Buffer>();
const reports = new WeakMap<Database.Database, MigrationReport>();

/** The stamp of the newest migration recorded in the file, or null for none (a new file). */
function newestMigrationMs(sqlite: Database.Database): number | null {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return null;
  const row = sqlite.prepare("select max(created_at) as at from __drizzle_migrations").get() as { at: number | null };
  return row.at === null ? null : Number(row.at);
}

/** The migrations that opening `db` applied, and the newest one it holds (`rinde db migrate`). */
export function migrationsOnOpen(db: Db): MigrationReport {
  const report = reports.get(db.$client);
  if (!report) throw new Error("migrationsOnOpen: open the database with openDb()");
  return report;
}

/**
 * The installation's secret for keyed hashes (inbound message ids): 32 random bytes in a file next to
 * the database (`<db>.key`, mode 0600), created on first open. Kept out of the database file so a copy
 * of the database alone cannot re-identify hashed ids by hashing guesses. Back it up with the database;
 * losing it only means a message redelivered across the loss could be handled twice.
 */
export function loadSecret(file: string): Buffer {
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return Buffer.from(readFileSync(file, "utf8").trim(), "hex");
}

/** The installation secret of an open database (see loadSecret). */
export function installationSecret(db: Db): Buffer {
  const secret = secrets.get(db.$client);
  if (!secret) throw new Error("installationSecret: open the database with openDb()");
  return secret;
}

const truncateRequested = new WeakSet<Database.Database>();

/**
 * Asks the next checkpoint to empty the WAL file (TRUNCATE), after an erasure: the WAL keeps old
 * page images, with the erased data, until it is overwritten or truncated.
 */
export function requestWalTruncate(db: Db): void {
  truncateRequested.add(db.$client);
}

/** One checkpoint: TRUNCATE when requested (kept requested while readers hold it back), else PASSIVE. */
export function checkpoint(db: Db): void {
  const sqlite = db.$client;
  if (!truncateRequested.has(sqlite)) {
    sqlite.pragma("wal_checkpoint(PASSIVE)");
    return;
  }
  const [result] = sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
  if (result?.busy === 0) truncateRequested.delete(sqlite);
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
      checkpoint(db);
    } catch {
      // Busy or closing: the next tick (or the automatic checkpoint) catches up.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
