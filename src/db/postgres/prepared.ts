/**
 * Hot statements on PostgreSQL (issue 13, inbound bench): a query drizzle builds once, then runs as
 * a node-postgres named prepared statement (`{ name, text, values }`) on whichever connection the
 * caller's transaction holds, or on the pool. Each connection parses and plans the statement the
 * first time it runs it and only binds and executes it afterwards; on the client, drizzle's query
 * building (which cost more than the round trip) happens once per process instead of per call.
 *
 * drizzle binds a prepared query to the session it was built on, and a transaction is a new session
 * per use case, so the query built once is run through a thin copy whose `client` is the current
 * executor's (drizzle 0.45's node-postgres prepared query reads `this.client` in `execute`). Result
 * mapping stays drizzle's.
 *
 * Named statements live on the server connection: a pooler in transaction mode without
 * prepared-statement support (PgBouncer before 1.21) would need them turned off.
 */
import type pg from "pg";
import type { PgDb } from "./client.ts";

/** What drizzle's `.prepare(name)` returns, as far as running it goes. */
export interface PgPrepared<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** The node-postgres client (pool or transaction's pooled client) behind a drizzle executor. */
function clientOf(db: PgDb): pg.Pool | pg.PoolClient {
  const client = (db as unknown as { session?: { client?: pg.Pool | pg.PoolClient } }).session?.client;
  if (!client || typeof client.query !== "function")
    throw new Error("preparedStatement: no node-postgres client on this drizzle executor (drizzle-orm changed?)");
  return client;
}

/**
 * A statement named `rinde_<name>` (one SQL text per name in the process), built by `build` on the
 * first call. Returns a function running it with the placeholder values, in the caller's transaction
 * when there is one (`q`, as in src/db/postgres/store.ts).
 */
export function preparedStatement<R>(
  q: () => PgDb,
  name: string,
  build: (db: PgDb, name: string) => PgPrepared<R>,
): (values: Record<string, unknown>) => Promise<R> {
  let template: PgPrepared<R> | undefined;
  return (values) => {
    const db = q();
    if (!template) {
      template = build(db, `rinde_${name}`);
      if (!("client" in template))
        throw new Error(
          `preparedStatement ${name}: drizzle's prepared query has no client field (drizzle-orm changed?)`,
        );
    }
    const bound = Object.create(template) as PgPrepared<R> & { client: pg.Pool | pg.PoolClient };
    bound.client = clientOf(db);
    return bound.execute(values);
  };
}
