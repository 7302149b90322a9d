/**
 * Helpers shared by the integration scenarios: Bogotá wall-clock instants, running the due jobs,
 * reading what was sent or queued, and capturing what a CLI command prints.
 */
import type { Harness } from "./harness.ts";
import { sqlRows } from "./storage.ts";

/** An instant given as a Bogotá wall-clock time (UTC−5, no daylight saving). */
export const bogota = (date: string, time = "08:00") => Date.parse(`${date}T${time}:00-05:00`);

/** Moves the clock to a Bogotá time, runs the due jobs and delivers what they queued. */
export async function runAt(h: Harness, date: string, time = "08:00"): Promise<void> {
  h.clock.setMs(bogota(date, time));
  await h.bot.scheduler.tick();
  await h.bot.dispatcher.tick();
}

/** Texts sent to an address (in this process since the last restart) that contain `fragment`. */
export function textsTo(h: Harness, address: string, fragment: string): string[] {
  return h.channel
    .to(address)
    .map((m) => m.text)
    .filter((t) => t.includes(fragment));
}

/** Outbox rows ever queued (across restarts) whose idempotency key starts with `prefix`. */
export async function outboxKeys(h: Harness, prefix: string): Promise<string[]> {
  const rows = await sqlRows<{ k: string }>(
    h.runtime,
    "select idempotency_key k from outbox where idempotency_key like ? order by id",
    [`${prefix}%`],
  );
  return rows.map((r) => r.k);
}

/** Runs `work` and returns what it wrote to stdout (the CLI commands print there). */
export async function captureStdout(work: () => Promise<void> | void): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await work();
  } finally {
    process.stdout.write = original;
  }
  return out;
}
