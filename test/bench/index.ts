/**
 * `npm run bench`: Rinde's inbound throughput and latency against the raw-SQLite floor, at 1,000 and
 * 10,000 citizens, then the outbox drain rate and (when test/bench/routing.ts exists) the router.
 *
 *   npm run bench                         # 1,000 and 10,000 citizens
 *   npm run bench -- --citizens=500,2000  # other sizes
 *   npm run bench -- --no-dispatch        # skip the outbox drain
 *   npm run bench -- --rounds=5           # rounds of floor, Rinde, floor per size (default 3; fastest of each side reported)
 *   npm run bench -- --no-routing         # skip the router's figures
 *   npm run bench -- --no-deadlines       # skip one of the other benches (startup, deadlines, broadcast, telegram, public, backoffice)
 *   npm run bench -- backoffice public    # only the named sections (`inbound` names the SQLite inbound bench and its targets)
 *   npm run bench -- --no-postgres        # skip PostgreSQL (skipped anyway without RINDE_BENCH_DATABASE_URL / RINDE_TEST_DATABASE_URL)
 *   npm run bench -- --pg-processes=1,2,4 --pg-citizens=200   # PostgreSQL: process counts, citizens per process
 *   npm run bench -- --before=/tmp/bench-before   # also run the SQLite inbound bench of another checkout
 *       (e.g. `git worktree add --detach /tmp/bench-before c26725b`, node_modules symlinked) and compare
 *
 * Targets (issue): Rinde ≥ 0.5 of the floor, p99 ≤ 5 ms, throughput not falling as citizens grow
 * (judged against the floor's own ratio: SQLite slows as its tables grow; CPU per message raw).
 * PostgreSQL (issue 13): inbound msg/s with 1, 2 and 4 processes against a raw `pg` floor (figures, no target).
 * Misses are reported, not fatal; a failed correctness check (a reply or question missing) is.
 */
import { cpus, loadavg, totalmem, platform, release } from "node:os";
import { BenchCheckError, benchConversation, warmUp, type ConversationResult } from "./conversation.ts";
import { benchFloor, type FloorResult } from "./floor.ts";
import { compareBefore, type BeforeFigures } from "./before.ts";
import { benchPostgresInbound, postgresBenchUrl, type PgInboundFigures } from "./postgres.ts";

const TARGET_FRACTION = 0.5;
const TARGET_P99_MS = 5;
/**
 * Citizens of the warm-up (five messages each) through Rinde and the floor before anything is
 * measured: 300 (1,500 messages) left V8 still optimizing Rinde's code during the 1,000-citizen
 * run, whose CPU per message came out a third higher than the 10,000-citizen run's.
 */
const WARM_UP_CITIZENS = 1_000;
/**
 * Rounds of floor, Rinde, floor per size (`--rounds=N`). On this shared virtual machine identical
 * runs vary by ±15 % and a burst of noise lasting seconds slowed one side of a single round by up to
 * 45 % (CPU per message 341 → 495 µs within one process). Noise only ever slows a run down, so each
 * side is taken at its fastest round (the convention of Python's timeit) and every round is printed.
 */
