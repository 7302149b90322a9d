import type { Runtime } from "../../runtime.ts";
import { parse, required } from "../args.ts";
import { CliError, printJson, table } from "../output.ts";

export function runOffices(runtime: Runtime, args: string[]): void {
  const [sub, ...rest] = args;
  const { repos, clock } = runtime.app;
  if (sub === "list") {
    const { values } = parse(rest, { json: { type: "boolean" } });
    const offices = repos.offices.list();
    if (values.json) return printJson(offices);
    process.stdout.write(`${table(offices.filter((o) => o.active), ["key", "category", "name", "telegramChatId", "whatsappJid"])}\n`);
    return;
  }
  if (sub === "bind") {
    const { values, positionals } = parse(rest, { "telegram-chat": { type: "string" }, "whatsapp-group": { type: "string" } });
    const key = required(positionals[0], "<office>");
    if (!repos.offices.get(key)) throw new CliError(`unknown office '${key}'. See 'rinde offices list'.`);
    const group = values["whatsapp-group"];
    if (group !== undefined) {
      if (!/^[0-9-]+@g\.us$/.test(group)) throw new CliError(`--whatsapp-group must be a WhatsApp group JID like 120363012345678901@g.us (a head can also write "vincular_grupo ${key}" in the group)`);
      repos.offices.bind(key, { whatsappJid: group }, clock.nowMs());
      process.stdout.write(`Office ${key} bound to WhatsApp group ${group}.\n`);
      if (values["telegram-chat"] === undefined) return;
    }
    const chat = required(values["telegram-chat"], "--telegram-chat <chat id> or --whatsapp-group <group jid>");
    if (!/^-?\d+$/.test(chat)) throw new CliError(`--telegram-chat must be a numeric Telegram chat id (groups are negative, e.g. -1001234567890)`);
    repos.offices.bind(key, { telegramChatId: chat }, clock.nowMs());
    process.stdout.write(`Office ${key} bound to Telegram chat ${chat}.\n`);
    return;
  }
  throw new CliError(`unknown 'offices' command '${sub ?? ""}'. Use: offices list | offices bind`);
}
