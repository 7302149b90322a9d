#!/usr/bin/env node
/**
 * Run after `drizzle-kit generate` for PostgreSQL (`npm run db:generate:postgres`): drizzle-kit
 * qualifies foreign-key targets with `"public".`, which would tie the tables to the public schema;
 * Rinde may live in another one (openPostgres's `schema`, each test's own schema), so the migration
 * files name tables unqualified and let the connection's search_path decide.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const folder = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "migrations", "postgres");
for (const name of readdirSync(folder).filter((file) => file.endsWith(".sql"))) {
  const path = join(folder, name);
  const text = readFileSync(path, "utf8");
  const unqualified = text.replaceAll('"public".', "");
  if (unqualified !== text) {
    writeFileSync(path, unqualified);
    console.log(`${name}: table names unqualified`);
  }
}
