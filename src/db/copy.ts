/**
 * Copies a SQLite database into PostgreSQL (`rinde db copy`, issue 13: moving an alcaldía to a
 * server database): every table of src/db/schema.ts, parents before children (foreign keys), in
 * batches, inside one PostgreSQL transaction, then the identity sequences set past the largest id
 * and the row counts compared table by table before the commit. Any failure rolls everything back:
 * the target is either untouched or a complete copy.
 *
 * Rows go through drizzle on both sides, so each value is converted by the two schemas' column
 * types: booleans (0/1 in SQLite), JSON (text in SQLite, `jsonb` where the PostgreSQL schema says
 * so) and epoch milliseconds (`bigint`, read as numbers). The source is read in one SQLite read
 * transaction, so a copy is a consistent snapshot even if another process writes meanwhile.
 */
import { getTableColumns, getTableName, is, sql, type Column } from "drizzle-orm";
import { getTableConfig as getPgTableConfig, PgBoolean, PgJsonb, PgTable } from "drizzle-orm/pg-core";
import { SQLiteBoolean, SQLiteTable, SQLiteTextJson } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";
import type { PgDb } from "./postgres/client.ts";
import * as pgSchema from "./postgres/schema.ts";
import * as sqliteSchema from "./schema.ts";

export interface TableCount {
  /** The table's SQL name. */
  table: string;
  /** Rows in the SQLite source. */
  source: number;
  /** Rows in PostgreSQL after the copy (equal to `source`, or the copy was rolled back). */
  target: number;
}

export type CopyOutcome =
  | { ok: true; tables: TableCount[] }
  /** The target already holds rows (and `replace` was not asked): nothing was written. */
  | { ok: false; error: "target_not_empty"; nonEmpty: { table: string; rows: number }[] };

export interface CopyOptions {
  /** Empty every Rinde table of the target first (in the same transaction) instead of refusing. */
  replace?: boolean;
  /** Rows per INSERT (fewer for wide tables: PostgreSQL takes at most 65,535 parameters). */
  batchRows?: number;
  /** Called after each table is copied, for progress output. */
  onTable?: (table: string, rows: number) => void;
}

/** Thrown (and the transaction rolled back) when a table's count differs after the copy. */
export class CopyVerificationError extends Error {
  override name = "CopyVerificationError";
  readonly code = "copy_count_mismatch";
  constructor(readonly counts: TableCount) {
    super(
      `db copy: ${counts.table} has ${counts.source} rows in SQLite but ${counts.target} in PostgreSQL after the copy`,
    );
  }
}

interface TablePair {
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  /** Per column (JS key): how a SQLite value becomes the PostgreSQL one. */
  convert: [key: string, fn: (value: unknown) => unknown][];
}

const MAX_PARAMETERS = 60_000;

/** Copies `source` into `target` (already migrated). See the file comment. */
export async function copySqliteToPostgres(source: Db, target: PgDb, options: CopyOptions = {}): Promise<CopyOutcome> {
  const tables = copyOrder();
  const sqlite = source.$client;
  sqlite.exec("begin"); // one read snapshot for the copy and the counts
  try {
    return await target.transaction(async (tx) => {
      const nonEmpty = await rowsPresent(tx, tables);
      if (nonEmpty.length > 0 && !options.replace) return { ok: false, error: "target_not_empty", nonEmpty };
      // Every Rinde table in one statement, so their own foreign keys need no CASCADE: a table
      // outside Rinde that references one makes the copy fail instead of being emptied with it.
      if (nonEmpty.length > 0) {
        await tx.execute(sql.raw(`truncate table ${tables.map((t) => quote(t.name)).join(", ")} restart identity`));
      }
      for (const table of tables) {
        const rows = await copyTable(source, tx, table, options.batchRows);
        options.onTable?.(table.name, rows);
      }
      await resetIdentities(tx);
      const counts: TableCount[] = [];
      for (const table of tables) {
        const count: TableCount = {
          table: table.name,
          source: countSqlite(source, table.name),
          target: await countPg(tx, table.name),
        };
        if (count.source !== count.target) throw new CopyVerificationError(count);
        counts.push(count);
      }
      return { ok: true, tables: counts };
    });
  } finally {
    sqlite.exec("rollback");
  }
}

/**
 * Every table of both schemas, paired by export name, parents before children (foreign keys of the
 * PostgreSQL schema), in schema order otherwise. Throws if the schemas do not hold the same tables
 * and columns (the parity test should have caught it).
 */
