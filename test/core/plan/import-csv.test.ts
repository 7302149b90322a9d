import { describe, expect, it } from "vitest";
import {
  detectDelimiter,
  importPlanCsv,
  matchOffice,
  parseDates,
  parseGoal,
} from "../../../src/core/plan/import-csv.ts";

const OFFICES = [
  { key: "opgi", name: "Oficina de Planeación de Gestión Institucional (OPGI)" },
  { key: "educacion", name: "Secretaría de Educación Municipal" },
  { key: "transito", name: "Secretaría de Tránsito y Transporte Municipal" },
  { key: "juventud", name: "Dirección Administrativa de Juventud" },
  { key: "mosig", name: "Secretaría de las Mujeres, Orientaciones Sexuales e Identidades de Género (MOSIG)" },
  { key: "comunicaciones", name: "Oficina de Comunicación Social" },
];

describe("reading the seeds' table", () => {
  it("reads goals as the plans write them", () => {
    expect(parseGoal("Al menos 50 encuestas aplicadas.")).toEqual({ value: 50, unit: "count" });
    expect(parseGoal("100% líderes de área capacitados.")).toEqual({ value: 100, unit: "percent" });
    expect(parseGoal("15.000 ejemplares elaborados y distribuidos.")).toEqual({ value: 15000, unit: "count" });
    expect(parseGoal("Mínimo 29 espacios de diálogo realizados")).toEqual({ value: 29, unit: "count" });
    expect(parseGoal("Estrategia mejorada")).toBeUndefined();
  });

  it("reads dates as dd/mm/aaaa, d/m/aa or ISO, several per cell", () => {
    expect(parseDates("01/05/2022 01/10/2022")).toEqual(["2022-05-01", "2022-10-01"]);
    expect(parseDates("8/11/19")).toEqual(["2019-11-08"]);
    expect(parseDates("2022-02-28")).toEqual(["2022-02-28"]);
    expect(parseDates("")).toEqual([]);
    expect(parseDates("Permanente")).toBeUndefined();
    expect(parseDates("31/02/2022")).toBeUndefined();
  });

  it("matches responsible offices by name, acronym or all their words, only when one matches", () => {
    expect(matchOffice("OPGI", OFFICES)).toBe("opgi");
    expect(matchOffice("Secretaría MOSIG", OFFICES)).toBe("mosig");
    expect(matchOffice("Dirección de Juventud", OFFICES)).toBe("juventud");
    expect(matchOffice("secretaria de educacion municipal", OFFICES)).toBe("educacion");
    expect(matchOffice("Secretaría", OFFICES)).toBeUndefined();
    expect(matchOffice("Equipo líder del proceso de rendición de cuentas", OFFICES)).toBeUndefined();
  });

  it("detects the separator from the header", () => {
    expect(detectDelimiter("\uFEFFsubcomponente;actividad;producto;meta\n")).toBe(";");
    expect(detectDelimiter("subcomponente,actividad,producto,meta\n")).toBe(",");
    // Cells copied in Excel and pasted into the back-office come separated by tabs.
    expect(detectDelimiter("subcomponente\tactividad\tproducto, meta\tmeta\n")).toBe("\t");
  });

  it("reads cells pasted from Excel (tabs) with title rows above the header, numbering lines as the sheet does", () => {
    const pasted = [
      "ESTRATEGIA DE RENDICIÓN DE CUENTAS 2022, ALCALDÍA DE PASTO",
      "",
      HEADER.replaceAll(";", "\t"),
      "Subcomponente 1. Información de calidad y en lenguaje comprensible\t1.9 Publicar el cronograma, con fechas y lugares\tCronograma publicado\t1 cronograma publicado.\tOPGI\t01/02/2022\t28/02/2022",
      "\t1.10 Publicar el informe\tInforme publicado\tun informe\tOPGI\t01/03/2022\t30/03/2022",
    ].join("\r\n");
    const result = importPlanCsv(pasted, { profileId: "pasto", offices: OFFICES });
    // Line 5 of what was pasted: the title rows count.
    expect(result).toEqual({
      ok: false,
      problems: [{ line: 5, key: "plan.problems.csv_goal_no_number", vars: { value: "un informe" } }],
    });
    const good = importPlanCsv(pasted.replace("un informe", "1 informe"), { profileId: "pasto", offices: OFFICES });
    expect(good.ok && good.plan.components[0]!.activities.map((a) => [a.id, a.activity, a.offices])).toEqual([
      ["1.9", "Publicar el cronograma, con fechas y lugares", ["opgi"]],
      ["1.10", "Publicar el informe", ["opgi"]],
    ]);
  });

  it("finds a `;` header under a title line written with commas", () => {
    const csv = `Estrategia 2022, Pasto\n${HEADER}\nSubcomponente 3. Responsabilidad;3.4 Publicar un informe de las respuestas;Informe;3 informes;OPGI;01/07/2022;30/12/2022\n`;
    const result = importPlanCsv(csv, { profileId: "pasto", offices: OFFICES });
    expect(result.ok && result.plan.components[0]!.activities[0]!.id).toBe("3.4");
  });

  const HEADER = "Subcomponente / Proceso;Actividades;Producto;Meta;Responsable;Fecha Inicio;Fecha Final";

  it("imports a `;` file with BOM, continuing blank subcomponent cells and keeping several periods", () => {
    const csv = `\uFEFF${HEADER}
Subcomponente 1. Información de calidad y en lenguaje comprensible;1.7 Elaborar y distribuir el periódico institucional;Ejemplares distribuidos;15.000 ejemplares;Oficina de Comunicación Social;01/07/2022 01/11/2022;01/08/2022 01/12/2022
;1.9 Publicar el cronograma de las jornadas;Cronograma publicado;1 cronograma publicado.;OPGI;01/02/2022;28/02/2022
Subcomponente 2. Diálogo de doble vía con la ciudadanía;2.7 Realizar una audiencia de grupos poblacionales;Audiencia realizada;1 audiencia;Dirección de Juventud / Secretaría MOSIG;01/09/2022;20/12/2022
`;
    const result = importPlanCsv(csv, { profileId: "pasto", offices: OFFICES });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.year).toBe(2022);
    expect(result.plan.components.map((c) => [c.key, c.kind, c.activities.map((a) => a.id)])).toEqual([
      ["information", "information", ["1.7", "1.9"]],
      ["dialogue", "dialogue", ["2.7"]],
    ]);
    expect(result.plan.components[0]!.activities[0]).toEqual({
      id: "1.7",
      activity: "Elaborar y distribuir el periódico institucional",
      product: "Ejemplares distribuidos",
      goal: { text: "15.000 ejemplares", value: 15000, unit: "count" },
      offices: ["comunicaciones"],
      periods: [
        { start: "2022-07-01", end: "2022-08-01" },
        { start: "2022-11-01", end: "2022-12-01" },
      ],
      indicator: { type: "manual" },
    });
    expect(result.plan.components[1]!.activities[0]!.offices).toEqual(["juventud", "mosig"]);
  });

  it("lists every problem by line and imports nothing", () => {
    const csv = `subcomponente,actividad,producto,meta,responsable,fecha inicio,fecha final
Otra cosa,1.1 Algo,Producto,1 cosa,OPGI,01/02/2022,04/03/2022
Subcomponente 3. Responsabilidad,3.1 Encuestas,Encuestas,muchas,Equipo líder,01/07/2022,Permanente
`;
    const result = importPlanCsv(csv, { profileId: "pasto", offices: OFFICES });
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 2, key: "plan.problems.csv_subcomponent_unknown", vars: { name: "Otra cosa" } },
        { line: 3, key: "plan.problems.csv_goal_no_number", vars: { value: "muchas" } },
        { line: 3, key: "plan.problems.csv_responsible_unknown", vars: { names: "Equipo líder" } },
        { line: 3, key: "plan.problems.csv_end_date", vars: { value: "Permanente" } },
      ],
    });
    const fixed = importPlanCsv(
      csv.replace("Otra cosa", "Información").replace("muchas", "50").replace("Permanente", "20/12/2022"),
      { profileId: "pasto", offices: OFFICES, defaultOffice: "opgi" },
    );
    expect(fixed.ok && fixed.plan.components[1]!.activities[0]).toMatchObject({
      offices: ["opgi"],
      responsibleText: "Equipo líder",
    });
  });

  it("reads Excel's merged cells: a row with only a responsible or dates continues the activity above", () => {
    const csv = `${HEADER}\r
Subcomponente 1. Información de calidad y en lenguaje comprensible;1.6 Publicar el informe de grupos poblacionales;Informe publicado;1 informe publicado.;Secretaría MOSIG;01/09/2022;20/12/2022\r
;;;;Dirección de Juventud;;\r
;;;;Equipo líder del proceso;;\r
;1.7 Elaborar el periódico;Ejemplares distribuidos;15.000 ejemplares;Oficina de Comunicación Social;01/07/2022;01/08/2022\r
;;;;;01/11/2022;01/12/2022\r
;;;;;;15/12/2022\r
;;;;;;;\r
`;
    const result = importPlanCsv(csv, { profileId: "pasto", offices: OFFICES, defaultOffice: "opgi" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [informe, periodico] = result.plan.components[0]!.activities;
    expect(informe).toMatchObject({
      id: "1.6",
      offices: ["mosig", "juventud", "opgi"],
      responsibleText: "Equipo líder del proceso",
      periods: [{ start: "2022-09-01", end: "2022-12-20" }],
    });
    // A continuation with only an end date starts the day after the period before it ends.
    expect(periodico!.periods).toEqual([
      { start: "2022-07-01", end: "2022-08-01" },
      { start: "2022-11-01", end: "2022-12-01" },
      { start: "2022-12-02", end: "2022-12-15" },
    ]);
    expect(periodico!.offices).toEqual(["comunicaciones"]);
  });

  it("reports a continuation row with nothing above it, and not again under a row that was refused", () => {
    const csv = `${HEADER}
;;;;OPGI;;
Información;1.1 Algo;Producto;ninguna;OPGI;01/02/2022;04/03/2022
;;;;Secretaría MOSIG;;
Información;1.2 Otra;Producto;1 cosa;OPGI;01/02/2022;04/03/2022
;;;;Equipo líder;01/05/2022;
`;
    expect(importPlanCsv(csv, { profileId: "pasto", offices: OFFICES })).toEqual({
      ok: false,
      problems: [
        { line: 2, key: "plan.problems.csv_continuation_first", vars: {} },
        { line: 3, key: "plan.problems.csv_goal_no_number", vars: { value: "ninguna" } },
        { line: 6, key: "plan.problems.csv_responsible_unknown", vars: { names: "Equipo líder" } },
        { line: 6, key: "plan.problems.csv_end_date", vars: { value: "" } },
      ],
    });
  });

  it("names the separator when the header does not match", () => {
    const result = importPlanCsv("subcomponente;actividad;producto\n", { profileId: "pasto", offices: OFFICES });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          line: 1,
          key: "plan.problems.csv_missing_columns",
          vars: { columns: "meta, responsable, fecha final", delimiter: ";", other: "," },
        },
      ],
    });
  });
});
