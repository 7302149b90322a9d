import { parseArgs } from "node:util";
import { CliError } from "./output.ts";

type OptionSpec = Record<string, { type: "string" | "boolean" }>;

/** parseArgs with errors turned into one-line CliErrors. */
export function parse<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message.split("\n")[0]!);
  }
}

export function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== "string" || !value.trim()) throw new CliError(`missing ${flag}`);
  return value;
}
