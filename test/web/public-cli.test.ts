/** The staff commands of issue 15: publish a question's summary, an event's minutes, a survey; export open data. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLICATION_EVENT } from "../../src/services/transparency/publication.ts";
import { runOn } from "../helpers/cli.ts";
import { seedPublicData, type Seeded } from "./public-seed.ts";

let s: Seeded;
beforeAll(async () => {
  s = await seedPublicData();
}, 60_000);
afterAll(async () => {
  await s.server.close();
  await s.h.close();
});

describe("rinde publication commands", () => {
  it("publishes an ordinary answer with a summary and records who changed what", async () => {
    const ref = s.references.onTime!;
    const out = await runOn(s.h.runtime, ["questions", "publish", ref, "--summary", "Arreglo de una vía", "--answer"]);
    expect(out.error).toBeUndefined();
    expect(out.stdout).toBe(`${ref}: respuesta publicada; resumen publicado.\n`);
    const q = (await s.h.runtime.app.repos.questions.byReference(ref))!;
    const entry = (await s.h.runtime.app.repos.questions.lastEvent(q.id, PUBLICATION_EVENT))!;
    expect(JSON.parse(entry.data)).toEqual({
      before: { publishAnswer: null, summary: null, answer: null },
      after: { publishAnswer: true, summary: "Arreglo de una vía", answer: null },
    });
    expect(entry.actor).toBe("cli");
    expect((await runOn(s.h.runtime, ["questions", "publish", ref, "--answer"])).error).toBe(
      "No hay nada que cambiar: ya está así.",
    );
    expect((await runOn(s.h.runtime, ["questions", "publish", ref, "--answer"], "en")).error).toBe(
      "Nothing to change: it is already like that.",
    );
  });

  it("refuses a minutes link that is not http(s)", async () => {
    expect((await runOn(s.h.runtime, ["events", "minutes", "1", "--url", "javascript:alert(1)"])).error).toBe(
      "El enlace debe empezar por http:// o https://.",
    );
  });

  it("exports the five datasets and dictionaries, with the same keys in CSV and JSON", async () => {
    const dir = join(s.h.dir, "datos");
    const out = await runOn(s.h.runtime, ["opendata", "export", "--out", dir]);
    expect(out.error).toBeUndefined();
    expect(out.stdout).toMatch(/^compromisos_rendicion_cuentas: \d+ fila\(s\)$/m);
    expect(out.stdout).toMatch(/^20 archivos escritos en .* en \d+ ms\.$/m);
    expect(readdirSync(dir)).toHaveLength(20);
    const csv = readFileSync(join(dir, "compromisos_rendicion_cuentas.csv"), "utf8");
    const json = JSON.parse(readFileSync(join(dir, "compromisos_rendicion_cuentas.json"), "utf8")) as Record<
      string,
      unknown
    >[];
    expect(csv.split("\r\n")[0]).toBe(Object.keys(json[0]!).join(","));
    expect(json.find((r) => r.numero_compromiso === 1)).toMatchObject({
      codigo_divipola: "00000",
      porcentaje_avance: 40,
      ultima_evidencia: "https://example.org/fotos-parque",
    });
  });
});
