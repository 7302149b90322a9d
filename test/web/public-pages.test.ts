/**
 * Issue 15, "done when": every public page and every dataset rendered from a seeded database, and
 * none of the citizens' addresses (phones, chat ids) or question texts appear anywhere, except
 * the summary an office published.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATASET_NAMES } from "../../src/services/transparency/open-data.ts";
import { setQuestionPublication } from "../../src/services/transparency/publication.ts";
import { CLI, PERSONAL_ANSWER, PUBLISHED_SUMMARY, seedPublicData, type Seeded } from "./public-seed.ts";

let s: Seeded;
beforeAll(async () => {
  s = await seedPublicData();
}, 60_000);
afterAll(async () => {
  await s.server.close();
  await s.h.close();
});

const PAGES = [
  "/",
  "/respuestas",
  "/respuestas?periodo=2026",
  "/preguntas",
  "/preguntas?evento=1",
  "/preguntas?evento=1&pagina=1",
  "/preguntas/peticiones",
  "/eventos",
  "/eventos/1",
  "/eventos/2",
  "/compromisos",
  "/compromisos/1",
  "/compromisos/2",
  "/compromisos?estado=overdue",
  "/compromisos?dependencia=infraestructura&comuna=comuna-1&evento=1&estado=in_progress",
  "/encuestas",
  "/plan-rendicion-cuentas",
  "/plan-rendicion-cuentas?anio=2026",
  "/datos",
];
const FILES = [
  "/static/publico.css",
  ...DATASET_NAMES.flatMap((n) => [
    `/datos/${n}.csv`,
    `/datos/${n}.json`,
    `/datos/${n}_diccionario.csv`,
    `/datos/${n}_diccionario.json`,
  ]),
  "/calendario/eventos.ics",
];
/** Every office's page and every district's calendar of the profile. */
const perProfile = (s: Seeded) => [
  ...s.h.runtime.app.profile.offices.map((o) => `/respuestas/${o.key}`),
  ...s.h.runtime.app.profile.districts.map((d) => `/calendario/comuna/${d.key}.ics`),
];

/** Every page and file, in Spanish and English, as one text (each checked for status and weight). */
async function everything(): Promise<string> {
  let all = "";
  for (const url of [...PAGES, ...FILES, ...perProfile(s)]) {
    for (const lang of ["", "en"]) {
      const full = lang ? `${url}${url.includes("?") ? "&" : "?"}lang=en` : url;
      const res = await get(full);
      expect(res.body.length, full).toBeLessThan(100_000);
      // Calendar feeds: CRLF lines of at most 75 octets (RFC 5545, 3.1), balanced BEGIN/END.
      if (url.endsWith(".ics")) {
        const lines = res.body.split("\r\n");
        for (const line of lines) expect(Buffer.byteLength(line), `${full}: ${line}`).toBeLessThanOrEqual(75);
        expect(lines.filter((l) => l.startsWith("BEGIN:")).length).toBe(
          lines.filter((l) => l.startsWith("END:")).length,
        );
        expect(res.body.endsWith("\r\n") && !/[^\r]\n/.test(res.body)).toBe(true);
      }
      all += `\n${res.body}`;
    }
  }
  // Not-found pages too (they echo nothing of the request).
  all += (await s.server.inject({ method: "GET", url: "/eventos/999" })).body;
  return all;
}

async function get(url: string) {
  const res = await s.server.inject({ method: "GET", url });
  expect(res.statusCode, url).toBe(200);
  return res;
}

