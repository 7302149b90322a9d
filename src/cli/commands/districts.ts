/** `rinde districts list` and `rinde topics list`: the comunas, corregimientos and veredas of the profile, with the keys to type. */
import { districtsOf, topicsOf } from "../../services/events/subscriptions.ts";
import { parse } from "../args.ts";
import type { Subcommand } from "../context.ts";

export const districtCommands: Record<string, Subcommand> = {
  list(cli, args) {
    const { values } = parse(args, { json: { type: "boolean" } }, 0);
    const districts = districtsOf(cli.runtime.app);
    if (values.json) return cli.json(districts);
    cli.out(
      cli.table(
        districts.map((d) => ({ key: d.key, name: d.name, kind: cli.t(`district_kinds.${d.kind}`) })),
        ["key", "name", "kind"],
      ),
    );
    cli.out(cli.t("districts.list_hint"));
  },
};

/** `rinde topics list`: the topics citizens subscribe to (`announcements send --topics`). */
export const topicCommands: Record<string, Subcommand> = {
  list(cli, args) {
    const { values } = parse(args, { json: { type: "boolean" } }, 0);
    const topics = topicsOf(cli.runtime.app);
    if (values.json) return cli.json(topics);
    cli.out(
      cli.table(
        topics.map((t) => ({ key: t.key, name: t.name })),
        ["key", "name"],
      ),
    );
  },
};
