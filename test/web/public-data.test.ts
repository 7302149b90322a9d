/** The maintained answer figures (issue 15): updated month by month, always equal to a full recomputation. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerQuestion, fileQuestion } from "../../src/services/questions/questions.ts";
import { computeAnswerStats } from "../../src/services/transparency/answers.ts";
import { createPublicData } from "../../src/services/transparency/public-data.ts";
import { CLI, seedPublicData, type Seeded } from "./public-seed.ts";

let s: Seeded;
beforeAll(async () => {
  s = await seedPublicData();
}, 60_000);
afterAll(async () => {
  await s.server.close();
  await s.h.close();
});

const plain = (byMonth: Map<string, Map<string, unknown>>) =>
  JSON.stringify(
    [...byMonth].sort().map(([m, offices]) => [
      m,
      [...offices].sort().map(([k, f]) => [
        k,
        {
          ...(f as object),
          daysHistogram: [...(f as { daysHistogram: Map<number, number> }).daysHistogram].sort(),
        },
      ]),
    ]),
  );

describe("maintained answer figures", () => {
  it("follow new questions, answers and the passing of days exactly like a full recomputation", async () => {
    const app = s.h.runtime.app;
    const data = createPublicData(app, { refreshMs: 0 });
    const full = async () => (await computeAnswerStats(app)).byMonth;
    expect(plain((await data.answerStats()).byMonth)).toBe(plain(await full()));
    // A new question this month, an old one answered, and ten days pass (overdue changes).
    const citizenId = (await app.repos.citizens.findContext("memory", "573001234567"))!.citizenId;
    const filed = await fileQuestion(app, {
      citizenId,
      channel: "memory",
      text: "Pregunta nueva de prueba sobre el alumbrado",
      officeKey: "movilidad",
      requestType: "general",
    });
    expect(filed.ok).toBe(true);
    expect((await answerQuestion(app, CLI, s.references.overdue!, "Respuesta tardía.")).ok).toBe(true);
    const before = (await data.answerStats()).byMonth.get("2026-04")?.get("movilidad")?.received ?? 0;
    expect(before).toBe(1);
    s.h.clock.advanceMs(10 * 86_400_000);
    expect(plain((await data.answerStats()).byMonth)).toBe(plain(await full()));
    expect((await data.answerStats()).byMonth.get("2026-04")!.get("movilidad")!.overdue).toBe(0);
    s.h.clock.advanceMs(20 * 86_400_000);
    expect((await data.answerStats()).byMonth.get("2026-04")!.get("movilidad")!.overdue).toBe(1);
    expect(plain((await data.answerStats()).byMonth)).toBe(plain(await full()));
  });
});
