/** Informes (the management report, drill-down, CSV) and Encuestas (survey results) in the back-office (issue 14). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { runOn } from "../helpers/cli.ts";
import { fileQuestion } from "../helpers/harness.ts";
import { advance, HOUR_MS, runJobs } from "../integration/surveys-helpers.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

describe("Informes and Encuestas", () => {
  let h: WebHarness;
  let answered: string;
  let open: string;
  let control: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    // Two questions for infraestructura: one answered (the citizen rates it 4 of 5), one open.
    answered = await fileQuestion(h, "ana");
    await answerQuestion(h.runtime.app, { kind: "cli" }, answered, "Respuesta de la dependencia.");
    await runJobs(h);
    await advance(h, HOUR_MS);
    await h.say("ana", "4");
    await h.say("ana", "omitir");
    open = await fileQuestion(h, "beto");
    await h.addOfficial({
      name: "Carla Control",
      role: "internal_control",
      officeKey: null,
      email: "carla@x.co",
      address: "carla-chat",
    });
    control = await h.signIn("carla@x.co", "carla-chat");
  });
  afterEach(async () => {
    await h.close();
  });

  it("shows the same figures as `rinde questions report`, per office, with every figure leading to its questions", async () => {
    const cli = JSON.parse((await runOn(h.runtime, ["questions", "report", "--json"])).stdout) as {
      offices: { officeKey: string; received: number; answeredOnTime: number; openWithinTerm: number }[];
      from: string;
      to: string;
    };
    const infra = cli.offices.find((o) => o.officeKey === "infraestructura")!;
    expect(infra).toMatchObject({ received: 2, answeredOnTime: 1, openWithinTerm: 1 });
    const page = await control.get("/admin/informes");
    expect(page.statusCode).toBe(200);
    const row = /<th scope="row">Secretaría de Infraestructura<\/th>([\s\S]*?)<\/tr>/.exec(page.body)![1]!;
    const cells = [...row.matchAll(/<td>(?:<a [^>]*>)?([^<]*)/g)].map((m) => m[1]);
    expect(cells.slice(0, 4)).toEqual([
      String(infra.received),
      String(infra.answeredOnTime),
      "0",
      String(infra.openWithinTerm),
    ]);
    expect(row).toContain("answer_clarity: 4.0/5 (n=1)");
    expect(page.body).toMatch(/<tr class="total">/);
    // Drill-down from "Abiertas en término" of infraestructura: the open question, linked to its page.
    const link = /href="(\/admin\/informes\/preguntas\?[^"]*oficina=infraestructura[^"]*cifra=openWithinTerm)"/
      .exec(page.body)![1]!
      .replace(/&amp;/g, "&");
    const drill = await control.get(link);
    expect(drill.statusCode).toBe(200);
    expect(drill.body).toContain(`href="/admin/preguntas/${open}"`);
    expect(drill.body).not.toContain(answered);
    expect(drill.body).toContain("Abiertas en término · Secretaría de Infraestructura: 1");
  });

  it("downloads the current view as CSV for Excel (UTF-8 BOM, semicolons, Spanish headers)", async () => {
    const csv = await control.get("/admin/informes.csv?oficina=infraestructura");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toMatch(
      /^attachment; filename="informe-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(csv.body.startsWith("\uFEFF")).toBe(true);
    const lines = csv.body.slice(1).trim().split("\n");
    expect(lines[0]).toBe(
      "Dependencia;Recibidas;Respondidas a tiempo;Respondidas tarde;Abiertas en término;Vencidas;Esperando al ciudadano;Desistidas;Trasladadas;Con prórroga;Reasignadas a otra dependencia;% a tiempo;Mediana días hábiles;P90 días hábiles;Satisfacción",
    );
    expect(lines[1]).toMatch(
      /^Secretaría de Infraestructura;2;1;0;1;0;0;0;0;0;0;100;0;0;answer_clarity: 4\.0\/5 \(n=1\)$/,
    );
    const drill = await control.get("/admin/informes/preguntas.csv?oficina=*&cifra=received");
    expect(drill.body.slice(1).trim().split("\n")).toEqual([
      "Radicado;Dependencia;Estado;Radicada;Fecha límite",
      expect.stringMatching(new RegExp(`^${answered};Secretaría de Infraestructura;Respondida;`)),
      expect.stringMatching(new RegExp(`^${open};Secretaría de Infraestructura;Abierta;`)),
    ]);
  });

  it("shows a head only their office, refuses another office and the whole entity; officials do not read reports", async () => {
    await h.addOfficial({
      name: "Jefe Salud",
      role: "head",
      officeKey: "salud",
      email: "salud@x.co",
      address: "salud-chat",
    });
    const head = await h.signIn("salud@x.co", "salud-chat");
    const own = await head.get("/admin/informes");
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain("Secretaría de Salud");
    expect(own.body).not.toContain("Secretaría de Infraestructura");
    expect((await head.get("/admin/informes?oficina=infraestructura")).statusCode).toBe(403);
    expect((await head.get("/admin/informes/preguntas?oficina=*&cifra=received")).statusCode).toBe(403);
    expect((await head.get("/admin/informes.csv?oficina=infraestructura")).statusCode).toBe(403);
    await h.addOfficial({
      name: "Ana",
      role: "official",
      officeKey: "infraestructura",
      email: "ana@x.co",
      address: "ana-chat",
    });
    const official = await h.signIn("ana@x.co", "ana-chat");
    expect((await official.get("/admin/informes")).statusCode).toBe(403);
    expect((await official.get("/admin/encuestas")).statusCode).toBe(403);
    expect(official.lastHtml).not.toContain('href="/admin/informes"');
  });

  it("explains a bad period beside nothing half-computed, and sends a signed-out visitor to sign in", async () => {
    const bad = await control.get("/admin/informes?desde=2026-03-31&hasta=2026-03-01");
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("La fecha «desde» debe ser igual o anterior a «hasta».");
    expect((await control.get("/admin/informes?desde=31/03/2026")).statusCode).toBe(422);
    h.clock.advanceMs(31 * 60_000);
    const expired = await control.get("/admin/informes");
    expect(expired.statusCode).toBe(303);
    expect(expired.headers.location).toContain("/admin/ingresar");
  });

  it("shows survey results with an SVG chart per question and a warning on few responses", async () => {
    const page = await control.get("/admin/encuestas");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("answer_clarity");
    // The survey filter names each survey by its title, not its id.
    expect(page.body).toMatch(/<option value="answer_clarity"[^>]*>Claridad de la respuesta<\/option>/);
    expect(page.body).toContain("1 respuesta (0 en papel)");
    expect(page.body).toMatch(/<svg class="bars" role="img"/);
    expect(page.body).toMatch(/<text x="226" y="\d+" class="bar-value">0 \(0 %\)<\/text>/);
    expect(page.body).toMatch(
      /<rect x="220" y="\d+" width="300" height="18" class="bar"><\/rect>\s*<text x="526" y="\d+" class="bar-value">1 \(100 %\)/,
    );
    expect(page.body).toContain("Pocas respuestas (n = 1");
    // No inline scripts or styles (CSP).
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]|style=/);
    const other = await control.get("/admin/encuestas?oficina=salud");
    expect(other.body).toContain("Todavía no hay encuestas enviadas");
  });
});
