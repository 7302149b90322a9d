/**
 * Commitments in and out of CSV and the report: the minutes of a hearing imported all or nothing
 * (bad rows reported by line), an export that imports into another database and exports
 * identically, the report's figures from known data, and the `rinde commitments` CLI (its entry, in-process).
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toCsv } from "../../src/cli/csv.ts";
import { quietUntilMs } from "../../src/core/quiet-hours.ts";
import {
  CSV_COLUMNS,
  exportHistory,
  exportRecords,
  HISTORY_COLUMNS,
  importCommitments,
  readCommitmentsCsv,
  readHistoryCsv,
  type ImportProblem,
} from "../../src/services/commitments/csv.ts";
import {
  cancelCommitment,
  commitmentReport,
  followCommitment,
  postProgress,
} from "../../src/services/commitments/commitments.ts";
import { runRinde } from "../helpers/cli.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import {
  addEvent,
  addOfficial,
  bogota,
  citizenWithConsent,
  CLI,
  record,
  repoOf,
  runAt,
  textsTo,
} from "./commitments-helpers.ts";
import { storageEnv } from "../helpers/storage.ts";

const exportCsv = async (h: Harness) => toCsv(await exportRecords(h.runtime.app), CSV_COLUMNS);
const exportHistoryCsv = async (h: Harness) => toCsv(await exportHistory(h.runtime.app), HISTORY_COLUMNS);

async function importText(h: Harness, text: string, actor = CLI, history?: string) {
  const read = readCommitmentsCsv(text);
  const histories =
    history === undefined ? undefined : readHistoryCsv(history, h.runtime.app.profile.timezone).histories;
  return await importCommitments(h.runtime.app, actor, read.records, read.problems, histories);
}

/** Import problems as the CLI prints them in Spanish: `line: text`. */
function problemTexts(h: Harness, problems: readonly ImportProblem[]): string[] {
  return problems.map((p) => `${p.line}: ${h.runtime.app.translator.t("es", p.key, p.vars)}`);
}

const MINUTES = `compromiso,dependencia,fecha_limite,comuna,evento
"Construir el andén de la calle 5
entre carreras 3 y 4",Secretaría de Infraestructura,30/06/2026,Comuna 1 Centro,1
Jornada de vacunación en San Isidro,salud,2026-04-15,san-isidro,1
`;

