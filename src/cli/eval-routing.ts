/**
 * `npm run eval:routing [-- --profile <file>] [--set <jsonl>] [--misses]`
 *
 * Routes every labelled message of a JSON-lines set ({"id","text","office"}, office = reference
 * category) with the profile's offices and prints top-1/top-3 accuracy, per-category precision and
 * recall, and the confusion matrix. `--misses` also lists wrong top-1 predictions by id, to find
 * missing topics (see ../shared/routing/README.md: never copy the set's wording into training data).
 * Exits 1 with a one-line reason on a bad argument, profile or set.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProfile } from "../config/profile.ts";
import { createRouter, evaluateRouting, type LabelledMessage, type RoutingEvaluation } from "../core/routing/index.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DEFAULT_PROFILE = resolve(REPO_ROOT, "src/config/profiles/default.yaml");
const DEFAULT_SET = resolve(REPO_ROOT, "../shared/routing/dev.jsonl");

interface Options {
  profilePath: string;
  setPath: string;
  showMisses: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { profilePath: DEFAULT_PROFILE, setPath: DEFAULT_SET, showMisses: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--misses") options.showMisses = true;
    else if ((arg === "--profile" || arg === "--set") && value !== undefined && !value.startsWith("--")) {
      if (arg === "--profile") options.profilePath = resolve(value);
      else options.setPath = resolve(value);
      i++;
    } else
      throw new Error(
        `unknown or incomplete argument '${arg}'. Usage: eval-routing [--profile <file>] [--set <jsonl>] [--misses]`,
      );
  }
  return options;
}

function readSet(path: string): LabelledMessage[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`cannot read labelled set '${path}'; pass --set <jsonl>.`);
  }
  return text
    .split("\n")
    .map((line, i) => ({ line: line.trim(), lineNumber: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, lineNumber }) => {
      let row: Partial<LabelledMessage>;
      try {
        row = JSON.parse(line) as Partial<LabelledMessage>;
      } catch {
        throw new Error(`${path}:${lineNumber}: not valid JSON.`);
      }
      if (typeof row.text !== "string" || typeof row.office !== "string") {
        throw new Error(`${path}:${lineNumber}: each line needs string "text" and "office".`);
      }
      return { id: String(row.id ?? lineNumber), text: row.text, office: row.office };
    });
}

const pct = (x: number): string => (Number.isNaN(x) ? "   -  " : `${(x * 100).toFixed(1).padStart(5)}%`);
/** Column label: "desarrollo_social" → "dessoc", "planeacion" → "planea". */
const short = (category: string): string => {
  const parts = category.split("_");
  return parts.length === 1
    ? category.slice(0, 6)
    : parts
        .map((part) => part.slice(0, 3))
        .join("")
        .slice(0, 6);
};

function report(result: RoutingEvaluation, options: Options): string {
  const lines = [
    `profile: ${options.profilePath}`,
    `set: ${options.setPath} (${result.total} messages)`,
    `top-1 accuracy: ${result.top1Accuracy.toFixed(3)}`,
    `top-3 accuracy: ${result.top3Accuracy.toFixed(3)}`,
    `mean top score: correct ${result.meanScoreCorrect.toFixed(3)}, wrong ${result.meanScoreWrong.toFixed(3)}`,
    "",
    `${"category".padEnd(22)} precision  recall  support`,
    ...result.perCategory.map(
      (m) => `${m.category.padEnd(22)} ${pct(m.precision)}   ${pct(m.recall)}  ${String(m.support).padStart(5)}`,
    ),
    "",
    "confusion matrix (rows: expected, columns: predicted)",
    `${"".padEnd(22)}${result.categories.map((c) => short(c).padStart(7)).join("")}`,
    ...result.categories.map(
      (c, i) => `${c.padEnd(22)}${(result.confusion[i] ?? []).map((n) => String(n || ".").padStart(7)).join("")}`,
    ),
  ];
  if (options.showMisses) {
    lines.push("", "misses (id expected → predicted score)");
    for (const m of result.misses) lines.push(`${m.id} ${m.expected} → ${m.predicted} ${m.score.toFixed(2)}`);
  }
  return lines.join("\n");
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const profile = loadProfile(options.profilePath);
  const set = readSet(options.setPath);
  const router = createRouter({ offices: profile.offices });
  process.stdout.write(`${report(evaluateRouting(router, profile.offices, set), options)}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`eval-routing: ${(error as Error).message.split("\n").join(" ")}\n`);
  process.exit(1);
}
