/**
 * `rinde db init` and `rinde db migrate` on both engines: what they create, what they say they
 * applied, and the rule that no other command creates a database — a SQLite file that does not
 * exist, a PostgreSQL database without Rinde's tables (one line naming the address without its
 * password). PostgreSQL cases run with RINDE_TEST_DATABASE_URL.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrationJournal } from "../../src/db/migrations.ts";
import { POSTGRES_MIGRATIONS_FOLDER } from "../../src/db/postgres/client.ts";
import { SQLITE_MIGRATIONS_FOLDER } from "../../src/db/client.ts";
import { runRinde } from "../helpers/cli.ts";
import { freshSchema, postgresAvailable, url } from "../helpers/postgres.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rinde-db-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("rinde db on SQLite", () => {
  const sqliteJournal = migrationJournal(SQLITE_MIGRATIONS_FOLDER);
  const latest = sqliteJournal.at(-1)!.tag;

  it("migrate refuses a file that does not exist; init creates it; both then say it is up to date", async () => {
    const env = { RINDE_DB: join(dir, "sub", "rinde.db"), RINDE_PROFILE: "default" };
    const refused = await runRinde(["db", "migrate"], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `rinde: No existe la base de datos ${env.RINDE_DB}. Revise RINDE_DB, o créela con \`rinde db init\` (o \`npm start\`).\n`,
    );
    expect(existsSync(env.RINDE_DB)).toBe(false);

    const created = await runRinde(["db", "init"], env);
    expect(created).toEqual({
      status: 0,
      stderr: "",
      stdout: `Base de datos creada en ${env.RINDE_DB}, con todas sus migraciones (la última: ${latest}).\n`,
    });
    const again = await runRinde(["db", "migrate"], env);
    expect(again.stdout).toBe(
      `La base de datos ${env.RINDE_DB} ya existía; sus migraciones están al día (la última: ${latest}).\n`,
    );
  });

  it("migrate applies what an upgrade brought and names them", async () => {
    const env = { RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" };
    // The file as the release before the last two migrations left it: every earlier migration applied
    // and recorded the way drizzle's migrator does (its SQL, then its hash and stamp).
    const migrations = readMigrationFiles({ migrationsFolder: SQLITE_MIGRATIONS_FOLDER });
    const sqlite = new Database(env.RINDE_DB);
    sqlite.exec("create table __drizzle_migrations (id integer primary key, hash text not null, created_at numeric)");
    for (const migration of migrations.slice(0, -2)) {
      for (const statement of migration.sql) sqlite.exec(statement);
      sqlite
        .prepare("insert into __drizzle_migrations (hash, created_at) values (?, ?)")
        .run(migration.hash, migration.folderMillis);
    }
    sqlite.close();
    const pending = sqliteJournal.slice(-2).map((m) => m.tag);

    const run = await runRinde(["db", "migrate"], env);
    expect(run).toEqual({
      status: 0,
      stderr: "",
      stdout: `Migraciones aplicadas en ${env.RINDE_DB} (2): ${pending.join(", ")}.\n`,
    });
    const english = await runRinde(["db", "migrate", "--lang", "en"], env);
    expect(english.stdout).toBe(
      `The database ${env.RINDE_DB} already existed; its migrations are up to date (the latest: ${latest}).\n`,
    );
    expect((await runRinde(["db", "upgrade"], env)).stderr).toBe(
      "rinde: «rinde db» no tiene «upgrade». Use: init, migrate, copy.\n",
    );
  });
});

describe.skipIf(!postgresAvailable)("rinde db on PostgreSQL", () => {
  const latest = migrationJournal(POSTGRES_MIGRATIONS_FOLDER).at(-1)!.tag;
  let schema: { schema: string; drop(): Promise<void> };
  let env: Record<string, string>;
  /** The configured address, with a password (trust authentication ignores it) that must never be printed. */
  let address: string;
  let shown: string;
  beforeEach(async () => {
    schema = await freshSchema();
    const withPassword = new URL(url!);
    withPassword.password = "s3cret-pw";
    withPassword.searchParams.set("schema", schema.schema);
    address = withPassword.toString();
    withPassword.password = "";
    shown = withPassword.toString();
    env = { DATABASE_URL: address, RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" };
  });
  afterEach(async () => await schema.drop());

  async function tables(): Promise<number> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        "select count(*)::text as n from information_schema.tables where table_schema = $1",
        [schema.schema],
      );
      return Number(rows[0]!.n);
    } finally {
      await client.end();
    }
  }

  it("an ordinary command refuses a database without Rinde's tables and creates nothing", async () => {
    const run = await runRinde(["status"], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `rinde: La base de datos PostgreSQL ${shown} no tiene las tablas de Rinde. Revise DATABASE_URL, o créelas con \`rinde db init\` (o \`rinde db migrate\`, o \`npm start\`).\n`,
    );
    expect(run.stderr).not.toContain("s3cret-pw");
    expect(await tables()).toBe(0);
    expect((await runRinde(["offices", "list"], env)).status).toBe(1);
    expect(await tables()).toBe(0);
  });

  it("migrate creates the tables of an empty database, init then finds them up to date, and commands work", async () => {
    const created = await runRinde(["db", "migrate"], env);
    expect(created).toEqual({
      status: 0,
      stderr: "",
      stdout: `Base de datos creada en ${shown}, con todas sus migraciones (la última: ${latest}).\n`,
    });
    expect(await tables()).toBeGreaterThan(10);
    const again = await runRinde(["db", "init"], env);
    expect(again.stdout).toBe(
      `La base de datos ${shown} ya existía; sus migraciones están al día (la última: ${latest}).\n`,
    );
    const offices = await runRinde(["offices", "list", "--json"], env);
    expect(offices.status, offices.stderr).toBe(0);
  });

  it("migrate applies the migrations an upgrade brought, and names them", async () => {
    const migrations = readMigrationFiles({ migrationsFolder: POSTGRES_MIGRATIONS_FOLDER });
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema.schema}` });
    await client.connect();
    try {
      // The database as the previous release left it: every migration but the last, recorded as drizzle does.
      await client.query(
        `create table "${schema.schema}".__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
      );
      for (const migration of migrations.slice(0, -1)) {
        for (const statement of migration.sql) await client.query(statement);
        await client.query(`insert into "${schema.schema}".__drizzle_migrations (hash, created_at) values ($1, $2)`, [
          migration.hash,
          migration.folderMillis,
        ]);
      }
    } finally {
      await client.end();
    }
    const run = await runRinde(["db", "migrate"], env);
    expect(run).toEqual({ status: 0, stderr: "", stdout: `Migraciones aplicadas en ${shown} (1): ${latest}.\n` });
    expect((await runRinde(["status", "--json"], env)).status).toBe(0);
  });

  it("names a database that does not exist on the server, without the password", async () => {
    const missing = new URL(address);
    missing.pathname = "/rinde_no_such_database";
    const run = await runRinde(["status"], { ...env, DATABASE_URL: missing.toString() });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^rinde: No existe la base de datos PostgreSQL de postgres:\/\/[^:]+@[^ ]+\/rinde_no_such_database\?schema=rinde_t_\w+\. Revise DATABASE_URL/,
    );
    expect(run.stderr).not.toContain("s3cret-pw");
  });
});
