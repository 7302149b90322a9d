/**
 * `rinde db init` and `rinde db migrate`: the database of the configured engine — the SQLite file
 * RINDE_DB, or the PostgreSQL database of DATABASE_URL — with its migrations applied, saying which.
 *
 * `init` creates the database (a SQLite file and its folder; Rinde's tables in a PostgreSQL database
 * that exists). `migrate` applies what an upgrade brought: on SQLite it refuses a file that does not
 * exist (a typo in RINDE_DB must not start an empty institution), on PostgreSQL it also creates the
 * tables of an empty database, as a deployment script runs it before starting the processes.
 * Every other command refuses a database that does not exist yet (src/cli/run.ts).
 */
import type { Env } from "../../config/env.ts";
import { closestKey } from "../../core/strict-parse.ts";
import { databaseLocation, DatabaseMissingError, withoutPassword } from "../../db/location.ts";
import { openStore } from "../../db/open-store.ts";
import { CliError } from "../output.ts";

type T = (key: string, vars?: Record<string, unknown>) => string;

const SUBCOMMANDS = ["init", "migrate"];
/** Every `rinde db` subcommand, for the error's list (`copy` runs apart: src/cli/commands/db-copy.ts). */
const ALL_SUBCOMMANDS = [...SUBCOMMANDS, "copy"];

export async function runDb(env: Env, args: string[], print: (text: string) => void, t: T): Promise<void> {
  const [sub, ...extra] = args;
  if (sub === undefined || !SUBCOMMANDS.includes(sub)) {
    throw new CliError("errors.unknown_subcommand", {
      command: "db",
      value: sub ?? "",
      suggestion: sub ? closestKey(sub, ALL_SUBCOMMANDS) : undefined,
      list: ALL_SUBCOMMANDS.join(", "),
    });
  }
  if (extra.length) throw new CliError("errors.extra_argument", { value: extra[0] });
  const { location } = databaseLocation(env);
  const existingOnly = sub === "migrate" && !env.DATABASE_URL;
  const opened = await openStore(env, { existingOnly }).catch((error: unknown) => {
    throw cliErrorOfOpen(error, env) ?? error;
  });
  await opened.store.close();
  const { applied, latest, existed } = opened.migrations;
  if (!existed) return print(t("db.created", { path: location, latest: latest ?? "—" }));
  if (applied.length === 0) return print(t("db.up_to_date", { path: location, latest: latest ?? "—" }));
  print(t("db.migrated", { path: location, count: applied.length, list: applied.join(", ") }));
}

/**
 * The one line an operator needs when a database cannot be opened: not created yet, a PostgreSQL
 * server that does not answer, a database that does not exist, a refused password. Undefined for
 * any other error (printed as unexpected). The address is shown without its password.
 */
export function cliErrorOfOpen(error: unknown, env: Pick<Env, "DATABASE_URL" | "RINDE_DB">): CliError | undefined {
  if (error instanceof DatabaseMissingError) {
    const { engine, location } = error.database;
    return engine === "postgres"
      ? new CliError("errors.pg_missing", { url: location })
      : new CliError("errors.db_missing", { path: location });
  }
  if (!env.DATABASE_URL) return undefined;
  const url = withoutPassword(env.DATABASE_URL);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "3D000") return new CliError("errors.pg_no_database", { url });
  if (code === "28P01" || code === "28000") return new CliError("errors.pg_refused", { url });
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "ETIMEDOUT" ||
    code === "EHOSTUNREACH"
  ) {
    return new CliError("errors.pg_unreachable", { url, code });
  }
  return undefined;
}
