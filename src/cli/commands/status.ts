import type { Runtime } from "../../runtime.ts";
import { parse } from "../args.ts";
import { printJson, table } from "../output.ts";

/** Delivery and configuration state, for operators. */
export function runStatus(runtime: Runtime, args: string[]): void {
  const { values } = parse(args, { json: { type: "boolean" } });
  const { app, env } = runtime;
  const outbox = app.repos.outbox.stats();
  const summary = { profile: app.profile.id, database: env.RINDE_DB, offices: app.repos.offices.list().filter((o) => o.active).length, outbox };
  if (values.json) return printJson(summary);
  process.stdout.write(`profile   ${summary.profile}\ndatabase  ${summary.database}\noffices   ${summary.offices}\n\noutbox:\n${table(outbox, ["channel", "status", "count"])}\n`);
}
