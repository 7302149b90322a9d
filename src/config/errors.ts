import type { z } from "zod";

/**
 * A configuration problem the operator must fix (bad env var, invalid profile or flow).
 * Entry points print `message` alone, without a stack trace, and exit non-zero.
 */
export class ConfigError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Renders zod issues as `source › a › 0 › b: problem` lines. */
export function formatZodIssues(source: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      return `  ${[source, ...path].join(" › ")}: ${issue.message}`;
    })
    .join("\n");
}
