/**
 * The engine a test database runs on: SQLite files by default, PostgreSQL when
 * `RINDE_TEST_DATABASE_URL` is set (then `npm test` runs the storage tests a second time).
 *
 * Tests name a database by its SQLite path (`RINDE_DB`, a file in a temp dir) as they always did;
 * `storageEnv(path)` adds, on PostgreSQL, `DATABASE_URL=<url>?schema=<fresh>` with one schema per
 * path, so a second runtime (the CLI beside the bot, a restart, a child process) given the same
 * path opens the same schema. The schemas a test file used are dropped after it
 * (test/helpers/setup.ts). `sqlRows` reads or writes rows with plain SQL on either engine.
 */
import { resolve } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { installationSecret, loadSecret } from "../../src/db/client.ts";
import { secretFileOf } from "../../src/db/open-store.ts";
import type { PostgresStore } from "../../src/db/postgres/store.ts";
import type { Runtime } from "../../src/runtime.ts";
import { dropSchema, testSchemaName, url } from "./postgres.ts";

export type TestEngine = "sqlite" | "postgres";
export const testEngine: TestEngine = url === undefined ? "sqlite" : "postgres";
export const onPostgres = testEngine === "postgres";

/**
 * The title of a test about SQLite itself (its files, WAL, pragmas, query plans, the SQLite store),
 * skipped on PostgreSQL runs with the reason in the title:
 * `describe.skipIf(onPostgres)(sqliteOnly("the deadline sweep", "EXPLAIN QUERY PLAN"), …)`.
 */
export function sqliteOnly(title: string, reason: string): string {
  return `${title} [SQLite only: ${reason}]`;
}

/** Why the Baileys (WhatsApp Web) tests are SQLite-only for now (src/main.ts refuses it with DATABASE_URL). */
export const BAILEYS_ON_SQLITE =
  "tests the SQLite session repository itself (the PostgreSQL one: test/integration/whatsapp-session-store.test.ts)";

const schemas = new Map<string, string>();

/** The schema of the database at a path (PostgreSQL runs), made up on first use. */
export function schemaOf(dbPath: string): string {
  const key = resolve(dbPath);
  let schema = schemas.get(key);
  if (schema === undefined) {
    schema = testSchemaName();
    schemas.set(key, schema);
  }
  return schema;
}

/** `RINDE_DB`, and on PostgreSQL the `DATABASE_URL` of this path's schema. */
export function storageEnv(dbPath: string): { RINDE_DB: string; DATABASE_URL?: string } {
  if (url === undefined) return { RINDE_DB: dbPath };
  const address = new URL(url);
  address.searchParams.set("schema", schemaOf(dbPath));
  return { RINDE_DB: dbPath, DATABASE_URL: address.toString() };
}

/** Drops every schema this test file used (PostgreSQL runs); run after the file's own afterAll. */
export async function dropTestSchemas(): Promise<void> {
  const used = [...schemas.values()];
  schemas.clear();
  // One at a time: a schema holds a hundred-odd tables and indexes, all locked by its drop.
  for (const schema of used) await dropSchema(schema);
}

/** `select … where a = ? and b = ?` with its parameters, as one drizzle SQL value (`$1`, `$2` on PostgreSQL). */
function statement(text: string, params: readonly unknown[]): SQL {
  // A `?` inside a quoted literal or identifier ('¿Cuándo…?') is text, not a placeholder.
  const parts = text.split(/\?(?=(?:[^'"]*(?:'[^']*'|"[^"]*"))*[^'"]*$)/);
  if (parts.length !== params.length + 1)
    throw new Error(`sqlRows: ${parts.length - 1} placeholders for ${params.length} parameters in: ${text}`);
  const chunks: SQL[] = [sql.raw(parts[0]!)];
  params.forEach((param, i) => chunks.push(sql`${param}`, sql.raw(parts[i + 1]!)));
  return sql.join(chunks);
}

type Rows = Record<string, unknown>[];

/**
 * Runs one SQL statement on a runtime's database, SQLite or PostgreSQL, and returns its rows (none
 * for a statement without `returning`). Placeholders are `?`. Counts come back as numbers on both.
 * Write the SQL both engines accept (no `rowid`, no `ilike`, no `$1`).
 */
export async function sqlRows<T = Record<string, unknown>>(
  runtime: Pick<Runtime, "db" | "store">,
  text: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  if (runtime.db) {
    const prepared = runtime.db.$client.prepare(text);
    if (prepared.reader) return prepared.all(...params) as T[];
    prepared.run(...params);
    return [];
  }
  const result = await (runtime.store as PostgresStore).q().execute(statement(text, params));
  return result.rows as Rows as T[];
}

/** The first row of `sqlRows`, or undefined. */
export async function sqlRow<T = Record<string, unknown>>(
  runtime: Pick<Runtime, "db" | "store">,
  text: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  return (await sqlRows<T>(runtime, text, params))[0];
}

/** The first column of the first row (a count, a status), or undefined. */
export async function sqlValue<T = unknown>(
  runtime: Pick<Runtime, "db" | "store">,
  text: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  const row = await sqlRow(runtime, text, params);
  return row === undefined ? undefined : (Object.values(row)[0] as T);
}

/** The installation secret of a runtime's database (keyed hashes of inbound ids), on either engine. */
export function secretOf(runtime: Pick<Runtime, "db" | "env">): Buffer {
  return runtime.db ? installationSecret(runtime.db) : loadSecret(secretFileOf(runtime.env));
}

/** Every table of a runtime's database with its columns (Rinde's tables, not the engine's own). */
export async function tablesOf(
  runtime: Pick<Runtime, "db" | "store">,
): Promise<{ table: string; columns: string[] }[]> {
  if (runtime.db) {
    const tables = await sqlRows<{ name: string }>(
      runtime,
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    );
    return Promise.all(
      tables.map(async ({ name }) => ({
        table: name,
        columns: (await sqlRows<{ name: string }>(runtime, `pragma table_info("${name}")`)).map((c) => c.name),
      })),
    );
  }
  const rows = await sqlRows<{ table: string; column: string }>(
    runtime,
    'select table_name "table", column_name "column" from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position',
  );
  const tables = new Map<string, string[]>();
  for (const row of rows) tables.set(row.table, [...(tables.get(row.table) ?? []), row.column]);
  return [...tables].map(([table, columns]) => ({ table, columns }));
}
