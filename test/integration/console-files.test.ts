/**
 * Issue 18, point 8: the console "sends" files the way a terminal can — it writes them to a folder
 * it names (beside the database) — so an event's .ics is really there, as on Telegram and WhatsApp.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConsoleChannel } from "../../src/channels/console/console-channel.ts";
import { PROJECT_ROOT } from "../../src/config/env.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { storageEnv } from "../helpers/storage.ts";

/** What `npm run chat` runs (the compiled bot); the staff commands before it run in-process (test/helpers/cli.ts). */
const START = join(PROJECT_ROOT, "bin/start.mjs");
const ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

describe("files on the console", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rinde-console-files-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function channel(filesDir?: string) {
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
    const console = createConsoleChannel({
      input: new PassThrough(),
      output,
      interactive: false,
      nowMs: () => 0,
      ...(filesDir ? { filesDir } : {}),
    });
    return { console, printed: () => printed };
  }

  it("writes a sent file to its folder and names the path", async () => {
    const filesDir = join(dir, "console-files");
    const { console, printed } = channel(filesDir);
    const sent = await console.send({
      address: "console-citizen",
      text: "Archivo de calendario.",
      document: { fileName: "evento-1.ics", mimeType: "text/calendar", content: ICS },
    });
    expect(sent.ok).toBe(true);
    const path = join(filesDir, "evento-1.ics");
    expect(readFileSync(path, "utf8")).toBe(ICS);
    expect(printed()).toContain(`📎 evento-1.ics → ${path}`);
  });

  it("never writes outside its folder, whatever the file's name", async () => {
    const filesDir = join(dir, "console-files");
    const { console } = channel(filesDir);
    await console.send({
      address: "console-citizen",
      text: "x",
      document: { fileName: "../../fuera.ics", mimeType: "text/calendar", content: ICS },
    });
    expect(existsSync(join(dir, "fuera.ics"))).toBe(false);
    expect(existsSync(join(filesDir, "fuera.ics"))).toBe(true);
  });

  it("prints the file's text when it has no folder", async () => {
    const { console, printed } = channel();
    await console.send({
      address: "console-citizen",
      text: "x",
      document: { fileName: "evento-1.ics", mimeType: "text/calendar", content: ICS },
    });
    expect(printed()).toContain("📎 evento-1.ics\nBEGIN:VCALENDAR");
  });

  it("npm run chat writes the .ics of an event the citizen will attend beside the database", async () => {
    const env = {
      ...process.env,
      ...storageEnv(join(dir, "rinde.db")),
      RINDE_PROFILE: "default",
      RINDE_LOG_LEVEL: "warn",
    };
    const nextYear = new Date().getUTCFullYear() + 1;
    // The CLI never creates a database by itself (a typo in RINDE_DB must not start an empty one).
    const cli = (...args: string[]) =>
      runCliInProcess(args, { env: { ...storageEnv(env.RINDE_DB), RINDE_PROFILE: "default" } });
    expect((await cli("db", "init")).status).toBe(0);
    const created = await cli(
      "events",
      "create",
      "--kind",
      "public_hearing",
      "--title",
      "Audiencia pública 2027",
      "--date",
      `${nextYear}-02-10`,
      "--start",
      "09:00",
      "--end",
      "11:00",
      "--place",
      "Teatro Municipal",
    );
    expect(created.status, created.stderr).toBe(0);
    const run = spawnSync(process.execPath, [START, "--console"], {
      env,
      input: "hola\n1\nevento 1\n1\n",
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const path = join(dir, "console-files", "evento-1.ics");
    expect(run.stdout).toContain(`📎 evento-1.ics → ${path}`);
    expect(readFileSync(path, "utf8")).toContain("BEGIN:VCALENDAR");
  }, 120_000);
});
