/**
 * Single-consumer ingress (issue 13): Telegram long polling and the Baileys socket must run in one
 * process at a time, whatever the number of Rinde processes on the database (two pollers make
 * Telegram answer 409 Conflict; two Baileys sockets log each other out). An `IngressLock` names one
 * such ingress; the process holding it runs it, the others retry and take over when it dies
 * (src/delivery/ingress-channel.ts runs that loop around a channel).
 *
 * SQLite is one machine and, for the bot, one process: its lock is always granted
 * (`createLocalIngressLock`). PostgreSQL's is a session-level advisory lock on a connection of its
 * own (src/db/postgres/ingress-lock.ts), released by the server when that connection closes, so
 * when the holder dies.
 */

export interface IngressLock {
  /** What the lock guards, e.g. "telegram". */
  readonly name: string;
  /**
   * Tries once, without waiting, to take the lock. Resolves to true when this process holds it
   * (also when it already did), false when another does. Rejects when the database cannot be
   * reached (try again later).
   */
  tryAcquire(): Promise<boolean>;
  /** Whether this process holds the lock, as far as it knows. */
  held(): boolean;
  /**
   * `listener` is called when a held lock is lost without `release()` (its connection dropped, so
   * another process may already hold it): stop consuming at once.
   */
  onLost(listener: () => void): void;
  /** Gives the lock back (if held) and closes what it holds open. Idempotent. */
  release(): Promise<void>;
}

/** The lock of a database only one process uses (SQLite): granted at once, never lost. */
export function createLocalIngressLock(name: string): IngressLock {
  let held = false;
  return {
    name,
    async tryAcquire() {
      held = true;
      return true;
    },
    held: () => held,
    onLost() {},
    async release() {
      held = false;
    },
  };
}
