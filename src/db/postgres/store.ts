/**
 * The PostgreSQL store (src/db/port.ts): the repositories query through `q()`, which is the
 * transaction of the use case in progress (kept in an AsyncLocalStorage, so every function it
 * awaits sees it) or else the pool, where each statement commits on its own. A transaction holds
 * one pooled connection from BEGIN to COMMIT/ROLLBACK; a nested `withTransaction` is a savepoint.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Repos, Store } from "../port.ts";
import type { PgDb, Postgres } from "./client.ts";
import { createPgIngressLock } from "./ingress-lock.ts";
import { listenForWork } from "./wake-listener.ts";

export interface PostgresStore extends Store {
  readonly dialect: "postgres";
  /** The executor of the caller's transaction, else the pool-level database. */
  q(): PgDb;
}

/** The transaction an async context runs in; `open` turns false when it commits or rolls back. */
interface Frame {
  readonly tx: PgDb;
  open: boolean;
}

/**
 * `buildRepos` receives the store's `q` (e.g. `(q) => createPgRepos(q, { secret })`, from
 * ./repositories/index.ts), so the repositories follow the ambient transaction.
 *
 * Nested calls inside one transaction share its connection: run them one after the other, not in
 * `Promise.all` (two savepoints interleaved on one connection would release each other's).
 */
export function createPostgresStore(pg: Postgres, buildRepos: (q: () => PgDb) => Repos): PostgresStore {
  const ambient = new AsyncLocalStorage<Frame>();
  // A task started inside a transaction and still running after it ended (a promise nobody
  // awaited) must not query through the released connection, which may by then serve another
  // transaction: it is outside any transaction, like any other caller.
  const current = (): Frame | undefined => {
    const frame = ambient.getStore();
    return frame?.open ? frame : undefined;
  };
  const q = (): PgDb => current()?.tx ?? pg.db;
  const repos = buildRepos(q);
  let closed: Promise<void> | undefined;
  return {
    dialect: "postgres",
    repos,
    q,
    async withTransaction<T>(work: (tx: Repos) => Promise<T>): Promise<T> {
      // Inside a transaction, drizzle's nested transaction is a SAVEPOINT on the same connection;
      // outside, it checks a client out of the pool and runs BEGIN … COMMIT (ROLLBACK on a throw).
      const outer = current()?.tx ?? pg.db;
      return outer.transaction(async (tx) => {
        const frame: Frame = { tx, open: true };
        try {
          return await ambient.run(frame, () => work(repos));
        } finally {
          frame.open = false;
        }
      });
    },
    inTransaction: () => current() !== undefined,
    // Connections of their own, outside the pool, to the same server, user and search_path.
    ingressLock: (name) => createPgIngressLock(pg.pool.options, name),
    listenForWork: (listener, onError) => listenForWork(pg.pool.options, listener, onError ? { onError } : {}),
    close() {
      closed ??= pg.close();
      return closed;
    },
  };
}
