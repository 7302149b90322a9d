/**
 * `npm run bench -- --before=DIR`: runs the SQLite inbound bench of another checkout (DIR, e.g. a
 * detached worktree of the commit before the storage ports: `git worktree add --detach
 * /tmp/bench-before c26725b` with node_modules symlinked) in a child process, with the same citizen
 * counts and nothing else, and reads its Inbound table, so the bench reports before and after.
 */
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";

export interface BeforeFigures {
  /** `DIR at <commit>`. */
  label: string;
  rows: { citizens: number; messagesPerSecond: number; floorMessagesPerSecond: number; fraction: number }[];
}

const number = (text: string) => Number(text.replace(/,/g, ""));

export async function compareBefore(dir: string, sizes: readonly number[]): Promise<BeforeFigures> {
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
  const args = [
    "--import",
    "tsx",
    join(dir, "test/bench/index.ts"),
    `--citizens=${sizes.join(",")}`,
    "--no-dispatch",
    "--no-postgres",
  ];
  for (const extra of ["startup", "routing", "deadlines", "broadcast", "telegram"]) args.push(`--no-${extra}`);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("exit", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(
            new Error(`the bench in ${dir} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`),
          ),
    );
  });
  // The Inbound table: a title line, the header, a rule, then one row per size.
  const lines = output.split("\n");
  const title = lines.findIndex((line) => line.startsWith("Inbound ("));
  if (title === -1) throw new Error(`the bench in ${dir} printed no Inbound table`);
  const rows: BeforeFigures["rows"] = [];
  for (const line of lines.slice(title + 3)) {
    if (!line.trim()) break;
    const cells = line.trim().split(/\s{2,}/);
    rows.push({
      citizens: number(cells[0]!),
      messagesPerSecond: number(cells[2]!),
      floorMessagesPerSecond: number(cells[6]!),
      fraction: Number(cells[9]),
    });
  }
  return { label: `${dir} at ${commit}`, rows };
}