const ROUNDS = Math.max(1, Number(argValue("rounds") ?? 3));
/** Seconds into the run after which the floor is no longer run a second time. */
const AFTER_FLOOR_CUTOFF_S = 300;

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const sizes = (argValue("citizens") ?? "1000,10000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const withDispatch = !process.argv.includes("--no-dispatch");

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => n.toFixed(3);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Sections named on the command line (`npm run bench -- backoffice`); none: all of them. */
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const cpu = cpus();
  console.log("Rinde bench");
  console.log(
    `  machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ${platform()} ${release()}`,
  );
  console.log(
    `  node ${process.version}, better-sqlite3 on a temp file (WAL, synchronous=NORMAL), one transaction per message`,
  );
  console.log(
    `  load average before the run: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")} (other work on this machine skews wall-clock figures; CPU µs/msg is steadier)`,
  );
  console.log(
    `  conversation per citizen: "hola" → consent "1" → question → "1" confirm office → "1" request type → radicado`,
  );
  console.log("");
  if (only.length > 0 && !only.includes("inbound")) {
    await extraBenches();
    return;
  }

  const warmStart = process.hrtime.bigint();
  const shape = await warmUp(WARM_UP_CITIZENS);
  benchFloor({ citizens: WARM_UP_CITIZENS, shape });
  console.log(
    `warm-up: ${fmt(WARM_UP_CITIZENS * 5)} messages through Rinde and the floor on throwaway databases (${fmt(Number(process.hrtime.bigint() - warmStart) / 1e6)} ms)`,
  );
  console.log(
    `row shape per step (avg bytes, reply payload / conversation data): ${shape.map((s, i) => `${i + 1}: ${fmt(s.payloadBytes)}/${fmt(s.dataBytes)}`).join(", ")}`,
  );
  console.log("");

  const results: { rinde: ConversationResult; floor: FloorResult }[] = [];
  for (const citizens of sizes) {
    // The floor runs right before and right after Rinde and the two are pooled, so drift in the
    // machine's load or disk during the Rinde run affects both sides alike.
    // On a machine so busy that the run is already long, the second floor run is skipped (the
    // inbound section takes about three minutes on a quiet machine).
    const rounds: { rinde: ConversationResult; floor: FloorResult; fraction: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = benchFloor({ citizens, shape });
      const rinde = await benchConversation({ citizens, dispatch: withDispatch, tag: `r${citizens}-${round}` });
      const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
      const after = elapsedS < AFTER_FLOOR_CUTOFF_S ? benchFloor({ citizens, shape }) : undefined;
      const floor = after ? poolFloor(before, after) : before;
      const fraction = rinde.messagesPerSecond / floor.messagesPerSecond;
      rounds.push({ rinde, floor, fraction });
      const floorRuns = after
        ? `${fmt(before.messagesPerSecond)} / ${fmt(after.messagesPerSecond)} msg/s before / after`
        : `${fmt(before.messagesPerSecond)} msg/s (before only: the run is long, the after run was skipped)`;
      console.log(
        `  ${fmt(citizens)} citizens${ROUNDS > 1 ? ` (round ${round + 1} of ${ROUNDS})` : ""}: Rinde ${fmt(rinde.messagesPerSecond)} msg/s (p99 ${ms(rinde.p99Ms)} ms, CPU ${fmt(rinde.cpuMicrosPerMessage)} µs/msg), floor ${floorRuns} → ${fraction.toFixed(2)} of the floor; ${fmt(rinde.questionsFiled)} questions filed, every reply checked`,
      );
    }
    const fastest = <T extends { messagesPerSecond: number }>(runs: T[]) =>
      runs.reduce((best, run) => (run.messagesPerSecond > best.messagesPerSecond ? run : best));
    const rinde = fastest(rounds.map((r) => r.rinde));
    const floor = fastest(rounds.map((r) => r.floor));
    if (ROUNDS > 1)
      console.log(
        `  ${fmt(citizens)} citizens: rounds ${rounds.map((r) => r.fraction.toFixed(2)).join(", ")} of the floor; each side at its fastest round: ${fmt(rinde.messagesPerSecond)} / ${fmt(floor.messagesPerSecond)} msg/s → ${(rinde.messagesPerSecond / floor.messagesPerSecond).toFixed(2)} (reported below)`,
      );
    results.push({ rinde, floor });
  }
  console.log("");

  console.log(
    "Inbound (handler: dedup + citizen + engine + actions + conversation + outbox, one transaction per message)",
  );
  console.log(
    table(
      [
        "citizens",
        "messages",
        "Rinde msg/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "floor msg/s",
        "floor p50",
        "floor p99",
        "fraction",
        "peak RSS MB",
      ],
      results.map(({ rinde, floor }) => [
        fmt(rinde.citizens),
        fmt(rinde.messages),
        fmt(rinde.messagesPerSecond),
        ms(rinde.p50Ms),
        ms(rinde.p99Ms),
        ms(rinde.maxMs),
        fmt(floor.messagesPerSecond),
        ms(floor.p50Ms),
        ms(floor.p99Ms),
        (rinde.messagesPerSecond / floor.messagesPerSecond).toFixed(2),
        fmt(rinde.peakRssMb, 1),
      ]),
    ),
  );
  console.log("");
  console.log("CPU per message (user + system, all threads) and GC");
  console.log(
    table(
      [
        "citizens",
        "Rinde CPU µs/msg",
        "floor CPU µs/msg",
        "CPU fraction",
        "Rinde GC ms",
        "GC % of loop",
        "preemptions/s Rinde / floor",
      ],
      results.map(({ rinde, floor }) => [
        fmt(rinde.citizens),
        fmt(rinde.cpuMicrosPerMessage),
        fmt(floor.cpuMicrosPerMessage),
        (floor.cpuMicrosPerMessage / rinde.cpuMicrosPerMessage).toFixed(2),
        fmt(rinde.gcMs),
        `${((100 * rinde.gcMs) / 1000 / rinde.seconds).toFixed(1)} %`,
        `${fmt(rinde.involuntaryContextSwitches / rinde.seconds)} / ${fmt(floor.involuntaryContextSwitches / floor.seconds)}`,
      ]),
    ),
  );
  console.log("");
  const STEP_NAMES = ['1 "hola" → notice', '2 "1" → consent', "3 question → route", '4 "1" → confirm', '5 "1" → file'];
  console.log("Rinde latency per conversation step (ms)");
  console.log(
    table(
      ["step", ...results.flatMap(({ rinde }) => [`${fmt(rinde.citizens)}: mean`, "p50", "p99"])],
      STEP_NAMES.map((name, i) => [
        name,
        ...results.flatMap(({ rinde }) => [
          ms(rinde.perStep[i]!.meanMs),
          ms(rinde.perStep[i]!.p50Ms),
          ms(rinde.perStep[i]!.p99Ms),
        ]),
      ]),
    ),
  );
  console.log("");

  if (withDispatch) {
    console.log(
      "Outbox drain (real dispatcher, in-memory channel, default batch of 100; drained after each round, so the backlog is one reply per citizen)",
    );
    console.log(
      table(
        ["citizens", "rows", "seconds", "rows/s", "peak RSS MB"],
        results.map(({ rinde }) => [
          fmt(rinde.citizens),
          fmt(rinde.dispatch.rows),
          rinde.dispatch.seconds.toFixed(2),
          fmt(rinde.dispatch.rowsPerSecond),
          fmt(rinde.dispatch.peakRssMb, 1),
        ]),
      ),
    );
    console.log("");
  }

  const pgFigures = await postgresSection();
  const before = argValue("before") ? await compareBefore(argValue("before")!, sizes) : undefined;
  if (before) printBefore(before, results);

  await extraBenches();

  console.log("Targets");
  for (const { rinde, floor } of results) {
    const fraction = rinde.messagesPerSecond / floor.messagesPerSecond;
    const verdict = (ok: boolean) => (ok ? "ok  " : "MISS");
    console.log(
      `  ${verdict(fraction >= TARGET_FRACTION)} ${fmt(rinde.citizens)} citizens: ${fraction.toFixed(2)} of the floor (target ≥ ${TARGET_FRACTION})`,
    );
    console.log(
      `  ${verdict(rinde.p99Ms <= TARGET_P99_MS)} ${fmt(rinde.citizens)} citizens: p99 ${ms(rinde.p99Ms)} ms (target ≤ ${TARGET_P99_MS} ms)`,
    );
  }
  if (results.length >= 2) {
    const first = results[0]!.rinde;
    const last = results[results.length - 1]!.rinde;
    const ratio = last.messagesPerSecond / first.messagesPerSecond;
    const floorRatio = results[results.length - 1]!.floor.messagesPerSecond / results[0]!.floor.messagesPerSecond;
    // "Not falling" asks whether Rinde's own work grows with the number of citizens (a scan where an
    // index should be). SQLite itself slows as its tables and indexes deepen (the floor, same
    // statements, lost 12–15 % from 1,000 to 10,000 citizens on 05-12-2026), so Rinde's ratio is
    // judged against the floor's: within 10 % of it counts, run-to-run noise being about that.
    const relative = ratio / floorRatio;
    console.log(
      `  ${relative >= 0.9 ? "ok  " : "MISS"} throughput at ${fmt(last.citizens)} vs ${fmt(first.citizens)} citizens: ${ratio.toFixed(2)}×, the floor ${floorRatio.toFixed(2)}× → ${relative.toFixed(2)} of the floor's (target: not falling more than SQLite itself, ≥ 0.90 allowing for noise)`,
    );
    // The same question in CPU time, which other load on the machine disturbs much less.
    const cpuRatio = first.cpuMicrosPerMessage / last.cpuMicrosPerMessage;
    console.log(
      `  ${cpuRatio >= 0.9 ? "ok  " : "MISS"} CPU per message at ${fmt(last.citizens)} vs ${fmt(first.citizens)} citizens: ${fmt(last.cpuMicrosPerMessage)} vs ${fmt(first.cpuMicrosPerMessage)} µs (${cpuRatio.toFixed(2)}× the throughput by CPU time)`,
    );
  }
  if (before) {
    for (const { rinde, floor } of results) {
      const was = before.rows.find((row) => row.citizens === rinde.citizens);
      if (!was) continue;
      const fraction = rinde.messagesPerSecond / floor.messagesPerSecond;
      console.log(
        `  ${fraction >= TARGET_FRACTION ? "ok  " : "MISS"} ${fmt(rinde.citizens)} citizens after the ports change: ${fraction.toFixed(2)} of the floor (before, ${before.label}: ${was.fraction.toFixed(2)}; target ≥ ${TARGET_FRACTION})`,
      );
    }
  }
  for (const { processes, rinde, floor } of pgFigures) {
    console.log(
      `  info PostgreSQL, ${processes} process${processes === 1 ? "" : "es"}: Rinde ${fmt(rinde.messagesPerSecond)} msg/s, ${(rinde.messagesPerSecond / floor.messagesPerSecond).toFixed(2)} of the raw pg floor (no target)`,
    );
  }
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log("");
  console.log(
    `process peak RSS ${fmt(maxRssMb, 1)} MB; total bench time ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`,
  );
}

