/**
 * What a database's migrations are, by name: the drizzle-kit journal of a dialect's folder
 * (`migrations/<dialect>/meta/_journal.json`) read as tags (`0003_deadlines_jobs_and_extension`)
 * with the time drizzle-kit stamped on each. drizzle's migrator applies every migration stamped
 * after the newest one recorded in the database's `__drizzle_migrations`; these helpers name them,
 * so `rinde db migrate` can say what it applied.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface MigrationEntry {
  tag: string;
  /** drizzle-kit's stamp (`when`), which `__drizzle_migrations.created_at` records. */
  createdAtMs: number;
}

/** The migrations of `folder`, oldest first. */
export function migrationJournal(folder: string): MigrationEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((entry) => ({ tag: entry.tag, createdAtMs: entry.when }));
}

/**
 * The tags of the migrations stamped after `afterMs` and no later than `untilMs`: with the newest
 * stamp recorded before migrating (null: none) and after it, what that migration run applied.
 */
export function migrationsBetween(
  journal: readonly MigrationEntry[],
  afterMs: number | null,
  untilMs: number | null,
): string[] {
  if (untilMs === null) return [];
  return journal
    .filter((m) => (afterMs === null || m.createdAtMs > afterMs) && m.createdAtMs <= untilMs)
    .map((m) => m.tag);
}

/** The result of opening a database: what was applied now, and the newest migration in it. */
export interface MigrationReport {
  /** Whether the database held any migration before (false: this open created its tables). */
  existed: boolean;
  /** Tags applied by this open, oldest first (empty when the database was up to date). */
  applied: string[];
  /** The newest migration the database holds after the open, or null for none. */
  latest: string | null;
}

export function migrationReport(
  journal: readonly MigrationEntry[],
  beforeMs: number | null,
  afterMs: number | null,
): MigrationReport {
  const latest = afterMs === null ? null : ([...journal].reverse().find((m) => m.createdAtMs <= afterMs)?.tag ?? null);
  return { existed: beforeMs !== null, applied: migrationsBetween(journal, beforeMs, afterMs), latest };
}
