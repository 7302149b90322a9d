/**
 * `rinde plan …` on a real database: import the seeds' CSV layout, load, status, progress with
 * authorization and append-only history, publish an answer report, and the report as CSV for
 * Excel (BOM, `;`) and JSON.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import writeExcelFile from "write-excel-file/node";
import { decodeSpreadsheetText } from "../../src/core/text-decoding.ts";
import type { PlanDefinition } from "../../src/core/plan/index.ts";
import { planContextOf, readPlanFile } from "../../src/services/plan/index.ts";
import { runCliInProcess, runOn } from "../helpers/cli.ts";
import { sqlRows, storageEnv } from "../helpers/storage.ts";
import { addEvent, createPlanWorld, loadPlanFile, PASTO_PLAN, type PlanWorld } from "./plan-helpers.ts";

describe("rinde plan", () => {
  let world: PlanWorld;
  /** `rinde plan <args>` on the world's runtime: stdout, or a refusal thrown with what it printed on stderr. */
  const run = async (...args: string[]) => {
    const result = await runOn(world.runtime, ["plan", ...args]);
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout;
  };
  const official = async (role: "official" | "head" | "admin" | "communications", officeKey: string | null) =>
    String(
      (
        await world.runtime.app.repos.officials.add(
          { name: `F ${role} ${officeKey}`, officeKey, role },
          world.clock.nowMs(),
        )
      ).id,
    );
  /**
   * Imports `file` (the Pasto 2022 table) with `rinde plan import` and checks it against the shipped
   * plan activity by activity: everything the seed says (what Rinde measures, the indicator, and the
   * component keys are added by hand). Returns the imported activities.
   */
  const importedPasto = async (file: string) => {
    const out = join(world.dir, `importado-${basename(file)}.yaml`);
    expect(await run("import", file, "--out", out, "--default-office", "opgi")).toContain("23 actividades leídas");
    const context = planContextOf(world.runtime.app, world.runtime.surveys.keys());
    const imported = readPlanFile(out, context);
    const shipped = readPlanFile(PASTO_PLAN, context);
    if (!imported.ok || !shipped.ok) throw new Error("a plan did not read");
    const transcription = (plan: PlanDefinition) =>
      plan.components.flatMap((c) =>
        c.activities.map(({ indicator: _measured, ...a }) => ({ kind: c.kind, subcomponent: c.name, ...a })),
      );
    expect(transcription(imported.plan)).toEqual(transcription(shipped.plan));
    return transcription(imported.plan);
  };
  beforeEach(async () => {
    world = await createPlanWorld("pasto", "2022-07-15");
  });
  afterEach(async () => await world.close());

  it("imports the seeds' CSV layout into a YAML that loads", async () => {
    const csv = join(world.dir, "estrategia.csv");
    writeFileSync(
      csv,
      `\uFEFFSubcomponente / Proceso;Actividades;Producto;Meta;Responsable;Fecha Inicio;Fecha Final
Subcomponente 1. Información de calidad y en lenguaje comprensible;1.3 Formular y publicar un informe de gestión de la Secretaría de Educación Municipal.;Informe de gestión publicado.;1 informe de gestión formulado y publicado.;Secretaría de Educación Municipal;01/09/2022;20/12/2022
Subcomponente 3. Responsabilidad;3.4 Elaborar y publicar un informe de las respuestas.;Informe de las respuestas.;Al menos 3 informes de respuestas.;OPGI;01/07/2022;30/12/2022
`,
    );
    const out = join(world.dir, "pasto-2022.yaml");
    expect(await run("import", csv, "--out", out)).toContain(`2 actividades leídas de ${csv}; plan escrito en ${out}.`);
    expect(readFileSync(out, "utf8")).toContain("indicator:\n          type: manual");
    expect(await run("load", out)).toBe(`Plan 2022 cargado desde ${out}: 2 actividades.\n`);
    await expect(run("import", csv, "--out", out)).rejects.toThrow(/ya existe/);
  });

  it("imports Pasto 2022 as Excel saves it (Windows-1252, `;`, CRLF, merged cells) into the shipped plan, activity by activity", async () => {
    // The seed's table (../shared/seeds/001_80eb097e2926a968.txt) as «CSV (delimitado por comas)»:
    // 1.6 and 2.7 list their offices one per row, 1.7 and 1.9 their second period in a row of its own.
    const csv = join(import.meta.dirname, "../fixtures/plans/pasto-2022-excel.csv");
    expect(readFileSync(csv).includes(Buffer.from("Informaci\xf3n", "latin1"))).toBe(true);
    const imported = await importedPasto(csv);
    expect(imported.find((a) => a.id === "1.6")!.offices).toEqual([
      "bienestar_social",
      "juventud",
      "mosig",
      "gobierno",
    ]);
  });

  it("loads a plan only as admin, the plan leader's head (profile planLeader: opgi) or the server operator", async () => {
    await expect(run("load", PASTO_PLAN, "--as", await official("head", "salud"))).rejects.toThrow("No tiene permiso");
    await expect(run("load", PASTO_PLAN, "--as", await official("official", "opgi"))).rejects.toThrow(
      "No tiene permiso",
    );
    expect(await run("load", PASTO_PLAN, "--as", await official("head", "opgi"))).toContain("Plan 2022 cargado");
    expect(await run("load", PASTO_PLAN, "--as", await official("admin", null))).toContain(
      "Reemplazó el plan 2022 anterior",
    );
    expect((await world.runtime.app.repos.plan.get(2022))?.loadedBy).toMatch(/^official:\d+$/);
  });

  it("refuses a CSV with problems, listing them by line", async () => {
    const csv = join(world.dir, "mala.csv");
    writeFileSync(
      csv,
      "subcomponente,actividad,producto,meta,responsable,fecha inicio,fecha final\nDiálogo,2.1 Jornadas,Jornadas,veinte,OPGI,04/04/2022,20/12/2022\n",
    );
    const result = await runOn(world.runtime, ["plan", "import", csv]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${csv}:2: la meta «veinte» no tiene un número.\nrinde: 1 problema(s) en ${csv}; no se escribió nada.\n`,
    );
    const english = await runOn(world.runtime, ["plan", "import", csv], "en");
    expect(english.stderr).toBe(
      `${csv}:2: the goal “veinte” has no number.\nrinde: 1 problem(s) in ${csv}; nothing was written.\n`,
    );
  });

  it("imports Pasto 2022 from an Excel workbook (.xlsx): the sheet with the table, title rows above it, dates as dates, merged cells", async () => {
    // The same table as the CSV above, as a planning office keeps it: a cover sheet first, then the
    // plan's sheet with two title rows, real date cells and empty cells where Excel merged them.
    const csvRows = (
      parse(decodeSpreadsheetText(readFileSync(join(import.meta.dirname, "../fixtures/plans/pasto-2022-excel.csv"))), {
        delimiter: ";",
        relax_column_count: true,
      }) as string[][]
    ).filter((row) => row.some((cell) => cell.trim()));
    const asDate = (text: string) => {
      const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
      return match ? new Date(Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1]))) : undefined;
    };
    const cell = (text: string, column: number) => {
      if (!text.trim()) return null;
      const date = column >= 5 ? asDate(text) : undefined;
      return date ? { value: date, type: Date, format: "dd/mm/yyyy" } : { value: text };
    };
    const workbook = join(world.dir, "estrategia.xlsx");
    await writeExcelFile([
      {
        sheet: "Portada",
        data: [[{ value: "Alcaldía de Pasto" }], [{ value: "Estrategia de rendición de cuentas 2022" }]],
      },
      {
        sheet: "Plan",
        data: [
          [{ value: "ESTRATEGIA DE RENDICIÓN DE CUENTAS 2022" }],
          [null],
          ...csvRows.map((row) => row.map((text, column) => cell(text, column))),
        ],
      },
    ]).toFile(workbook);
    expect(readFileSync(workbook).subarray(0, 2).toString()).toBe("PK");
    await importedPasto(workbook);

    // A problem names the sheet's row, as Excel numbers it (two title rows, the header on row 3).
    const bad = join(world.dir, "mala.xlsx");
    await writeExcelFile([
      [{ value: "Plan 2022" }],
      ["Subcomponente", "Actividad", "Producto", "Meta", "Responsable", "Fecha inicio", "Fecha final"].map((value) => ({
        value,
      })),
      ["Diálogo", "2.1 Jornadas", "Jornadas", "veinte", "OPGI", "04/04/2022", "20/12/2022"].map((value) => ({ value })),
    ]).toFile(bad);
    const refused = await runOn(world.runtime, ["plan", "import", bad]);
    expect(refused.stderr).toBe(
      `${bad}:3: la meta «veinte» no tiene un número.\nrinde: 1 problema(s) en ${bad}; no se escribió nada.\n`,
    );
  });

  it("refuses a workbook without the plan's table, an Excel 97-2003 file and a damaged one, saying what to do", async () => {
    const noTable = join(world.dir, "otra.xlsx");
    await writeExcelFile([[{ value: "Nombre" }, { value: "Teléfono" }]]).toFile(noTable);
    expect((await runOn(world.runtime, ["plan", "import", noTable])).stderr).toContain(
      "faltan columnas en la hoja «Sheet1»: subcomponente, actividad, producto, meta, responsable, fecha final.",
    );
    // The first bytes of an .xls (an OLE compound file), and of a zip that is no workbook.
    const xls = join(world.dir, "estrategia.xls");
    writeFileSync(
      xls,
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(2048)]),
    );
    expect((await runOn(world.runtime, ["plan", "import", xls])).stderr).toBe(
      `${xls}: es un libro de Excel 97-2003 (.xls), que Rinde no lee: ábralo en Excel y use Archivo › Guardar como › «Libro de Excel (.xlsx)» o «CSV UTF-8 (delimitado por comas)», y luego importe ese archivo.\nrinde: 1 problema(s) en ${xls}; no se escribió nada.\n`,
    );
    const damaged = join(world.dir, "danado.xlsx");
    writeFileSync(damaged, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2048, 0x8f)]));
    const result = await runOn(world.runtime, ["plan", "import", damaged]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^.*: no se pudo leer el libro de Excel \(.+\): ábralo en Excel, guárdelo de nuevo/);
  });

  it("refuses a plan YAML with mistakes, printing every problem in the CLI's language, and loads nothing", async () => {
    const file = join(world.dir, "mala.yaml");
    writeFileSync(
      file,
      readFileSync(PASTO_PLAN, "utf8")
        .replace("offices: [educacion]", "offices: [educasion]")
        .replace("end: 2022-03-04", "end: 2022-13-04"),
    );
    const es = await runOn(world.runtime, ["plan", "load", file]);
    expect(es.status).toBe(1);
    expect(es.stderr.split("\n")).toEqual([
      `${file} › components › 0 › activities › 0 › periods › 0 › end: use una fecha real con la forma AAAA-MM-DD.`,
      `rinde: 1 problema(s) en ${file}; no se cargó nada.`,
      "",
    ]);
    // Once the shape is right, the references are checked: every problem at once.
    writeFileSync(
      file,
      readFileSync(PASTO_PLAN, "utf8")
        .replace("offices: [educacion]", "offices: [educasion]")
        .replace("offices: [transito]", "offices: [transitoo]"),
    );
    const en = await runOn(world.runtime, ["plan", "load", file], "en");
    expect(en.stderr).toContain(
      `${file} › components › 0 › activities › 2 › offices › 0: there is no office “educasion” (see the keys with: rinde offices list).\n`,
    );
    expect(en.stderr).toContain(
      `${file} › components › 0 › activities › 3 › offices › 0: there is no office “transitoo” (see the keys with: rinde offices list).\n`,
    );
    expect(en.stderr).toMatch(/rinde: 2 problem\(s\) in .*mala\.yaml; nothing was loaded\.\n$/);
    expect(await world.runtime.app.repos.plan.get(2022)).toBeUndefined();
  });

  it("records manual progress only for the responsible office or an admin, append-only with who and when", async () => {
    await loadPlanFile(world.runtime, PASTO_PLAN);
    const salud = await official("official", "salud");
    const comunicaciones = await official("official", "comunicaciones");
    const admin = await official("admin", null);
    const url = "https://www.pasto.gov.co/periodico.pdf";
    // Through the whole CLI (`rinde plan progress …` as typed), which keeps the audit log.
    const typed = await runCliInProcess(
      ["plan", "progress", "1.7", "--year", "2022", "--value", "7.500", "--evidence", url, "--as", salud],
      { env: { ...storageEnv(join(world.dir, "rinde.db")), RINDE_PROFILE: "pasto" }, clock: world.clock },
    );
    expect(typed).toMatchObject({
      status: 1,
      stderr: "rinde: No tiene permiso: solo la dependencia responsable (o un administrador) puede hacerlo.\n",
    });
    // Refused politely, nothing recorded, and the audit log says who tried and why.
    expect(await world.runtime.app.repos.plan.progressHistory(2022, "1.7")).toEqual([]);
    const refused = await sqlRows<{ official_id: number; subject: string; outcome: string; after: string }>(
      world.runtime,
      "select official_id, subject, outcome, cast(after as text) as after from staff_audit where action = 'cli.plan.progress' order by id",
    );
    expect(refused.map((r) => [r.official_id, r.subject, r.outcome, JSON.parse(r.after).error])).toEqual([
      [Number(salud), "1.7", "refused", "plan.errors.not_allowed"],
    ]);
    expect(await run("progress", "1.7", "--value", "7.500", "--evidence", url, "--as", comunicaciones)).toBe(
      `Actividad 1.7: 7.500 de 15.000 (antes —), registrado por F official comunicaciones (funcionario ${comunicaciones}) con evidencia ${url}.\n`,
    );
    world.at("2022-07-20");
    expect(
      await run("progress", "1.7", "--value", "9000", "--evidence", url, "--note", "Segunda tanda", "--as", admin),
    ).toContain("9.000 de 15.000 (antes 7.500)");
    await expect(run("progress", "1.7", "--value", "9000", "--evidence", "periodico.pdf")).rejects.toThrow(
      "La evidencia debe ser un enlace web completo",
    );
    await expect(run("progress", "1.7", "--value", "-3", "--evidence", url)).rejects.toThrow(
      "--value debe ser un número",
    );
    await expect(run("progress", "1.2", "--value", "120", "--evidence", url)).rejects.toThrow(
      "hasta 100 si la meta es un porcentaje",
    );
    await expect(run("progress", "2.1", "--value", "3", "--evidence", url)).rejects.toThrow(
      "Esta actividad la mide Rinde",
    );
    await expect(run("progress", "9.9", "--value", "3", "--evidence", url)).rejects.toThrow("No existe esa actividad");
    const history = (await world.runtime.app.repos.plan.progressHistory(2022, "1.7")).map((p) => [
      p.value,
      p.actor,
      p.note,
      new Date(p.atMs).toISOString().slice(0, 10),
    ]);
    expect(history).toEqual([
      [7500, `official:${comunicaciones}`, null, "2022-07-15"],
      [9000, `official:${admin}`, "Segunda tanda", "2022-07-20"],
    ]);
    const show = await run("show", "1.7");
    expect(show).toContain("2022-07-15 7.500 https://www.pasto.gov.co/periodico.pdf");
  });

  it("prints the status in Spanish, filtered by office or state, and as JSON", async () => {
    await loadPlanFile(world.runtime, PASTO_PLAN);
    const out = await run("status", "--office", "transito");
    expect(out).toContain(
      "Estrategia de Rendición de Cuentas 2022 – Alcaldía Municipal de Pasto — estado al viernes 15 de julio de 2022",
    );
    expect(out).toContain("23 actividades: 0 cumplidas,");
    expect(
      out
        .split("\n")
        .filter((l) => /^\d\.\d/.test(l))
        .map((l) => l.split(/\s{2,}/).slice(0, 2)),
    ).toEqual([
      ["1.4", "sin empezar"],
      ["2.6", "sin empezar"],
    ]);
    const json = JSON.parse(await run("status", "--state", "late", "--json")) as { activities: { id: string }[] };
    // Ended by 15 Jul with nothing reported: 1.1 (4 Mar), 1.2 (22 Apr), 1.9 (its last period ends 30 Jun).
    expect(json.activities.map((a) => a.id)).toEqual(["1.1", "1.2", "1.9"]);
    await expect(run("status", "--year", "2031")).rejects.toThrow(
      "No hay un plan cargado para 2031. Planes cargados: 2022. Use --year 2022.",
    );
  });

  it("works on the most recent loaded plan when the current year has none, and says so (README's example)", async () => {
    await loadPlanFile(world.runtime, PASTO_PLAN);
    world.at("2026-03-02");
    const comunicaciones = await official("official", "comunicaciones");
    const url = "https://www.pasto.gov.co/periodico.pdf";
    // As README shows it: no --year.
    const progress = await runOn(world.runtime, [
      ...["plan", "progress", "1.7", "--value", "7.500", "--evidence", url, "--as", comunicaciones],
    ]);
    expect(progress.status, progress.stderr).toBe(0);
    expect(progress.stderr).toBe(
      "Se usa el plan de 2022: no hay un plan cargado para 2026. Para otro año, use --year.\n",
    );
    expect(progress.stdout).toContain(`registrado por F official comunicaciones (funcionario ${comunicaciones})`);
    expect((await world.runtime.app.repos.plan.progressHistory(2022, "1.7")).map((e) => e.value)).toEqual([7500]);
    for (const command of [["status"], ["show", "1.7"], ["report"]]) {
      const result = await runOn(world.runtime, ["plan", ...command, "--json"]);
      expect(result.status, `${command.join(" ")}: ${result.stderr}`).toBe(0);
      expect((JSON.parse(result.stdout) as { year?: number }).year ?? 2022).toBe(2022);
    }
    const en = await runOn(world.runtime, ["plan", "status", "--year", "2026"], "en");
    expect(en.stderr).toContain("No plan is loaded for 2026. Loaded plans: 2022. Use --year 2022.");
  });

  it("records a published answer report for an event with questions", async () => {
    await loadPlanFile(world.runtime, PASTO_PLAN);
    const future = await addEvent(world.runtime, { kind: "public_hearing", date: "2022-08-12", officeKey: "opgi" });
    const past = await addEvent(world.runtime, { kind: "public_hearing", date: "2022-07-01", officeKey: "opgi" });
    const url = "https://www.pasto.gov.co/respuestas.pdf";
    await expect(run("publish-answers", String(future), "--url", url)).rejects.toThrow("todavía no se ha realizado");
    await expect(run("publish-answers", String(past), "--url", url)).rejects.toThrow(
      "no hay informe de respuestas que publicar",
    );
    await expect(
      run("publish-answers", String(past), "--url", url, "--as", await official("official", "salud")),
    ).rejects.toThrow("No tiene permiso");
  });

  it("writes the evaluation report as CSV for Excel (BOM, `;`, decimal comma) and as JSON", async () => {
    await loadPlanFile(world.runtime, PASTO_PLAN);
    await run("progress", "1.7", "--value", "7500,5", "--evidence", "https://www.pasto.gov.co/p.pdf");
    const csv = await run("report", "--year", "2022", "--csv");
    expect(
      csv.startsWith(
        "\uFEFFComponente;Subcomponente;Número;Actividad;Producto;Meta (como la escribe el plan);Meta;Unidad;Logrado;",
      ),
    ).toBe(true);
    expect(csv).toContain(
      ';1.7;"Elaborar y distribuir el periódico institucional ""Pasto así avanzamos en la Gran Capital"" con',
    );
    expect(csv).toContain(
      ";15000;cantidad;7500,5;7500,5;al día;;2022-07-01;2022-12-01;Oficina de Comunicación Social;reporte de la dependencia;2022-07-15 7.500,5 https://www.pasto.gov.co/p.pdf",
    );
    const comma = await run("report", "--year", "2022", "--csv", "--separator", ",");
    expect(comma).toContain(",15000,cantidad,7500.5,7500.5,");
    const english = await runOn(world.runtime, ["plan", "report", "--year", "2022", "--csv"], "en");
    expect(english.stdout.startsWith("\uFEFFComponent;Subcomponent;Number;Activity;")).toBe(true);
    const json = JSON.parse(await run("report", "--year", "2022", "--json")) as { totals: { activities: number } };
    expect(json.totals.activities).toBe(23);
    expect(await run("report", "--year", "2022")).toContain("Evaluación de la estrategia de rendición de cuentas 2022");
  });
});
