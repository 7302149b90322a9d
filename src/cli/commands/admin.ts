/** `rinde admin create`: a one-time link to create a back-office administrator (issue 14). */
import { createSetupLink } from "../../services/backoffice/auth.ts";
import { closestKey } from "../../core/strict-parse.ts";
import { parse } from "../args.ts";
import type { Cli } from "../context.ts";
import { CliError } from "../output.ts";

export function runAdmin(cli: Cli, args: string[]): void {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") return cli.out(cli.t("help.admin"));
  if (sub !== "create") throw new CliError("errors.unknown_subcommand", { command: "admin", value: sub, suggestion: closestKey(sub, ["create"]), list: "create" });
  parse(rest, {}, 0);
  const { runtime } = cli;
  const { token, expiresAtMs } = createSetupLink(runtime.app);
  const base = runtime.env.RINDE_PUBLIC_URL?.replace(/\/+$/, "") ?? `http://${runtime.env.RINDE_WEB_HOST}:${runtime.env.RINDE_WEB_PORT}`;
  cli.out(cli.t("admin.setup_link", { until: cli.when(expiresAtMs), link: `${base}/admin/configurar/${token}` }));
}
