/**
 * Storage ports (docs/adr/0001-storage-ports.md). Services depend on these async interfaces, never
 * on a driver: the SQLite adapter (src/db/repositories/, synchronous better-sqlite3 underneath) and
 * the PostgreSQL adapter (src/db/postgres/) implement the same ports, and `withTransaction` draws
 * the boundary of one use case.
 */
import type { IngressLock } from "./ingress-lock.ts";
import type { SyncRepos } from "./repositories/index.ts";

/** The async port of a repository: every method returns a promise of what it returns. */
export type Port<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** Every repository port, as services see them. */
export type Repos = { readonly [K in keyof SyncRepos]: Port<SyncRepos[K]> };

export type Dialect = "sqlite" | "postgres";

/** One database, whichever the engine: the ports and the transaction boundary. */
export interface Store {
  readonly dialect: Dialect;
  /**
   * The ports. Called inside `withTransaction` (directly or from any function it awaits), they take
   * part in that transaction; called outside, each call is its own statement (autocommit), ordered
   * after any transaction in progress in this process.
   */
  readonly repos: Repos;
  /**
   * Runs one use case in one transaction: committed when `work` resolves, rolled back when it
   * throws. Nested calls are savepoints of the outer one. `work` must not wait on the network
   * (channel sends, HTTP): a transaction holds the SQLite write lock while it is open.
   */
  withTransaction<T>(work: (tx: Repos) => Promise<T>): Promise<T>;
  /** Whether the caller runs inside a transaction of this store. */
  inTransaction(): boolean;
  /**
   * The lock of an ingress that must have one consumer among the processes on this database
   * (src/db/ingress-lock.ts), e.g. "telegram" for long polling. Each call is a new lock object.
   */
  ingressLock(name: string): IngressLock;
  /**
   * Calls `listener` soon after any process commits new outbox rows ("outbox") or plans or moves
   * jobs ("jobs"): PostgreSQL LISTEN/NOTIFY on a connection of its own, reconnected after a drop
   * (`onError` hears of each failure). SQLite: never; other processes' rows are found by polling.
   * Resolves to a function that stops listening.
   */
  listenForWork(
    listener: (table: "outbox" | "jobs") => void,
    onError?: (error: Error) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
