/**
 * The PostgreSQL ingress lock (src/db/ingress-lock.ts): `pg_try_advisory_lock` at session level on
 * a connection of its own, never a pooled one (a pooled connection goes back to the pool and its
 * session, with the lock, would serve other queries). When the holding process dies, its connection
 * closes and the server releases the lock, so another process's next try takes it. The key names
 * the schema, so installations sharing one database (and each test's schema) do not collide.
 *
 * While held, a heartbeat (`select 1`) every `heartbeatMs` finds a dead connection (a server
 * restart, a network cut): the lock is then lost, since the server may have released it.
 */
import pg from "pg";
import type { IngressLock } from "../ingress-lock.ts";

export interface PgIngressLockOptions {
  /** Real-time interval of the holder's connection check. Default 2 s. */
  heartbeatMs?: number;
  /** Longest wait for one query on the lock's connection before it counts as dead. Default 5 s. */
  queryTimeoutMs?: number;
}

/** `config`: how to connect (the pool's own options, so the same server, user and search_path). */
export function createPgIngressLock(
  config: pg.ClientConfig,
  name: string,
  options: PgIngressLockOptions = {},
): IngressLock {
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  let client: pg.Client | undefined;
  let key = "";
  let held = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const lostListeners: (() => void)[] = [];

  /** The connection is gone or unusable: forget it, and tell the holder it lost the lock. */
  function drop(): void {
    const dropped = client;
    client = undefined;
    clearInterval(heartbeat);
    heartbeat = undefined;
    dropped?.end().catch(() => {});
    if (held) {
      held = false;
      for (const listener of lostListeners) listener();
    }
  }

  async function connection(): Promise<pg.Client> {
    if (client) return client;
    const opened = new pg.Client({ ...config, keepAlive: true, query_timeout: queryTimeoutMs });
    // A dropped connection emits "error" and/or "end"; either one means the lock is gone.
    opened.on("error", () => client === opened && drop());
    opened.on("end", () => client === opened && drop());
    await opened.connect();
    client = opened;
    const { rows } = await opened.query<{ schema: string }>("select current_schema() as schema");
    key = `rinde.ingress:${rows[0]!.schema}:${name}`;
    return opened;
  }

  function startHeartbeat(holder: pg.Client): void {
    heartbeat = setInterval(() => {
      holder.query("select 1").catch(() => client === holder && drop());
    }, heartbeatMs);
    heartbeat.unref();
  }

  return {
    name,
    async tryAcquire() {
      if (held) return true;
      try {
        const holder = await connection();
        const { rows } = await holder.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtext($1)) as ok", [key]);
        if (rows[0]!.ok && client === holder) {
          held = true;
          startHeartbeat(holder);
        }
        return held;
      } catch (error) {
        drop();
        throw error;
      }
    },
    held: () => held,
    onLost(listener) {
      lostListeners.push(listener);
    },
    async release() {
      // Ending the session releases every advisory lock it holds.
      const closing = client;
      client = undefined;
      held = false;
      clearInterval(heartbeat);
      heartbeat = undefined;
      await closing?.end().catch(() => {});
    },
  };
}