describe("public pages and open data", () => {
  it("render every page and file, in Spanish and English, with no personal data", async () => {
    const all = await everything();
    for (const secret of s.secrets) expect(all.includes(secret), `leaked: ${secret}`).toBe(false);
    expect(all).toContain(PUBLISHED_SUMMARY);
    expect(all).toContain(s.references.dialoguePublished);
    // A published dialogue answer shows; an ordinary petition's answer does not (default off).
    expect(all).toContain("Las obras del parque terminan en junio de 2026.");
    expect(all).not.toContain("Programamos el arreglo de la vía");
    // The answer written to the person with their name, number and cédula is held back, and says so.
    expect(all).not.toContain(PERSONAL_ANSWER.slice(30, 70));
    expect(all).toContain("Respuesta en revisión de datos personales");
    expect(all).toContain("Answer under review for personal data");
    const rows = JSON.parse((await get("/datos/preguntas_espacios_dialogo.json")).body) as Record<string, unknown>[];
    expect(rows.find((r) => r.radicado === s.references.dialoguePersonal)).toMatchObject({
      respuesta: null,
      respuesta_en_revision: true,
    });
    expect(rows.find((r) => r.radicado === s.references.dialoguePublished)).toMatchObject({
      respuesta_en_revision: false,
    });
  });

  it("publish what an office publishes, and still nothing personal", async () => {
    const app = s.h.runtime.app;
    // An ordinary petition the office decides to publish, and its version of the held-back answer.
    const version = "El subsidio de adulto mayor se paga el 5 de mayo.";
    expect((await setQuestionPublication(app, CLI, s.references.onTime!, { publishAnswer: true })).ok).toBe(true);
    expect(
      (await setQuestionPublication(app, CLI, s.references.dialoguePersonal!, { answer: PERSONAL_ANSWER })).ok,
    ).toBe(false);
    expect((await setQuestionPublication(app, CLI, s.references.dialoguePersonal!, { answer: version })).ok).toBe(true);
    const all = await everything();
    for (const secret of s.secrets) expect(all.includes(secret), `leaked: ${secret}`).toBe(false);
    expect(all).toContain(version);
    expect(all).not.toContain("Respuesta en revisión de datos personales");
    // The ordinary petition's answer is on its own page, linked from /preguntas.
    const petitions = (await get("/preguntas/peticiones")).body;
    expect(petitions).toContain("Programamos el arreglo de la vía para la próxima semana.");
    expect(petitions).toContain(s.references.onTime);
    expect((await get("/preguntas")).body).toContain('href="/preguntas/peticiones"');
  });

  it("says an event whose date passed is past, not scheduled, even before staff mark it held", async () => {
    const page = (await get("/eventos/1")).body;
    expect(page).toMatch(/<dd>Ya pasó<\/dd>/);
    expect(page).not.toMatch(/<dd>Programado<\/dd>/);
    expect((await get("/eventos/2")).body).toMatch(/<dd>Programado<\/dd>/);
  });

  it("shows the answer figures with few cases and the legal categories", async () => {
    const page = (await get("/respuestas?periodo=2026")).body;
    expect(page).toContain("pocos casos");
    expect(page).toMatch(/<svg class="trend"[^>]*role="img"/);
    const csv = (await get("/datos/pqrsd_oportunidad_por_dependencia.csv")).body.split("\r\n");
    expect(csv[0]).toBe(
      "codigo_divipola,municipio,periodo,codigo_dependencia,dependencia,recibidas,respondidas,respondidas_a_tiempo,respondidas_fuera_de_termino,vencidas_sin_respuesta,en_tramite,desistidas,con_prorroga,trasladadas,reasignadas,mediana_dias_habiles_respuesta,porcentaje_a_tiempo,porcentaje_a_tiempo_ic95_inferior,porcentaje_a_tiempo_ic95_superior,fecha_corte",
    );
    const rows = Object.fromEntries(
      csv
        .slice(1)
        .filter(Boolean)
        .map((line) => [line.split(",")[3], line.split(",")]),
    );
    // office → [received, answered, on time, late, overdue, in progress, withdrawn, extended,
    // transferred to another entity, reassigned to another office]
    const figures = (office: string) => rows[office]!.slice(5, 15).map(Number);
    expect(figures("infraestructura")).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(figures("hacienda")).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    // One general petition overdue, one dialogue question answered on time.
    expect(figures("desarrollo_social")).toEqual([2, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(figures("ambiente")).toEqual([1, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(figures("educacion")).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    // A reassignment counts for the office that gave the question away (as `rinde questions report`).
    expect(figures("salud")).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // Art. 21: transferred to another entity, neither answered, overdue nor in progress.
    expect(figures("movilidad")).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(rows.infraestructura![0]).toBe("00000");
    expect(rows.infraestructura![16]).toBe(""); // one case: no percentage
  });

  it("suppresses small survey cells and publishes no comments", async () => {
    const json = JSON.parse((await get("/datos/encuestas_resultados.json")).body) as Record<string, unknown>[];
    const comuna1 = json.filter((r) => r.segmento === "comuna-1");
    expect(comuna1.find((r) => r.opcion === "5")).toMatchObject({ respuestas: 14, suprimido: false });
    expect(comuna1.find((r) => r.opcion === "2")).toMatchObject({ respuestas: null, suprimido: true });
    // 4 people answered "2" in comuna-1: hidden, and the next smallest cell of the row (6 said "4") with it.
    expect(comuna1.find((r) => r.opcion === "4")).toMatchObject({ respuestas: null, suprimido: true });
    expect(json.some((r) => r.pregunta === "comment")).toBe(false);
    const other = json.filter((r) => r.segmento === "otras");
    expect(other.find((r) => r.opcion === "1")).toMatchObject({ suprimido: true });
    expect(json.every((r) => r.codigo_divipola === "00000")).toBe(true);
  });

  it("follow the datos.gov.co conventions in every dataset and dictionary", async () => {
    const { parse } = await import("csv-parse/sync");
    for (const name of DATASET_NAMES) {
      const csvText = (await get(`/datos/${name}.csv`)).body;
      const json = JSON.parse((await get(`/datos/${name}.json`)).body) as Record<string, unknown>[];
      const dictionary = JSON.parse((await get(`/datos/${name}_diccionario.json`)).body) as {
        columna: string;
        tipo: string;
        descripcion: string;
      }[];
      const dictionaryCsv = parse((await get(`/datos/${name}_diccionario.csv`)).body, { columns: true }) as object[];
      const rows = parse(csvText, { columns: false }) as string[][];
      const header = rows[0]!;
      // One header row of lowercase snake_case names, described in the dictionary (CSV and JSON alike).
      for (const column of header) expect(column, name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(
        dictionary.map((d) => d.columna),
        name,
      ).toEqual(header);
      expect(dictionaryCsv, name).toEqual(dictionary);
      for (const d of dictionary) expect(d.descripcion.length, `${name}.${d.columna}`).toBeGreaterThan(4);
      // Same rows and keys in CSV and JSON; every row carries the DIVIPOLA code.
      expect(json.length, name).toBe(rows.length - 1);
      expect(json.length, `${name} has rows`).toBeGreaterThan(0);
      json.forEach((row, i) => {
        expect(Object.keys(row), name).toEqual(header);
        expect(row.codigo_divipola, name).toBe("00000");
        rows[i + 1]!.forEach((cell, c) => {
          const value = row[header[c]!];
          const type = dictionary[c]!.tipo;
          expect(cell, `${name}.${header[c]}`).toBe(value === null ? "" : String(value));
          if (value === null) return;
          if (type === "numero") expect(typeof value, `${name}.${header[c]}`).toBe("number");
          if (type === "booleano") expect(typeof value, `${name}.${header[c]}`).toBe("boolean");
          if (type === "fecha") expect(value, `${name}.${header[c]}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          if (type === "fecha_hora")
            expect(value, `${name}.${header[c]}`).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/);
        });
      });
    }
  });

  it("serves ETag and Cache-Control, and 304 on a matching If-None-Match", async () => {
    const first = await get("/compromisos");
    expect(first.headers["cache-control"]).toBe("public, max-age=60");
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"/);
    const again = await s.server.inject({ method: "GET", url: "/compromisos", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
  });

  it("answers 404 for unknown things", async () => {
    for (const url of [
      "/eventos/999",
      "/compromisos/999",
      "/respuestas/nada",
      "/datos/nada.csv",
      "/calendario/comuna/nada.ics",
    ]) {
      expect((await s.server.inject({ method: "GET", url })).statusCode, url).toBe(404);
    }
  });
});
