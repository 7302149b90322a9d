/**
 * Child processes of the tests (kill -9, crash and multi-process chaos tests) run as JavaScript
 * bundled once per test process from their TypeScript entry, not through tsx: tsx transpiled the
 * application's ~300 modules again in every child, and kill9.test.ts alone starts 22 of them. The
 * bundle is the same esbuild setup as dist/ (scripts/build.mjs), so the children also run the code
 * the way `npm start` does.
 *
 * The bundle's folder is named by a hash of its content under .tmp/test-children/ and moved into
 * place with one atomic rename, so parallel test processes building the same child share it and
 * never load half of it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/env.ts";

type BundleScript = (entry: string) => Promise<{ path: string; text: string }[]>;

const built = new Map<string, Promise<string>>();

/** Path of the runnable JavaScript for a child script (a TypeScript file of the project). */
export function childScript(entry: string): Promise<string> {
  let path = built.get(entry);
  if (path === undefined) {
    path = bundle(entry);
    built.set(entry, path);
  }
  return path;
}

async function bundle(entry: string): Promise<string> {
  const { bundleScript } = (await import(join(PROJECT_ROOT, "scripts/build.mjs"))) as { bundleScript: BundleScript };
  const files = await bundleScript(entry);
  const hash = createHash("sha256");
  for (const file of files) hash.update(file.path).update("\0").update(file.text).update("\0");
  const dir = join(
    PROJECT_ROOT,
    ".tmp",
    "test-children",
    `${basename(entry, ".ts")}-${hash.digest("hex").slice(0, 16)}`,
  );
  if (!existsSync(dir)) {
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    for (const file of files) {
      mkdirSync(dirname(join(tmp, file.path)), { recursive: true });
      writeFileSync(join(tmp, file.path), file.text);
    }
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another test process moved the same bundle into place first.
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(dir)) throw error;
    }
  }
  return join(dir, "child.mjs");
}
