/**
 * Several Rinde processes on one PostgreSQL database (issue 13), with three real OS processes
 * (test/integration/multiproc-child.ts runs the real bot in each):
 * - radicados and commitment numbers stay unique while all three file at once;
 * - kill -9 of one process mid-broadcast to 5,000 recipients, while a send of it has reached the
 *   channel and hangs (not recorded): every recipient gets the message exactly once, and that send
 *   is `uncertain` (counted and reported) and never repeated by the survivors;
 * - the killed process held the single-consumer ingress lock: a survivor takes it within 10 s;
 * - the two surviving schedulers share 600 jobs due at once and no job fires twice.
 * Skipped without RINDE_TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv, PROJECT_ROOT } from "../../src/config/env.ts";
import type { Clock } from "../../src/core/clock.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { announcementProgress, createAnnouncement } from "../../src/services/events/announcements.ts";
import { freshSchema, postgresAvailable, url } from "../helpers/postgres.ts";
import { bogota } from "./events-helpers.ts";
import { childScript } from "../helpers/child-script.ts";

const CHILD = join(PROJECT_ROOT, "test/integration/multiproc-child.ts");
/** CHILD bundled into JavaScript (test/helpers/child-script.ts): node starts it without tsx. */
let childJs: string;
const RECIPIENTS = 5_000;
const PROBE_JOBS = 600;
const NUMBERS_EACH = 15;
/** Deliveries of the process to kill before its next send hangs: well inside its share of the broadcast. */
const KILL_AFTER = 350;

