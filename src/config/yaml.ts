/**
 * YAML parsing with a cache of the parsed documents as JSON, keyed by a hash of the text.
 *
 * Profiles, flows and surveys are parsed at every start; with the `yaml` package that was about a
 * third of a CLI command's time (≈250 ms for ~20 files, cold JIT). JSON.parse of the same data
 * takes ~1 ms, so a start whose files have not changed never loads `yaml` at all. Keyed by
 * content, the cache cannot go stale; a document JSON cannot represent exactly (dates, `.inf`) is
 * simply not cached. Writes are atomic (temporary file + rename) and best effort: a read-only
 * install just parses every time.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PROJECT_ROOT } from "./env.ts";

const CACHE_DIR = join(PROJECT_ROOT, "dist", ".cache", "yaml");
const require = createRequire(import.meta.url);

/** Parses YAML text as the `yaml` package does (same errors), from the cache when possible. */
export function parseYamlCached(text: string): unknown {
  const key = createHash("sha1").update(text).digest("hex");
  const path = join(CACHE_DIR, `${key}.json`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch {
    // Not cached yet (or unreadable): parse below.
  }
  const { parse } = require("yaml") as typeof import("yaml");
  const doc = parse(text) as unknown;
  if (isJsonExact(doc)) {
    try {
      mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(doc));
      renameSync(tmp, path);
    } catch {
      // Best effort: without a writable cache every start parses the YAML.
    }
  }
  return doc;
}

/** True when JSON.stringify → JSON.parse gives back an equal value (plain data, finite numbers). */
function isJsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonExact);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value).every(isJsonExact);
  return false;
}
