/**
 * Opens a PostgreSQL database (`DATABASE_URL=postgres://…`): a node-postgres pool, drizzle over it
 * with the PostgreSQL schema (./schema.ts), and the migrations in `migrations/postgres` applied on
 * open, one process at a time (an advisory lock), so several Rinde processes may start together.
 */
import { join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase } from "drizzle-orm/pg-core";
import pg from "pg";
import { PROJECT_ROOT } from "../../config/env.ts";
import { DatabaseMissingError, withoutPassword } from "../location.ts";
import { migrationJournal, migrationReport, type MigrationReport } from "../migrations.ts";
import * as schema from "./schema.ts";

/** What a PostgreSQL repository queries through: the pool-level database or a transaction of it. */
export type PgDb = PgDatabase<NodePgQueryResultHKT, typeof schema>;

export interface OpenPostgresOptions {
  /** A schema (namespace) to hold Rinde's tables, created if missing; default: the server's search_path. */
  schema?: string;
  /** Most connections in the pool (node-postgres default: 10). */
  max?: number;
  /**
   * Refuse a database without Rinde's tables (DatabaseMissingError) instead of creating them:
   * ordinary `rinde` commands. Pending migrations of a Rinde database are applied either way.
   */
  existingOnly?: boolean;
}

export interface Postgres {
  db: PgDb;
  pool: pg.Pool;
  /** What opening applied (migrations are applied on open), and the newest migration held. */
  migrations: MigrationReport;
  /** Ends the pool; calling it again returns the same promise. */
  close(): Promise<void>;
}

export const POSTGRES_MIGRATIONS_FOLDER = join(PROJECT_ROOT, "migrations", "postgres");

// int8 (count(*), bigint columns) arrives as text; Rinde's int8 values are epoch milliseconds and
// counts, far below 2^53, so they are read as numbers. A larger value fails loudly rather than
// losing precision. Global because drizzle's per-query parsers fall back to the global ones.
pg.types.setTypeParser(pg.types.builtins.INT8, (text: string) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is beyond JavaScript's safe integers`);
  return value;
});

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<Postgres> {
  const { schema: namespace } = options;
  if (namespace !== undefined && !SCHEMA_NAME.test(namespace)) {
    throw new Error(`openPostgres: schema name "${namespace}" must be lower-case letters, digits and _`);
  }
  // Server settings in the URL (`?options=-c statement_timeout=5s`) are kept beside the schema's
  // search_path: node-postgres would let the URL's `options` replace the explicit one.
  const connection = new URL(url);
  const serverOptions = [
    connection.searchParams.get("options"),
    namespace !== undefined ? `-c search_path=${namespace}` : null,
  ]
    .filter(Boolean)
    .join(" ");
  connection.searchParams.delete("options");
  const pool = new pg.Pool({
    connectionString: connection.toString(),
    ...(options.max !== undefined ? { max: options.max } : {}),
    // Every pooled connection resolves unqualified names in the chosen schema.
    ...(serverOptions ? { options: serverOptions } : {}),
  });
  // An idle client's error (the server restarted, a network cut) must not crash the process; the
  // pool drops that client and the next query opens a new one.
  pool.on("error", () => {});
  let migrations: MigrationReport;
  try {
    migrations = await migratePostgres(pool, namespace, options.existingOnly === true, url);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db: PgDb = drizzle(pool, { schema });
  let ended: Promise<void> | undefined;
  return { db, pool, migrations, close: () => (ended ??= pool.end()) };
}

/**
 * Applies the pending migrations on one connection holding an advisory lock (per schema), so two
 * processes opening the database at once never apply the same migration twice. With `existingOnly`,
 * a database without Rinde's tables is refused before anything is created in it.
 */
async function migratePostgres(
  pool: pg.Pool,
  namespace: string | undefined,
  existingOnly: boolean,
  url: string,
): Promise<MigrationReport> {
  const client = await pool.connect();
  const lockKey = `rinde.migrate:${namespace ?? ""}`;
  // drizzle keeps its record of applied migrations in `<schema>.__drizzle_migrations` ("drizzle" by default).
  const journalTable = `"${namespace ?? "drizzle"}"."__drizzle_migrations"`;
  try {
    await client.query("select pg_advisory_lock(hashtext($1))", [lockKey]);
    try {
      const beforeMs = await newestMigrationMs(client, journalTable);
      if (existingOnly && (beforeMs === null || !(await hasRindeTables(client)))) {
        const location =
          withoutPassword(url) + (namespace === undefined ? "" : `${url.includes("?") ? "&" : "?"}schema=${namespace}`);
        throw new DatabaseMissingError({ engine: "postgres", location });
      }
      if (namespace !== undefined) await client.query(`create schema if not exists "${namespace}"`);
      await migrate(drizzle(client, { schema }), {
        migrationsFolder: POSTGRES_MIGRATIONS_FOLDER,
        ...(namespace !== undefined ? { migrationsSchema: namespace } : {}),
      });
      return migrationReport(
        migrationJournal(POSTGRES_MIGRATIONS_FOLDER),
        beforeMs,
        await newestMigrationMs(client, journalTable),
      );
    } finally {
      await client.query("select pg_advisory_unlock(hashtext($1))", [lockKey]);
    }
  } finally {
    client.release();
  }
}

/** The stamp of the newest migration recorded, or null when none is (or the record does not exist). */
async function newestMigrationMs(client: pg.PoolClient, journalTable: string): Promise<number | null> {
  const { rows } = await client.query<{ present: string | null }>("select to_regclass($1)::text as present", [
    journalTable,
  ]);
  if (!rows[0]?.present) return null;
  const newest = await client.query<{ at: string | null }>(`select max(created_at)::text as at from ${journalTable}`);
  return newest.rows[0]?.at ? Number(newest.rows[0].at) : null;
}

/** Whether the connection's search_path holds Rinde's tables (not some other application's migrations). */
async function hasRindeTables(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ present: string | null }>(
    "select to_regclass('delivery_workers')::text as present",
  );
  return Boolean(rows[0]?.present);
}
