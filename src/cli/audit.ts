/**
 * The staff audit log for CLI commands that change state and have no audited service of their own
 * (issue 14): `cli.<command>.<subcommand>`, who (`--as`, else the server operator), on what (the
 * first argument), the options given and whether it went through. Commands whose service records
 * the state before → after (answer, reassign, extension, events, commitments, announcements) are
 * not listed here, so nothing is logged twice.
 */
import type { AppContext } from "../services/context.ts";
import { audit } from "../services/backoffice/audit.ts";
import { HelpRequested } from "./args.ts";
import { CliError } from "./output.ts";

/** `command subcommand` pairs recorded here. */
export const GENERIC_AUDITED = new Set([
  "officials add",
  "officials invite",
  "officials remove",
  "offices bind",
  "events held",
  "events mark-answered",
  "events minutes",
  "announcements cancel",
  "commitments import",
  "surveys send",
  "surveys import",
  "surveys publish",
  "questions publish",
  "admin create",
  "plan load",
  "plan progress",
  "plan publish-answers",
]);

/** Options whose value is free text: the log keeps its length, not the words. */
const TEXT_OPTIONS = new Set(["text", "note", "description", "reason", "answer"]);
const MAX_VALUE_LENGTH = 120;

/** The options as given (`--name value`, `--flag`), free texts as their length. */
export function optionsSummary(args: readonly string[]): { subject: string | null; options: Record<string, unknown> } {
  const options: Record<string, unknown> = {};
  let subject: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) {
      subject ??= arg.slice(0, MAX_VALUE_LENGTH);
      continue;
    }
    const name = match[1]!;
    let value: string | true = match[2] ?? true;
    if (match[2] === undefined && args[i + 1] !== undefined && !args[i + 1]!.startsWith("--")) value = args[++i]!;
    options[name] =
      value === true ? true : TEXT_OPTIONS.has(name) ? { length: value.length } : value.slice(0, MAX_VALUE_LENGTH);
  }
  return { subject, options };
}

/** Runs `run` and appends its audit entry: `ok`, or `refused` with the error key of an expected failure. */
export async function withCliAudit(
  app: AppContext,
  command: string,
  args: readonly string[],
  run: () => Promise<void>,
): Promise<void> {
  if (!GENERIC_AUDITED.has(command)) return await run();
  const { subject, options } = optionsSummary(args);
  const as =
    typeof options.as === "string" && /^\d{1,9}$/.test(options.as)
      ? await app.repos.officials.get(Number(options.as))
      : undefined;
  const entry = {
    officialId: as?.id ?? null,
    action: `cli.${command.replace(" ", ".")}`,
    subject,
    via: "cli" as const,
  };
  try {
    await run();
  } catch (error) {
    if (error instanceof HelpRequested) throw error;
    if (error instanceof CliError) {
      // A command whose message is free text (`errors.text`) names its reason in `reason`.
      const reason = typeof error.vars.reason === "string" ? error.vars.reason : error.key;
      await audit(app, { ...entry, outcome: "refused", after: { options, error: reason } });
    } else await audit(app, { ...entry, outcome: "failed", after: { options } });
    throw error;
  }
  await audit(app, { ...entry, outcome: "ok", after: { options } });
}
