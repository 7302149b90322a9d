/**
 * `npm run route -- [--profile <file>]`
 *
 * Reads JSON lines `{"id","text"}` on stdin and writes one JSON line per input line, in order:
 * `{"id","office","confidence"}` (office = the profile's office key, confidence in [0, 1]), or, for
 * a line that is not such an object, `{"id": <id or null>, "office": null, "confidence": 0,
 * "error": "<reason>"}`. Streams: each line is answered as it arrives, with backpressure.
 * Exits 1 with a one-line reason on a bad argument or profile.
 */
import { once } from "node:events";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadProfile } from "../config/profile.ts";
import { createRouter, type Router } from "../core/routing/index.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DEFAULT_PROFILE = resolve(REPO_ROOT, "src/config/profiles/default.yaml");

function parseArgs(argv: readonly string[]): { profilePath: string } {
  let profilePath = DEFAULT_PROFILE;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--profile" && value !== undefined && !value.startsWith("--")) {
      profilePath = resolve(value);
      i++;
    } else {
      throw new Error(`unknown or incomplete argument '${argv[i]}'. Usage: route [--profile <file>] < messages.jsonl`);
    }
  }
  return { profilePath };
}

type Answer =
  | { id: unknown; office: string | null; confidence: number }
  | { id: unknown; office: null; confidence: 0; error: string };

/** Answer for one input line; never throws. */
function answerLine(router: Router, line: string): Answer {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return { id: null, office: null, confidence: 0, error: "invalid_json" };
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    return { id: null, office: null, confidence: 0, error: "not_an_object" };
  }
  const { id = null, text } = row as { id?: unknown; text?: unknown };
  if (typeof text !== "string") return { id, office: null, confidence: 0, error: "missing_text" };
  const [best] = router.route(text, 1);
  return { id, office: best?.officeKey ?? null, confidence: Number((best?.score ?? 0).toFixed(4)) };
}

async function main(): Promise<void> {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    // The reader went away (e.g. `| head`): stop quietly, as other Unix filters do.
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const { profilePath } = parseArgs(process.argv.slice(2));
  const profile = loadProfile(profilePath);
  const router = createRouter({ offices: profile.offices });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!process.stdout.write(`${JSON.stringify(answerLine(router, line))}\n`)) await once(process.stdout, "drain");
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`route: ${(error as Error).message.split("\n").join(" ")}\n`);
  process.exit(1);
});
