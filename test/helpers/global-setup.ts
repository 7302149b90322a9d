/**
 * Once per vitest run (vitest `globalSetup`): on PostgreSQL runs, drops the test schemas an earlier
 * run left behind more than an hour ago (test/helpers/postgres.ts).
 */
import { sweepStaleSchemas, url } from "./postgres.ts";

export default async function setup(): Promise<void> {
  if (url === undefined) return;
  const swept = await sweepStaleSchemas();
  if (swept.length > 0)
    process.stdout.write(`Dropped ${swept.length} test schema(s) older than an hour: ${swept.join(", ")}\n`);
}
