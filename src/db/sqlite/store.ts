/**
 * The SQLite adapter of the storage ports (docs/adr/0001-storage-ports.md). better-sqlite3 is
 * synchronous and a transaction cannot span an `await`, so the store keeps one connection, a mutex
 * and `BEGIN IMMEDIATE`: `withTransaction` takes the mutex, begins, runs the async use case and
 * commits; a port called outside any transaction while one is open waits for it, so no statement of
 * another use case ever lands inside someone else's transaction. Which transaction a call belongs to
 * travels with the async call chain (AsyncLocalStorage), so helpers called from a use case need no
 * transaction argument.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Statement } from "better-sqlite3";
import type { Db } from "../client.ts";
import { createLocalIngressLock } from "../ingress-lock.ts";
import type { Port, Repos, Store } from "../port.ts";
import { createSyncRepos, lazyRecord, type SyncRepos } from "../repositories/index.ts";

interface Frame {
  store: SqliteStore;
  depth: number;
}

export interface SqliteStore extends Store {
  readonly dialect: "sqlite";
  readonly db: Db;
  /** The synchronous repositories underneath, for SQLite-only tools (checkpoints, tests). */
  readonly sync: SyncRepos;
}

/**
 * The write gate of one database file in this process. Two connections to one file in one process
 * (the bot and an in-process CLI, two schedulers in a test) share it: a connection waiting on
 * SQLite's lock blocks the event loop, so the other connection could never commit.
 */
interface Gate {
  locked: boolean;
  waiters: (() => void)[];
  users: number;
}

const gates = new Map<string, Gate>();

function gateOf(db: Db): { gate: Gate; leave(): void } {
  const file = db.$client.name;
  const key = file === ":memory:" || file === "" ? Symbol("memory").toString() + Math.random() : file;
  let gate = gates.get(key);
  if (!gate) {
    gate = { locked: false, waiters: [], users: 0 };
    gates.set(key, gate);
  }
  gate.users++;
  const own = gate;
  return {
    gate: own,
    leave() {
      if (--own.users === 0 && gates.get(key) === own) gates.delete(key);
    },
  };
}

export function createSqliteStore(db: Db): SqliteStore {
  const als = new AsyncLocalStorage<Frame>();
  const sqlite = db.$client;
  const { gate, leave } = gateOf(db);
  const acquire = (): Promise<void> => {
    if (!gate.locked) {
      gate.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => gate.waiters.push(resolve));
  };
  const release = (): void => {
    const next = gate.waiters.shift();
    if (next) next();
    else gate.locked = false;
  };
  const mine = (): Frame | undefined => {
    const frame = als.getStore();
    return frame?.store === store ? frame : undefined;
  };

  /** A port call: at once when no transaction is open or when it belongs to the open one. */
  const call = <R>(fn: () => R): Promise<R> => {
    if (!gate.locked || mine()) {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return acquire().then(() => {
      try {
        return fn();
      } finally {
        release();
      }
    });
  };

  // Prepared once: exec() parses the statement on every call, a cost on every message.
  const begin = sqlite.prepare("BEGIN IMMEDIATE");
  const commit = sqlite.prepare("COMMIT");
  const rollback = sqlite.prepare("ROLLBACK");
  const savepoints: { save: Statement; release: Statement; undo: Statement }[] = [];
  const savepoint = (depth: number) =>
    (savepoints[depth] ??= {
      save: sqlite.prepare(`SAVEPOINT sp${depth}`),
      release: sqlite.prepare(`RELEASE sp${depth}`),
      undo: sqlite.prepare(`ROLLBACK TO sp${depth}`),
    });
  const sync = createSyncRepos(db);
  const repos = portsOf(sync, call);

  const withTransaction = async <T>(work: (tx: Repos) => Promise<T>): Promise<T> => {
    const frame = mine();
    if (frame) {
      // Nested: a savepoint, so an inner failure the outer use case catches undoes only the inner work.
      const sp = savepoint(frame.depth + 1);
      sp.save.run();
      try {
        const result = await als.run({ store, depth: frame.depth + 1 }, () => work(repos));
        sp.release.run();
        return result;
      } catch (error) {
        sp.undo.run();
        sp.release.run();
        throw error;
      }
    }
    // The gate taken at once when free: no extra await (a microtask and a promise) per message.
    if (gate.locked) await acquire();
    else gate.locked = true;
    try {
      begin.run();
      try {
        const result = await als.run({ store, depth: 0 }, () => work(repos));
        commit.run();
        return result;
      } catch (error) {
        if (sqlite.inTransaction) rollback.run();
        throw error;
      }
    } finally {
      release();
    }
  };

  const store: SqliteStore = {
    dialect: "sqlite",
    db,
    sync,
    repos,
    withTransaction,
    inTransaction: () => mine() !== undefined,
    // One machine, one bot process: the ingress is always this process's (issue 13).
    ingressLock: (name) => createLocalIngressLock(name),
    listenForWork: async () => async () => {},
    async close() {
      if (!sqlite.open) return;
      await acquire();
      try {
        if (sqlite.open) sqlite.close();
      } finally {
        release();
        leave();
      }
    },
  };
  return store;
}

/**
 * Wraps each synchronous repository method as an async port method through `call`; each port (and
 * its repository) built on first use, like the repositories themselves.
 */
function portsOf(sync: SyncRepos, call: <R>(fn: () => R) => Promise<R>): Repos {
  const factories: Record<string, () => unknown> = {};
  for (const name of Object.keys(sync) as (keyof SyncRepos)[])
    factories[name] = () => portOf(sync[name] as Record<string, unknown>, call);
  return lazyRecord(factories) as unknown as Repos;
}

function portOf<T extends Record<string, unknown>>(repo: T, call: <R>(fn: () => R) => Promise<R>): Port<T> {
  const port: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    if (typeof value !== "function") continue;
    const method = value as (...args: unknown[]) => unknown;
    // Not async: `call` already returns the promise, and each extra promise costs (the
    // AsyncLocalStorage hooks run on every one) on every port call of every message.
    port[key] = (...args: unknown[]) => call(() => method.apply(repo, args));
  }
  return port as Port<T>;
}