interface Child {
  name: string;
  process: ChildProcess;
  out: string;
  jobsOut: string;
  /** Lines printed so far, and a wait for the next one matching. */
  lines: string[];
  /** The end of what it wrote on stderr (its warnings and errors). */
  stderrTail(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  send(command: string): void;
  exited: Promise<number | null>;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

/** What the processes were doing, for a timeout's message: a wait that fails says why. */
let diagnose: () => Promise<string> = async () => "";

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\n${await diagnose()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!postgresAvailable)("three Rinde processes on one PostgreSQL database (chaos)", () => {
  beforeAll(async () => {
    childJs = await childScript(CHILD);
  }, 60_000);
  let dir: string;
  let schema: { schema: string; drop(): Promise<void> };
  let databaseUrl: string;
  let runtime: Runtime;
  let admin: pg.Client;
  const children: Child[] = [];
  // Every process reads one clock: a Tuesday 10:00 in Bogotá (outside quiet hours), running in real time.
  const offsetMs = bogota("2026-03-03", "10:00") - Date.now();
  const clock: Clock = { nowMs: () => Date.now() + offsetMs };

  function spawnChild(name: string): Child {
    const out = join(dir, `${name}.out`);
    const jobsOut = join(dir, `${name}.jobs`);
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      RINDE_DB: join(dir, "rinde.db"),
      RINDE_PROFILE: "default",
      RINDE_LOG_LEVEL: "warn",
      // Three processes beside other test files on one server (max_connections 100 by default).
      RINDE_DB_POOL_SIZE: "4",
      CHAOS_OUT: out,
      CHAOS_JOBS_OUT: jobsOut,
      CHAOS_WORKER: name,
      CHAOS_CLOCK_OFFSET_MS: String(offsetMs),
      CHAOS_RATE: "1000",
    };
    // node itself, not a wrapper: SIGKILL must reach the bot's own process.
    const child = spawn(process.execPath, [childJs], {
      env,
      cwd: PROJECT_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin!.on("error", () => {});
    const seen: string[] = [];
    const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
    createInterface({ input: child.stdout! }).on("line", (line) => {
      seen.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.pattern.test(line)) waiter.resolve(line);
        else waiters.push(waiter);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    void exited.then((code) => {
      if (code !== 0 && code !== null) process.stderr.write(`${name} exited ${code}: ${stderr}\n`);
    });
    const handle: Child = {
      name,
      process: child,
      out,
      jobsOut,
      lines: seen,
      stderrTail: () => stderr.slice(-1500),
      waitFor(pattern, timeoutMs = 60_000) {
        const found = seen.find((line) => pattern.test(line));
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(new Error(`${name}: no line ${pattern} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)),
            timeoutMs,
          );
          waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
          void exited.then((code) =>
            reject(new Error(`${name} exited (${code}) before ${pattern}; stderr: ${stderr.slice(-2000)}`)),
          );
        });
      },
      send: (command) => void child.stdin!.write(`${command}\n`),
      exited,
    };
    children.push(handle);
    return handle;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-chaos-"));
    schema = await freshSchema();
    const withSchema = new URL(url!);
    withSchema.searchParams.set("schema", schema.schema);
    // The processes killed here are Rinde's, never the server: commits need not wait for the disk
    // (visibility and locking are the same), which makes the 5,000 sends about ten times faster.
    withSchema.searchParams.set("options", "-c synchronous_commit=off");
    databaseUrl = withSchema.toString();
    runtime = await createRuntime({
      env: loadEnv({ DATABASE_URL: databaseUrl, RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" }),
      clock,
    });
    admin = new pg.Client({ connectionString: url, options: `-c search_path=${schema.schema}` });
    await admin.connect();
    // The recipients: consent granted, a memory-channel address each (c<id>), subscribed to everything.
    await admin.query(
      `with c as (insert into citizens (locale, consent, created_at_ms) select 'es', 'granted', $1 from generate_series(1, $2) returning id),
            i as (insert into channel_identities (citizen_id, channel, address, created_at_ms) select id, 'memory', 'c' || id, $1 from c)
       insert into subscriptions (citizen_id, kind, key, created_at_ms) select id, 'all', '', $1 from c`,
      [clock.nowMs(), RECIPIENTS],
    );
    diagnose = async () => {
      const outbox = await admin.query<{ status: string; n: string }>(
        "select status, count(*) as n from outbox group by status order by status",
      );
      const connections = await admin.query<{ n: string }>("select count(*) as n from pg_stat_activity");
      return [
        `outbox: ${outbox.rows.map((r) => `${r.status} ${r.n}`).join(", ")}; server connections: ${connections.rows[0]!.n}`,
        ...children.map(
          (child) =>
            `${child.name}: delivered ${lines(child.out).length}, exit ${child.process.exitCode ?? child.process.signalCode ?? "running"}, ` +
            `stdout ${JSON.stringify(child.lines.slice(-3))}, stderr ${JSON.stringify(child.stderrTail())}`,
        ),
      ].join("\n");
    };
    for (const name of ["p1", "p2", "p3"]) spawnChild(name);
    await Promise.all(children.map((child) => child.waitFor(/^READY$/, 90_000)));
  }, 120_000);

  afterAll(async () => {
    for (const child of children)
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
    await admin?.end();
    await runtime?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "radicados and commitment numbers are unique while three processes file at once",
    { timeout: 60_000 },
    async () => {
      children.forEach((child, i) => child.send(`numbers ${1 + i * NUMBERS_EACH} ${NUMBERS_EACH}`));
      await Promise.all(children.map((child) => child.waitFor(/^NUMBERS$/)));
      const total = NUMBERS_EACH * children.length;
      const references = (await admin.query<{ reference: string }>("select reference from questions")).rows.map(
        (r) => r.reference,
      );
      expect(references).toHaveLength(total);
      expect(new Set(references).size).toBe(total);
      const numbers = (
        await admin.query<{ number: number }>("select number from commitments order by number")
      ).rows.map((r) => r.number);
      expect(numbers).toHaveLength(total);
      expect(new Set(numbers).size).toBe(total);
      // Gap-tolerant, not gap-making: nothing rolled back here, so the numbers are 1…total.
      expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    },
  );

  it(
    "kill -9 of the ingress holder mid-broadcast: every recipient once (the uncertain send counted, never repeated), the ingress taken over within 10 s, and two schedulers fire no job twice",
    { timeout: 120_000 },
    async () => {
      const holders = children.filter((child) => child.lines.some((line) => line.startsWith("INGRESS ")));
      expect(holders).toHaveLength(1);
      const victim = holders[0]!;
      const survivors = children.filter((child) => child !== victim);

      const createdAtMs = Date.now();
      const created = await createAnnouncement(
        runtime.app,
        { kind: "cli" },
        { text: "Audiencia pública de rendición de cuentas el martes 10 de marzo", segment: { kind: "everyone" } },
      );
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const announcementId = created.announcement.id;
      await until(
        () => children.every((child) => lines(child.out).length > 0),
        "every process delivering (woken by NOTIFY or its poll)",
      );
      const allSendingMs = Date.now() - createdAtMs;
      await until(() => lines(victim.out).length >= KILL_AFTER, `${victim.name} to deliver ${KILL_AFTER}`);
      // Its next send reaches the channel and hangs before "sent" is recorded: the window a kill can hit.
      victim.send("stall");
      const inFlight = (await victim.waitFor(/^STALLED /)).split(" ")[1]!;

      victim.process.kill("SIGKILL");
      const killedAtMs = Date.now();
      expect(await victim.exited).toBeNull();
      const takeover = await Promise.race(survivors.map((child) => child.waitFor(/^INGRESS /, 15_000)));
      const takeoverMs = Number(takeover.split(" ")[1]) - killedAtMs;
      expect(takeoverMs).toBeLessThan(10_000);
      expect(survivors.filter((child) => child.lines.some((line) => line.startsWith("INGRESS ")))).toHaveLength(1);

      // Two schedulers left: jobs due at once, planned while the broadcast goes on.
      const nowMs = clock.nowMs();
      await runtime.store.withTransaction(async (tx) => {
        for (let i = 0; i < PROBE_JOBS; i++)
          await tx.jobs.plan({ key: `chaos.probe:${i}`, kind: "chaos.probe", runAtMs: nowMs }, nowMs);
      });

      await until(
        async () => (await announcementProgress(runtime.app, announcementId)).queued === 0,
        "the broadcast to finish",
        90_000,
      );
      await until(
        async () =>
          (await admin.query("select 1 from jobs where kind = 'chaos.probe' and status <> 'done' limit 1")).rowCount ===
          0,
        "the probe jobs",
        60_000,
      );

      // The broadcast: who got it how often, from the files every send was written to before it returned.
      const deliveries = children.flatMap((child) => lines(child.out));
      const counts = new Map<string, number>();
      for (const address of deliveries) counts.set(address, (counts.get(address) ?? 0) + 1);
      const duplicates = [...counts.values()].filter((n) => n > 1).length;
      const progress = await announcementProgress(runtime.app, announcementId);
      const uncertain = (
        await admin.query<{ address: string }>(
          "select address from outbox where status = 'uncertain' and idempotency_key like $1",
          [`ann:${announcementId}:%`],
        )
      ).rows.map((r) => r.address);
      const uncertainDelivered = uncertain.filter((address) => counts.has(address)).length;
      const neverReached = RECIPIENTS - counts.size;
      const victimDelivered = lines(victim.out).length;
      process.stdout.write(
        `chaos: ${RECIPIENTS} recipients, 3 processes, ${victim.name} killed after ${victimDelivered} of its sends; ` +
          `all three sending ${allSendingMs} ms after the announcement; ingress taken over in ${takeoverMs} ms; ` +
          `delivered once ${[...counts.values()].filter((n) => n === 1).length}, duplicates ${duplicates}, ` +
          `uncertain ${uncertain.length} (reached the channel unrecorded: ${uncertainDelivered}, never reached: ${neverReached}); ` +
          `probe jobs fired ${survivors.map((child) => `${child.name} ${lines(child.jobsOut).length}`).join(", ")}\n`,
      );
      expect(duplicates).toBe(0);
      expect(progress).toMatchObject({ total: RECIPIENTS, queued: 0, failed: 0, unreachable: 0 });
      expect(progress.sent + progress.uncertain).toBe(RECIPIENTS);
      // One process sends one row at a time: only its send in flight is uncertain, and it reached
      // the channel once; a survivor found its attempt mark and did not send it again.
      expect(uncertain).toEqual([inFlight]);
      expect(progress.uncertain).toBe(1);
      expect(counts.get(inFlight)).toBe(1);
      expect(neverReached).toBe(0);

      // The jobs: every one fired once, by one of the two survivors, and both took part.
      const fired = survivors.flatMap((child) => lines(child.jobsOut));
      expect(lines(victim.jobsOut)).toEqual([]);
      expect(fired).toHaveLength(PROBE_JOBS);
      expect(new Set(fired).size).toBe(PROBE_JOBS);
      expect(survivors.every((child) => lines(child.jobsOut).length > 0)).toBe(true);

      for (const child of survivors) child.send("quit");
      expect(await Promise.all(survivors.map((child) => child.exited))).toEqual([0, 0]);
    },
  );
});
