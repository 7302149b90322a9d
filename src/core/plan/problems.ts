/**
 * What is wrong with a plan file, as locale keys (`plan.problems.*` in locales/<lang>/plan.json)
 * with their variables, so the CLI and the back-office report every problem in the reader's
 * language: `file › path: problem` for the YAML, `file:line: problem` for the seeds' CSV layout.
 * Pure: zod issues are turned into keys here; the caller translates.
 */
import type { z } from "zod";

export const PLAN_PROBLEM_PREFIX = "plan.problems.";

export interface PlanProblem {
  /** A full locale key, `plan.problems.<code>`. */
  key: string;
  vars: Record<string, string | number>;
  /** Where in the YAML document (`components › 0 › activities › 2 › periods`). */
  path?: readonly (string | number)[];
  /** The line of a CSV file (1 is the header). */
  line?: number;
}

export const planProblem = (
  code: string,
  vars: Record<string, string | number> = {},
  where: { path?: readonly (string | number)[]; line?: number } = {},
): PlanProblem => ({
  key: `${PLAN_PROBLEM_PREFIX}${code}`,
  vars,
  ...where,
});

/** The value at `path` in `doc`, or undefined when some step is missing. */
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let value = doc;
  for (const step of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[step];
  }
  return value;
}

const list = (values: readonly unknown[]) => values.map(String).join(", ");
const TYPES = new Set(["string", "number", "array", "object", "boolean"]);

/**
 * One zod issue as a problem. Schema messages that are already problem keys (the plan schema's
 * own formats) are kept; `doc` tells a missing field from a wrong one.
 */
export function problemOfIssue(issue: z.core.$ZodIssue, doc: unknown): PlanProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const at = { path };
  if (issue.message.startsWith(PLAN_PROBLEM_PREFIX)) return { key: issue.message, vars: {}, path };
  switch (issue.code) {
    case "invalid_type":
      if (valueAt(doc, issue.path) === undefined) return planProblem("required", {}, at);
      return TYPES.has(issue.expected)
        ? planProblem(`wrong_type_${issue.expected}`, {}, at)
        : planProblem("invalid", {}, at);
    case "too_small":
      if (issue.origin === "string") return planProblem("too_short", { minimum: Number(issue.minimum) }, at);
      if (issue.origin === "array") return planProblem("too_few", { minimum: Number(issue.minimum) }, at);
      return planProblem(issue.inclusive ? "number_min" : "number_above", { minimum: Number(issue.minimum) }, at);
    case "too_big":
      if (issue.origin === "string") return planProblem("too_long", { maximum: Number(issue.maximum) }, at);
      if (issue.origin === "array") return planProblem("too_many", { maximum: Number(issue.maximum) }, at);
      return planProblem("number_max", { maximum: Number(issue.maximum) }, at);
    case "invalid_value":
      return planProblem("one_of", { options: list(issue.values) }, at);
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      return options ? planProblem("one_of", { options: list(options) }, at) : planProblem("invalid", {}, at);
    }
    case "unrecognized_keys":
      return planProblem("unknown_keys", { keys: list(issue.keys) }, at);
    default:
      return planProblem("invalid", {}, at);
  }
}

/** Every issue of a failed parse, in zod's order. */
export function problemsOfZodError(error: z.ZodError, doc: unknown): PlanProblem[] {
  return error.issues.map((issue) => problemOfIssue(issue, doc));
}

/** `source › path: text`, `source:line: text` or `source: text`, for one translated problem. */
export function formatPlanProblem(source: string, problem: PlanProblem, text: string): string {
  if (problem.line !== undefined && problem.line > 0) return `${source}:${problem.line}: ${text}`;
  if (problem.path && problem.path.length > 0) return `${[source, ...problem.path.map(String)].join(" › ")}: ${text}`;
  return `${source}: ${text}`;
}
