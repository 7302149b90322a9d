/**
 * The PostgreSQL schema mirrors the SQLite one (issue 13): the same exported tables, with the same
 * SQL names, columns, keys and indexes, and the same row types, so a repository's port has one
 * signature whichever the engine. The type half is checked by `tsc` (`npm test` runs it first);
 * the runtime half here.
 */
import {
  getTableColumns,
  getTableName,
  is,
  type InferInsertModel,
  type InferSelectModel,
  type Table,
} from "drizzle-orm";
import { getTableConfig as getPgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as pgSchema from "../../src/db/postgres/schema.ts";
import * as sqliteSchema from "../../src/db/schema.ts";

type Tables<M> = { [K in keyof M as M[K] extends Table ? K : never]: M[K] };
type Selects<M> = { [K in keyof Tables<M>]: Tables<M>[K] extends Table ? InferSelectModel<Tables<M>[K]> : never };
type Inserts<M> = { [K in keyof Tables<M>]: Tables<M>[K] extends Table ? InferInsertModel<Tables<M>[K]> : never };
type SqliteModule = typeof sqliteSchema;
type PgModule = typeof pgSchema;

describe("schema parity (SQLite and PostgreSQL)", () => {
  it("has the same row types for every table, selected and inserted", () => {
    expectTypeOf<keyof Tables<PgModule>>().toEqualTypeOf<keyof Tables<SqliteModule>>();
    expectTypeOf<Selects<PgModule>>().toEqualTypeOf<Selects<SqliteModule>>();
    expectTypeOf<Inserts<PgModule>>().toEqualTypeOf<Inserts<SqliteModule>>();
  });

  it("exports the same tables under the same SQL names", () => {
    expect(tableExports(pgSchema)).toEqual(tableExports(sqliteSchema));
    expect(Object.keys(tableExports(sqliteSchema)).length).toBeGreaterThan(40);
  });

  it("has the same columns, keys, foreign keys and indexes in every table", () => {
    for (const [name, sqliteTable] of Object.entries(sqliteSchema)) {
      if (!is(sqliteTable, SQLiteTable)) continue;
      const pgTable = (pgSchema as Record<string, unknown>)[name];
      if (!is(pgTable, PgTable)) throw new Error(`${name}: not a PostgreSQL table`);
      expect(describePg(pgTable), name).toEqual(describeSqlite(sqliteTable));
    }
  });
});

function tableExports(module: Record<string, unknown>): Record<string, string> {
  const tables: Record<string, string> = {};
  for (const [name, value] of Object.entries(module)) {
    if (is(value, SQLiteTable) || is(value, PgTable)) tables[name] = getTableName(value);
  }
  return tables;
}

/** The dialect-neutral shape of a table: what must be equal on both engines. */
interface TableShape {
  columns: Record<
    string,
    {
      sqlName: string;
      notNull: boolean;
      hasDefault: boolean;
      primary: boolean;
      unique: boolean;
      enumValues: string[] | undefined;
    }
  >;
  primaryKeys: string[][];
  foreignKeys: string[];
  indexes: string[];
}

function columnsOf(table: Table): TableShape["columns"] {
  const columns: TableShape["columns"] = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    columns[key] = {
      sqlName: column.name,
      notNull: column.notNull,
      // An identity column (PostgreSQL) stands for SQLite's integer primary key: both fill themselves.
      hasDefault: column.hasDefault || ("generatedIdentity" in column && column.generatedIdentity !== undefined),
      primary: column.primary,
      unique: column.isUnique,
      enumValues: column.enumValues,
    };
  }
  return columns;
}

function describeSqlite(table: SQLiteTable): TableShape {
  const config = getSqliteTableConfig(table);
  return {
    columns: columnsOf(table),
    primaryKeys: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    foreignKeys: config.foreignKeys
      .map((key) => {
        const reference = key.reference();
        return `${reference.columns.map((c) => c.name).join(",")} -> ${getTableName(reference.foreignTable)}(${reference.foreignColumns.map((c) => c.name).join(",")})`;
      })
      .sort(),
    indexes: config.indexes
      .map(({ config: index }) => {
        const columns = index.columns.map((column) => ("name" in column ? column.name : "?")).join(",");
        return `${index.name} ${index.unique ? "unique " : ""}(${columns})${index.where ? " partial" : ""}`;
      })
      .sort(),
  };
}

function describePg(table: PgTable): TableShape {
  const config = getPgTableConfig(table);
  return {
    columns: columnsOf(table),
    primaryKeys: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    foreignKeys: config.foreignKeys
      .map((key) => {
        const reference = key.reference();
        return `${reference.columns.map((c) => c.name).join(",")} -> ${getTableName(reference.foreignTable)}(${reference.foreignColumns.map((c) => c.name).join(",")})`;
      })
      .sort(),
    indexes: config.indexes
      .map(({ config: index }) => {
        const columns = index.columns.map((column) => ("name" in column ? column.name : "?")).join(",");
        return `${index.name} ${index.unique ? "unique " : ""}(${columns})${index.where ? " partial" : ""}`;
      })
      .sort(),
  };
}
