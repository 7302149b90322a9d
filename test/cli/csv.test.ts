/**
 * Files that open in Excel in Colombia (issue 12, point 6): UTF-8 with BOM, `;` by default and `,`
 * for open data, local date-times, no JSON in cells (the progress history is its own file), imports
 * of either separator that round-trip, and problems named by line (every problem of a line).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectSeparator } from "../../src/core/csv-separator.ts";
import { runRinde } from "../helpers/cli.ts";
import { createWorld, seed, type CliWorld } from "./cli-helpers.ts";

let a: CliWorld;
let b: CliWorld;
beforeEach(async () => {
  a = createWorld();
  b = createWorld();
  await seed(a);
});
afterEach(() => {
  rmSync(a.dir, { recursive: true, force: true });
  rmSync(b.dir, { recursive: true, force: true });
});

const BOM = "\uFEFF";
const file = (w: CliWorld, name: string) => join(w.dir, name);

describe("exports", () => {
  it("questions: BOM, `;`, Spanish headers, local date-times; `--separator ,` for open data", async () => {
    const out = file(a, "preguntas.csv");
    const run = await a.rinde("questions", "export", "--out", out);
    expect(run.stdout).toBe(`2 preguntas guardadas en ${out}.\n`);
    const text = readFileSync(out, "utf8");
    expect(text.startsWith(BOM)).toBe(true);
    const [header, first] = text.slice(1).split("\n");
    expect(header).toBe(
      "Radicado;Clave dependencia;Dependencia;Tipo de petición;Estado;Plazo;Radicada;Fecha límite;Respondida;Pregunta;Respuesta",
    );
    expect(first).toBe(
      "RC-2026-000002;infraestructura;Secretaría de Infraestructura;información o documentos;respondida;cerrada;2026-03-02 10:00;2026-03-16;2026-03-02 10:00;Solicito copia del contrato de la vía;Le enviamos la copia al correo registrado.",
    );
    expect(text).not.toMatch(/T\d\d:\d\d|Z[;\n]|[{[]"/);
    const open = await a.rinde("--lang", "en", "questions", "export", "--separator", ",");
    expect(open.stdout.slice(1).split("\n")[0]).toBe(
      "Radicado,Office key,Office,Request type,Status,Deadline,Filed,Due date,Answered,Question,Answer",
    );
    expect((await a.rinde("questions", "export", "--separator", "|")).stderr).toMatch(
      /^rinde: --separator: «\|» no existe\./,
    );
  });

  it("commitments: the history is its own file, no JSON in any cell; both round-trip with `;` and with `,`", async () => {
    await a.rinde(
      "commitments",
      "progress",
      "1",
      "--percent",
      "40",
      "--note",
      "Diseños aprobados; obra contratada",
      "--evidence",
      "https://villaesperanza.gov.co/contrato.pdf",
    );
    a.clock.advanceMs(3_600_000);
    await a.rinde(
      "commitments",
      "add",
      "--office",
      "salud",
      "--due",
      "2026-05-15",
      "--text",
      "Jornada de vacunación en San Isidro",
      "--district",
      "san-isidro",
    );
    await a.rinde("commitments", "progress", "2", "--percent", "100", "--note", "Vacunación hecha, 340 personas");
    for (const [separator, lang] of [
      [";", "es"],
      [",", "en"],
    ] as const) {
      const registry = file(a, `compromisos-${lang}.csv`);
      const history = file(a, `avances-${lang}.csv`);
      await a.rinde("--lang", lang, "commitments", "export", "--out", registry, "--separator", separator);
      await a.rinde("--lang", lang, "commitments", "export", "--history", "--out", history, "--separator", separator);
      const registryText = readFileSync(registry, "utf8");
      expect(registryText.startsWith(BOM)).toBe(true);
      expect(detectSeparator(registryText)).toEqual({ ok: true, separator });
      expect(registryText + readFileSync(history, "utf8")).not.toMatch(/[{[]"|"\]|T\d\d:\d\d/);
      expect(readFileSync(history, "utf8").split("\n").length).toBe(6); // header, 4 updates, final newline

      const target = createWorld();
      try {
        await target.rinde("db", "init");
        target.clock.setMs(a.clock.nowMs());
        await runRinde(
          [
            "events",
            "create",
            "--kind",
            "public_hearing",
            "--title",
            "Audiencia pública de rendición de cuentas 2026",
            "--date",
            "2026-03-10",
            "--start",
            "09:00",
            "--end",
            "11:00",
            "--place",
            "Coliseo",
          ],
          target.env,
          { clock: target.clock },
        );
        const imported = await target.rinde("commitments", "import", registry, "--history", history);
        expect(imported.stderr).toBe("");
        expect(imported.stdout).toBe("2 compromiso(s) importado(s): 1, 2.\n");
        for (const args of [
          ["commitments", "export", "--separator", separator],
          ["commitments", "export", "--history", "--separator", separator],
          ["commitments", "show", "1"],
        ]) {
          expect((await target.rinde("--lang", lang, ...args)).stdout).toBe(
            (await a.rinde("--lang", lang, ...args)).stdout,
          );
        }
      } finally {
        rmSync(target.dir, { recursive: true, force: true });
      }
    }
  });

  it("commitments report and event report as CSV, with decimals as the separator expects", async () => {
    const report = await a.rinde("commitments", "report", "--csv");
    expect(report.stdout).toMatch(
      /^\uFEFFClave dependencia;Dependencia;Total;Sin iniciar;En ejecución;Cumplidos;Vencidos;Cancelados;Ya vencían;Cumplidos a tiempo;Proporción a tiempo\n/,
    );
    expect(report.stdout).toContain("\nTOTAL;;1;1;0;0;0;0;0;0;\n");
    const event = await a.rinde("events", "report", "1");
    expect(event.stdout).toBe(
      "\uFEFFRadicado;Dependencia;Radicada;Pregunta;Estado;Respondida;Respuesta;Fecha de respuesta;Fecha límite;A tiempo\n",
    );
  });
});

describe("imports", () => {
  it("accepts minutes separated by `;` as Excel in Colombia saves them, and by `,`", async () => {
    await b.rinde("db", "init");
    const semicolons = file(b, "acta.csv");
    writeFileSync(
      semicolons,
      `${BOM}Compromiso;Dependencia;Fecha límite;Comuna\r\n"Arreglar el puente; con barandas";Secretaría de Infraestructura;30/06/2026;Comuna 1 Centro\r\nJornada de salud oral;salud;2026-04-15;\r\n`,
    );
    const first = await b.rinde("commitments", "import", semicolons);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("2 compromiso(s) importado(s): 1, 2.\n");
    const commas = file(b, "acta2.csv");
    writeFileSync(commas, "texto,oficina,fecha\nPoda de árboles en el parque principal,ambiente,2026-05-20\n");
    expect((await b.rinde("commitments", "import", commas)).stdout).toBe("1 compromiso(s) importado(s): 3.\n");
    expect((await b.rinde("commitments", "show", "1")).stdout).toContain("Arreglar el puente; con barandas");
  });

  it("names a wrong separator, and reports every problem of a line", async () => {
    await b.rinde("db", "init");
    const tabs = file(b, "tabs.csv");
    writeFileSync(tabs, "compromiso\tdependencia\tfecha_limite\nAlgo\tsalud\t2026-06-30\n");
    const tabRun = await b.rinde("commitments", "import", tabs);
    expect(tabRun.stderr).toBe(
      `${tabs}:1: La primera línea está separada por «tab»: guarde el archivo separado por «;» o por «,».\nrinde: 1 problema(s) en ${tabs}; no se importó nada. Corrija las líneas de arriba e importe el archivo de nuevo.\n`,
    );
    const mixed = file(b, "mixed.csv");
    writeFileSync(
      mixed,
      "compromiso;dependencia;fecha_limite\nArreglar la vía;infraestructura;2026-06-30\nPintar el salón comunal,cultura,2026-06-30\nOk;salud;31/02/2026\n",
    );
    const run = await b.rinde("commitments", "import", mixed);
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([
      `${mixed}:3: Se esperaban 3 campos y hay 1: esta línea usa «,» pero el archivo está separado por «;».`,
      `${mixed}:4: Escriba el texto del compromiso (al menos unas palabras).`,
      `${mixed}:4: La fecha no es válida. Escríbala como AAAA-MM-DD, por ejemplo 2026-06-30.`,
      `rinde: 3 problema(s) en ${mixed}; no se importó nada. Corrija las líneas de arriba e importe el archivo de nuevo.`,
    ]);
    const english = await b.rinde("--lang", "en", "commitments", "import", mixed);
    expect(english.stderr).toContain(
      `${mixed}:3: Expected 3 fields, found 1: this line uses ',' but the file is separated by ';'.`,
    );
    const office = file(b, "office.csv");
    writeFileSync(
      office,
      "compromiso;dependencia;fecha_limite\nArreglar la escuela;educación superior;2026-06-30\nArreglar el colegio;educacion;2026-06-30\n",
    );
    expect((await b.rinde("commitments", "import", office)).stderr).toContain(
      `${office}:2: No existe la dependencia «educación superior». ¿Quiso decir \`educacion\`?`,
    );
  });
});
