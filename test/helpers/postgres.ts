/**
 * PostgreSQL for tests: set `RINDE_TEST_DATABASE_URL` (e.g. postgres://postgres@127.0.0.1:5432/test)
 * and the PostgreSQL tests run, each test file in a schema of its own
 * (`rinde_t_<creation time in epoch seconds>_<random>`) that it drops at the end; unset, they are
 * skipped (`describe.skipIf(!postgresAvailable)`). A run first drops such schemas older than an
 * hour (`sweepStaleSchemas`, from test/helpers/global-setup.ts): the leftovers of killed runs.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgres, type OpenPostgresOptions, type Postgres } from "../../src/db/postgres/client.ts";

export const url = process.env.RINDE_TEST_DATABASE_URL || undefined;
export const postgresAvailable = url !== undefined;

function requireUrl(): string {
  if (url === undefined) throw new Error("RINDE_TEST_DATABASE_URL is not set (guard the test with postgresAvailable)");
  return url;
}

/** Runs one statement on a connection of its own. */
async function execute(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: requireUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A name for a test schema, carrying its creation time so that a later run can sweep it. */
export function testSchemaName(nowMs = Date.now()): string {
  return `rinde_t_${Math.floor(nowMs / 1000)}_${randomBytes(5).toString("hex")}`;
}

/** Drops a test schema and everything in it (nothing if it does not exist). */
export function dropSchema(schema: string): Promise<void> {
  return execute(`drop schema if exists "${schema}" cascade`);
}

/** A new, empty schema; `drop()` removes it with everything in it. */
export async function freshSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = testSchemaName();
  await execute(`create schema "${schema}"`);
  return { schema, drop: () => dropSchema(schema) };
}

const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Drops the test schemas (`rinde_t_<seconds>_…`) created more than an hour ago: a run killed
 * before its afterAll left them. Younger ones may belong to a run in progress and stay. Returns the
 * names dropped.
 */
export async function sweepStaleSchemas(nowMs = Date.now()): Promise<string[]> {
  const client = new pg.Client({ connectionString: requireUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname like 'rinde\\_t\\_%'",
    );
    const stale = rows
      .map((row) => ({ name: row.name, createdSeconds: /^rinde_t_(\d+)_[0-9a-f]+$/.exec(row.name)?.[1] }))
      .filter((row) => row.createdSeconds !== undefined && nowMs - Number(row.createdSeconds) * 1000 > STALE_AFTER_MS)
      .map((row) => row.name);
    for (const name of stale) await client.query(`drop schema if exists "${name}" cascade`);
    return stale;
  } finally {
    await client.end();
  }
}

/**
 * A migrated database in a fresh schema; `close()` ends its pool and drops the schema. `reopen()`
 * opens the same schema again (another pool: another process's view of the same database).
 */
export async function openFreshPostgres(
  options: Omit<OpenPostgresOptions, "schema"> = {},
): Promise<Postgres & { schema: string; reopen(): Promise<Postgres> }> {
  const { schema, drop } = await freshSchema();
  const opened: Postgres[] = [];
  const open = async () => {
    const handle = await openPostgres(requireUrl(), { ...options, schema });
    opened.push(handle);
    return handle;
  };
  const first = await open();
  let closing: Promise<void> | undefined;
  return {
    ...first,
    schema,
    reopen: open,
    close() {
      closing ??= (async () => {
        await Promise.allSettled(opened.map((handle) => handle.close()));
        await drop();
      })();
      return closing;
    },
  };
}
