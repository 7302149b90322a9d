/**
 * The stored answer figures on PostgreSQL (issue 15): three months of questions through the real
 * services on a migrated schema, the totals kept current along the way; they equal a full
 * recomputation and `rinde questions report`; a second process (another pool) that finds them
 * current recomputes nothing. Skipped without RINDE_TEST_DATABASE_URL.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProfilePath } from "../../../src/config/env.ts";
import { loadProfile } from "../../../src/config/profile.ts";
import { ALL_OFFICES } from "../../../src/core/answer-tally.ts";
import { createManualClock } from "../../../src/core/clock.ts";
import { createPgRepos } from "../../../src/db/postgres/repositories/index.ts";
import { createPostgresStore } from "../../../src/db/postgres/store.ts";
import { createTranslator } from "../../../src/i18n/index.ts";
import { createAppContext, type AppContext } from "../../../src/services/context.ts";
import { extendQuestion } from "../../../src/services/deadlines/extension.ts";
import { answerQuestion, fileQuestion, reassignQuestion } from "../../../src/services/questions/questions.ts";
import { transferQuestion } from "../../../src/services/questions/transfer.ts";
import { questionsReport } from "../../../src/services/questions/report.ts";
import {
  computeAnswerStats,
  refreshAnswerTotals,
  storedAnswerStats,
  type AnswerStats,
} from "../../../src/services/transparency/answers.ts";
import { openFreshPostgres, postgresAvailable } from "../../helpers/postgres.ts";

const DAY_MS = 86_400_000;
const CLI = { kind: "cli" } as const;
const plain = (byMonth: AnswerStats["byMonth"]) =>
  [...byMonth]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, offices]) => [
      m,
      [...offices]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, t]) => [k, { ...t, daysHistogram: [...t.daysHistogram].sort((a, b) => a[0] - b[0]) }]),
    ]);

describe.skipIf(!postgresAvailable)("stored answer figures on PostgreSQL", () => {
  let pg: Awaited<ReturnType<typeof openFreshPostgres>>;
  let app: AppContext;
  const clock = createManualClock(Date.UTC(2026, 0, 5, 15));
  const secret = randomBytes(32);
  const contextOn = async (handle: Parameters<typeof createPostgresStore>[0]) =>
    await createAppContext({
      store: createPostgresStore(handle, (q) => createPgRepos(q, { secret })),
      clock,
      profile: loadProfile(resolveProfilePath("default")),
      translator: createTranslator(),
    });

  beforeAll(async () => {
    pg = await openFreshPostgres();
    app = await contextOn(pg);
  });
  afterAll(async () => await pg?.close());

  it("are kept current, equal a full recomputation and the report, and are shared across processes", async () => {
    const offices = app.profile.offices.map((o) => o.key).slice(0, 3);
    const citizens: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await app.repos.citizens.create("memory", `57300000000${i}`, "es", clock.nowMs());
      await app.repos.citizens.recordConsent({
        citizenId: c.citizenId,
        decision: "granted",
        noticeVersion: "1",
        channel: "memory",
        nowMs: clock.nowMs(),
      });
      citizens.push(c.citizenId);
    }
    const refs: string[] = [];
    for (let day = 0; day < 90; day++) {
      if (day % 3 === 0) {
        const filed = await fileQuestion(app, {
          citizenId: citizens[day % 4]!,
          channel: "memory",
          text: `Pregunta ${day}`,
          officeKey: offices[day % 3]!,
          requestType: "general",
        });
        if (!filed.ok) throw new Error(filed.error);
        refs.push(filed.question.reference);
      }
      if (day % 5 === 0 && refs.length > 2) await answerQuestion(app, CLI, refs[refs.length - 3]!, "Respuesta");
      if (day % 13 === 2 && refs.length)
        await transferQuestion(app, CLI, refs.at(-1)!, {
          entityName: "Superservicios",
          reason: "No es de la Alcaldía",
        });
      if (day % 11 === 0 && refs.length)
        await reassignQuestion(app, CLI, refs.at(-1)!, offices[(day + 1) % 3]!, "Le corresponde a otra dependencia");
      // Day 70: the early questions still open are answered after their due date.
      if (day === 70) for (const ref of refs.slice(0, 12)) await answerQuestion(app, CLI, ref, "Respuesta tardía");
      if (day === 40) await extendQuestion(app, CLI, refs.at(-1)!, "2026-03-10", "Falta una visita técnica");
      if (day % 10 === 0) await refreshAnswerTotals(app);
      clock.advanceMs(DAY_MS);
    }
    const refreshed = await refreshAnswerTotals(app);
    expect(refreshed.rebuilt).toBe(false);
    const stored = await storedAnswerStats(app);
    expect(plain(stored.byMonth)).toEqual(plain((await computeAnswerStats(app)).byMonth));
    const all = [...stored.byMonth.values()].map((o) => o.get(ALL_OFFICES)!);
    for (const figure of [
      "received",
      "answeredOnTime",
      "answeredLate",
      "overdue",
      "transferred",
      "reassigned",
      "extended",
    ] as const)
      expect(
        all.reduce((n, t) => n + t[figure], 0),
        figure,
      ).toBeGreaterThan(0);

    const january = await questionsReport(app, { from: "2026-01-01", to: "2026-01-31" });
    if (!january.ok) throw new Error(january.error);
    const jan = stored.byMonth.get("2026-01")!.get(ALL_OFFICES)!;
    expect([
      january.value.total.received,
      january.value.total.answeredOnTime,
      january.value.total.overdue,
      january.value.total.transferred,
      january.value.total.reassigned,
    ]).toEqual([jan.received, jan.answeredOnTime, jan.overdue, jan.transferred, jan.reassigned]);

    // Another process on the same database finds the figures current.
    const other = await contextOn(await pg.reopen());
    expect(await refreshAnswerTotals(other)).toEqual({ months: [], rebuilt: false });
    expect(plain((await storedAnswerStats(other)).byMonth)).toEqual(plain(stored.byMonth));
  });
});
