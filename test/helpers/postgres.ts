/**
 * PostgreSQL for tests: set `RINDE_TEST_DATABASE_URL` (e.g. postgres://postgres@127.0.0.1:5432/test)
 * and the PostgreSQL tests run, each test file in a schema of its own (`rinde_t_<random>`) that it
 * drops at the end; unset, they are skipped (`describe.skipIf(!postgresAvailable)`).
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

/** A new, empty schema; `drop()` removes it with everything in it. */
export async function freshSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `rinde_t_${randomBytes(6).toString("hex")}`;
  await execute(`create schema "${schema}"`);
  return { schema, drop: () => execute(`drop schema if exists "${schema}" cascade`) };
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
