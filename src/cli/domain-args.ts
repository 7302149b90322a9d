/**
 * Arguments that name things of the municipality (offices, districts, topics) or an official:
 * checked against the profile and the database, a near miss refused with the closest key.
 */
import { officialActor, type Actor } from "../core/authorization.ts";
import { districtsOf, topicsOf } from "../services/events/subscriptions.ts";
import { idArg, keyArg, keyListArg } from "./args.ts";
import type { Cli } from "./context.ts";
import { CliError } from "./output.ts";

export const officeKeys = async (cli: Cli): Promise<string[]> =>
  (await cli.runtime.app.repos.offices.list()).filter((o) => o.active).map((o) => o.key);

/** An active office's key (`--office salud`). */
export async function officeArg(cli: Cli, value: string | undefined, what = "--office"): Promise<string> {
  return keyArg(value, await officeKeys(cli), what);
}

export async function optionalOffice(
  cli: Cli,
  value: string | undefined,
  what = "--office",
): Promise<string | undefined> {
  return value === undefined ? undefined : await officeArg(cli, value, what);
}

export const districtKeys = (cli: Cli): string[] => districtsOf(cli.runtime.app).map((d) => d.key);
export const topicKeys = (cli: Cli): string[] => topicsOf(cli.runtime.app).map((t) => t.key);

export function optionalDistrict(cli: Cli, value: string | undefined, what = "--district"): string | undefined {
  return value === undefined ? undefined : keyArg(value, districtKeys(cli), what);
}

export const districtList = (cli: Cli, value: string, what = "--districts") =>
  keyListArg(value, districtKeys(cli), what);
export const topicList = (cli: Cli, value: string, what = "--topics") => keyListArg(value, topicKeys(cli), what);

/** Who a command acts as: the server operator, or with `--as <id>` that official (with their permissions). */
export async function actorFrom(cli: Cli, as: string | undefined): Promise<Actor> {
  if (as === undefined) return { kind: "cli" };
  const id = idArg(as, "--as");
  const official = await cli.runtime.app.repos.officials.get(id);
  if (!official) throw new CliError("errors.no_official", { id });
  return officialActor(official);
}

/** Who did something, as stored (`official:4`, `citizen`, `cli`, `system`), in words: "Ana Pérez (funcionario 4)". */
export async function actorText(cli: Cli, label: string): Promise<string> {
  const official = /^official:(\d+)$/.exec(label);
  if (official) {
    const row = await cli.runtime.app.repos.officials.get(Number(official[1]));
    return cli.t("actors.official", { id: official[1], name: row?.name ?? "" });
  }
  return cli.has(`cli.actors.${label}`) ? cli.t(`actors.${label}`) : label;
}
