/**
 * Opens the configured storage: PostgreSQL when `DATABASE_URL` is set (several Rinde processes may
 * share it), else the SQLite file `RINDE_DB` (the embedded default). Both apply their migrations.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Env } from "../config/env.ts";
import { loadSecret, migrationsOnOpen, openDb, type Db } from "./client.ts";
import { databaseLocation, DatabaseMissingError } from "./location.ts";
import type { MigrationReport } from "./migrations.ts";
import type { Store } from "./port.ts";
import { createSqliteStore } from "./sqlite/store.ts";

export interface OpenedStore {
  store: Store;
  /** The SQLite handle (SQLite-only upkeep: checkpoints, WAL truncation); null on PostgreSQL. */
  db: Db | null;
  /** The migrations opening applied (both engines migrate on open) and the newest one held. */
  migrations: MigrationReport;
}

export interface OpenStoreOptions {
  /**
   * Refuse a database that does not exist yet (DatabaseMissingError) instead of creating it: a SQLite
   * file that is not there, a PostgreSQL database without Rinde's tables. Ordinary `rinde` commands.
   */
  existingOnly?: boolean;
}

/** `postgres://…?schema=name` selects a schema (namespace) other than the server's search_path. */
export function parseDatabaseUrl(value: string): { url: string; schema?: string } {
  const url = new URL(value);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  return { url: url.toString(), ...(schema ? { schema } : {}) };
}

/**
 * The installation secret's file on PostgreSQL (keyed hashes of inbound ids): RINDE_SECRET_FILE,
 * else `rinde.key` beside RINDE_DB. Every process sharing the database must read the same file.
 */
export function secretFileOf(env: Pick<Env, "RINDE_DB" | "RINDE_SECRET_FILE">): string {
  return resolve(env.RINDE_SECRET_FILE ?? join(dirname(env.RINDE_DB), "rinde.key"));
}

export async function openStore(env: Env, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (env.DATABASE_URL) {
    const [{ openPostgres }, { createPostgresStore }, { createPgRepos }] = await Promise.all([
      import("./postgres/client.ts"),
      import("./postgres/store.ts"),
      import("./postgres/repositories/index.ts"),
    ]);
    const { url, schema } = parseDatabaseUrl(env.DATABASE_URL);
    const pg = await openPostgres(url, {
      ...(schema ? { schema } : {}),
      max: env.RINDE_DB_POOL_SIZE,
      existingOnly: options.existingOnly === true,
    });
    let secret: Buffer;
    try {
      const secretFile = secretFileOf(env);
      mkdirSync(dirname(secretFile), { recursive: true });
      secret = loadSecret(secretFile);
    } catch (error) {
      await pg.close();
      throw error;
    }
    return { store: createPostgresStore(pg, (q) => createPgRepos(q, { secret })), db: null, migrations: pg.migrations };
  }
  if (options.existingOnly && env.RINDE_DB !== ":memory:" && !existsSync(env.RINDE_DB))
    throw new DatabaseMissingError(databaseLocation(env));
  const db = openDb(env.RINDE_DB, { synchronous: env.RINDE_DB_SYNC });
  return { store: createSqliteStore(db), db, migrations: migrationsOnOpen(db) };
}
