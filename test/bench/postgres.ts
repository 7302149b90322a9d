/**
 * PostgreSQL inbound throughput (issue 13, "Done when"): messages per second through the real inbound
 * handler (one transaction per message: dedup record, citizen, conversation, outbox) with 1, 2 and 4
 * OS processes on one database, against a raw `pg` floor running the same statements with plain
 * node-postgres (test/bench/postgres-child.ts). Each process sends its own citizens' conversations
 * ("hola" → consent → question → confirm → file), one message awaited after the other, as
 * test/bench/conversation.ts does on SQLite; the processes start together and the figure is all
 * their messages over the time from the first start to the last end.
 *
 * Every run gets a fresh schema, dropped afterwards; the data is checked (one question per citizen,
 * unique radicados, one outbox row per message). Needs RINDE_BENCH_DATABASE_URL or
 * RINDE_TEST_DATABASE_URL; skipped without them.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { loadEnv, PROJECT_ROOT } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createRuntime } from "../../src/runtime.ts";
import { CONVERSATION_STEPS } from "./conversation.ts";
import type { ChildArgs, ChildResult } from "./postgres-child.ts";

const CHILD = join(PROJECT_ROOT, "test/bench/postgres-child.ts");
/** Citizens each child warms up with before the timed run (postgres-child.ts WARM_UP_CITIZENS). */
const WARM_UP_CITIZENS = 40;

export interface PgRunResult {
  processes: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** Worst child's p50 / p99, ms. */
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerMessage: number;
}

export interface PgInboundFigures {
  processes: number;
  rinde: PgRunResult;
  floor: PgRunResult;
}

export function postgresBenchUrl(): string | undefined {
  return process.env.RINDE_BENCH_DATABASE_URL || process.env.RINDE_TEST_DATABASE_URL || undefined;
}

async function execute(url: string, statement: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh schema with Rinde's tables and the profile's offices (a runtime opened once, then closed). */
async function prepareSchema(url: string, secretFile: string): Promise<string> {
  const schema = `rinde_bench_${randomBytes(5).toString("hex")}`;
  await execute(url, `create schema "${schema}"`);
  const runtime = await createRuntime({
    env: loadEnv({ DATABASE_URL: withSchema(url, schema), RINDE_SECRET_FILE: secretFile, RINDE_PROFILE: "default" }),
    clock: createManualClock(Date.UTC(2026, 2, 2, 15)),
  });
  await runtime.close();
  return schema;
}

function withSchema(url: string, schema: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
}

function spawnChild(args: ChildArgs): { ready: Promise<void>; result: Promise<ChildResult>; go(): void } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(args)], {
    cwd: PROJECT_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const lines = createInterface({ input: child.stdout });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let last = "";
  lines.on("line", (line) => {
    if (line === "READY") markReady();
    else last = line;
  });
  const result = new Promise<ChildResult>((resolve, reject) => {
    child.on("exit", (code) => {
      if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last) as ChildResult);
      else
        reject(
          new Error(
            `bench child ${args.mode} ${args.tag} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
    });
  });
  // A child that dies while loading never prints READY: fail the wait instead of hanging.
  const readyOrDead = Promise.race([ready, result.then(() => {})]);
  return { ready: readyOrDead, result, go: () => child.stdin.end("GO\n") };
}

async function runProcesses(
  url: string,
  mode: ChildArgs["mode"],
  processes: number,
  citizens: number,
  shape: { payloadBytes: number; dataBytes: number },
): Promise<PgRunResult> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-pg-bench-"));
  const secretFile = join(dir, "rinde.key");
  const schema = await prepareSchema(url, secretFile);
  try {
    const children = Array.from({ length: processes }, (_, p) =>
      spawnChild({ mode, url, schema, tag: `${mode[0]}${processes}p${p}`, citizens, secretFile, ...shape }),
    );
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) child.go();
    const results = await Promise.all(children.map((c) => c.result));
    await checkData(url, schema, processes * (citizens + WARM_UP_CITIZENS));
    const messages = results.reduce((sum, r) => sum + r.messages, 0);
    const seconds = (Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs))) / 1000;
    return {
      processes,
      messages,
      seconds,
      messagesPerSecond: messages / seconds,
      p50Ms: Math.max(...results.map((r) => r.p50Ms)),
      p99Ms: Math.max(...results.map((r) => r.p99Ms)),
      cpuMicrosPerMessage: results.reduce((sum, r) => sum + r.cpuMicrosPerMessage * r.messages, 0) / messages,
    };
  } finally {
    await execute(url, `drop schema if exists "${schema}" cascade`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every citizen (timed and warm-up) filed one question with a unique radicado; one reply per message. */
async function checkData(url: string, schema: string, citizens: number): Promise<void> {
  const count = async (query: string) =>
    Number(
      ((await execute(url, `set search_path = "${schema}"; ${query}`)) as unknown as pg.QueryResult[])[1]!.rows[0].n,
    );
  const questions = await count("select count(*) as n from questions");
  const references = await count("select count(distinct reference) as n from questions");
  const outbox = await count("select count(*) as n from outbox");
  const inbound = await count("select count(*) as n from inbound_messages");
  const messages = citizens * CONVERSATION_STEPS;
  if (questions !== citizens || references !== citizens)
    throw new Error(`PostgreSQL bench: ${questions} questions (${references} radicados), expected ${citizens}`);
  if (outbox !== messages || inbound !== messages)
    throw new Error(`PostgreSQL bench: ${outbox} outbox rows and ${inbound} inbound rows, expected ${messages}`);
}

/** Average reply payload and conversation data sizes of a Rinde run, so the floor writes rows of the same size. */
async function measureShape(url: string, citizens: number): Promise<{ payloadBytes: number; dataBytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-pg-shape-"));
  const secretFile = join(dir, "rinde.key");
  const schema = await prepareSchema(url, secretFile);
  try {
    const child = spawnChild({ mode: "rinde", url, schema, tag: "shape", citizens, secretFile });
    await child.ready;
    child.go();
    await child.result;
    const result = (await execute(
      url,
      `set search_path = "${schema}"; select (select avg(octet_length(payload)) from outbox)::float8 as payload, (select avg(octet_length(data)) from conversations)::float8 as data`,
    )) as unknown as pg.QueryResult[];
    const row = result[1]!.rows[0] as { payload: number; data: number };
    return { payloadBytes: row.payload, dataBytes: row.data };
  } finally {
    await execute(url, `drop schema if exists "${schema}" cascade`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rinde and the floor with each process count (the floor right before Rinde, so drift in the
 * machine's load touches both alike). `citizens` per process.
 */
export async function benchPostgresInbound(options: {
  url: string;
  processes: readonly number[];
  citizens: number;
}): Promise<PgInboundFigures[]> {
  const shape = await measureShape(options.url, Math.min(options.citizens, 100));
  const figures: PgInboundFigures[] = [];
  for (const processes of options.processes) {
    const floor = await runProcesses(options.url, "floor", processes, options.citizens, shape);
    const rinde = await runProcesses(options.url, "rinde", processes, options.citizens, shape);
    figures.push({ processes, rinde, floor });
  }
  return figures;
}
