/**
 * Which database a process uses, as operators read it (`rinde status`, CLI errors): the SQLite
 * file's absolute path, or the PostgreSQL address without its password, which may be printed and
 * pasted into a ticket.
 */
import { resolve } from "node:path";
import type { Env } from "../config/env.ts";
import type { Dialect } from "./port.ts";

export interface DatabaseLocation {
  engine: Dialect;
  /** The absolute file path (or `:memory:`), or the URL without its password. */
  location: string;
}

/** `postgres://user:secret@host/db?schema=x` → `postgres://user@host/db?schema=x` (a `password` parameter goes too). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.searchParams.delete("password");
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

export function databaseLocation(env: Pick<Env, "DATABASE_URL" | "RINDE_DB">): DatabaseLocation {
  if (env.DATABASE_URL) return { engine: "postgres", location: withoutPassword(env.DATABASE_URL) };
  return { engine: "sqlite", location: env.RINDE_DB === ":memory:" ? env.RINDE_DB : resolve(env.RINDE_DB) };
}

/**
 * A database that does not exist yet — a SQLite file not created, or a PostgreSQL database without
 * Rinde's tables — opened by a command that must not create it: a typo in RINDE_DB or DATABASE_URL
 * must not silently start an empty institution. Only `npm start`, `rinde db init` and (on
 * PostgreSQL) `rinde db migrate` create one.
 */
export class DatabaseMissingError extends Error {
  readonly code = "db_missing";
  constructor(readonly database: DatabaseLocation) {
    super(`${database.engine} database ${database.location} does not exist or has no Rinde tables`);
    this.name = "DatabaseMissingError";
  }
}