/** The PostgreSQL inbound bench (test/bench/postgres.ts), unless skipped or no server is configured. */
async function postgresSection(): Promise<PgInboundFigures[]> {
  if (process.argv.includes("--no-postgres")) return [];
  const url = postgresBenchUrl();
  if (!url) {
    console.log("PostgreSQL inbound: skipped (set RINDE_BENCH_DATABASE_URL or RINDE_TEST_DATABASE_URL)\n");
    return [];
  }
  const processes = (argValue("pg-processes") ?? "1,2,4")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const citizens = Number(argValue("pg-citizens") ?? 200);
  const figures = await benchPostgresInbound({ url, processes, citizens });
  const where = new URL(url);
  console.log(
    `PostgreSQL inbound (real handler, one transaction per message; N OS processes on one database at ${where.hostname}:${where.port || 5432}${where.pathname}, ${fmt(citizens)} citizens × ${5} messages each, awaited one after the other)`,
  );
  console.log(
    `  floor: the same statements through plain node-postgres, one client per process, BEGIN … COMMIT per message`,
  );
  console.log(
    table(
      [
        "processes",
        "messages",
        "Rinde msg/s",
        "worst p50 ms",
        "worst p99 ms",
        "floor msg/s",
        "floor p50",
        "floor p99",
        "fraction",
        "Rinde CPU µs/msg",
        "floor CPU µs/msg",
      ],
      figures.map(({ processes, rinde, floor }) => [
        String(processes),
        fmt(rinde.messages),
        fmt(rinde.messagesPerSecond),
        ms(rinde.p50Ms),
        ms(rinde.p99Ms),
        fmt(floor.messagesPerSecond),
        ms(floor.p50Ms),
        ms(floor.p99Ms),
        (rinde.messagesPerSecond / floor.messagesPerSecond).toFixed(2),
        fmt(rinde.cpuMicrosPerMessage),
        fmt(floor.cpuMicrosPerMessage),
      ]),
    ),
  );
  console.log("");
  return figures;
}

