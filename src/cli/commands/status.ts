/**
 * `rinde status`: delivery and configuration state, for operators — the engine and database (the
 * SQLite file as an absolute path, the PostgreSQL address without its password) and the profile,
 * every Rinde process sharing the database (from their delivery leases: host, pid, since when, and
 * whether the lease is still renewed), the outbox by channel and status, what is still waiting by
 * priority (replies before bulk) with the oldest due time, the scheduler's jobs with the next run of
 * the pending ones, and the channels' connection states as the running bot last reported them.
 */
import { ACCOUNT_FAULT_STATES, faultCodeOf } from "../../channels/whatsapp-cloud/send-errors.ts";
import { resolveProfilePath } from "../../config/env.ts";
import { databaseLocation } from "../../db/location.ts";
import { parse } from "../args.ts";
import type { Cli } from "../context.ts";
import { mapInOrder } from "../../core/in-order.ts";

/** Outbox priorities (src/db/schema.ts outbox.priority): lower goes first. */
const PRIORITY_NAMES: Record<number, string> = { 0: "replies", 1: "bulk" };

export async function runStatus(cli: Cli, args: string[]): Promise<void> {
  const { values } = parse(args, { json: { type: "boolean" } }, 0);
  const { app, env } = cli.runtime;
  const outbox = await app.repos.outbox.stats();
  const pending = (await app.repos.outbox.pendingByPriority()).map((row) => ({
    channel: row.channel,
    priority: row.priority,
    kind: PRIORITY_NAMES[row.priority] ?? "other",
    count: row.count,
    oldestDueMs: row.oldestDueMs,
  }));
  // The next run of an unclaimed pending job (one index lookup per kind).
  const jobs = await mapInOrder(await app.repos.jobs.stats(), async (row) => ({
    ...row,
    nextRunMs: row.status === "pending" ? await app.repos.jobs.nextDueMs([row.kind]) : null,
  }));
  const connections = await app.repos.channelState.list();
  const offices = (await app.repos.offices.list()).filter((o) => o.active).length;
  const { engine, location } = databaseLocation(env);
  const paths = { database: location, profilePath: resolveProfilePath(env.RINDE_PROFILE) };
  // A process renews its lease every few seconds while it runs; one whose lease lapsed stopped or hangs.
  const nowMs = app.clock.nowMs();
  const processes = (await app.repos.workers.list()).map((w) => ({ ...w, live: w.leaseUntilMs >= nowMs }));
  if (values.json) {
    return cli.json({
      profile: app.profile.id,
      engine,
      ...paths,
      timezone: app.profile.timezone,
      offices,
      processes: processes.map((p) => ({
        id: p.id,
        host: p.host,
        pid: p.pid,
        startedAt: cli.iso(p.startedAtMs),
        leaseUntil: cli.iso(p.leaseUntilMs),
        live: p.live,
      })),
      outbox,
      outboxPending: pending.map(({ oldestDueMs, ...row }) => ({ ...row, oldestDue: cli.isoOrNull(oldestDueMs) })),
      jobs: jobs.map(({ nextRunMs, ...row }) => ({ ...row, nextRun: cli.isoOrNull(nextRunMs) })),
      // The pairing QR and code stay out: whoever scans them controls the bot's WhatsApp (the back-office shows them to admins).
      connections: connections.map((c) => ({
        channel: c.channel,
        state: c.state,
        detail: c.detail,
        account: c.account,
        lastError: c.lastError,
        since: cli.isoOrNull(c.sinceMs),
        updatedAt: cli.iso(c.updatedAtMs),
      })),
    });
  }
  const status = (s: string) => cli.t(`delivery_status.${s}`);
  const when = (ms: number | null | undefined) => (ms === null || ms === undefined ? "" : cli.when(ms));
  cli.out(
    [
      cli.t("status.header", {
        profile: app.profile.id,
        name: app.profile.name,
        engine: cli.t(`engines.${engine}`),
        ...paths,
        timezone: app.profile.timezone,
        offices,
      }),
      `${cli.t("status.processes")}\n${cli.table(
        processes.map((p) => ({
          ...p,
          host: hostName(p.host),
          startedAt: cli.when(p.startedAtMs),
          leaseUntil: cli.when(p.leaseUntilMs),
          state: cli.t(`process_states.${p.live ? "live" : "lapsed"}`),
        })),
        ["host", "pid", "startedAt", "leaseUntil", "state"],
      )}`,
      `${cli.t("status.outbox")}\n${cli.table(
        outbox.map((r) => ({ ...r, status: status(r.status) })),
        ["channel", "status", "count"],
      )}`,
      `${cli.t("status.pending")}\n${cli.table(
        pending.map((r) => ({
          ...r,
          priority: `${r.priority} (${cli.t(`priorities.${r.kind}`)})`,
          oldestDue: when(r.oldestDueMs),
        })),
        ["channel", "priority", "count", "oldestDue"],
      )}`,
      `${cli.t("status.jobs")}\n${cli.table(
        jobs.map((r) => ({ ...r, status: status(r.status), nextRun: when(r.nextRunMs) })),
        ["kind", "status", "count", "nextRun"],
      )}`,
      `${cli.t("status.connections")}\n${cli.table(
        connections.map((c) => ({
          ...c,
          state: KNOWN_CONNECTION_STATES.has(c.state) ? cli.t(`connection_states.${c.state}`) : c.state,
          updatedAt: cli.when(c.updatedAtMs),
          detail: connectionDetail(cli, c.state, c.detail),
        })),
        ["channel", "state", "updatedAt", "detail"],
      )}`,
    ].join("\n\n"),
  );
}

/** Every state a channel adapter reports (Telegram, WhatsApp with Baileys, WhatsApp Cloud API). */
const KNOWN_CONNECTION_STATES = new Set([
  "connecting",
  "pairing",
  "open",
  "reconnecting",
  "logged_out",
  "stopped",
  "token_expired",
  "account_blocked",
]);
/** Faults whose stored detail (the adapter's English) is shown in the operator's language, with Meta's code. */
function connectionDetail(cli: Cli, state: string, detail: string | null): string | null {
  if (!ACCOUNT_FAULT_STATES.includes(state)) return detail;
  return cli.t(`connection_details.${state}`, { code: faultCodeOf(detail) });
}

/** A worker's machine id is `hostname/boot-id` (src/delivery/worker-lease.ts machineId); the table shows the host name. */
function hostName(machine: string): string {
  return machine.split("/")[0]!;
}
