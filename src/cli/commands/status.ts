import { createChannelStateRepo } from "../../db/repositories/channel-state.ts";
import type { Runtime } from "../../runtime.ts";
import { parse } from "../args.ts";
import { printJson, table } from "../output.ts";

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Outbox priorities (src/db/schema.ts outbox.priority): lower goes first. */
const PRIORITY_NAMES: Record<number, string> = { 0: "replies", 1: "bulk" };

/**
 * Delivery and configuration state, for operators: the outbox by channel and status, what is still
 * waiting by priority (replies before bulk) with the oldest due time, the scheduler's jobs by kind
 * and status with the next run of the pending ones, and the channels' connection states.
 */
export function runStatus(runtime: Runtime, args: string[]): void {
  const { values } = parse(args, { json: { type: "boolean" } });
  const { app, env } = runtime;
  const outbox = app.repos.outbox.stats();
  const outboxPending = app.repos.outbox.pendingByPriority().map((row) => ({
    channel: row.channel,
    priority: row.priority,
    kind: PRIORITY_NAMES[row.priority] ?? "other",
    count: row.count,
    oldestDue: iso(row.oldestDueMs),
  }));
  // The next run of an unclaimed pending job (one index lookup per kind).
  const jobs = app.repos.jobs.stats().map((row) => ({ ...row, nextRun: row.status === "pending" ? iso(app.repos.jobs.nextDueMs([row.kind])) : null }));
  // Connection states as the running bot last reported them (it is another process).
  const connections = createChannelStateRepo(runtime.db)
    .list()
    .map((c) => ({ ...c, updatedAt: new Date(c.updatedAtMs).toISOString() }));
  const summary = { profile: app.profile.id, database: env.RINDE_DB, offices: app.repos.offices.list().filter((o) => o.active).length, outbox, outboxPending, jobs, connections };
  if (values.json) return printJson(summary);
  const pendingRows = outboxPending.map((row) => ({ ...row, priority: `${row.priority} (${row.kind})` }));
  process.stdout.write(
    [
      `profile   ${summary.profile}\ndatabase  ${summary.database}\noffices   ${summary.offices}`,
      `outbox:\n${table(outbox, ["channel", "status", "count"])}`,
      `outbox pending by priority:\n${table(pendingRows, ["channel", "priority", "count", "oldestDue"])}`,
      `jobs:\n${table(jobs, ["kind", "status", "count", "nextRun"])}`,
      `connections:\n${table(connections, ["channel", "state", "updatedAt", "detail"])}`,
    ].join("\n\n") + "\n",
  );
}
