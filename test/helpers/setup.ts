/**
 * Runs before every test file (vitest `setupFiles`): on PostgreSQL runs, the schemas the file's
 * databases used are dropped after the file (hooks run in stack order: this one last).
 */
import { afterAll } from "vitest";
import { dropTestSchemas, onPostgres } from "./storage.ts";

// A file that opened dozens of databases (one per test) drops dozens of schemas: on a busy machine
// that takes longer than the default hook timeout.
if (onPostgres) afterAll(dropTestSchemas, 120_000);