export function copyOrder(): TablePair[] {
  const pairs = new Map<string, TablePair>();
  const pgTables = (Object.entries(pgSchema) as [string, unknown][]).filter((entry): entry is [string, PgTable] =>
    is(entry[1], PgTable),
  );
  for (const [exportName, pgTable] of pgTables) {
    const sqliteTable = (sqliteSchema as Record<string, unknown>)[exportName];
    if (!is(sqliteTable, SQLiteTable))
      throw new Error(`db copy: ${exportName} is in the PostgreSQL schema but not in src/db/schema.ts`);
    const name = getTableName(pgTable);
    pairs.set(name, { name, sqlite: sqliteTable, pg: pgTable, convert: converters(name, sqliteTable, pgTable) });
  }
  const sqliteCount = Object.values(sqliteSchema).filter((value) => is(value, SQLiteTable)).length;
  if (sqliteCount !== pairs.size)
    throw new Error(`db copy: src/db/schema.ts has ${sqliteCount} tables, the PostgreSQL schema ${pairs.size}`);

  const ordered: TablePair[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (pair: TablePair) => {
    if (state.get(pair.name) === "done") return;
    if (state.get(pair.name) === "visiting") throw new Error(`db copy: foreign keys form a cycle through ${pair.name}`);
    state.set(pair.name, "visiting");
    for (const fk of getPgTableConfig(pair.pg).foreignKeys) {
      const parent = getTableName(fk.reference().foreignTable);
      if (parent !== pair.name) visit(pairs.get(parent)!);
    }
    state.set(pair.name, "done");
    ordered.push(pair);
  };
  for (const pair of pairs.values()) visit(pair);
  return ordered;
}

function converters(name: string, sqliteTable: SQLiteTable, pgTable: PgTable): TablePair["convert"] {
  const from = getTableColumns(sqliteTable) as Record<string, Column>;
  const to = getTableColumns(pgTable) as Record<string, Column>;
  const keys = Object.keys(to);
  if (keys.length !== Object.keys(from).length || keys.some((key) => !(key in from))) {
    throw new Error(`db copy: ${name} has different columns in the two schemas`);
  }
  return keys.map((key) => [key, converter(from[key]!, to[key]!)]);
}

/**
 * drizzle already decodes SQLite's boolean and JSON modes; a column that is plain integer or text in
 * SQLite but boolean or jsonb in PostgreSQL is converted here (the schemas agree today; this keeps a
 * copy right if one side's mode is dropped).
 */
function converter(from: Column, to: Column): (value: unknown) => unknown {
  if (is(to, PgJsonb) && !is(from, SQLiteTextJson))
    return (value) => (typeof value === "string" ? JSON.parse(value) : value);
  if (is(to, PgBoolean) && !is(from, SQLiteBoolean)) return (value) => (value === null ? null : Boolean(value));
  return (value) => value;
}

/** Tables of the target that hold rows, with their counts. */
async function rowsPresent(tx: PgDb, tables: readonly TablePair[]): Promise<{ table: string; rows: number }[]> {
  const present: { table: string; rows: number }[] = [];
  for (const { name } of tables) {
    const rows = await countPg(tx, name);
    if (rows > 0) present.push({ table: name, rows });
  }
  return present;
}

/** Copies one table in rowid order, `batchRows` rows per INSERT; returns the rows copied. */
async function copyTable(source: Db, tx: PgDb, table: TablePair, batchRows = 1000): Promise<number> {
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / table.convert.length)));
  const columns = getTableColumns(table.sqlite);
  let after = Number.MIN_SAFE_INTEGER;
  let copied = 0;
  for (;;) {
    const rows = source
      .select({ ...columns, rowid: sql<number>`${sql.raw(quote(table.name))}.rowid` })
      .from(table.sqlite)
      .where(sql`${sql.raw(quote(table.name))}.rowid > ${after}`)
      .orderBy(sql`${sql.raw(quote(table.name))}.rowid`)
      .limit(perBatch)
      .all() as (Record<string, unknown> & { rowid: number })[];
    if (rows.length === 0) return copied;
    const values = rows.map((row) => Object.fromEntries(table.convert.map(([key, fn]) => [key, fn(row[key])])));
    await tx.insert(table.pg).values(values);
    copied += rows.length;
    after = rows[rows.length - 1]!.rowid;
    if (rows.length < perBatch) return copied;
  }
}

/**
 * Sets every identity column's sequence so the next generated id is max(id) + 1 (1 on an empty
 * table): explicit ids were copied, and a sequence left at 1 would collide on the next insert.
 */
async function resetIdentities(tx: PgDb): Promise<void> {
  const identities = await tx.execute<{ table_name: string; column_name: string }>(
    sql`select table_name, column_name from information_schema.columns where table_schema = current_schema() and is_identity = 'YES'`,
  );
  for (const { table_name: table, column_name: column } of identities.rows) {
    await tx.execute(
      sql.raw(
        `select setval(pg_get_serial_sequence('${quote(table).replaceAll("'", "''")}', '${column.replaceAll("'", "''")}'), coalesce((select max(${quote(column)}) from ${quote(table)}), 0) + 1, false)`,
      ),
    );
  }
}

function countSqlite(source: Db, table: string): number {
  return source.$client
    .prepare(`select count(*) from ${quote(table)}`)
    .pluck()
    .get() as number;
}

async function countPg(tx: PgDb, table: string): Promise<number> {
  const result = await tx.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${quote(table)}`));
  return result.rows[0]!.n;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
