/** `rinde officials`: the staff directory — add, invite (a one-time /vincular code), list, remove. */
import type { OfficialRole } from "../../db/repositories/officials.ts";
import { officeName } from "../../services/context.ts";
import { createInvite } from "../../services/staff/staff.ts";
import { idArg, keyArg, parse, required, wholeNumberArg } from "../args.ts";
import type { Cli, Subcommand } from "../context.ts";
import { optionalOffice } from "../domain-args.ts";
import { CliError } from "../output.ts";

const ROLES: readonly OfficialRole[] = ["official", "head", "communications", "internal_control", "admin"];
/** Roles a code may carry: admins and internal control are added by the operator, not invited. */
const INVITE_ROLES: readonly OfficialRole[] = ["official", "head", "communications"];
const CHANNELS = ["telegram", "whatsapp"];
/** `--ttl-hours`: one hour to thirty days. */
const TTL_HOURS = { min: 1, max: 720, default: "48" };

/** `--role` and `--office`, checked: a known role, an active office, required for officials and heads. */
async function roleAndOffice(
  cli: Cli,
  values: { role?: string; office?: string },
  roles: readonly OfficialRole[],
): Promise<{ role: OfficialRole; office: string | null }> {
  const role = keyArg(values.role, roles, "--role") as OfficialRole;
  const office = (await optionalOffice(cli, values.office)) ?? null;
  if (!office && (role === "official" || role === "head"))
    throw new CliError("officials.office_required", { role: cli.tr(`staff.roles.${role}`) });
  return { role, office };
}

export const officialCommands: Record<string, Subcommand> = {
  async add(cli, args) {
    const { values } = parse(
      args,
      {
        name: { type: "string" },
        office: { type: "string" },
        role: { type: "string" },
        channel: { type: "string" },
        address: { type: "string" },
      },
      0,
    );
    const name = required(values.name, "--name").trim();
    const { role, office } = await roleAndOffice(cli, values, ROLES);
    if ((values.channel === undefined) !== (values.address === undefined))
      throw new CliError("officials.channel_and_address");
    const channel = values.channel === undefined ? null : keyArg(values.channel, CHANNELS, "--channel");
    const { repos, clock } = cli.runtime.app;
    const official = await repos.officials.add(
      { name, officeKey: office, role, channel, address: values.address ?? null },
      clock.nowMs(),
    );
    cli.out(
      cli.t(office ? "officials.added_office" : "officials.added", {
        id: official.id,
        name,
        role: cli.tr(`staff.roles.${role}`),
        office: office ? officeName(cli.runtime.app, office) : "",
      }),
    );
  },
  async invite(cli, args) {
    const { values } = parse(
      args,
      {
        name: { type: "string" },
        office: { type: "string" },
        role: { type: "string" },
        "ttl-hours": { type: "string" },
      },
      0,
    );
    const { role, office } = await roleAndOffice(cli, values, INVITE_ROLES);
    const ttlHours = wholeNumberArg(
      values["ttl-hours"] ?? TTL_HOURS.default,
      "--ttl-hours",
      TTL_HOURS.min,
      TTL_HOURS.max,
    );
    const invite = await createInvite(cli.runtime.app, {
      name: values.name ?? cli.tr(`staff.roles.${role}`),
      officeKey: office,
      role,
      ttlMs: ttlHours * 3_600_000,
    });
    cli.out(cli.t("officials.invite", { code: invite.code, expires: cli.when(invite.expiresAtMs) }));
  },
  async list(cli, args) {
    const { values } = parse(args, { office: { type: "string" }, json: { type: "boolean" } }, 0);
    const officials = await cli.runtime.app.repos.officials.list({
      officeKey: await optionalOffice(cli, values.office),
    });
    if (values.json)
      return cli.json(
        officials.map((o) => ({
          id: o.id,
          name: o.name,
          role: o.role,
          officeKey: o.officeKey,
          channel: o.channel,
          address: o.address,
          active: o.active,
          createdAt: cli.iso(o.createdAtMs),
        })),
      );
    const rows = officials.map((o) => ({
      id: o.id,
      name: o.name,
      role: cli.tr(`staff.roles.${o.role}`),
      office: o.officeKey ?? "",
      channel: o.channel ?? "",
      address: o.address ?? "",
    }));
    cli.out(cli.table(rows, ["id", "name", "role", "office", "channel", "address"]));
  },
  async remove(cli, args) {
    const { positionals } = parse(args, {}, 1);
    const id = idArg(positionals[0], "<id>");
    const { repos, clock } = cli.runtime.app;
    if (!(await repos.officials.remove(id, clock.nowMs()))) throw new CliError("errors.no_official", { id });
    cli.out(cli.t("officials.removed", { id }));
  },
};
