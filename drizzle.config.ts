import { defineConfig } from "drizzle-kit";

/** SQLite migrations (`npm run db:generate`); PostgreSQL's are in drizzle.postgres.config.ts. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations/sqlite",
});
