import { createChannelStateRepo } from "../../db/repositories/channel-state.ts";
import type { Runtime } from "../../runtime.ts";
import { parse } from "../args.ts";
import { printJson, table } from "../output.ts";

/** Delivery and configuration state, for operators. */
export function runStatus(runtime: Runtime, args: string[]): void {
  const { values } = parse(args, { json: { type: "boolean" } });
  const { app, env } = runtime;
  const outbox = app.repos.outbox.stats();
  // Connection states as the running bot last reported them (it is another process).
  const connections = createChannelStateRepo(runtime.db)
    .list()
    .map((c) => ({ ...c, updatedAt: new Date(c.updatedAtMs).toISOString() }));
  const summary = { profile: app.profile.id, database: env.RINDE_DB, offices: app.repos.offices.list().filter((o) => o.active).length, outbox, connections };
  if (values.json) return printJson(summary);
  process.stdout.write(
    `profile   ${summary.profile}\ndatabase  ${summary.database}\noffices   ${summary.offices}\n\noutbox:\n${table(outbox, ["channel", "status", "count"])}\n\nconnections:\n${table(connections, ["channel", "state", "updatedAt", "detail"])}\n`,
  );
}
