/** `rinde admin create`: a one-time link to create a back-office administrator (issue 14). */
import { createSetupLink } from "../../services/backoffice/auth.ts";
import type { Runtime } from "../../runtime.ts";
import { CliError } from "../output.ts";

export function runAdmin(runtime: Runtime, args: string[]): void {
  const [sub] = args;
  if (sub !== "create") throw new CliError("usage: rinde admin create   (prints a one-time link that creates an administrator, valid 24 hours)");
  const { token, expiresAtMs } = createSetupLink(runtime.app);
  const base = runtime.env.RINDE_PUBLIC_URL?.replace(/\/+$/, "") ?? `http://${runtime.env.RINDE_WEB_HOST}:${runtime.env.RINDE_WEB_PORT}`;
  process.stdout.write(`Open this link to create an administrator (one use, until ${new Date(expiresAtMs).toISOString()}):\n  ${base}/admin/configurar/${token}\n`);
}
