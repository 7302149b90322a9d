/**
 * Start-up, as a person feels it: whole processes, wall clock, median of 10 after one warm-up run
 * (the warm-up builds dist/ if src/ changed and fills the YAML cache, as the first start after an
 * install does).
 * - `rinde offices list` (node bin/rinde.mjs): target ≤ 0.4 s.
 * - `npm start` until the reply to the citizen's first message is printed (console channel fed by
 *   a pipe, RINDE_CONSOLE=on; npm's own start-up included): target ≤ 1.5 s.
 * Wall-clock figures depend on the machine's load: the load average is printed with them.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/env.ts";

const RUNS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeCli(env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, "bin/rinde.mjs"), "offices", "list"], {
    env,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`rinde offices list failed: ${run.stderr}`);
  return (performance.now() - started) / 1000;
}

/** Seconds from spawning `npm start` to the first reply on stdout; then ends the chat (end of input). */
function timeStart(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("npm", ["start", "--silent"], { cwd: PROJECT_ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let replied: number | undefined;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", () => {
      if (replied !== undefined) return;
      replied = (performance.now() - started) / 1000;
      child.stdin.end();
    });
    child.stdin.write("hola\n");
    child.on("exit", (code) =>
      replied !== undefined && code === 0
        ? resolve(replied)
        : reject(new Error(`npm start exited ${code} without a reply: ${stderr}`)),
    );
  });
}

export async function benchStartup(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-bench-start-"));
  const env = {
    ...process.env,
    RINDE_DB: join(dir, "rinde.db"),
    RINDE_PROFILE: "default",
    RINDE_CONSOLE: "on",
    RINDE_LOG_LEVEL: "warn",
    RINDE_WEB_PORT: "0",
  };
  try {
    // `npm start` creates the database; the CLI refuses one that does not exist (issue 12).
    await timeStart(env);
    timeCli(env);
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) cli.push(timeCli(env));
    const start: number[] = [];
    for (let i = 0; i < RUNS; i++) start.push(await timeStart(env));
    const cliMedian = median(cli);
    const startMedian = median(start);
    return {
      "rinde offices list, median of 10 (s)": cliMedian,
      "rinde offices list, min–max (s)": `${Math.min(...cli).toFixed(3)}–${Math.max(...cli).toFixed(3)}`,
      "rinde offices list target ≤ 0.4 s": cliMedian <= 0.4 ? "met" : "NOT met",
      "npm start → first reply, median of 10 (s)": startMedian,
      "npm start → first reply, min–max (s)": `${Math.min(...start).toFixed(3)}–${Math.max(...start).toFixed(3)}`,
      "npm start target ≤ 1.5 s": startMedian <= 1.5 ? "met" : "NOT met",
      "load average (1 min) after": loadavg()[0]!.toFixed(2),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
