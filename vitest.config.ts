import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // PostgreSQL runs (RINDE_TEST_DATABASE_URL, test/helpers/storage.ts): stale schemas swept once,
    // each file's schemas dropped after it.
    globalSetup: ["test/helpers/global-setup.ts"],
    setupFiles: ["test/helpers/setup.ts"],
    pool: "forks",
    // Test files run one after another in the same worker process instead of one fresh process each:
    // every fresh process loaded the application's modules again and trained its own routing model
    // (test/helpers/shared-router.ts), about half of the suite's CPU time. Nothing a file leaves in
    // a module matters to the next: tests build their own runtimes, databases and clocks, and close
    // them (and the shared routing model is only read).
    isolate: false,
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core machines
    // this runs on, which left a core idle while tests waited on SQLite, timers and child processes.
    maxWorkers: Math.max(2, availableParallelism()),
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 20_000,
  },
});
