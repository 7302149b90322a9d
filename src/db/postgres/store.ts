/**
 * The PostgreSQL store (src/db/port.ts): the repositories query through `q()`, which is the
 * transaction of the use case in progress (kept in an AsyncLocalStorage, so every function it
 * awaits sees it) or else the pool, where each statement commits on its own. A transaction holds
 * one pooled connection from BEGIN to COMMIT/ROLLBACK; a nested `withTransaction` is a savepoint.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Repos, Store } from "../port.ts";
import type { PgDb, Postgres } from "./client.ts";

export interface PostgresStore extends Store {
  readonly dialect: "postgres";
  /** The executor of the caller's transaction, else the pool-level database. */
  q(): PgDb;
}

/**
 * `buildRepos` receives the store's `q` (e.g. `(q) => createPgRepos(q, { secret })`, from
 * ./repositories/index.ts), so the repositories follow the ambient transaction.
 */
export function createPostgresStore(pg: Postgres, buildRepos: (q: () => PgDb) => Repos): PostgresStore {
  const ambient = new AsyncLocalStorage<PgDb>();
  const q = (): PgDb => ambient.getStore() ?? pg.db;
  const repos = buildRepos(q);
  let closed: Promise<void> | undefined;
  return {
    dialect: "postgres",
    repos,
    q,
    withTransaction<T>(work: (tx: Repos) => Promise<T>): Promise<T> {
      // Inside a transaction, drizzle's nested transaction is a SAVEPOINT on the same connection;
      // outside, it checks a client out of the pool and runs BEGIN … COMMIT (ROLLBACK on a throw).
      const outer = ambient.getStore() ?? pg.db;
      return outer.transaction((tx) => ambient.run(tx, () => work(repos)));
    },
    inTransaction: () => ambient.getStore() !== undefined,
    close() {
      closed ??= pg.close();
      return closed;
    },
  };
}
