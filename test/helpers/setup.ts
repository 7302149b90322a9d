/**
 * Runs before every test file (vitest `setupFiles`): on PostgreSQL runs, the schemas the file's
 * databases used are dropped after the file (hooks run in stack order: this one last).
 */
import { afterAll } from "vitest";
import { dropTestSchemas, onPostgres } from "./storage.ts";

if (onPostgres) afterAll(dropTestSchemas);
