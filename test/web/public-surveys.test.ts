/**
 * Issue 15, Encuestas: no count under 5 people can be worked out from what is published. Each
 * published row (everyone, a district, the pool of other districts) is checked the way a reader
 * would attack it: its total minus its visible cells gives the sum of its hidden cells, so a row
 * with exactly one hidden cell, or hidden cells adding up to 1–4, gives a small count away.
 */
import { afterEach, describe, expect, it } from "vitest";
import { seedPublicData, type Seeded } from "./public-seed.ts";

interface Row {
  segmento: string;
  pregunta: string;
  respuestas: number | null;
  suprimido: boolean;
  total_segmento: number;
}

let s: Seeded | undefined;
afterEach(async () => {
  await s?.server.close();
  await s?.h.close();
  s = undefined;
});

async function rowsOf(seeded: Seeded): Promise<Row[]> {
  const res = await seeded.server.inject({ method: "GET", url: "/datos/encuestas_resultados.json" });
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body) as Row[];
}

/** Lines (segment × question) whose hidden cells a reader can work out as a count under 5. */
function revealed(rows: readonly Row[]): string[] {
  const lines = new Map<string, Row[]>();
  for (const r of rows)
    lines.set(`${r.segmento}/${r.pregunta}`, [...(lines.get(`${r.segmento}/${r.pregunta}`) ?? []), r]);
  const out: string[] = [];
  for (const [key, cells] of lines) {
    const hidden = cells.filter((c) => c.suprimido);
    if (hidden.length === 0) continue;
    const hiddenSum = cells[0]!.total_segmento - cells.reduce((sum, c) => sum + (c.respuestas ?? 0), 0);
    if (hidden.length === 1 || hiddenSum < 5) out.push(`${key}: ${hidden.length} hidden adding up to ${hiddenSum}`);
  }
  return out;
}

describe("published survey results", () => {
  it("show the districts apart when the pool of the others has 20 responses, giving nothing small away", async () => {
    s = await seedPublicData();
    const rows = await rowsOf(s);
    expect(new Set(rows.map((r) => r.segmento))).toEqual(new Set(["total", "comuna-1", "otras"]));
    expect(revealed(rows)).toEqual([]);
  });

  it("show no district apart when the pool of the others is small (3 people could be read off)", async () => {
    // 24 in comuna-1 and 3 elsewhere, all 3 answering "1": a row for the 3 would show it.
    s = await seedPublicData(undefined, { unknownDistrictRespondents: 0 });
    const rows = await rowsOf(s);
    expect(new Set(rows.map((r) => r.segmento))).toEqual(new Set(["total"]));
    expect(revealed(rows)).toEqual([]);
    const page = (await s.server.inject({ method: "GET", url: "/encuestas" })).body;
    expect(page).not.toContain("Comuna 1 Centro</th>");
  });
});
