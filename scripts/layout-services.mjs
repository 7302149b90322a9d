#!/usr/bin/env node
/**
 * Gives src/services/ the feature layout of DESIGN.md ("Services by feature"): one folder per
 * feature (questions, deadlines, events, surveys, commitments, staff, conversation, privacy, plan),
 * each with its actions, jobs and notices. The table below is the layout; this script applies it.
 *
 * Each file is moved with ts-morph's `sourceFile.move()`, which updates the imports that name it;
 * then every relative module specifier of the project (static imports and exports, `import()`
 * calls, `import("…")` types) is written again as a relative path with its `.ts` extension (the
 * project imports with extensions), and paths quoted in comments and docs (`src/services/x.ts`)
 * follow their file. Re-runnable: a file already at its new place is skipped, so a second run
 * changes nothing; a file of src/services/ the table does not name is reported (place it by hand
 * or add it to the table).
 *
 * ts-morph is not a dependency of Rinde: install it anywhere and point to it, e.g.
 *   mkdir -p /tmp/codemod && cd /tmp/codemod && npm install ts-morph@25
 *   NODE_PATH=/tmp/codemod/node_modules node scripts/layout-services.mjs [--dry-run] [root]
 * (without NODE_PATH, /tmp/codemod/node_modules is tried). Then: `npx tsc --noEmit -p .`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Old path → new path, both relative to src/services/. Files not listed stay where they are. */
export const LAYOUT = {
  // The conversation engine's side in services: inbound messages, turns, the action table.
  "inbound.ts": "conversation/inbound.ts",
  "turn.ts": "conversation/turn.ts",
  "start-flow.ts": "conversation/start-flow.ts",
  "actions.ts": "conversation/actions.ts",
  "actions/definition.ts": "conversation/action-definition.ts",
  "actions/newcomer.ts": "conversation/newcomer-actions.ts",
  "actions/public-site.ts": "conversation/public-site-actions.ts",

  // Questions (petitions): filing, routing notices to offices, answers, information requests.
  "questions.ts": "questions/questions.ts",
  "questions-report.ts": "questions/report.ts",
  "office-notices.ts": "questions/office-notices.ts",
  "notify.ts": "questions/notify-citizen.ts",
  "info-reply.ts": "questions/info-reply.ts",
  "answer-approval.ts": "questions/answer-approval.ts",
  "actions/info-reply.ts": "questions/info-reply-actions.ts",

  // Legal terms: alerts and escalations, extensions (prórrogas), the due date explained.
  "deadlines.ts": "deadlines/deadlines.ts",
  "deadline-jobs.ts": "deadlines/jobs.ts",
  "extension.ts": "deadlines/extension.ts",
  "due-date-story.ts": "deadlines/due-date-story.ts",

  // Dialogue events, their announcements and the subscriptions that target them.
  "events.ts": "events/events.ts",
  "event-texts.ts": "events/texts.ts",
  "event-jobs.ts": "events/jobs.ts",
  "event-questions.ts": "events/questions.ts",
  "event-inbound.ts": "events/inbound.ts",
  "event-wizard.ts": "events/wizard.ts",
  "announcements.ts": "events/announcements.ts",
  "subscriptions.ts": "events/subscriptions.ts",
  "actions/events.ts": "events/actions.ts",
  "actions/event-wizard.ts": "events/wizard-actions.ts",
  "actions/unsubscribe.ts": "events/unsubscribe-actions.ts",

  // Surveys: runs, delivery, the survey conversation, results.
  "surveys.ts": "surveys/surveys.ts",
  "survey-conversation.ts": "surveys/conversation.ts",
  "survey-definitions.ts": "surveys/definitions.ts",
  "survey-import.ts": "surveys/import.ts",
  "survey-jobs.ts": "surveys/jobs.ts",
  "survey-results.ts": "surveys/results.ts",
  "actions/surveys.ts": "surveys/actions.ts",

  // Commitments made in dialogue spaces and their follow-up.
  "commitments.ts": "commitments/commitments.ts",
  "commitment-csv.ts": "commitments/csv.ts",
  "commitment-jobs.ts": "commitments/jobs.ts",
  "commitment-notices.ts": "commitments/notices.ts",
  "commitment-staff.ts": "commitments/staff-commands.ts",
  "actions/commitments.ts": "commitments/actions.ts",

  // Officials in chats: commands, notice buttons, where an office's notices go.
  "staff.ts": "staff/staff.ts",
  "staff-buttons.ts": "staff/buttons.ts",
  "office-targets.ts": "staff/office-targets.ts",
  "audited-actions.ts": "staff/audited-actions.ts",

  // Habeas data: consent, erasure, what an erasure means for questions.
  "consent.ts": "privacy/consent.ts",
  "erased-questions.ts": "privacy/erased-questions.ts",
};

