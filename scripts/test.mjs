#!/usr/bin/env node
/**
 * `npm test`: the type check, then every test. The type check prints a heartbeat, since tsc says
 * nothing until it is done (≈20 s on a 2-core machine) and a silent terminal looks stuck; it is
 * incremental (`.tmp/tsc.tsbuildinfo`), so a second run on unchanged files takes a few seconds.
 * Arguments go to vitest (`npm test -- test/core`); a type error stops before the tests.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(ROOT, "node_modules", ".bin", name);

function run(label, command, args, { heartbeatMs } = {}) {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 1000);
  process.stdout.write(`${label}…\n`);
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit" });
    const timer = heartbeatMs ? setInterval(() => process.stdout.write(`  ${label}: ${seconds()} s…\n`), heartbeatMs) : undefined;
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      process.stdout.write(`${label}: ${code === 0 ? "ok" : `failed (${signal ?? code})`} in ${seconds()} s\n`);
      resolvePromise(code ?? 1);
    });
  });
}

const typecheck = await run("Type check (tsc)", bin("tsc"), ["--noEmit", "--incremental", "--tsBuildInfoFile", join(ROOT, ".tmp", "tsc.tsbuildinfo")], { heartbeatMs: 5000 });
if (typecheck !== 0) process.exit(typecheck);
process.exit(await run("Tests (vitest)", bin("vitest"), ["run", ...process.argv.slice(2)]));
