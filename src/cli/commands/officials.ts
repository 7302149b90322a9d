import type { Runtime } from "../../runtime.ts";
import type { OfficialRole } from "../../db/repositories/officials.ts";
import { createInvite } from "../../services/staff.ts";
import { parse, required } from "../args.ts";
import { CliError, printJson, table } from "../output.ts";

const ROLES: readonly OfficialRole[] = ["official", "head", "communications", "internal_control", "admin"];
const CHANNELS = ["telegram", "whatsapp"];

/** `--role` and `--office`, checked: a known role, an existing office, required for officials and heads. */
function roleAndOffice(runtime: Runtime, values: { role?: string; office?: string }): { role: OfficialRole; office: string | null } {
  const role = required(values.role, "--role") as OfficialRole;
  if (!ROLES.includes(role)) throw new CliError(`--role must be one of ${ROLES.join(", ")}`);
  const office = values.office ?? null;
  if (office && !runtime.app.repos.offices.get(office)) throw new CliError(`unknown office '${office}'. See 'rinde offices list'.`);
  if (!office && (role === "official" || role === "head")) throw new CliError(`--office is required for role '${role}'`);
  return { role, office };
}

export function runOfficials(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const { repos, clock } = runtime.app;
  switch (sub) {
    case "add": {
      const { values } = parse(rest, { name: { type: "string" }, office: { type: "string" }, role: { type: "string" }, channel: { type: "string" }, address: { type: "string" } });
      const name = required(values.name, "--name");
      const { role, office } = roleAndOffice(runtime, values);
      if (Boolean(values.channel) !== Boolean(values.address)) throw new CliError("--channel and --address go together");
      if (values.channel && !CHANNELS.includes(values.channel)) throw new CliError(`--channel must be one of ${CHANNELS.join(", ")}`);
      const official = repos.officials.add({ name, officeKey: office, role, channel: values.channel ?? null, address: values.address ?? null }, clock.nowMs());
      process.stdout.write(`Official ${official.id} added (${role}${office ? ` of ${office}` : ""}).\n`);
      return;
    }
    case "invite": {
      const { values } = parse(rest, { name: { type: "string" }, office: { type: "string" }, role: { type: "string" }, "ttl-hours": { type: "string" } });
      const { role, office } = roleAndOffice(runtime, values);
      const ttlHours = Number(values["ttl-hours"] ?? "48");
      if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > 24 * 30) throw new CliError("--ttl-hours must be a number of hours between 1 and 720");
      const invite = createInvite(runtime.app, { name: values.name ?? role, officeKey: office, role, ttlMs: ttlHours * 3_600_000 });
      process.stdout.write(`Code: ${invite.code}\nExpires: ${new Date(invite.expiresAtMs).toISOString()}\nThe official sends "/vincular ${invite.code}" to the bot in a private chat.\n`);
      return;
    }
    case "list": {
      const { values } = parse(rest, { office: { type: "string" }, json: { type: "boolean" } });
      const officials = repos.officials.list({ officeKey: values.office });
      if (values.json) return printJson(officials);
      process.stdout.write(`${table(officials, ["id", "name", "role", "officeKey", "channel", "address"])}\n`);
      return;
    }
    case "remove": {
      const { positionals } = parse(rest, {});
      const id = Number(required(positionals[0], "<id>"));
      if (!Number.isInteger(id) || !repos.officials.remove(id, clock.nowMs())) throw new CliError(`no active official with id '${positionals[0]}'`);
      process.stdout.write(`Official ${id} removed.\n`);
      return;
    }
    default:
      throw new CliError(`unknown 'officials' command '${sub ?? ""}'. Use: officials add | invite | list | remove`);
  }
}