describe("importing minutes from CSV", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("imports a hearing's minutes with Spanish headers, office names and Colombian dates; attendees follow them", async () => {
    const ana = await citizenWithConsent(h, "ana");
    await addEvent(h, "Audiencia pública 2026", [{ citizenId: ana, answer: "yes" }]);
    const outcome = await importText(h, MINUTES);
    expect(outcome.ok).toBe(true);
    const [first, second] = (await repoOf(h).list()).sort((a, b) => a.number - b.number);
    expect(first).toMatchObject({
      number: 1,
      text: "Construir el andén de la calle 5\nentre carreras 3 y 4",
      officeKey: "infraestructura",
      dueDate: "2026-06-30",
      districtKey: "comuna-1",
      eventId: 1,
      status: "pending",
    });
    expect(second).toMatchObject({ number: 2, officeKey: "salud", dueDate: "2026-04-15", districtKey: "san-isidro" });
    expect(await repoOf(h).isFollowing(first!.id, ana)).toBe(true);
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Audiencia pública 2026")).toEqual([
      expect.stringContaining("hizo 2 compromiso(s): número(s) 1, 2"),
    ]);
  });

  it("reports every bad row with its line number and stores nothing", async () => {
    await record(h, { text: "Un compromiso que ya existe" }); // number 1
    const csv = [
      "number,text,office,due_date,district,status,progress,status_reason",
      "1,Número repetido con la base,salud,2026-06-30,,,,",
      ",Fecha pasada,salud,2026-01-10,,,,",
      ",Oficina inexistente,bomberos,2026-06-30,,,,",
      ",Avance fuera de rango,salud,2026-06-30,,in_progress,140,",
      ",Cancelado sin motivo,salud,2026-06-30,,cancelled,,",
      ",Comuna desconocida,salud,2026-06-30,comuna-99,,,",
      ",Fecha imposible,salud,31/02/2026,,,,",
      ",Fila corta,salud",
      ",Una fila buena,salud,2026-06-30,,,,",
      "9,Número dos veces,salud,2026-06-30,,,,",
      "9,Número dos veces otra vez,salud,2026-06-30,,,,",
    ].join("\n");
    const outcome = await importText(h, csv);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(problemTexts(h, outcome.problems)).toEqual([
      "2: El número 1 ya existe.",
      "3: La fecha límite ya pasó. Un compromiso nuevo necesita una fecha de hoy en adelante.",
      "4: No existe la dependencia «bomberos».",
      "5: El avance «140» debe ser un número entero de 0 a 100.",
      "6: Un compromiso cancelado necesita el motivo (columna motivo).",
      "7: No existe la comuna o corregimiento «comuna-99».",
      "8: La fecha no es válida. Escríbala como AAAA-MM-DD, por ejemplo 2026-06-30.",
      "9: Se esperaban 8 campos y hay 3.",
      "12: El número 9 repite el de la línea 11.",
    ]);
    expect(await repoOf(h).count()).toBe(1);
  });

  it("refuses unknown or missing columns, and rows of another office for an office head", async () => {
    const header = await importText(h, "texto,oficina,color\nAlgo,salud,rojo\n");
    expect(!header.ok && problemTexts(h, header.problems)).toEqual([
      "1: Columna desconocida «color» (se esperan: number, text, office, due_date, district, event_id, status, progress, status_reason, made_at, updates).",
      "1: Falta la columna «due_date».",
    ]);
    const head = await addOfficial(h, "jefa", "head", "salud");
    const foreign = await importText(
      h,
      "text,office,due_date\nVacunar,salud,2026-06-30\nPavimentar,infraestructura,2026-06-30\n",
      head,
    );
    expect(!foreign.ok && problemTexts(h, foreign.problems)).toEqual([
      "3: No puede registrar compromisos de la dependencia «infraestructura».",
    ]);
    expect(await repoOf(h).count()).toBe(0);
  });
});

