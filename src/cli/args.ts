import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CliError } from "./output.ts";

type OptionSpec = Record<string, { type: "string" | "boolean" }>;

/** parseArgs with errors turned into one-line CliErrors. */
export function parse<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args: joinNegativeNumbers(args, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message.split("\n")[0]!);
  }
}

export function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== "string" || !value.trim()) throw new CliError(`missing ${flag}`);
  return value;
}

/** The text of a file named on the command line (UTF-8); a one-line CliError when it cannot be read. */
export function readInputFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new CliError(`cannot read '${path}'`);
  }
}

/** `--telegram-chat -100123` → `--telegram-chat=-100123`: group chat ids are negative numbers. */
function joinNegativeNumbers(args: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.startsWith("--") ? args[i]!.slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(args[i]!);
  }
  return out;
}
