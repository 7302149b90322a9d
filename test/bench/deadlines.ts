/**
 * The deadline sweep among 1,000,000 stored questions (issue: under 50 ms per sweep, using indexes).
 *
 * A temp database with the real migrations gets 1,000,000 questions over the profile's offices and
 * three years — 85 % answered, 15 % open with due dates from 20 days ago to 60 days ahead — and
 * their jobs: one done job per closed or already-escalated question, one pending alert per open
 * question not yet overdue (the chain of src/services/deadlines/jobs.ts), inserted with raw prepared
 * statements in one transaction. It is Monday 08:00, when a day's reminders fall due together.
 *
 * One sweep is what finds the due work: the scheduler's claim of a batch of due jobs, its look for
 * the next due time, and every office's due-soon and overdue counts and first items (the digest).
 * Each sweep runs in a transaction that is rolled back, so every repetition sees the same data.
 *
 *   npx tsx test/bench/deadlines.ts        # standalone; npm run bench calls benchDeadlineSweep()
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { resolveProfilePath } from "../../src/config/env.ts";
import { loadProfile } from "../../src/config/profile.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { toLocalDate } from "../../src/core/calendar/index.ts";
import { fromEpochDay, toEpochDay } from "../../src/core/calendar/local-date.ts";
import { openDb, type Db } from "../../src/db/client.ts";
import { createSqliteStore } from "../../src/db/sqlite/store.ts";
import { createScheduler, type Scheduler } from "../../src/delivery/scheduler.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/logger.ts";
import { createAppContext, type AppContext } from "../../src/services/context.ts";
import { DEADLINE_JOB_KINDS } from "../../src/services/deadlines/jobs.ts";
import { deadlineJobHandlers } from "../../src/services/deadlines/deadlines.ts";

/** Monday 16 March 2026, 08:00 in Bogotá: the morning's reminders are due. */
const NOW_MS = Date.parse("2026-03-16T08:00:00-05:00");
const DAY_MS = 86_400_000;
const TARGET_MS = 50;
const REPETITIONS = 30;

export interface DeadlineSweepResult {
  questions: number;
  /** Median wall time of one sweep, ms. */
  sweepMs: number;
  maxSweepMs: number;
  insertSeconds: number;
  pendingJobs: number;
  /** Jobs one sweep claimed (one batch). */
  claimedPerSweep: number;
  overdue: number;
  dueSoon: number;
  /** Every plan step of the sweep's queries on `jobs` and `questions` uses an index. */
  usesIndexes: boolean;
  plans: string[];
}

/** Deterministic pseudo-random numbers (mulberry32), so every run stores the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts `count` questions and their jobs with raw prepared statements, in one transaction. */
function fill(db: Db, offices: readonly string[], count: number): number {
  const sqlite = db.$client;
  const today = toEpochDay(toLocalDate(new Date(NOW_MS)));
  const rand = random(1755);
  const insertCitizen = sqlite.prepare(
    "insert into citizens (locale, consent, created_at_ms) values ('es', 'granted', ?)",
  );
  const insertQuestion = sqlite.prepare(
    `insert into questions (id, reference, citizen_id, office_key, request_type, status, text, channel, filed_at_ms, term_business_days, due_date, term_started_at_ms, updated_at_ms)
     values (?, ?, ?, ?, 'general', ?, ?, 'telegram', ?, 15, ?, ?, ?)`,
  );
  const insertJob = sqlite.prepare(
    "insert into jobs (key, kind, payload, status, run_at_ms, attempts, question_id, created_at_ms, finished_at_ms) values (?, ?, '{}', ?, ?, ?, ?, ?, ?)",
  );
  const citizens = 5000;
  let pending = 0;
  // A large page cache keeps the index B-trees in memory while a million rows go in.
  sqlite.pragma("cache_size = -524288");
  sqlite
    .transaction(() => {
      for (let c = 0; c < citizens; c++) insertCitizen.run(NOW_MS - 800 * DAY_MS);
      const perYear = Math.ceil(count / 3);
      for (let i = 0; i < count; i++) {
        const id = i + 1;
        const open = rand() < 0.15;
        // Open: due from 20 days ago to 60 days ahead; answered: due in the last three years.
        const dueDay = open ? today - 20 + Math.floor(rand() * 81) : today - 30 - Math.floor(rand() * 1000);
        const dueDate = fromEpochDay(dueDay);
        const filedAtMs = (dueDay - 21) * DAY_MS + 15 * 3_600_000;
        const year = 2024 + Math.floor(i / perYear);
        const reference = `RC-${year}-${String((i % perYear) + 1).padStart(6, "0")}`;
        insertQuestion.run(
          id,
          reference,
          (i % citizens) + 1,
          offices[i % offices.length]!,
          open ? "open" : "answered",
          `Pregunta de prueba ${id}`,
          filedAtMs,
          dueDate,
          filedAtMs,
          filedAtMs,
        );
        if (open && dueDay >= today) {
          // The next alert: a reminder a few days before the due date, at 08:00 (due now if that day came).
          const alertDay = Math.max(today, dueDay - [5, 2, 0][i % 3]!);
          insertJob.run(
            `deadline:q${id}:${dueDate}:r`,
            DEADLINE_JOB_KINDS.alert,
            "pending",
            alertDay * DAY_MS + 13 * 3_600_000,
            0,
            id,
            filedAtMs,
            null,
          );
          pending++;
        } else {
          insertJob.run(
            `deadline:q${id}:${dueDate}:overdue`,
            DEADLINE_JOB_KINDS.alert,
            "done",
            (dueDay + 1) * DAY_MS + 13 * 3_600_000,
            1,
            id,
            filedAtMs,
            (dueDay + 1) * DAY_MS + 13 * 3_600_000,
          );
        }
      }
    })
    .immediate();
  sqlite.pragma("analysis_limit = 1000");
  sqlite.exec("analyze");
  return pending;
}