describe("export and import round trip", () => {
  let a: Harness;
  let b: Harness;
  beforeEach(async () => {
    a = await createHarness();
    b = await createHarness();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it("exports, imports into another database and exports the same files, history included", async () => {
    for (const h of [a, b]) await addEvent(h, "Audiencia pública 2026", []);
    const jefe = await addOfficial(a, "jefe", "head", "infraestructura");
    await record(a, { text: 'Texto con "comillas", comas y\nsalto de línea', eventId: 1, districtKey: "comuna-2" });
    await record(a, { text: "Vacunar en las veredas", officeKey: "salud", dueDate: "2026-03-20" });
    await record(a, { text: "Cancelado", officeKey: "cultura" });
    a.clock.advanceMs(3_600_000);
    await postProgress(a.runtime.app, jefe, 1, {
      percent: 30,
      note: "Diseños listos",
      evidenceUrl: "https://villaesperanza.gov.co/d.pdf",
    });
    await postProgress(a.runtime.app, CLI, 2, { percent: 100, note: "Vacunación hecha" });
    await cancelCommitment(a.runtime.app, CLI, 3, "Sin presupuesto");
    await runAt(a, "2026-07-01", "09:00"); // commitment 1 becomes overdue

    const first = await exportCsv(a);
    const history = await exportHistoryCsv(a);
    expect(first + history).not.toMatch(/[{[]"/); // no JSON in any cell
    b.clock.setMs(a.clock.nowMs());
    const outcome = await importText(b, first, CLI, history);
    expect(outcome.ok).toBe(true);
    expect(await exportCsv(b)).toBe(first);
    expect(await exportHistoryCsv(b)).toBe(history);
    expect(await repoOf(b).byNumber(1)).toMatchObject({
      status: "overdue",
      progress: 30,
      eventId: 1,
      districtKey: "comuna-2",
    });
    expect((await repoOf(b).byNumber(2))?.doneAtMs).toBe((await repoOf(a).byNumber(2))?.doneAtMs);
    expect(await commitmentReport(b.runtime.app)).toEqual(await commitmentReport(a.runtime.app));
    // Importing the same file again is refused whole: the numbers exist.
    const again = await importText(b, first);
    expect(!again.ok && problemTexts(b, again.problems)).toEqual([
      "2: El número 1 ya existe.",
      "4: El número 2 ya existe.",
      "5: El número 3 ya existe.",
    ]);
  });

  it("escapes texts a spreadsheet would run as formulas, and imports them back unchanged", async () => {
    const texts = [
      '=HYPERLINK("http://x.example","ver")',
      "+57 pavimentar",
      "-Arreglar el parque",
      "@alcaldía revisar",
      "'=ya con comilla",
      "Texto normal",
    ];
    for (const text of texts) await record(a, { text });
    const first = await exportCsv(a);
    const cells = readCommitmentsCsv(first).records.map((r) => r.values.text);
    expect(cells).toEqual(texts);
    // In the file itself, no cell starts with a formula character.
    expect(first).not.toMatch(/(^|,|")[=+\-@]/m);
    expect(first).toContain(`"'=HYPERLINK(`);
    expect(first).toContain(",'+57 pavimentar,");
    expect(first).toContain(",''=ya con comilla,");
    b.clock.setMs(a.clock.nowMs());
    expect((await importText(b, first)).ok).toBe(true);
    expect((await repoOf(b).list()).sort((x, y) => x.number - y.number).map((c) => c.text)).toEqual(texts);
    expect(await exportCsv(b)).toBe(first);
  });
});

describe("the report", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("counts by status and office, computes the share done on time and lists the overdue ones", async () => {
    const app = h.runtime.app;
    await record(h, { text: "A tiempo", officeKey: "salud", dueDate: "2026-03-10" }); // 1: done on time
    await record(h, { text: "Tarde", officeKey: "salud", dueDate: "2026-03-04" }); // 2: done late
    await record(h, { text: "Vencido", officeKey: "infraestructura", dueDate: "2026-03-05" }); // 3: overdue at 40 %
    await record(h, { text: "En curso", officeKey: "infraestructura", dueDate: "2026-12-01" }); // 4: in progress
    await record(h, { text: "Pendiente", officeKey: "infraestructura", dueDate: "2026-12-01" }); // 5: pending
    await record(h, { text: "Cancelado", officeKey: "cultura", dueDate: "2026-12-01" }); // 6: cancelled
    await postProgress(app, CLI, 1, { percent: 100, note: "Listo" });
    await postProgress(app, CLI, 3, { percent: 40, note: "Va" });
    await postProgress(app, CLI, 4, { percent: 10, note: "Inicia" });
    await cancelCommitment(app, CLI, 6, "Duplicado");
    h.clock.setMs(bogota("2026-03-09", "11:00"));
    await postProgress(app, CLI, 2, { percent: 100, note: "Listo, tarde" });
    await runAt(h, "2026-03-10", "09:00");

    const report = await commitmentReport(app);
    expect(report.today).toBe("2026-03-10");
    expect(report.byStatus).toEqual({ pending: 1, in_progress: 1, done: 2, overdue: 1, cancelled: 1 });
    expect([report.dueSoFar, report.doneOnTime]).toEqual([3, 1]);
    expect(report.shareDoneOnTime).toBeCloseTo(1 / 3);
    expect(
      report.byOffice.map((o) => ({
        office: o.officeKey,
        total: o.total,
        done: o.byStatus.done,
        overdue: o.byStatus.overdue,
        onTime: o.doneOnTime,
        due: o.dueSoFar,
      })),
    ).toEqual([
      { office: "cultura", total: 1, done: 0, overdue: 0, onTime: 0, due: 0 },
      { office: "infraestructura", total: 3, done: 0, overdue: 1, onTime: 0, due: 1 },
      { office: "salud", total: 2, done: 2, overdue: 0, onTime: 1, due: 2 },
    ]);
    expect(report.overdue.map((o) => [o.number, o.officeKey, o.dueDate, o.daysOverdue, o.progress])).toEqual([
      [3, "infraestructura", "2026-03-05", 5, 40],
    ]);
  });
});

describe("rinde commitments (CLI)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const cli = (...args: string[]) =>
    runRinde(["commitments", ...args], { ...storageEnv(h.dbPath), RINDE_PROFILE: "default" }, { clock: h.clock });

  it("adds, reports progress, refuses bad input with one line, imports, exports and reports", async () => {
    const ana = await citizenWithConsent(h, "ana");
    const add = await cli(
      "add",
      "--office",
      "salud",
      "--due",
      "2099-06-30",
      "--text",
      "Abrir el puesto de salud los sábados",
    );
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain("Compromiso 1 registrado para Secretaría de Salud, fecha límite mar 30 jun 2099");
    await followCommitment(h.runtime.app, ana, 1);
    expect((await cli("progress", "1", "--percent", "150", "--note", "x")).stderr.trim()).toBe(
      "rinde: --percent debe estar entre 0 y 100; recibí «150».",
    );
    const jefe = await h.runtime.app.repos.officials.add(
      { name: "Jefe", officeKey: "ambiente", role: "head" },
      h.clock.nowMs(),
    );
    expect(
      (await cli("progress", "1", "--percent", "50", "--note", "x", "--as", String(jefe.id))).stderr.trim(),
    ).toMatch(/^rinde: Lo siento, usted no puede hacer esto con ese compromiso/);
    const ok = await cli("progress", "1", "--percent", "50", "--note", "Se contrató el personal");
    expect(ok.stdout).toContain("Compromiso 1 en 50 % (en ejecución); se avisa a 1 seguidor(es).");
    // The running bot delivers what the CLI queued (after quiet hours, if the clock is in them).
    const now = h.clock.nowMs();
    h.clock.setMs(quietUntilMs(now, h.runtime.app.profile.quietHours, h.runtime.app.profile.timezone) ?? now);
    await h.bot.scheduler.tick();
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "Se contrató el personal")).toHaveLength(1);

    const minutes = join(h.dir, "acta.csv");
    writeFileSync(minutes, "text,office,due_date\nBuena,cultura,2099-01-01\nMala fecha,cultura,ayer\n");
    const bad = await cli("import", minutes);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${minutes}:3: La fecha no es válida.`);
    expect(bad.stderr).toContain("1 problema(s)");
    writeFileSync(minutes, "text,office,due_date\nBuena,cultura,2099-01-01\n");
    expect((await cli("import", minutes)).stdout).toBe("1 compromiso(s) importado(s): 2.\n");

    const header =
      "\uFEFFNúmero;Compromiso;Dependencia;Fecha límite;Comuna;Evento;Estado;Avance;Motivo;Fecha de registro";
    const out = join(h.dir, "export.csv");
    expect((await cli("export", "--out", out)).status).toBe(0);
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe(header);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await cli("export", "--out", out);
    expect([again.status, again.stderr.trim()]).toEqual([
      1,
      `rinde: El archivo ${out} ya existe; agregue --force para reemplazarlo.`,
    ]);
    chmodSync(out, 0o644);
    expect((await cli("export", "--out", out, "--force")).status).toBe(0);
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe(header);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const report = await cli("report");
    expect(report.stdout).toMatch(/^Compromisos al \S+ \d+ \S+ \d{4}: 2\n/);
    expect(report.stdout).toContain("Por estado: sin iniciar 1, en ejecución 1, cumplido 0, vencido 0, cancelado 0");
    const csv = (await cli("report", "--csv")).stdout.slice(1).trim().split("\n");
    expect(csv[0]).toBe(
      "Clave dependencia;Dependencia;Total;Sin iniciar;En ejecución;Cumplidos;Vencidos;Cancelados;Ya vencían;Cumplidos a tiempo;Proporción a tiempo",
    );
    expect(csv.at(-1)).toBe("TOTAL;;2;1;1;0;0;0;0;0;");
    expect((await cli("report", "--csv", "--overdue", "--separator", ",")).stdout).toBe(
      "\uFEFFNúmero,Dependencia,Fecha límite,Días vencido,Avance,Compromiso\n",
    );
  });
});
