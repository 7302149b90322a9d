#!/usr/bin/env node
/**
 * `npm test`: the type check, then every test. The type check prints a heartbeat, since tsc says
 * nothing until it is done (≈20 s on a 2-core machine) and a silent terminal looks stuck; it is
 * incremental (`.tmp/tsc.tsbuildinfo`), so a second run on unchanged files takes a few seconds.
 * Arguments go to vitest (`npm test -- test/core`); a type error stops before the tests.
 *
 * Two engines: the tests run on SQLite; then, when RINDE_TEST_DATABASE_URL names a PostgreSQL
 * database (.ci/run sets it), the tests that touch storage run again on PostgreSQL, each test file
 * in schemas of its own (test/helpers/storage.ts). Pure unit tests (core, engine, config, locales)
 * do not depend on the engine and run once.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(ROOT, "node_modules", ".bin", name);

function run(label, command, args, { heartbeatMs, env = process.env } = {}) {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 1000);
  process.stdout.write(`${label}…\n`);
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit", env });
    const timer = heartbeatMs
      ? setInterval(() => process.stdout.write(`  ${label}: ${seconds()} s…\n`), heartbeatMs)
      : undefined;
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      process.stdout.write(`${label}: ${code === 0 ? "ok" : `failed (${signal ?? code})`} in ${seconds()} s\n`);
      resolvePromise(code ?? 1);
    });
  });
}

const typecheck = await run(
  "Type check (tsc)",
  bin("tsc"),
  ["--noEmit", "--incremental", "--tsBuildInfoFile", join(ROOT, ".tmp", "tsc.tsbuildinfo")],
  { heartbeatMs: 5000 },
);
if (typecheck !== 0) process.exit(typecheck);
/** The test files whose outcome depends on the storage engine. */
const STORAGE_TESTS = [
  "test/db",
  "test/delivery",
  "test/integration",
  "test/web",
  "test/cli",
  "test/i18n/render-every-text.test.ts",
];

const args = process.argv.slice(2);
const postgresUrl = process.env.RINDE_TEST_DATABASE_URL || undefined;
const sqliteEnv = { ...process.env };
delete sqliteEnv.RINDE_TEST_DATABASE_URL;
const sqlite = await run("Tests on SQLite (vitest)", bin("vitest"), ["run", ...args], { env: sqliteEnv });
if (postgresUrl === undefined) process.exit(sqlite);
const where = new URL(postgresUrl);
// Each file in a process of its own on PostgreSQL (vitest.config.ts shares worker processes between
// files): test/db/postgres-store.test.ts's concurrent-transactions test failed twice when it ran
// after other PostgreSQL files in the same process, and never alone; until that is understood, this
// pass keeps the isolation it always had.
const postgres = await run(`Tests on PostgreSQL at ${where.host}${where.pathname} (vitest)`, bin("vitest"), [
  "run",
  "--isolate",
  ...(args.length > 0 ? args : STORAGE_TESTS),
]);
process.exit(sqlite !== 0 ? sqlite : postgres);
