#!/usr/bin/env node
/**
 * Builds the JavaScript that runs Rinde: `dist/main.mjs` (`npm start`, `npm run chat`) and
 * `dist/rinde.mjs` (the `rinde` CLI), bundled from src/ with esbuild. Dependencies stay in
 * node_modules except a few pure-JavaScript ones (see BUNDLED); code split so that Telegram and WhatsApp, loaded with
 * `import()` only when enabled, keep telegraf and Baileys out of every other start.
 *
 * `npm install` and `npm ci` run it (the `prepare` script); the launchers in bin/ run it again when
 * a file in src/ is newer than the last build, so a developer never runs stale code. Assets
 * (flows/, locales/, migrations/, profiles) are not copied: the code finds them from the
 * repository root (src/config/env.ts).
 *
 *   node scripts/build.mjs          clean build into dist/
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = join(ROOT, "dist");
const STAMP = join(DIST, ".built");
const ENTRIES = { main: "src/start.ts", rinde: "src/cli/entry.ts" };

/**
 * Pure-JavaScript packages bundled into dist/ because every start loads them and, as hundreds of
 * small ES modules, loading them file by file cost more than running them (drizzle-orm and zod
 * alone opened ~215 files). Every other package stays in node_modules: native ones
 * (better-sqlite3), those that start workers by file path (pino), and those loaded only when a
 * channel is enabled (telegraf, Baileys). A package added later is external until listed here.
 */
const BUNDLED = [
  "zod",
  "drizzle-orm",
  "i18next",
  "luxon",
  "ics",
  "csv-parse",
  "csv-stringify",
  "colombian-holidays",
  "fastest-levenshtein",
];

const packageName = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/**
 * esbuild plugin: Rinde's direct dependencies are external unless listed in BUNDLED; packages
 * reached only through a bundled one (colombian-holidays → pascua) are bundled with it.
 */
function externalUnlessBundled() {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const direct = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
  return {
    name: "external-unless-bundled",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageName(args.path);
        if (args.path.startsWith("node:") || (direct.has(name) && !BUNDLED.includes(name)))
          return { path: args.path, external: true };
        if (!args.importer.includes("/node_modules/") && !BUNDLED.includes(name))
          return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}

/**
 * esbuild plugin: zod's `z.locales` namespace (error messages in 40-odd languages, 340 kB, almost
 * half of zod) reduced to English, the default zod registers itself. Rinde never calls
 * `z.config(z.locales.…())`: its own texts come from locales/. Every start parsed those 340 kB.
 */
function zodEnglishOnly() {
  return {
    name: "zod-english-only",
    setup(build) {
      build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
        contents: 'export { default as en } from "./en.js";\n',
        loader: "js",
      }));
    },
  };
}

/**
 * Newest modification time (ms) of the build's inputs: src/ and this script. Every `rinde` command
 * runs it: paths are joined by hand (path.join normalised each of the ~330 paths, half the check's
 * CPU) and the walk stops at the first file newer than the build.
 */
function newestInput(builtMs) {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (newest > builtMs) return;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) {
        const mtimeMs = statSync(path).mtimeMs;
        if (mtimeMs > newest) newest = mtimeMs;
      }
    }
  };
  walk(join(ROOT, "src"));
  return newest;
}

/** True when dist/ is missing or older than a file in src/ (a few milliseconds: stats only). */
export function isStale() {
  try {
    const builtMs = statSync(STAMP).mtimeMs;
    return builtMs < newestInput(builtMs);
  } catch {
    return true;
  }
}

/** esbuild options every bundle of Rinde's code shares (dist/ and the test suite's child processes). */
const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  // Bundled CommonJS packages call require() for Node's built-ins; an ES module has none.
  banner: {
    js: 'import { createRequire as __rindeCreateRequire } from "node:module"; const require = __rindeCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
};

/**
 * One TypeScript script (a test's child process) bundled for node: returns the files (entry
 * `child.mjs` and its chunks, paths relative to the output folder) for the caller to write where it
 * wants. Code split as dist/ is, so what the script loads only with `import()` (channels, the web
 * server, PostgreSQL) stays out of its start. Node starts it in a fraction of the time tsx needs to
 * transpile the same modules at every start.
 */
export async function bundleScript(entry) {
  const { build: esbuild } = await import("esbuild");
  const outdir = join(ROOT, ".tmp", "bundle-out");
  const result = await esbuild({
    ...COMMON,
    entryPoints: { child: entry },
    outdir,
    write: false,
    splitting: true,
    plugins: [externalUnlessBundled(), zodEnglishOnly()],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
  });
  return result.outputFiles.map((file) => ({ path: file.path.slice(outdir.length + 1), text: file.text }));
}

/**
 * Bundles into a private folder, then moves each file into dist/ with an atomic rename, so a
 * process starting meanwhile (a parallel test, a second terminal) never loads half a file.
 * Chunk names carry a content hash; `clean` (npm install) removes the chunks of older builds.
 */
export async function build({ clean = false } = {}) {
  const { build: esbuild } = await import("esbuild");
  const tmp = `${DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await esbuild({
    ...COMMON,
    entryPoints: ENTRIES,
    outdir: tmp,
    splitting: true,
    plugins: [externalUnlessBundled(), zodEnglishOnly()],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
  });
  if (clean) rmSync(DIST, { recursive: true, force: true });
  mkdirSync(join(DIST, "chunks"), { recursive: true });
  const move = (from, to) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) move(join(from, entry.name), join(to, entry.name));
      else renameSync(join(from, entry.name), join(to, entry.name));
    }
  };
  // Chunks first: an entry file never points at a chunk not yet in place.
  move(join(tmp, "chunks"), join(DIST, "chunks"));
  move(tmp, DIST);
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Rebuilds when stale; without esbuild (a production install without dev tools) keeps dist/ as it is. */
export async function ensureFresh() {
  if (!isStale()) return;
  try {
    await build();
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    process.stderr.write("rinde: src/ is newer than dist/ but esbuild is not installed; running the last build.\n");
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await build({ clean: true });
  process.stdout.write(`rinde: built dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