interface SweepFigures {
  claimed: number;
  overdue: number;
  dueSoon: number;
}

/** One sweep: what is due now, and every office's due-soon and overdue questions. */
async function sweep(
  app: AppContext,
  scheduler: Scheduler,
  kinds: readonly string[],
  offices: readonly string[],
): Promise<SweepFigures> {
  const claimed = (await scheduler.claimDue()).length;
  await app.repos.jobs.nextDueMs(kinds);
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const through = app.calendar.addBusinessDays(today, app.profile.dueSoonBusinessDays);
  let overdue = 0;
  let dueSoon = 0;
  for (const office of offices) {
    const counts = await app.repos.questions.countDue(office, today, through);
    overdue += counts.overdue;
    dueSoon += counts.dueSoon;
    await app.repos.questions.dueThrough(office, through, 10);
  }
  return { claimed, overdue, dueSoon };
}

/**
 * Runs `work` in a transaction that is always rolled back (the claims must not stick between
 * repetitions). A raw SQLite transaction: the sweep's port calls run outside any store transaction,
 * so the store executes them at once, inside this one.
 */
async function rolledBack<T>(db: Db, work: () => Promise<T>): Promise<T> {
  db.$client.exec("begin immediate");
  try {
    return await work();
  } finally {
    db.$client.exec("rollback");
  }
}

/**
 * The query plans of one sweep's statements on `jobs` and `questions`, captured as they are
 * prepared. `ok` is false if any step reads one of those tables without an index.
 */
export async function sweepQueryPlans(
  db: Db,
  app: AppContext,
  scheduler: Scheduler,
  kinds: readonly string[],
  offices: readonly string[],
): Promise<{ ok: boolean; plans: string[] }> {
  const sqlite = db.$client;
  const seen: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    seen.push(source);
    return prepare(source);
  }) as typeof sqlite.prepare;
  try {
    await rolledBack(db, async () => await sweep(app, scheduler, kinds, offices));
  } finally {
    sqlite.prepare = prepare as typeof sqlite.prepare;
  }
  const plans: string[] = [];
  let ok = true;
  for (const source of new Set(seen)) {
    if (!/\b(jobs|questions)\b/.test(source)) continue;
    const params = (source.match(/\?/g) ?? []).map(() => 0);
    const steps = (prepare(`explain query plan ${source}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    plans.push(...steps);
    if (steps.some((d) => /^SCAN (jobs|questions)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d))) ok = false;
  }
  return { ok, plans };
}

export async function benchDeadlineSweep(options: { questions?: number } = {}): Promise<DeadlineSweepResult> {
  const questions = options.questions ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), "rinde-deadlines-bench-"));
  const db = openDb(join(dir, "deadlines.db"));
  try {
    const clock = createManualClock(NOW_MS);
    const store = createSqliteStore(db);
    const app = await createAppContext({
      store,
      db,
      clock,
      profile: loadProfile(resolveProfilePath("default")),
      translator: createTranslator(),
    });
    const offices = (await app.repos.offices.list()).filter((o) => o.active).map((o) => o.key);
    const handlers = deadlineJobHandlers(app);
    const kinds = Object.keys(handlers);
    const scheduler = createScheduler({
      store,
      repos: app.repos,
      clock,
      logger: silentLogger,
      workerId: "bench",
      handlers,
    });

    const insertStart = process.hrtime.bigint();
    const pendingJobs = fill(db, offices, questions);
    const insertSeconds = Number(process.hrtime.bigint() - insertStart) / 1e9;

    const { ok, plans } = await sweepQueryPlans(db, app, scheduler, kinds, offices);
    let figures: SweepFigures = { claimed: 0, overdue: 0, dueSoon: 0 };
    for (let i = 0; i < 3; i++) figures = await rolledBack(db, async () => await sweep(app, scheduler, kinds, offices)); // warm the page cache
    const samples: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      const start = process.hrtime.bigint();
      await rolledBack(db, async () => await sweep(app, scheduler, kinds, offices));
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    samples.sort((a, b) => a - b);
    return {
      questions,
      sweepMs: samples[Math.floor(samples.length / 2)]!,
      maxSweepMs: samples.at(-1)!,
      insertSeconds,
      pendingJobs,
      claimedPerSweep: figures.claimed,
      overdue: figures.overdue,
      dueSoon: figures.dueSoon,
      usesIndexes: ok,
      plans,
    };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const result = await benchDeadlineSweep();
  console.log(
    `Deadline sweep among ${result.questions.toLocaleString("en-US")} questions (${result.pendingJobs.toLocaleString("en-US")} pending jobs; inserted in ${result.insertSeconds.toFixed(1)} s)`,
  );
  console.log(
    `  one sweep: median ${result.sweepMs.toFixed(2)} ms, max ${result.maxSweepMs.toFixed(2)} ms over ${REPETITIONS} (target < ${TARGET_MS} ms): ${result.sweepMs < TARGET_MS ? "ok" : "MISS"}`,
  );
  console.log(
    `  found: ${result.claimedPerSweep} due jobs claimed (one batch), ${result.overdue.toLocaleString("en-US")} overdue and ${result.dueSoon.toLocaleString("en-US")} due-soon questions over all offices`,
  );
  console.log(`  indexes: ${result.usesIndexes ? "every step" : "MISSING on some step"}`);
  for (const plan of new Set(result.plans)) console.log(`    ${plan}`);
}
