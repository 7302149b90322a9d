/**
 * A second bot process for the two-process scheduler test: opens the database given on the command
 * line at a fixed instant, prints "ready", waits for a line on stdin (so two workers start together),
 * runs the due deadline jobs in small batches and prints how many it ran. DATABASE_URL in its
 * environment puts it on that PostgreSQL schema instead (test/helpers/storage.ts).
 *   tsx test/integration/deadlines-worker.ts <db file> <now ms> <worker id>
 */
import { once } from "node:events";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createScheduler } from "../../src/delivery/scheduler.ts";
import { silentLogger } from "../../src/logger.ts";
import { createRuntime } from "../../src/runtime.ts";
import { deadlineJobHandlers } from "../../src/services/deadlines/deadlines.ts";

const [dbPath, nowMs, workerId] = process.argv.slice(2);
const runtime = await createRuntime({
  env: loadEnv({
    RINDE_DB: dbPath!,
    RINDE_PROFILE: "default",
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  }),
  clock: createManualClock(Number(nowMs)),
});
const scheduler = createScheduler({
  store: runtime.store,
  repos: runtime.app.repos,
  clock: runtime.app.clock,
  logger: silentLogger,
  workerId: workerId!,
  handlers: deadlineJobHandlers(runtime.app),
  batchSize: 3,
});
process.stdout.write("ready\n");
process.stdin.setEncoding("utf8");
await once(process.stdin, "data");
const done = await scheduler.tick();
await runtime.close();
process.stdout.write(`${done}\n`);
