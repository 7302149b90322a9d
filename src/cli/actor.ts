/**
 * `actorFrom(runtime, as)` for commands written against a Runtime (plan, publication). New
 * commands use src/cli/domain-args.ts's `actorFrom(cli, as)`; both parse `--as` strictly.
 */
import { officialActor, type Actor } from "../core/authorization.ts";
import type { Runtime } from "../runtime.ts";
import { idArg } from "./args.ts";
import { CliError } from "./output.ts";

export async function actorFrom(runtime: Runtime, as: string | undefined): Promise<Actor> {
  if (as === undefined) return { kind: "cli" };
  const id = idArg(as, "--as");
  const official = await runtime.app.repos.officials.get(id);
  if (!official) throw new CliError("errors.no_official", { id });
  return officialActor(official);
}
