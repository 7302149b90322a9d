/**
 * Command-line arguments, read strictly. Our own small parser instead of `node:util` parseArgs, so
 * every refusal is a one-line message in the operator's language with the closest valid option,
 * and so negative numbers reach the command (which refuses them by name) instead of being taken
 * for unknown short options. Values are checked with src/core/strict-parse.ts.
 */
import { readFileSync } from "node:fs";
import { closestKey, parseDate, parseId, parseKey, parseWholeNumber, type Parsed } from "../core/strict-parse.ts";
import { decodeSpreadsheetText } from "../core/text-decoding.ts";
import { CliError } from "./output.ts";

export type OptionSpec = Record<string, { type: "string" | "boolean" }>;
type Values<T extends OptionSpec> = { [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean };

/** Thrown when `--help` or `-h` is among the arguments: the entry point prints the command's help. */
export class HelpRequested extends Error {
  constructor() {
    super("help");
    this.name = "HelpRequested";
  }
}

const NEGATIVE_NUMBER = /^-\d/;

/**
 * Splits `args` into option values and positionals. `--name value` and `--name=value`; `--`
 * ends the options. Unknown options, a missing value, a value given to a flag and a repeated
 * option are refused; `maxPositionals` refuses extra words.
 */
export function parse<T extends OptionSpec>(
  args: readonly string[],
  options: T,
  maxPositionals = Infinity,
): { values: Values<T>; positionals: string[] } {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") throw new HelpRequested();
    if (!arg.startsWith("-") || arg === "-" || NEGATIVE_NUMBER.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.startsWith("--") ? splitOnce(arg.slice(2)) : [arg.slice(1), undefined];
    const spec = arg.startsWith("--") ? options[rawName] : undefined;
    if (!spec) {
      const suggestion = closestKey(rawName, Object.keys(options));
      throw new CliError("errors.unknown_option", {
        option: arg.split("=")[0],
        suggestion: suggestion ? `--${suggestion}` : undefined,
      });
    }
    if (rawName in values) throw new CliError("errors.repeated_option", { option: `--${rawName}` });
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new CliError("errors.flag_with_value", { option: `--${rawName}` });
      values[rawName] = true;
      continue;
    }
    const value = inline ?? args[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith("--")))
      throw new CliError("errors.missing_value", { option: `--${rawName}` });
    if (inline === undefined) i++;
    values[rawName] = value;
  }
  if (positionals.length > maxPositionals)
    throw new CliError("errors.extra_argument", { value: positionals[maxPositionals] });
  return { values: values as Values<T>, positionals };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `value`, or a one-line error naming what is missing (`--text`, `<radicado>`). */
export function required(value: string | boolean | undefined, what: string): string {
  if (typeof value !== "string" || !value.trim()) throw new CliError("errors.missing", { what });
  return value;
}

function orFail<T>(parsed: Parsed<T>, what: string, value: string): T {
  if (parsed.ok) return parsed.value;
  throw new CliError(`parse.${parsed.error}`, {
    what,
    value,
    min: parsed.min,
    max: parsed.max,
    suggestion: parsed.suggestion,
  });
}

/** An identifier (`--as 4`, `<event id>`): digits only, ≥ 1. `0x4`, `4.0`, `-4` are refused by name. */
export function idArg(value: string | undefined, what: string): number {
  return orFail(parseId(required(value, what)), what, value!);
}

/** An optional identifier: undefined when the option was not given. */
export function optionalId(value: string | undefined, what: string): number | undefined {
  return value === undefined ? undefined : idArg(value, what);
}

/** A whole number in [min, max], e.g. `--ttl-hours 1..720`. */
export function wholeNumberArg(value: string | undefined, what: string, min: number, max: number): number {
  return orFail(parseWholeNumber(required(value, what), { min, max }), what, value!);
}

/** An existing date `YYYY-MM-DD`. */
export function dateArg(value: string | undefined, what: string): string {
  return orFail(parseDate(required(value, what)), what, value!);
}

/** One key of a closed list; a near miss is refused with the closest key ("¿Quiso decir `educacion`?"). */
export function keyArg(value: string | undefined, keys: readonly string[], what: string): string {
  return orFail(parseKey(required(value, what), keys), what, value!);
}

/** A comma-separated list of keys, each checked with {@link keyArg}. */
export function keyListArg(value: string, keys: readonly string[], what: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => keyArg(v, keys, what));
}

/** The bytes of a file the command reads (a workbook), or the CLI's error naming it. */
export function readInputBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError("errors.cannot_read", { path, code: (error as NodeJS.ErrnoException).code ?? "" });
  }
}

/**
 * The text of a file named on the command line: UTF-8 (a BOM removed), or Windows-1252 when it is
 * not valid UTF-8 (a CSV saved by Excel in Spanish); a one-line error when it cannot be read.
 */
export function readInputFile(path: string): string {
  return decodeSpreadsheetText(readInputBytes(path));
}
