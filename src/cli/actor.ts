import { officialActor, type Actor } from "../core/authorization.ts";
import type { Runtime } from "../runtime.ts";
import { CliError } from "./output.ts";

/** Who a CLI command acts as: the server operator, or with `--as <id>` that official (with their permissions). */
export function actorFrom(runtime: Runtime, as: string | undefined): Actor {
  if (as === undefined) return { kind: "cli" };
  const official = runtime.app.repos.officials.get(Number(as));
  if (!official) throw new CliError(`no official with id '${as}'`);
  return officialActor(official);
}
