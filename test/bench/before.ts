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
  rows: {
    citizens: number;
    messagesPerSecond: number;
    floorMessagesPerSecond: number;
    fraction: number;
    /** Process CPU per message, µs (steadier than wall time on a busy machine). */
    cpuMicrosPerMessage: number;
    floorCpuMicrosPerMessage: number;
  }[];
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
  const lines = output.split("\n");
  const inbound = tableRows(lines, "Inbound (", dir);
  const cpu = tableRows(lines, "CPU per message", dir);
  const rows = inbound.map((cells) => {
    const cpuCells = cpu.find((c) => c[0] === cells[0]) ?? [];
    return {
      citizens: number(cells[0]!),
      messagesPerSecond: number(cells[2]!),
      floorMessagesPerSecond: number(cells[6]!),
      fraction: Number(cells[9]),
      cpuMicrosPerMessage: number(cpuCells[1] ?? "NaN"),
      floorCpuMicrosPerMessage: number(cpuCells[2] ?? "NaN"),
    };
  });
  return { label: `${dir} at ${commit}`, rows };
}

/** The cells of a printed table's rows: a title line, the header, a rule, then rows up to a blank line. */
function tableRows(lines: readonly string[], title: string, dir: string): string[][] {
  const at = lines.findIndex((line) => line.startsWith(title));
  if (at === -1) throw new Error(`the bench in ${dir} printed no "${title}" table`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 3)) {
    if (!line.trim()) break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}
