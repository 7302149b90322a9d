/**
 * `rinde db copy --from sqlite:FILE --to postgres://…[?schema=x] [--replace]`: moves an alcaldía
 * from the embedded SQLite file to PostgreSQL (issue 13). The rows go over in one PostgreSQL
 * transaction and are counted table by table (src/db/copy.ts); then the installation secret
 * (`FILE.key`, the key of the hashed inbound message ids and chat addresses) is copied to where the
 * PostgreSQL deployment reads it (src/db/open-store.ts secretFileOf): without it, a message the
 * channel delivers again after the move would be handled twice.
 *
 * Order: everything that can refuse (bad arguments, missing source, a different key already at the
 * destination, a target holding data) refuses before anything is written.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadEnv } from "../../config/env.ts";
import { openDb } from "../../db/client.ts";
import { copySqliteToPostgres, CopyVerificationError, type TableCount } from "../../db/copy.ts";
import { parseDatabaseUrl, secretFileOf } from "../../db/open-store.ts";
import { openPostgres } from "../../db/postgres/client.ts";
import { HelpRequested, parse } from "../args.ts";
import { CliError, table } from "../output.ts";

type Translate = (key: string, vars?: Record<string, unknown>) => string;

export interface DbCopyContext {
  /** The command's environment (RINDE_SECRET_FILE, RINDE_DB: where the PostgreSQL deployment reads its key). */
  env: Record<string, string | undefined>;
  print(text: string): void;
  t: Translate;
}

export async function runDbCopy(args: readonly string[], ctx: DbCopyContext): Promise<void> {
  let values;
  try {
    ({ values } = parse(args, { from: { type: "string" }, to: { type: "string" }, replace: { type: "boolean" } }, 0));
  } catch (error) {
    if (error instanceof HelpRequested) return ctx.print(ctx.t("db_copy.help"));
    throw error;
  }
  const sourcePath = sqlitePathOf(values.from);
  const target = postgresTargetOf(values.to);
  const replace = Boolean(values.replace);
  if (!existsSync(sourcePath)) throw new CliError("db_copy.source_missing", { path: sourcePath });
  const key = planKeyCopy(sourcePath, secretFileOf(loadEnv(ctx.env)), replace);

  ctx.print(ctx.t("db_copy.copying", { source: sourcePath, target: target.label }));
  const counts = await copyRows(sourcePath, target, replace);
  ctx.print(
    table(
      counts.map((c) => ({ ...c, source: String(c.source), target: String(c.target) })),
      ["table", "source", "target"],
      [ctx.t("db_copy.columns.table"), ctx.t("db_copy.columns.source"), ctx.t("db_copy.columns.target")],
    ),
  );
  ctx.print(ctx.t("db_copy.done", { tables: counts.length, rows: counts.reduce((sum, c) => sum + c.source, 0) }));
  ctx.print(copyKey(key, ctx.t));
}

function sqlitePathOf(from: string | undefined): string {
  const match = /^sqlite:(.+)$/.exec(from ?? "");
  if (!match) throw new CliError("db_copy.bad_from", { value: from ?? "" });
  return resolve(match[1]!);
}

/** The connection address, its schema, and a label without the password for messages. */
function postgresTargetOf(to: string | undefined): { url: string; schema?: string; label: string } {
  if (!to || !/^postgres(ql)?:\/\/\S+$/.test(to)) throw new CliError("db_copy.bad_to", { value: to ?? "" });
  let parsed: ReturnType<typeof parseDatabaseUrl>;
  try {
    parsed = parseDatabaseUrl(to);
  } catch {
    throw new CliError("db_copy.bad_to", { value: to });
  }
  const url = new URL(parsed.url);
  const label = `${url.hostname}:${url.port || "5432"}${url.pathname}${parsed.schema ? `, schema ${parsed.schema}` : ""}`;
  return { ...parsed, label };
}

type KeyPlan = {
  source: string;
  dest: string;
  action: "copy" | "same" | "missing";
};

/**
 * What to do with the installation secret, decided before the copy: read now, because opening the
 * SQLite file creates a new key when none exists. A different key already at the destination is
 * refused (it may be another installation's) unless `--replace` replaces the target's data too.
 */
function planKeyCopy(sourcePath: string, dest: string, replace: boolean): KeyPlan {
  const source = `${sourcePath}.key`;
  if (!existsSync(source)) return { source, dest, action: "missing" };
  if (!existsSync(dest)) return { source, dest, action: "copy" };
  if (readFileSync(dest, "utf8").trim() === readFileSync(source, "utf8").trim())
    return { source, dest, action: "same" };
  if (!replace) throw new CliError("db_copy.key_differs", { source, dest });
  return { source, dest, action: "copy" };
}

async function copyRows(
  sourcePath: string,
  target: { url: string; schema?: string; label: string },
  replace: boolean,
): Promise<TableCount[]> {
  const source = openDb(sourcePath);
  try {
    let pg: Awaited<ReturnType<typeof openPostgres>>;
    try {
      pg = await openPostgres(target.url, { ...(target.schema ? { schema: target.schema } : {}), max: 2 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
      throw new CliError("db_copy.cannot_connect", {
        target: target.label,
        detail: `${code}: ${(error as Error).message.split("\n")[0]}`,
      });
    }
    try {
      const outcome = await copySqliteToPostgres(source, pg.db, { replace });
      if (!outcome.ok) {
        const rows = outcome.nonEmpty.reduce((sum, entry) => sum + entry.rows, 0);
        const summary =
          outcome.nonEmpty
            .slice(0, 4)
            .map((entry) => `${entry.table}: ${entry.rows}`)
            .join(", ") + (outcome.nonEmpty.length > 4 ? ", …" : "");
        throw new CliError("db_copy.target_not_empty", {
          target: target.label,
          rows,
          tables: outcome.nonEmpty.length,
          summary,
        });
      }
      return outcome.tables;
    } catch (error) {
      if (error instanceof CopyVerificationError) throw new CliError("db_copy.count_mismatch", { ...error.counts });
      throw error;
    } finally {
      await pg.close();
    }
  } finally {
    source.$client.close();
  }
}

/** Copies the key (mode 0600) and returns the line saying where it is and who must read it. */
function copyKey(key: KeyPlan, t: Translate): string {
  if (key.action === "missing") return t("db_copy.key_missing", key);
  if (key.action === "same") return t("db_copy.key_same", key);
  try {
    mkdirSync(dirname(key.dest), { recursive: true });
    copyFileSync(key.source, key.dest);
    chmodSync(key.dest, 0o600);
  } catch (error) {
    throw new CliError("db_copy.key_not_written", { ...key, code: (error as NodeJS.ErrnoException).code ?? "?" });
  }
  return t("db_copy.key_copied", key);
}
