/**
 * The command menus registered with setMyCommands: Spanish by default, English for clients set to
 * English, and the officials' commands in group chats. Every citizen command is one of the words
 * flows/commands.yaml accepts, so tapping it works like typing it.
 */
import type { BotCommand, BotCommandScope } from "telegraf/types";
import type { Translator } from "../../i18n/index.ts";

export interface CommandSet {
  /** Two-letter language code; undefined = default for every language without its own set. */
  languageCode?: string;
  scope?: BotCommandScope;
  commands: BotCommand[];
}

/** Citizen command name per language → its description key (telegram.commands.<key>). */
const CITIZEN_COMMANDS: Record<string, readonly [command: string, key: string][]> = {
  es: [
    ["start", "start"],
    ["menu", "menu"],
    ["ayuda", "help"],
    ["estado", "status"],
    ["idioma", "language"],
    ["privacidad", "privacy"],
    ["cancelar", "cancel"],
  ],
  en: [
    ["start", "start"],
    ["menu", "menu"],
    ["help", "help"],
    ["status", "status"],
    ["language", "language"],
    ["privacy", "privacy"],
    ["cancel", "cancel"],
  ],
};

/** Officials' commands in group chats (src/core/staff-commands.ts), in Spanish. */
const GROUP_COMMANDS: readonly [command: string, key: string][] = [
  ["responder", "answer"],
  ["reasignar", "reassign"],
  ["info", "request_info"],
  ["prorroga", "extend"],
  ["pendientes", "pending"],
  ["vincular_grupo", "bind_group"],
];

export function commandSets(translator: Translator): CommandSet[] {
  const citizen = (locale: string): BotCommand[] =>
    (CITIZEN_COMMANDS[locale] ?? CITIZEN_COMMANDS.es!).map(([command, key]) => ({
      command,
      description: translator.t(locale, `telegram.commands.${key}`),
    }));
  const group = GROUP_COMMANDS.map(([command, key]) => ({
    command,
    description: translator.t("es", `telegram.group_commands.${key}`),
  }));
  return [
    { commands: citizen("es") },
    { languageCode: "en", commands: citizen("en") },
    { scope: { type: "all_group_chats" }, commands: group },
  ];
}

/** The citizen command names, per language (for tests and the README). */
export function citizenCommandNames(locale: "es" | "en"): string[] {
  return CITIZEN_COMMANDS[locale]!.map(([command]) => command);
}