/**
 * Files and folders that stay: what every feature shares (the app context, queuing a message with
 * its reference), the accountability plan (already a folder), and the web-facing services
 * (backoffice/, transparency/) that read across features.
 */
export const STAYS = ["context.ts", "sent-messages.ts", "plan/", "backoffice/", "transparency/"];

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const root = resolve(args.find((a) => !a.startsWith("--")) ?? join(here, ".."));
const services = join(root, "src", "services");

function loadTsMorph() {
  const require = createRequire(import.meta.url);
  const paths = [...(process.env.NODE_PATH ?? "").split(":").filter(Boolean), "/tmp/codemod/node_modules"];
  try {
    return require(require.resolve("ts-morph", { paths }));
  } catch {
    throw new Error(
      `ts-morph not found in ${paths.join(", ")}: install it (npm install ts-morph@25 in /tmp/codemod) and set NODE_PATH to its node_modules`,
    );
  }
}

/** Every file under `dir` (relative to it), recursively. */
function walk(dir, prefix = "") {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/** A relative module specifier from `fromFile` to `toFile`, with the `.ts` extension, POSIX separators. */
function specifier(fromFile, toFile) {
  const rel = relative(dirname(fromFile), toFile).split(sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

function main() {
  const { Project, Node, SyntaxKind } = loadTsMorph();
  const moves = Object.entries(LAYOUT).map(([from, to]) => ({
    from: join(services, from),
    to: join(services, to),
    name: from,
  }));
  const oldToNew = new Map(moves.map((m) => [m.from, m.to]));

  // What the table does not place: new files someone added since it was written.
  const placed = new Set([...Object.keys(LAYOUT), ...Object.values(LAYOUT)]);
  const unplaced = walk(services).filter(
    (f) => f.endsWith(".ts") && !placed.has(f) && !STAYS.some((s) => (s.endsWith("/") ? f.startsWith(s) : f === s)),
  );
  for (const f of unplaced) console.warn(`not in the layout table, left in place: src/services/${f}`);
  const missing = moves.filter((m) => !existsSync(m.from) && !existsSync(m.to));
  for (const m of missing) console.warn(`in the table but not found (renamed or deleted?): src/services/${m.name}`);

  const todo = moves.filter((m) => existsSync(m.from));
  const clash = todo.filter((m) => existsSync(m.to));
  if (clash.length > 0) throw new Error(`targets already exist: ${clash.map((m) => relative(root, m.to)).join(", ")}`);
  if (todo.length === 0) {
    console.log("every file of the table is already in place; nothing to do");
    return;
  }
  if (dryRun) {
    for (const m of todo) console.log(`would move src/services/${m.name} → src/services/${LAYOUT[m.name]}`);
    return;
  }

  // The project's own TypeScript files, in memory: without node_modules on that file system the
  // compiler resolves only relative imports, so each move takes milliseconds instead of re-reading
  // every package's typings. The result is written back to disk at the end.
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      module: 99 /* ESNext */,
      moduleResolution: 100 /* Bundler */,
      allowImportingTsExtensions: true,
      noEmit: true,
      target: 9 /* ES2022 */,
    },
  });
  const originals = new Map();
  const onDisk = ["src", "test"]
    .flatMap((d) => walk(join(root, d)).map((f) => join(root, d, f)))
    .concat(
      readdirSync(root)
        .filter((f) => f.endsWith(".ts"))
        .map((f) => join(root, f)),
    )
    .filter((f) => f.endsWith(".ts"));
  for (const f of onDisk) {
    const text = readFileSync(f, "utf8");
    originals.set(f, text);
    project.createSourceFile(f, text);
  }
  const newToOld = new Map();
  for (const m of todo) {
    const file = project.getSourceFileOrThrow(m.from);
    file.move(m.to);
    newToOld.set(m.to, m.from);
    console.log(`moved src/services/${m.name} → src/services/${LAYOUT[m.name]}`);
  }

  // Every relative specifier again: the target as the compiler resolves it now, else as it resolved
  // from the file's old folder (an `import()` call `move()` does not follow), written with `.ts`.
  const retarget = (file, literal) => {
    const text = literal.getLiteralValue();
    if (!text.startsWith(".")) return;
    // `move()` writes the specifiers it updates without the extension.
    const path = /\.[cm]?[jt]sx?$/.test(text) ? text : `${text}.ts`;
    const filePath = file.getFilePath();
    const fromNew = resolve(dirname(filePath), path);
    const oldDir = dirname(newToOld.get(filePath) ?? filePath);
    const fromOld = resolve(oldDir, path);
    let target;
    if (project.getSourceFile(fromNew) || (!oldToNew.has(fromNew) && existsSync(fromNew))) target = fromNew;
    else if (oldToNew.has(fromOld)) target = oldToNew.get(fromOld);
    else if (project.getSourceFile(fromOld) || existsSync(fromOld)) target = fromOld;
    else return;
    const wanted = specifier(filePath, target);
    if (wanted !== text) literal.setLiteralValue(wanted);
  };
  for (const file of project.getSourceFiles()) {
    for (const decl of [...file.getImportDeclarations(), ...file.getExportDeclarations()]) {
      const target = decl.getModuleSpecifierSourceFile();
      const literal = decl.getModuleSpecifier();
      if (!literal) continue;
      if (target && literal.getLiteralValue().startsWith(".")) {
        const wanted = specifier(file.getFilePath(), target.getFilePath());
        if (wanted !== literal.getLiteralValue()) decl.setModuleSpecifier(wanted);
      } else {
        retarget(file, literal);
      }
    }
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (call.getExpression().getKind() !== SyntaxKind.ImportKeyword) continue;
      const [arg] = call.getArguments();
      if (arg && Node.isStringLiteral(arg)) retarget(file, arg);
    }
    for (const type of file.getDescendantsOfKind(SyntaxKind.ImportType)) {
      const literal = type.getArgument().getLiteral?.();
      if (literal && Node.isStringLiteral(literal)) retarget(file, literal);
    }
  }
  // Back to disk: moved files at their new paths (the old ones removed), changed files rewritten.
  for (const m of todo) {
    mkdirSync(dirname(m.to), { recursive: true });
    rmSync(m.from);
  }
  for (const file of project.getSourceFiles()) {
    const path = file.getFilePath();
    const text = file.getFullText();
    if (originals.get(path) !== text) writeFileSync(path, text);
  }
  // Folders the moves emptied (src/services/actions/).
  for (const dir of new Set(todo.map((m) => dirname(m.from)))) {
    if (dir !== services && existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  }

  // Paths quoted in comments and docs follow their file (longest first: `actions/events.ts` before `events.ts`).
  const quoted = [...todo].sort((a, b) => b.name.length - a.name.length);
  const pattern = new RegExp(
    `src/services/(${quoted.map((m) => m.name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})(?![\\w/.-])`,
    "g",
  );
  const texts = ["src", "test", "docs", "scripts", "flows"]
    .map((d) => join(root, d))
    .filter(existsSync)
    .flatMap((d) => walk(d).map((f) => join(d, f)))
    .concat(["README.md"].map((f) => join(root, f)).filter(existsSync))
    .filter((f) => /\.(ts|mjs|md|ya?ml)$/.test(f) && f !== fileURLToPath(import.meta.url));
  for (const f of texts) {
    const before = readFileSync(f, "utf8");
    const after = before.replace(pattern, (_, name) => `src/services/${LAYOUT[name]}`);
    if (after !== before) writeFileSync(f, after);
  }
  console.log(`${todo.length} files moved; now run: npx tsc --noEmit -p .`);
}

main();
