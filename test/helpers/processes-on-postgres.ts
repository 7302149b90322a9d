/**
 * Several Rinde runtimes standing for separate processes on one fresh PostgreSQL schema, WhatsApp
 * enabled: for tests of what one process sees of another's channel (the bot's process holds the
 * socket, the back-office's process shows its state or asks it to unlink). Call inside a `describe`:
 * it registers the cleanup (runtimes closed, schema dropped, folder removed) after each test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { freshSchema, url } from "./postgres.ts";
import { sharedRouterFactory } from "./shared-router.ts";

export interface ProcessesOnOneSchema {
  /** The clock every runtime shares. */
  clock: ReturnType<typeof createManualClock>;
  /** One more "process" on the schema. */
  open(): Promise<Runtime>;
}

/** Returns the function each test calls to get a fresh schema and its processes. */
export function processesOnOneSchema(dirPrefix: string): () => Promise<ProcessesOnOneSchema> {
  const runtimes: Runtime[] = [];
  let drop: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
    await drop?.();
    drop = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return async () => {
    const schema = await freshSchema();
    drop = schema.drop;
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    const address = new URL(url!);
    address.searchParams.set("schema", schema.schema);
    const env = loadEnv({
      DATABASE_URL: address.toString(),
      RINDE_DB: join(dir, "rinde.db"),
      RINDE_PROFILE: "default",
      WHATSAPP_ENABLED: "1",
    });
    const clock = createManualClock(Date.UTC(2026, 2, 2, 15));
    return {
      clock,
      async open() {
        const runtime = await createRuntime({ env, clock, routerFactory: sharedRouterFactory });
        runtimes.push(runtime);
        return runtime;
      },
    };
  };
}
