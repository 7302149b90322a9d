/**
 * `rinde status`: delivery and configuration state, for operators — the database and profile (as
 * absolute paths), the outbox by channel and status, what is still waiting by priority (replies
 * before bulk) with the oldest due time, the scheduler's jobs with the next run of the pending
 * ones, and the channels' connection states as the running bot last reported them.
 */
import { resolveProfilePath } from "../../config/env.ts";
import { parse } from "../args.ts";
import type { Cli } from "../context.ts";
import { mapInOrder } from "../../core/in-order.ts";

/** Outbox priorities (src/db/schema.ts outbox.priority): lower goes first. */
const PRIORITY_NAMES: Record<number, string> = { 0: "replies", 1: "bulk" };

export async function runStatus(cli: Cli, args: string[]): Promise<void> {
  const { values } = parse(args, { json: { type: "boolean" } }, 0);
  const { app, env } = cli.runtime;
  const outbox = await app.repos.outbox.stats();
  const pending = (await app.repos.outbox.pendingByPriority()).map((row) => ({ channel: row.channel, priority: row.priority, kind: PRIORITY_NAMES[row.priority] ?? "other", count: row.count, oldestDueMs: row.oldestDueMs }));
  // The next run of an unclaimed pending job (one index lookup per kind).
  const jobs = await mapInOrder((await app.repos.jobs.stats()), async (row) => ({ ...row, nextRunMs: row.status === "pending" ? await app.repos.jobs.nextDueMs([row.kind]) : null }));
  const connections = await app.repos.channelState.list();
  const offices = (await app.repos.offices.list()).filter((o) => o.active).length;
  const paths = { database: env.RINDE_DB, profilePath: resolveProfilePath(env.RINDE_PROFILE) };
  if (values.json) {
    return cli.json({
      profile: app.profile.id,
      ...paths,
      timezone: app.profile.timezone,
      offices,
      outbox,
      outboxPending: pending.map(({ oldestDueMs, ...row }) => ({ ...row, oldestDue: cli.isoOrNull(oldestDueMs) })),
      jobs: jobs.map(({ nextRunMs, ...row }) => ({ ...row, nextRun: cli.isoOrNull(nextRunMs) })),
      connections: connections.map(({ updatedAtMs, ...c }) => ({ ...c, updatedAt: cli.iso(updatedAtMs) })),
    });
  }
  const status = (s: string) => cli.t(`delivery_status.${s}`);
  const when = (ms: number | null | undefined) => (ms === null || ms === undefined ? "" : cli.when(ms));
  cli.out(
    [
      cli.t("status.header", { profile: app.profile.id, name: app.profile.name, ...paths, timezone: app.profile.timezone, offices }),
      `${cli.t("status.outbox")}\n${cli.table(outbox.map((r) => ({ ...r, status: status(r.status) })), ["channel", "status", "count"])}`,
      `${cli.t("status.pending")}\n${cli.table(pending.map((r) => ({ ...r, priority: `${r.priority} (${cli.t(`priorities.${r.kind}`)})`, oldestDue: when(r.oldestDueMs) })), ["channel", "priority", "count", "oldestDue"])}`,
      `${cli.t("status.jobs")}\n${cli.table(jobs.map((r) => ({ ...r, status: status(r.status), nextRun: when(r.nextRunMs) })), ["kind", "status", "count", "nextRun"])}`,
      `${cli.t("status.connections")}\n${cli.table(connections.map((c) => ({ ...c, state: cli.t(`connection_states.${c.state}`), updatedAt: cli.when(c.updatedAtMs) })), ["channel", "state", "updatedAt", "detail"])}`,
    ].join("\n\n"),
  );
}
