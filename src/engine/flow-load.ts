/**
 * Reads `flows/*.yaml` (one flow per file) and `flows/commands.yaml` (global commands), validates
 * their shape with zod and the whole set with validateFlowSet. Throws one ConfigError listing
 * every problem, each as `file › flow › step › field: problem`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseYamlCached } from "../config/yaml.ts";
import { ConfigError, formatZodIssues } from "../config/errors.ts";
import { commandsSchema, flowSchema, type CommandsFile } from "./flow-schema.ts";
import { validateFlowSet, type FlowSet, type FlowSource, type ValidationContext } from "./flow-validate.ts";

export const COMMANDS_FILE = "commands.yaml";

function readYaml(path: string, problems: string[]): unknown {
  try {
    return parseYamlCached(readFileSync(path, "utf8"));
  } catch (error) {
    problems.push(`${basename(path)}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

export function loadFlowSet(dir: string, ctx: ValidationContext): FlowSet {
  const problems: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && f !== COMMANDS_FILE)
    .sort();
  const sources: FlowSource[] = [];
  for (const file of files) {
    const doc = readYaml(join(dir, file), problems);
    if (doc === undefined) continue;
    const parsed = flowSchema.safeParse(doc);
    if (parsed.success) sources.push({ file, flow: parsed.data });
    else problems.push(formatZodIssues(file, parsed.error).trimStart());
  }
  let commands: CommandsFile | undefined;
  const commandsDoc = readYaml(join(dir, COMMANDS_FILE), problems);
  if (commandsDoc !== undefined) {
    const parsed = commandsSchema.safeParse(commandsDoc);
    if (parsed.success) commands = parsed.data;
    else problems.push(formatZodIssues(COMMANDS_FILE, parsed.error).trimStart());
  }
  if (problems.length === 0 && commands) {
    const result = validateFlowSet(sources, { file: COMMANDS_FILE, value: commands }, ctx);
    if (result.ok) return result.flowSet;
    problems.push(...result.problems);
  }
  throw new ConfigError(
    "flows_invalid",
    `Invalid conversation flows in ${dir}:\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
}
