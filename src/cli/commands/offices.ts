/**
 * `rinde offices`: the keys staff type (`--office salud`) and the chats where each office gets
 * its notices. Binding checks what it can offline: a Telegram group's id is negative (a positive id
 * is a person or a bot), a WhatsApp group's JID ends in `@g.us`.
 */
import type { Subcommand } from "../context.ts";
import { parse } from "../args.ts";
import { officeArg } from "../domain-args.ts";
import { CliError } from "../output.ts";

const TELEGRAM_GROUP = /^-\d{5,15}$/;
const WHATSAPP_GROUP = /^[0-9]+(?:-[0-9]+)?@g\.us$/;

export const officeCommands: Record<string, Subcommand> = {
  async list(cli, args) {
    const { values } = parse(args, { all: { type: "boolean" }, json: { type: "boolean" } }, 0);
    const offices = (await cli.runtime.app.repos.offices.list()).filter((o) => values.all || o.active);
    if (values.json)
      return cli.json(
        offices.map((o) => ({
          key: o.key,
          name: o.name,
          category: o.category,
          active: o.active,
          telegramChatId: o.telegramChatId,
          whatsappJid: o.whatsappJid,
        })),
      );
    const rows = offices.map((o) => ({
      key: o.key,
      name: o.name,
      telegram: o.telegramChatId ?? cli.t("offices.unbound"),
      whatsapp: o.whatsappJid ?? cli.t("offices.unbound"),
      active: o.active ? cli.t("yes") : cli.t("no"),
    }));
    cli.out(
      cli.table(
        rows,
        values.all ? ["key", "name", "telegram", "whatsapp", "active"] : ["key", "name", "telegram", "whatsapp"],
      ),
    );
    cli.out(cli.t("offices.list_hint"));
  },
  async bind(cli, args) {
    const { values, positionals } = parse(
      args,
      { "telegram-chat": { type: "string" }, "whatsapp-group": { type: "string" } },
      1,
    );
    const key = await officeArg(cli, positionals[0], "<dependencia>");
    const chat = values["telegram-chat"];
    const group = values["whatsapp-group"];
    if (chat === undefined && group === undefined) throw new CliError("offices.bind_what");
    if (chat !== undefined && !TELEGRAM_GROUP.test(chat))
      throw new CliError(/^\d+$/.test(chat) ? "offices.telegram_not_group" : "offices.telegram_bad", {
        value: chat,
        key,
      });
    if (group !== undefined && !WHATSAPP_GROUP.test(group))
      throw new CliError("offices.whatsapp_bad", { value: group, key });
    const { repos, clock } = cli.runtime.app;
    await repos.offices.bind(
      key,
      {
        ...(chat !== undefined ? { telegramChatId: chat } : {}),
        ...(group !== undefined ? { whatsappJid: group } : {}),
      },
      clock.nowMs(),
    );
    if (chat !== undefined) cli.out(cli.t("offices.bound_telegram", { key, chat }));
    if (group !== undefined) cli.out(cli.t("offices.bound_whatsapp", { key, group }));
  },
};
