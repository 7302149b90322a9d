/** Surveys, pure: definitions and their validation, reading answers, timing, segments, results. */
export * from "./aggregate.ts";
export * from "./answers.ts";
export * from "./definition.ts";
export * from "./segment.ts";
export * from "./timing.ts";
export * from "./validate.ts";
export * from "./paper.ts";
export * from "./authorization.ts";
