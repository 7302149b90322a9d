import { defineConfig } from "drizzle-kit";

/** PostgreSQL migrations (`npm run db:generate:postgres`), from the mirror schema. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/postgres/schema.ts",
  out: "./migrations/postgres",
});
