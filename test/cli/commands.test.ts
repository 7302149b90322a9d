/**
 * The `rinde` CLI in-process (issue 12 points 2–4, issue 19 point 6): help per command, one-line
 * errors with the closest valid value, strict numbers and ids, the missing database refused, local
 * times, what an announcement shows before it is confirmed.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runRinde } from "../helpers/cli.ts";
import { bogota, createWorld, NOW_MS, seed, type CliWorld } from "./cli-helpers.ts";
import { onPostgres, sqliteOnly } from "../helpers/storage.ts";
import { SQLITE_MIGRATIONS_FOLDER } from "../../src/db/client.ts";
import { migrationJournal } from "../../src/db/migrations.ts";

let world: CliWorld;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => rmSync(world.dir, { recursive: true, force: true }));

const COMMANDS = [
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
  "admin",
  "db",
];

describe("help", () => {
  it("`rinde <command> --help` and `rinde help <command>` show that command's usage with an example, without a database", async () => {
    for (const command of COMMANDS) {
      const flag = await world.rinde(command, "--help");
      const word = await world.rinde("help", command);
      expect(flag.status, `${command}: ${flag.stderr}`).toBe(0);
      expect(flag.stdout).toBe(word.stdout);
      expect(flag.stdout).toMatch(new RegExp(`^rinde ${command} — `));
      expect(flag.stdout).toMatch(/\nEjemplos?:\n {2}\S/);
      const english = await world.rinde(command, "--help", "--lang", "en");
      expect(english.stdout).toMatch(/\nExamples?:\n {2}\S/);
    }
    const sub = await world.rinde("questions", "answer", "--help");
    expect(sub.stdout).toContain("rinde questions answer <radicado> --text <respuesta>");
    expect((await world.rinde("questions")).stdout).toContain("rinde questions — ");
    expect((await world.rinde()).stdout).toMatch(/^Uso: rinde <comando>/);
    expect(existsSync(world.dbPath)).toBe(false);
  });
});

describe("commands from main's other slices under this runner", () => {
  it("`rinde admin create` prints the one-time setup link in the chosen language; plan and the report get the language", async () => {
    await seed(world);
    const es = await world.rinde("admin", "create");
    expect(es.status, es.stderr).toBe(0);
    expect(es.stdout).toMatch(
      /^Abra este enlace para crear una persona administradora \(un solo uso, hasta \S+ \d+ \S+ \d{4} \d{2}:\d{2}\):\n {2}http:\/\/\S+\/admin\/configurar\/\S+\n$/,
    );
    const en = await world.rinde("admin", "create", "--lang", "en");
    expect(en.stdout).toMatch(/^Open this link to create an administrator \(one use, until /);
    expect((await world.rinde("admin", "crate")).stderr).toMatch(/^rinde: .*¿Quiso decir `create`\?\n$/);
    const report = await world.rinde("questions", "report", "--help");
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).not.toBe((await world.rinde("questions", "--help")).stdout);
    const planEs = await world.rinde("plan", "status", "--year", "x");
    const planEn = await world.rinde("plan", "status", "--year", "x", "--lang", "en");
    expect(planEs.status).toBe(1);
    expect(planEs.stderr).not.toBe(planEn.stderr);
    expect(planEs.stderr).not.toMatch(/^rinde: cli\./);
  });
});

describe.skipIf(onPostgres)(
  sqliteOnly("the database", "RINDE_DB as a file: missing, a folder, unwritable, created by `db init`"),
  () => {
    it("refuses a RINDE_DB that does not exist, with the absolute path, and creates nothing", async () => {
      const run = await runRinde(["questions", "list"], {
        ...world.env,
        RINDE_DB: relative(process.cwd(), join(world.dir, "rinde-typo.db")),
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        `rinde: No existe la base de datos ${join(world.dir, "rinde-typo.db")}. Revise RINDE_DB, o créela con \`rinde db init\` (o \`npm start\`).\n`,
      );
      expect(existsSync(join(world.dir, "rinde-typo.db"))).toBe(false);
    });

    it("`rinde db init` creates it once; `status` shows absolute paths", async () => {
      const created = await world.rinde("db", "init");
      const latest = migrationJournal(SQLITE_MIGRATIONS_FOLDER).at(-1)!.tag;
      expect(created.stdout).toBe(
        `Base de datos creada en ${world.dbPath}, con todas sus migraciones (la última: ${latest}).\n`,
      );
      expect((await world.rinde("db", "init")).stdout).toContain("ya existía");
      const status = await runRinde(
        ["status"],
        { ...world.env, RINDE_DB: relative(process.cwd(), world.dbPath) },
        { clock: world.clock },
      );
      expect(status.stdout).toContain(`base de datos  ${world.dbPath}\n`);
      expect(status.stdout).toMatch(/archivo perfil \/\S+\/src\/config\/profiles\/default\.yaml\n/);
      const json = JSON.parse((await world.rinde("status", "--json")).stdout) as {
        database: string;
        profilePath: string;
      };
      expect(json.database).toBe(world.dbPath);
    });

    it("prints one line, no stack trace, when the database cannot be opened", async () => {
      mkdirSync(join(world.dir, "a-folder.db"));
      const folder = await runRinde(["status"], { ...world.env, RINDE_DB: join(world.dir, "a-folder.db") });
      expect(folder.status).toBe(1);
      expect(folder.stderr.trim().split("\n")).toHaveLength(1);
      expect(folder.stderr).toMatch(/^rinde: error inesperado \(.+\)\. No se cambió nada más\./);
      expect(folder.stderr).not.toMatch(/\n\s+at /);
      writeFileSync(join(world.dir, "a-file"), "");
      const unwritable = await runRinde(["db", "init"], {
        ...world.env,
        RINDE_DB: join(world.dir, "a-file", "rinde.db"),
      });
      expect(unwritable.status).toBe(1);
      expect(unwritable.stderr).toMatch(
        /^rinde: error inesperado \((ENOTDIR|EEXIST): [^\n]+\)\. No se cambió nada más\. Con RINDE_DEBUG=1 verá el detalle técnico\.\n$/,
      );
      const debug = await runRinde(["db", "init"], {
        ...world.env,
        RINDE_DB: join(world.dir, "a-file", "rinde.db"),
        RINDE_DEBUG: "1",
      });
      expect(debug.stderr).toMatch(/\n\s+at /);
    });
  },
);

describe("one-line errors with the closest valid value", () => {
  beforeEach(async () => {
    await seed(world);
  });

  it.each([
    [["offices", "lst"], "rinde: «rinde offices» no tiene «lst». Use: list, bind. ¿Quiso decir `list`?"],
    [["ofices", "list"], "rinde: No existe el comando «ofices». Vea `rinde help`. ¿Quiso decir `offices`?"],
    [["offices", "list", "--jsn"], "rinde: Opción desconocida --jsn. ¿Quiso decir `--json`?"],
    [
      ["questions", "list", "--office", "educación"],
      "rinde: --office: «educación» no existe. ¿Quiso decir `educacion`?",
    ],
    [
      ["commitments", "add", "--office", "infraestructuras", "--due", "2026-06-30", "--text", "Arreglar el parque"],
      "rinde: --office: «infraestructuras» no existe. ¿Quiso decir `infraestructura`?",
    ],
    [["officials", "invite", "--office", "salud", "--role", "jefe"], "rinde: --role: «jefe» no existe."],
    [
      ["officials", "invite", "--office", "salud", "--role", "heads"],
      "rinde: --role: «heads» no existe. ¿Quiso decir `head`?",
    ],
    [["officials", "invite", "--office", "salud", "--role", "admin"], "rinde: --role: «admin» no existe."],
    [["calendar", "add-business-days", "2026-03-02", "-5"], "rinde: <N> no puede ser negativo; recibí «-5»."],
    [["calendar", "holidays", "1800"], "rinde: <año> debe estar entre 1984 y 2100; recibí «1800»."],
    [
      ["calendar", "add-business-days", "2026-02-30", "5"],
      "rinde: <AAAA-MM-DD> debe ser una fecha que exista, escrita AAAA-MM-DD (por ejemplo 2026-03-02); recibí «2026-02-30».",
    ],
    [
      ["questions", "show", "RC-2026-000001", "--as", "0x4"],
      "rinde: --as debe ser un número entero (sin decimales, letras ni espacios); recibí «0x4».",
    ],
    [
      ["officials", "invite", "--office", "salud", "--role", "official", "--ttl-hours", "0.0005"],
      "rinde: --ttl-hours debe ser un número entero (sin decimales, letras ni espacios); recibí «0.0005».",
    ],
    [
      ["officials", "invite", "--office", "salud", "--role", "official", "--ttl-hours", "721"],
      "rinde: --ttl-hours debe estar entre 1 y 720; recibí «721».",
    ],
    [["officials", "remove", "-3"], "rinde: <id> no puede ser negativo; recibí «-3»."],
    [
      ["offices", "bind", "salud", "--telegram-chat", "123456789"],
      "rinde: «123456789» no es un grupo: es el id de una persona o de un bot. Los grupos de Telegram tienen id negativo (los supergrupos empiezan por -100). El jefe también puede escribir /vincular_grupo salud en el grupo.",
    ],
    [["offices", "bind", "salud", "--telegram-chat"], "rinde: Falta el valor de --telegram-chat."],
    [
      ["commitments", "progress", "1", "--percent", "50.5", "--note", "Avance"],
      "rinde: --percent debe ser un número entero (sin decimales, letras ni espacios); recibí «50.5».",
    ],
    [
      ["questions", "answer", "RC-2026-000001", "--text", "Listo", "extra"],
      "rinde: Sobra «extra». Si es un texto con espacios, escríbalo entre comillas.",
    ],
    [["questions", "answer", "RC-2026-000099", "--text", "Listo"], "rinde: No existe una pregunta con ese radicado."],
  ])("rinde %j", async (args, line) => {
    const run = await world.rinde(...args);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`${line}\n`);
  });

  it("binds a real group id and applies an official's permissions only with a valid --as", async () => {
    expect((await world.rinde("offices", "bind", "salud", "--telegram-chat", "-1001234567890")).stdout).toBe(
      "La dependencia salud quedó vinculada al grupo de Telegram -1001234567890.\n",
    );
    const refused = await world.rinde(
      "questions",
      "answer",
      "RC-2026-000001",
      "--text",
      "Abre en abril.",
      "--as",
      "99",
    );
    expect(refused.stderr).toBe("rinde: No hay un funcionario activo con el id 99. Vea `rinde officials list`.\n");
    const answered = await world.rinde(
      "questions",
      "answer",
      "RC-2026-000001",
      "--text",
      "Abre en abril.",
      "--as",
      "1",
    );
    expect(answered.stdout).toBe("RC-2026-000001 respondida; la respuesta le llegará al ciudadano.\n");
    const invite = await world.rinde(
      "officials",
      "invite",
      "--office",
      "salud",
      "--role",
      "official",
      "--ttl-hours",
      "720",
    );
    expect(invite.stdout).toMatch(/^Código: \S+\nVence: mié 1 abr 2026 10:00\n/);
  });
});

describe("local time", () => {
  beforeEach(async () => {
    await seed(world);
  });

  it("shows the profile's zone in words and keeps ISO 8601 with -05:00 in --json", async () => {
    expect((await world.rinde("questions", "show", "RC-2026-000001")).stdout).toContain(
      "radicada          lun 2 mar 2026 10:00\n",
    );
    const [question] = JSON.parse((await world.rinde("questions", "list", "--json")).stdout) as { filedAt: string }[];
    expect(question!.filedAt).toMatch(/^2026-03-02T10:00:00-05:00$/);
    const [event] = JSON.parse((await world.rinde("events", "list", "--json")).stdout) as { startsAt: string }[];
    expect(event!.startsAt).toBe("2026-03-10T09:00:00-05:00");
    expect((await world.rinde("events", "list")).stdout).toContain("mar 10 mar 2026 09:00");
    expect((await world.rinde("--lang", "en", "events", "list")).stdout).toContain("Tue 10 Mar 2026 09:00");
  });
});

describe("announcements show what staff need before they act", () => {
  beforeEach(async () => {
    await seed(world);
  });

  it("shows the full text, the event, the segment and the count, and needs a confirmation", async () => {
    const run = await world.rinde(
      "announcements",
      "send",
      "--event",
      "1",
      "--text",
      "¡Los esperamos!",
      "--topics",
      "salud",
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("¡Los esperamos!\n\nAudiencia pública de rendición de cuentas 2026\n");
    expect(run.stdout).toContain(
      "Para confirmar su asistencia, enviar una pregunta o recibir el archivo de calendario, escriba EVENTO 1.",
    );
    expect(run.stdout).toContain(
      "Evento:        #1 Audiencia pública de rendición de cuentas 2026 (mar 10 mar 2026 09:00)\n",
    );
    expect(run.stdout).toContain("Segmento:      temas: Secretaría de Salud\n");
    expect(run.stdout).toContain("Destinatarios: 5 ciudadano(s)");
    expect(run.stderr).toBe("rinde: No hay una terminal para confirmar: agregue --yes para confirmar el envío.\n");
    expect((await world.rinde("announcements", "list")).stdout).toBe("(ninguno)\n");
  });

  it("refuses an announcement that reaches nobody", async () => {
    const run = await world.rinde(
      "announcements",
      "send",
      "--text",
      "Corte de agua",
      "--districts",
      "comuna-2",
      "--yes",
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "rinde: Este anuncio no le llega a nadie (comunas y corregimientos: Comuna 2 El Progreso): ningún ciudadano con autorización y chat activo está en ese segmento. No se envió.\n",
    );
  });

  it("says when it will go out during quiet hours, and lists titles and texts", async () => {
    world.clock.setMs(bogota("2026-03-02", "22:30"));
    const run = await world.rinde(
      "announcements",
      "send",
      "--text",
      "Mañana no hay agua de 8 a 12 en el centro.",
      "--everyone",
      "--yes",
      "--no-watch",
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "Son horas de silencio (21:00–07:00): se enviará desde las 7:00 del mar 3 mar 2026.\n",
    );
    await world.rinde("announcements", "send", "--event", "1", "--topics", "salud", "--yes", "--no-watch");
    const list = (await world.rinde("announcements", "list")).stdout;
    expect(list).toMatch(
      /\n1 +lun 2 mar 2026 22:30 +enviado +mensaje +Mañana no hay agua de 8 a 12 en el centro\. +todos los ciudadanos suscritos a los anuncios +5 /,
    );
    expect(list).toMatch(
      /\n2 +lun 2 mar 2026 22:30 +enviado +evento +#1 Audiencia pública de rendición de cuentas 2026 +temas: Secretaría de Salud +5 /,
    );
    const json = JSON.parse((await world.rinde("announcements", "list", "--json")).stdout) as {
      text: string | null;
      eventTitle: string | null;
    }[];
    expect(json.map((a) => a.text ?? a.eventTitle)).toEqual([
      "Audiencia pública de rendición de cuentas 2026",
      "Mañana no hay agua de 8 a 12 en el centro.",
    ]);
    expect(NOW_MS).toBeLessThan(world.clock.nowMs());
  });
});

describe("lists show the keys to type", () => {
  it("districts, offices and topics", async () => {
    await seed(world);
    expect((await world.rinde("districts", "list")).stdout).toMatch(
      /^clave +nombre +tipo\n[- ]+\ncomuna-1 +Comuna 1 Centro +comuna\n/,
    );
    expect((await world.rinde("offices", "list")).stdout).toMatch(
      /\nsalud +Secretaría de Salud +sin vincular +sin vincular\n/,
    );
    expect((await world.rinde("topics", "list")).stdout).toMatch(/\nsalud +Secretaría de Salud\n/);
  });
});
