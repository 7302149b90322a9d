/**
 * The accountability plan in the back-office (issue 16): activities with goal, achieved and state
 * (colour and text), manual progress by the responsible office only (CSRF, once per form, audited),
 * the evaluation report with the CLI's figures and its CSV byte for byte, loading a plan pasted
 * on the page with every problem in the page's language.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOn } from "../helpers/cli.ts";
import { bogota } from "../helpers/scenario.ts";
import { loadPlanFile, PASTO_PLAN } from "../integration/plan-helpers.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { sqlRows } from "../helpers/storage.ts";

const URL_OK = "https://www.pasto.gov.co/periodico-julio.pdf";
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
// before and after as JSON text on both engines (jsonb on PostgreSQL).
const audit = (h: WebHarness, action: string) =>
  sqlRows<{ official_id: number; outcome: string; before: string | null; after: string | null }>(
    h.runtime,
    "select official_id, outcome, cast(before as text) as before, cast(after as text) as after from staff_audit where action = ? order by id",
    [action],
  );

describe("the plan in the back-office", () => {
  let h: WebHarness;
  let comunicaciones: WebClient;
  let salud: WebClient;
  let admin: WebClient;
  let comunicacionesId: number;

  beforeAll(async () => {
    h = await createWebHarness({ profile: "pasto", startMs: bogota("2022-07-15", "10:00") });
    await loadPlanFile(h.runtime, PASTO_PLAN);
    comunicacionesId = await h.addOfficial({
      name: "Camilo Comunicaciones",
      role: "official",
      officeKey: "comunicaciones",
      email: "camilo@pasto.gov.co",
    });
    await h.addOfficial({ name: "Sara Salud", role: "head", officeKey: "salud", email: "sara@pasto.gov.co" });
    await h.addOfficial({ name: "Ana Admin", role: "admin", officeKey: null, email: "ana@pasto.gov.co" });
    comunicaciones = await h.signIn("camilo@pasto.gov.co", "chat-camilo@pasto.gov.co");
    salud = await h.signIn("sara@pasto.gov.co", "chat-sara@pasto.gov.co");
    admin = await h.signIn("ana@pasto.gov.co", "chat-ana@pasto.gov.co");
  }, 60_000);
  afterAll(async () => await h.close());

  it("lists every activity by component with goal, achieved and a state in colour and words", async () => {
    const page = await salud.get("/admin/plan");
    expect(page.statusCode).toBe(200);
    const body = text(page.body);
    expect(body).toContain("Plan de rendición de cuentas");
    expect(body).toContain(
      "Estrategia de Rendición de Cuentas 2022 – Alcaldía Municipal de Pasto · estado al viernes 15 de julio de 2022",
    );
    expect(page.body.match(/href="\/admin\/plan\/actividades\/[^"?]+\?anio=2022"/g)).toHaveLength(23);
    // 1.1 ended on 4 March with nothing reported: late, in red and in words.
    const row = page.body.slice(
      page.body.indexOf('aria-label="Abrir la actividad 1.1"'),
      page.body.indexOf("</tr>", page.body.indexOf('aria-label="Abrir la actividad 1.1"')),
    );
    expect(row).toContain('class="plan-state plan-state-late"');
    expect(text(row)).toContain("✗ vencida");
    expect(text(row)).toContain("0 de 1");
    expect(body).toContain("Información · Subcomponente 1. Información de calidad y en lenguaje comprensible");
    // The counts by state match planStatus.
    const cli = await runOn(h.runtime, ["plan", "status", "--json"]);
    const status = JSON.parse(cli.stdout) as { byState: Record<string, number> };
    // On 15 Jul 2022 with nothing recorded: late 1.1, 1.2, 1.9 (ended); at risk 1.8 (53 % expected
    // of 100 %), 1.11 (14 days left), 2.1 (7.9 of 20 expected), 2.2 (15.8 of 29 expected).
    expect(status.byState).toEqual({ on_track: 16, at_risk: 4, done: 0, late: 3 });
    const totals = text(
      page.body.slice(
        page.body.indexOf('<ul class="totals"'),
        page.body.indexOf("</ul>", page.body.indexOf('<ul class="totals"')),
      ),
    );
    expect(totals.trim()).toBe("23 actividades 0 cumplidas 16 al día 4 en riesgo 3 vencidas");
    const english = await salud.get("/admin/plan", {
      cookie: `${[...salud.cookies].map(([k, v]) => `${k}=${v}`).join("; ")}; rinde_lang=en`,
    });
    expect(text(english.body)).toContain("Accountability plan");
    expect(text(english.body)).toContain("✗ late");
  });

  it("opens an activity from a link without the year, on the plan the plan page shows", async () => {
    const page = await salud.get("/admin/plan/actividades/2.2");
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain("Realizar espacios territoriales de diálogo (12 comunas y 17 corregimientos).");
    expect(page.body).toContain('href="/admin/plan?anio=2022"');
    expect((await salud.get("/admin/plan/actividades/9.9")).statusCode).toBe(404);
  });

  it("takes manual progress from the responsible office only, once per form, audited before → after", async () => {
    const page = await comunicaciones.get("/admin/plan/actividades/1.7?anio=2022");
    expect(text(page.body)).toContain("Reportar avance");
    const action = "/admin/plan/actividades/1.7/avance?anio=2022";
    const key = comunicaciones.field(action, "_idem");
    const done = await comunicaciones.post(action, {
      _idem: key,
      valor: "7.500",
      evidencia: URL_OK,
      nota: "Primera tanda",
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe("/admin/plan/actividades/1.7?anio=2022&hecho=avance");
    // The same form sent again acts once.
    const again = await comunicaciones.post(action, {
      _idem: key,
      valor: "7.500",
      evidencia: URL_OK,
      nota: "Primera tanda",
    });
    expect(again.headers.location).toBe("/admin/plan/actividades/1.7?anio=2022&hecho=duplicado");
    const history = await h.runtime.app.repos.plan.progressHistory(2022, "1.7");
    expect(history.map((e) => [e.value, e.evidenceUrl, e.note, e.actor])).toEqual([
      [7500, URL_OK, "Primera tanda", `official:${comunicacionesId}`],
    ]);
    expect(
      (await audit(h, "plan.progress")).map((a) => [
        a.official_id,
        a.outcome,
        JSON.parse(a.before!),
        JSON.parse(a.after!),
      ]),
    ).toEqual([[comunicacionesId, "ok", { value: null }, { value: 7500, evidenceUrl: URL_OK, note: "Primera tanda" }]]);
    const shown = text((await comunicaciones.get("/admin/plan/actividades/1.7?anio=2022&hecho=avance")).body);
    expect(shown).toContain("Avance registrado.");
    expect(shown).toContain("7.500 de 15.000");
    expect(shown).toContain("Camilo Comunicaciones");

    // A bad link is refused beside the field, in Spanish; nothing stored.
    await comunicaciones.get("/admin/plan/actividades/1.7?anio=2022");
    const bad = await comunicaciones.post(action, {
      _idem: comunicaciones.field(action, "_idem"),
      valor: "9000",
      evidencia: "periodico.pdf",
    });
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain("La evidencia debe ser un enlace web completo (https://…).");

    // Another office sees no form, and a forged post is refused (and audited), nothing stored.
    const other = await salud.get("/admin/plan/actividades/1.7?anio=2022");
    expect(text(other.body)).not.toContain("Registrar avance");
    expect(text(other.body)).toContain("Solo la dependencia responsable");
    const forged = await salud.post(action, { _idem: "f".repeat(22), valor: "15000", evidencia: URL_OK });
    expect(forged.statusCode).toBe(403);
    // Without the CSRF token nothing runs.
    const noCsrf = await comunicaciones.post(action, {
      _csrf: "x",
      _idem: "g".repeat(22),
      valor: "15000",
      evidencia: URL_OK,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await h.runtime.app.repos.plan.progressHistory(2022, "1.7")).map((e) => e.value)).toEqual([7500]);
    expect((await audit(h, "plan.progress")).map((a) => a.outcome)).toEqual(["ok", "refused", "refused"]);
  });

  it("shows the evaluation report with the figures of `rinde plan report`, and its CSV is the CLI's", async () => {
    const page = await salud.get("/admin/plan/informe?anio=2022");
    expect(page.statusCode).toBe(200);
    const cliText = (await runOn(h.runtime, ["plan", "report", "--year", "2022"])).stdout.split("\n");
    const body = text(page.body);
    for (const line of [
      cliText[1]!,
      cliText.find((l) => l.startsWith("Espacios de diálogo realizados"))!,
      cliText.find((l) => l.startsWith("Preguntas de los espacios"))!,
      cliText.find((l) => l.startsWith("Compromisos del año"))!,
    ]) {
      expect(body).toContain(line.trim());
    }
    const csv = await salud.get("/admin/plan/informe.csv?anio=2022");
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe('attachment; filename="plan-pasto-2022.csv"');
    const fromCli = (await runOn(h.runtime, ["plan", "report", "--year", "2022", "--csv"])).stdout;
    expect(csv.body).toBe(fromCli);
    expect(csv.body.startsWith("\uFEFFComponente;Subcomponente;Número;")).toBe(true);
    expect(csv.body).toContain(";7500;");
    const comma = await salud.get("/admin/plan/informe.csv?anio=2022&separador=coma");
    expect(comma.body).toBe(
      (await runOn(h.runtime, ["plan", "report", "--year", "2022", "--csv", "--separator", ","])).stdout,
    );
  });

  it("loads a pasted plan for the administrator, listing every problem in the page's language first", async () => {
    expect((await salud.get("/admin/plan/cargar")).statusCode).toBe(403);
    await admin.get("/admin/plan/cargar");
    const yaml = readFileSync(PASTO_PLAN, "utf8");
    const broken = yaml
      .replace("offices: [educacion]", "offices: [educasion]")
      .replace("offices: [transito]", "offices: [transitoo]");
    const refused = await admin.post("/admin/plan/cargar", {
      _idem: admin.field("/admin/plan/cargar", "_idem"),
      formato: "yaml",
      contenido: broken,
    });
    expect(refused.statusCode).toBe(422);
    expect(text(refused.body)).toContain("Se encontraron 2 problemas; no se cargó nada.");
    expect(text(refused.body)).toContain(
      "components › 0 › activities › 2 › offices › 0 : no existe la dependencia «educasion»",
    );
    // The pasted text is kept for correcting.
    expect(refused.body).toContain("offices: [educasion]");
    const english = await admin.post(
      "/admin/plan/cargar",
      { _idem: admin.field("/admin/plan/cargar", "_idem"), formato: "yaml", contenido: broken },
      { cookie: `${[...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ")}; rinde_lang=en` },
    );
    expect(text(english.body)).toContain("2 problems found; nothing was loaded.");
    expect(text(english.body)).toContain("there is no office “transitoo”");

    const csv =
      "subcomponente;actividad;producto;meta;responsable;fecha inicio;fecha final\nDiálogo;2.1 Jornadas;Jornadas;veinte;OPGI;04/04/2022;20/12/2022\n";
    await admin.get("/admin/plan/cargar");
    const csvRefused = await admin.post("/admin/plan/cargar", {
      _idem: admin.field("/admin/plan/cargar", "_idem"),
      formato: "csv",
      contenido: csv,
    });
    expect(text(csvRefused.body)).toContain("Línea 2 : la meta «veinte» no tiene un número.");
    const converted = await admin.post("/admin/plan/cargar", {
      _idem: admin.field("/admin/plan/cargar", "_idem"),
      formato: "csv",
      contenido: csv.replace("veinte", "20"),
    });
    expect(text(converted.body)).toContain("Se convirtió 1 actividad a YAML.");
    expect(converted.body).toContain("type: manual");
    // The same table copied in Excel and pasted: tab separated, a title row above the header.
    const pasted = await admin.post("/admin/plan/cargar", {
      _idem: admin.field("/admin/plan/cargar", "_idem"),
      formato: "csv",
      contenido: `Estrategia 2022\r\n${csv.replace("veinte", "20").replaceAll(";", "\t").replaceAll("\n", "\r\n")}`,
    });
    expect(text(pasted.body)).toContain("Se convirtió 1 actividad a YAML.");
    expect((await h.runtime.app.repos.plan.get(2022))!.definition.components).toHaveLength(3);

    const loaded = await admin.post("/admin/plan/cargar", {
      _idem: admin.field("/admin/plan/cargar", "_idem"),
      formato: "yaml",
      contenido: yaml.replace("title: Estrategia", "title: Plan revisado – Estrategia"),
    });
    expect(loaded.statusCode).toBe(303);
    expect(loaded.headers.location).toBe("/admin/plan?anio=2022&hecho=cargado");
    expect((await h.runtime.app.repos.plan.get(2022))!.definition.title).toMatch(/^Plan revisado/);
    // Manual progress survives a reload of the plan.
    expect((await h.runtime.app.repos.plan.progressHistory(2022, "1.7")).map((e) => e.value)).toEqual([7500]);
    expect((await audit(h, "plan.load")).map((a) => a.outcome)).toEqual(["ok"]);
  });
});