/** The other checkout's SQLite inbound figures next to this one's. */
function printBefore(before: BeforeFigures, results: { rinde: ConversationResult; floor: FloorResult }[]): void {
  console.log(
    `SQLite inbound before and after (before: ${before.label}, run just now in a child process; after: this checkout; CPU fraction = floor CPU / Rinde CPU per message)`,
  );
  console.log(
    table(
      [
        "citizens",
        "before msg/s",
        "before floor",
        "before fraction",
        "after msg/s",
        "after floor",
        "after fraction",
        "CPU µs/msg before / after",
        "CPU fraction before / after",
      ],
      results.map(({ rinde, floor }) => {
        const was = before.rows.find((row) => row.citizens === rinde.citizens);
        return [
          fmt(rinde.citizens),
          was ? fmt(was.messagesPerSecond) : "—",
          was ? fmt(was.floorMessagesPerSecond) : "—",
          was ? was.fraction.toFixed(2) : "—",
          fmt(rinde.messagesPerSecond),
          fmt(floor.messagesPerSecond),
          (rinde.messagesPerSecond / floor.messagesPerSecond).toFixed(2),
          `${was ? fmt(was.cpuMicrosPerMessage) : "—"} / ${fmt(rinde.cpuMicrosPerMessage)}`,
          `${was ? (was.floorCpuMicrosPerMessage / was.cpuMicrosPerMessage).toFixed(2) : "—"} / ${(floor.cpuMicrosPerMessage / rinde.cpuMicrosPerMessage).toFixed(2)}`,
        ];
      }),
    ),
  );
  console.log("");
}

