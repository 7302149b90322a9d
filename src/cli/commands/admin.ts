/** `rinde admin create`: a one-time link to create a back-office administrator (issue 14). */
import { createSetupLink } from "../../services/backoffice/auth.ts";
import { parse } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";

async function create(cli: Cli, args: string[]): Promise<void> {
  parse(args, {}, 0);
  const { runtime } = cli;
  const { token, expiresAtMs } = await createSetupLink(runtime.app);
  const base =
    runtime.env.RINDE_PUBLIC_URL?.replace(/\/+$/, "") ??
    `http://${runtime.env.RINDE_WEB_HOST}:${runtime.env.RINDE_WEB_PORT}`;
  cli.out(cli.t("admin.setup_link", { until: cli.when(expiresAtMs), link: `${base}/admin/configurar/${token}` }));
}

export const adminCommands: Record<string, Subcommand> = { create };
