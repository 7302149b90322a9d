export * from "./authorization.ts";
export * from "./definition.ts";
export * from "./status.ts";
export * from "./problems.ts";
