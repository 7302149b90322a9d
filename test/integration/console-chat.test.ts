/**
 * The console channel end to end, as real processes of the built entry (bin/start.mjs, what
 * `npm start` and `npm run chat` run): a scripted chat, a running bot that delivers what the CLI
 * writes from another process, and configuration errors that exit without a stack trace. The
 * CLI commands themselves run in-process (test/helpers/cli.ts); bin/rinde.mjs is run as a process
 * once, for its exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/env.ts";
import { runCliInProcess, runRinde } from "../helpers/cli.ts";
import { storageEnv } from "../helpers/storage.ts";

const START = join(PROJECT_ROOT, "bin/start.mjs");
const RINDE = join(PROJECT_ROOT, "bin/rinde.mjs");
const NODE = process.execPath;

describe("console chat and CLI", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rinde-console-"));
    env = {
      ...process.env,
      ...storageEnv(join(dir, "rinde.db")),
      RINDE_PROFILE: "default",
      RINDE_LOG_LEVEL: "warn",
      RINDE_DISPATCH_INTERVAL_MS: "50",
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    runCliInProcess(args, { env: { ...storageEnv(env.RINDE_DB!), RINDE_PROFILE: "default" } });

  it("runs a scripted conversation on a SQLite file and ends cleanly at end of input", async () => {
    const script = [
      "hola",
      "1",
      "El parque de mi barrio no tiene alumbrado y es peligroso de noche",
      "1",
      "1",
      "menu",
      "3",
    ].join("\n");
    const run = spawnSync(NODE, [START, "--console"], { env, input: `${script}\n`, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("¿Nos autoriza");
    expect(run.stdout).toMatch(/Número de radicado: RC-\d{4}-000001/);
    expect(run.stdout).toContain("Sus preguntas:");
    // Replies come out in order: the receipt before the list of questions.
    expect(run.stdout.indexOf("Número de radicado")).toBeLessThan(run.stdout.indexOf("Sus preguntas:"));
    const list = await cli("questions", "list", "--json");
    expect(list.status).toBe(0);
    const rows = JSON.parse(list.stdout) as { reference: string; status: string; deadline: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "open", deadline: "on_time" });
  });

  it("delivers an answer written by the CLI to the running console chat without a restart", async () => {
    const bot = spawn(NODE, [START, "--console"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    bot.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const waitFor = async (pattern: RegExp, timeoutMs = 20_000) => {
      const start = Date.now();
      while (!pattern.test(out)) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; got:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return pattern.exec(out)!;
    };
    try {
      for (const line of [
        "hola",
        "1",
        "Necesito información sobre los subsidios de vivienda para mi familia",
        "1",
        "1",
      ])
        bot.stdin.write(`${line}\n`);
      const reference = (await waitFor(/RC-\d{4}-\d{6}/))[0];
      const answer = await cli(
        "questions",
        "answer",
        reference,
        "--text",
        "Puede inscribirse en la convocatoria que abre el 1 de abril.",
      );
      expect(answer.status, answer.stderr).toBe(0);
      await waitFor(/Puede inscribirse en la convocatoria/);
      expect(out).toContain(`Respuesta a su pregunta ${reference}`);
    } finally {
      bot.stdin.end();
      await new Promise((resolve) => bot.on("exit", resolve));
    }
    expect(bot.exitCode).toBe(0);
  });

  /** The CLI in-process on a database it creates first, as `rinde db init` would. */
  const rinde = async (...args: string[]) => {
    if (!existsSync(env.RINDE_DB!))
      await runRinde(["db", "init"], { ...storageEnv(env.RINDE_DB!), RINDE_PROFILE: "default" });
    return runRinde(args, { ...storageEnv(env.RINDE_DB!), RINDE_PROFILE: "default" });
  };

  it("reports CLI errors in one line with a non-zero exit", async () => {
    const missing = await rinde("questions", "answer", "RC-2026-999999", "--text", "x");
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe("rinde: No existe una pregunta con ese radicado.");
    const unknown = await rinde("frobnicate");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const badRole = await rinde("officials", "add", "--name", "Ana", "--role", "boss");
    expect(badRole.stderr).toBe("rinde: --role: «boss» no existe.\n");
    // The same failure seen by a shell: the `rinde` executable exits 1 with the one line.
    const shell = spawnSync(NODE, [RINDE, "questions", "answer", "RC-2026-999999", "--text", "x"], {
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect([shell.status, shell.stderr.trim()]).toEqual([1, "rinde: No existe una pregunta con ese radicado."]);
  });

  it("manages officials and offices from the CLI", async () => {
    expect((await rinde("officials", "add", "--name", "Ana Pérez", "--office", "salud", "--role", "head")).stdout).toBe(
      "Funcionario 1 registrado: Ana Pérez, jefe de dependencia de Secretaría de Salud.\n",
    );
    const list = JSON.parse((await rinde("officials", "list", "--json")).stdout) as {
      name: string;
      role: string;
      officeKey: string;
    }[];
    expect(list).toEqual([expect.objectContaining({ name: "Ana Pérez", role: "head", officeKey: "salud" })]);
    expect((await rinde("officials", "remove", "1")).status).toBe(0);
    expect(JSON.parse((await rinde("officials", "list", "--json")).stdout)).toEqual([]);
    const offices = JSON.parse((await rinde("offices", "list", "--json")).stdout) as { key: string }[];
    expect(offices.map((o) => o.key)).toContain("planeacion");
    expect((await rinde("offices", "bind", "salud", "--telegram-chat", "-100123")).status).toBe(0);
    expect((await rinde("offices", "bind", "salud", "--telegram-chat", "abc")).status).toBe(1);
  });

  it("exits with a clear message, and no stack trace, on a bad environment variable", () => {
    const run = spawnSync(NODE, [START, "--console"], {
      env: { ...env, RINDE_LOG_LEVEL: "loud" },
      input: "",
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("RINDE_LOG_LEVEL");
    expect(run.stderr).toContain("Use one of fatal, error, warn, info");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const badProfile = spawnSync(NODE, [START, "--console"], {
      env: { ...env, RINDE_PROFILE: "atlantis" },
      input: "",
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(badProfile.status).toBe(2);
    expect(badProfile.stderr).toContain("no profile named 'atlantis'");
  });
});
