/**
 * Spanish first (issue 12, point 1): every command's output in Spanish carries no English UI words,
 * and with `--lang en` (or RINDE_LANG=en) no Spanish UI words. Commands run in-process.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRinde } from "../helpers/cli.ts";
import { createWorld, seed, type CliWorld } from "./cli-helpers.ts";

/** Common English words of the CLI's own texts (not of the data, which is Spanish). */
const ENGLISH = [
  "the",
  "with",
  "unknown",
  "none",
  "not",
  "written",
  "queued",
  "answered",
  "office",
  "question",
  "questions",
  "due",
  "reason",
  "sent",
  "failed",
  "must",
  "missing",
  "citizens",
  "created",
  "pending",
  "overdue",
  "done",
  "cancelled",
  "scheduled",
  "progress",
  "name",
  "key",
  "kind",
  "count",
  "title",
  "invited",
  "delivered",
  "responses",
  "database",
  "profile",
  "jobs",
  "usage",
  "example",
  "holidays",
  "business",
  "days",
  "events",
];
/** Spanish words of the CLI's own texts that must not appear in English output. */
const SPANISH = [
  "ninguno",
  "dependencia",
  "fecha",
  "radicada",
  "vincular",
  "escriba",
  "quiso",
  "falta",
  "pendiente",
  "programado",
  "vencida",
  "respuestas",
  "clave",
  "preguntas",
  "compromisos",
  "ejemplo",
  "nombre",
  "estado",
  "días",
];

/**
 * The words of a text a person reads as prose: without options (`--json`), placeholders (`<id>`),
 * code in backticks, `rinde <command> <sub>` and identifiers (`public_hearing`, `deadline.alert`, `a|b`).
 */
function proseWords(text: string): string[] {
  return text
    .replace(/`[^`]*`/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/rinde( [a-z-]+){0,2}/g, " ")
    .split(/\s+/)
    .filter((token) => !/^[-[(]*--|[_.|:/@=]/.test(token))
    .flatMap((token) => token.toLowerCase().split(/[^\p{L}]+/u))
    .filter(Boolean);
}

function foreignWords(text: string, list: readonly string[]): string[] {
  const words = new Set(proseWords(text));
  return list.filter((w) => words.has(w));
}

const COMMANDS: string[][] = [
  [],
  ["help"],
  ...[
    "offices",
    "districts",
    "topics",
    "officials",
    "questions",
    "commitments",
    "calendar",
    "status",
    "events",
    "announcements",
    "surveys",
    "db",
  ].map((c) => [c, "--help"]),
  ["offices", "list"],
  ["districts", "list"],
  ["topics", "list"],
  ["officials", "list"],
  ["questions", "list"],
  ["questions", "show", "RC-2026-000001"],
  ["questions", "export", "--separator", ","],
  ["commitments", "list"],
  ["commitments", "show", "1"],
  ["commitments", "report"],
  ["commitments", "export"],
  ["commitments", "export", "--history"],
  ["calendar", "holidays", "2026"],
  ["calendar", "add-business-days", "2026-03-02", "15"],
  ["events", "list"],
  ["events", "show", "1"],
  ["events", "questions", "1"],
  ["announcements", "send", "--event", "1", "--topics", "salud", "--yes", "--no-watch"],
  ["announcements", "list"],
  ["announcements", "status", "1"],
  ["surveys", "list"],
  ["surveys", "list", "--runs"],
  ["surveys", "results", "--survey", "answer_clarity"],
  ["status"],
  // Refusals.
  ["offices", "lst"],
  ["offices", "list", "--jsn"],
  ["officials", "invite", "--office", "educación", "--role", "official"],
  ["officials", "invite", "--office", "salud", "--role", "official", "--ttl-hours", "0.0005"],
  ["calendar", "holidays", "1800"],
  ["questions", "show", "RC-2026-000001", "--as", "0x4"],
  ["questions", "answer", "RC-2026-000099", "--text", "x"],
  ["commitments", "show", "7"],
  [
    "events",
    "create",
    "--kind",
    "public_hearing",
    "--title",
    "X",
    "--date",
    "2020-01-01",
    "--start",
    "10:00",
    "--end",
    "09:00",
  ],
  ["frobnicate"],
];

describe("the CLI speaks one language at a time", () => {
  let world: CliWorld;
  beforeAll(async () => {
    world = createWorld();
    await seed(world);
  });
  afterAll(() => rmSync(world.dir, { recursive: true, force: true }));

  it("Spanish by default: no English word in any command's output", { timeout: 120_000 }, async () => {
    const findings: string[] = [];
    for (const args of COMMANDS) {
      const run = await world.rinde(...args);
      const words = foreignWords(run.stdout + run.stderr, ENGLISH);
      if (words.length) findings.push(`rinde ${args.join(" ")}: ${words.join(", ")}\n${run.stdout}${run.stderr}`);
    }
    expect(findings).toEqual([]);
  });

  it("English with --lang en or RINDE_LANG=en: no Spanish word of the CLI's texts", { timeout: 120_000 }, async () => {
    const findings: string[] = [];
    for (const [i, args] of COMMANDS.entries()) {
      // Half through the flag, half through the environment variable.
      const run =
        i % 2
          ? await world.rinde("--lang", "en", ...args)
          : await runRinde(args, { ...world.env, RINDE_LANG: "en" }, { clock: world.clock });
      const words = foreignWords(run.stdout + run.stderr, SPANISH);
      if (words.length) findings.push(`rinde ${args.join(" ")}: ${words.join(", ")}\n${run.stdout}${run.stderr}`);
    }
    expect(findings).toEqual([]);
  });

  it("the word check itself fails on mixed output", () => {
    expect(foreignWords("rinde: unknown option --jsn. ¿Quiso decir `--json`?", ENGLISH)).toEqual(["unknown"]);
    expect(foreignWords("clave  nombre\n-----  ------", SPANISH)).toEqual(["clave", "nombre"]);
    expect(foreignWords("Use --status open|answered; see `rinde questions list`", ENGLISH)).toEqual([]);
  });

  it("refuses a language it does not have, in Spanish", async () => {
    const run = await world.rinde("--lang", "fr", "status");
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("rinde: Idioma «fr» no disponible: use es (español) o en (inglés).\n");
  });
});