/** Two floor runs of the same size as one: messages over total time, p50/p99 averaged, the larger max. */
function poolFloor(a: FloorResult, b: FloorResult): FloorResult {
  const messages = a.messages + b.messages;
  const seconds = a.seconds + b.seconds;
  return {
    citizens: a.citizens,
    messages: a.messages,
    seconds,
    messagesPerSecond: messages / seconds,
    cpuMicrosPerMessage: (a.cpuMicrosPerMessage + b.cpuMicrosPerMessage) / 2,
    involuntaryContextSwitches: a.involuntaryContextSwitches + b.involuntaryContextSwitches,
    p50Ms: (a.p50Ms + b.p50Ms) / 2,
    p99Ms: (a.p99Ms + b.p99Ms) / 2,
    maxMs: Math.max(a.maxMs, b.maxMs),
  };
}

/**
 * Other benches in this folder, each owned by its own file and loaded only if present, so this
 * bench still runs without them. All run by default (about 2 minutes in all on a quiet machine);
 * `--no-<name>` skips one.
 */
const EXTRA_BENCHES = [
  { name: "startup", file: "./startup.ts", fn: "benchStartup", byDefault: true },
  { name: "routing", file: "./routing.ts", fn: "benchRouting", byDefault: true },
  { name: "deadlines", file: "./deadlines.ts", fn: "benchDeadlineSweep", byDefault: true },
  { name: "broadcast", file: "./broadcast.ts", fn: "benchBroadcast", byDefault: true },
  { name: "telegram", file: "./telegram.ts", fn: "benchTelegram", byDefault: true },
  { name: "public", file: "./public.ts", fn: "benchPublic", byDefault: true },
  { name: "backoffice", file: "./backoffice.ts", fn: "benchBackOffice", byDefault: true },
] as const;

async function extraBenches(): Promise<void> {
  const wanted = new Set(
    (argValue("with") ?? "")
      .split(",")
      .map((w) => w.trim())
      .filter(Boolean),
  );
  const unknown = only.filter((name) => name !== "inbound" && !EXTRA_BENCHES.some((extra) => extra.name === name));
  if (unknown.length > 0)
    console.log(
      `unknown section ${unknown.join(", ")}: the sections are inbound, ${EXTRA_BENCHES.map((e) => e.name).join(", ")}\n`,
    );
  for (const extra of EXTRA_BENCHES) {
    const selected =
      only.length > 0
        ? only.includes(extra.name)
        : wanted.has("all") ||
          wanted.has(extra.name) ||
          (extra.byDefault && !process.argv.includes(`--no-${extra.name}`));
    if (!selected) continue;
    const label = `test/bench/${extra.file.slice(2)}`;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(extra.file)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      console.log(
        code === "ERR_MODULE_NOT_FOUND"
          ? `${extra.name}: ${label} not present, skipped\n`
          : `${extra.name}: could not load ${label} (${(error as Error).message.split("\n")[0]})\n`,
      );
      continue;
    }
    const run = mod[extra.fn];
    if (typeof run !== "function") {
      console.log(`${extra.name}: ${label} does not export ${extra.fn}(), skipped\n`);
      continue;
    }
    try {
      const figures = (await (run as () => Promise<Record<string, unknown>>)()) ?? {};
      console.log(`${extra.name[0]!.toUpperCase()}${extra.name.slice(1)} (${label})`);
      for (const [key, value] of Object.entries(figures)) console.log(`  ${key}: ${showValue(value)}`);
    } catch (error) {
      console.log(`${extra.name}: ${extra.fn}() failed: ${(error as Error).message}`);
    }
    console.log("");
  }
}

function showValue(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? fmt(value) : fmt(value, Math.abs(value) < 10 ? 3 : 1);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof BenchCheckError) process.stderr.write(`\nbench check failed: ${error.message}\n`);
    else process.stderr.write(`\nbench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
