/**
 * The stored answer figures (issue 15): a seeded year of activity through the real services
 * (questions filed every day, answered on time and late, left overdue, extended, reassigned, paused
 * for information and completed, withdrawn), the totals refreshed along the way as the public pages
 * do. Then: the stored figures equal a full recomputation; the management report
 * (`rinde questions report`) gives the same figures per office and month; a calendar change
 * rebuilds them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_OFFICES, type AnswerTotals } from "../../src/core/answer-tally.ts";
import { addCalendarDays, createBusinessCalendar, toLocalDate } from "../../src/core/calendar/index.ts";
import { COUNT_FIGURES, officeFigures } from "../../src/core/questions-report.ts";
import type { AppContext } from "../../src/services/context.ts";
import { extendQuestion } from "../../src/services/deadlines/extension.ts";
import {
  answerQuestion,
  fileQuestion,
  provideInfo,
  reassignQuestion,
  requestInfo,
} from "../../src/services/questions/questions.ts";
import { transferQuestion } from "../../src/services/questions/transfer.ts";
import { questionsReport } from "../../src/services/questions/report.ts";
import {
  computeAnswerStats,
  refreshAnswerTotals,
  storedAnswerStats,
  type AnswerStats,
} from "../../src/services/transparency/answers.ts";
import { createPublicData } from "../../src/services/transparency/public-data.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";

const DAY_MS = 86_400_000;
const CLI = { kind: "cli" } as const;
let h: Harness;
let app: AppContext;
const refreshes: { months: string[]; rebuilt: boolean }[] = [];

/** A small deterministic generator (LCG), so the year is the same on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

async function seedYear(): Promise<void> {
  const rnd = random(15);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const offices = app.profile.offices.map((o) => o.key).slice(0, 5);
  const citizens = await seedCitizens(h.runtime, { count: 40, channel: "memory", nowMs: h.clock.nowMs() });
  const open: { reference: string; citizenId: number }[] = [];
  const waiting: { reference: string; citizenId: number; sinceMs: number }[] = [];
  let lateRequest = false;
  for (let day = 0; day < 365; day++) {
    const today = toLocalDate(new Date(h.clock.nowMs()), app.profile.timezone);
    if (app.calendar.isBusinessDay(today)) {
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        const citizenId = pick(citizens);
        const filed = await fileQuestion(app, {
          citizenId,
          channel: "memory",
          text: `Pregunta ${day}-${n}`,
          officeKey: pick(offices),
          requestType: pick(["general", "general", "information", "consultation"] as const),
        });
        if (filed.ok) open.push({ reference: filed.question.reference, citizenId });
      }
      for (const q of [...open]) {
        const roll = rnd();
        const done = () => open.splice(open.indexOf(q), 1);
        if (roll < 0.07) {
          if ((await answerQuestion(app, CLI, q.reference, "Respuesta")).ok) done();
        } else if (roll < 0.075) {
          await reassignQuestion(app, CLI, q.reference, pick(offices), "Le corresponde a otra dependencia");
        } else if (roll < 0.078) {
          await extendQuestion(app, CLI, q.reference, addCalendarDays(today, 20), "Falta una visita técnica");
        } else if (roll < 0.081 && (await requestInfo(app, CLI, q.reference, "¿En qué barrio?")).ok) {
          done();
          waiting.push({ ...q, sinceMs: h.clock.nowMs() });
        } else if (roll >= 0.081 && roll < 0.083) {
          // Not the alcaldía's: sent to the competent entity (art. 21), on time or late.
          const input = { entityName: "Superservicios", reason: "Es de la empresa de energía" };
          if ((await transferQuestion(app, CLI, q.reference, input)).ok) done();
        }
      }
      // Every few weeks, and near the end of the year, the newest question is paused for information
      // (art. 17 allows it within 10 business days of filing).
      if (
        (day % 20 === 0 || (day >= 350 && !lateRequest)) &&
        open.length &&
        (await requestInfo(app, CLI, open.at(-1)!.reference, "¿Qué dirección?")).ok
      ) {
        lateRequest = day >= 350;
        waiting.push({ ...open.pop()!, sinceMs: h.clock.nowMs() });
      }
      for (const w of [...waiting]) {
        // Requests of the last weeks stay unanswered: some questions end the year waiting for the citizen.
        const roll = rnd();
        if (day < 340 && roll < 0.04 && (await provideInfo(app, w.citizenId, w.reference, "En el barrio La Paz")).ok) {
          waiting.splice(waiting.indexOf(w), 1);
          open.push(w);
        } else if (h.clock.nowMs() - w.sinceMs > 31 * DAY_MS) {
          // What the `question.withdrawal` job writes after a month without the information (art. 17).
          waiting.splice(waiting.indexOf(w), 1);
          await app.store.withTransaction(async () => {
            const question = (await app.repos.questions.byReference(w.reference))!;
            await app.repos.questions.update(question.id, { status: "withdrawn", updatedAtMs: h.clock.nowMs() });
            await app.repos.questions.addEvent(question.id, "withdrawn", "system", h.clock.nowMs(), {});
          });
        }
      }
    }
    if (day % 9 === 0) refreshes.push(await refreshAnswerTotals(app));
    h.clock.advanceMs(DAY_MS);
  }
}

beforeAll(async () => {
  h = await createHarness({ startMs: Date.UTC(2025, 5, 2, 15) });
  app = h.runtime.app;
  await seedYear();
}, 120_000);
afterAll(async () => {
  await h.close();
});

/** The figures as comparable plain data (months and offices sorted, histograms as sorted pairs). */
const plain = (byMonth: AnswerStats["byMonth"]) =>
  [...byMonth]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, offices]) => [
      m,
      [...offices]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, t]) => [k, { ...t, daysHistogram: [...t.daysHistogram].sort((a, b) => a[0] - b[0]) }]),
    ]);

const sum = (byMonth: AnswerStats["byMonth"], pick: (t: AnswerTotals) => number) =>
  [...byMonth.values()].reduce((n, offices) => n + pick(offices.get(ALL_OFFICES)!), 0);

describe("stored answer figures", () => {
  it("were kept current month by month and equal a full recomputation after a year", async () => {
    expect(refreshes[0]!.rebuilt).toBe(true);
    expect(refreshes.slice(1).every((r) => !r.rebuilt)).toBe(true);
    expect(refreshes.slice(1).some((r) => r.months.length > 0)).toBe(true);
    await refreshAnswerTotals(app);
    const stored = await storedAnswerStats(app);
    const full = await computeAnswerStats(app);
    expect(stored.today).toBe(full.today);
    expect(plain(stored.byMonth)).toEqual(plain(full.byMonth));
    // The year reached every state the figures count.
    for (const figure of COUNT_FIGURES)
      expect(
        sum(full.byMonth, (t) => t[figure]),
        figure,
      ).toBeGreaterThan(0);
    expect(sum(full.byMonth, (t) => t.received)).toBeGreaterThan(200);
  });

  it("follow the passing of days (overdue) like a full recomputation", async () => {
    h.clock.advanceMs(25 * DAY_MS);
    const refreshed = await refreshAnswerTotals(app);
    expect(refreshed.months.length).toBeGreaterThan(0);
    expect(plain((await storedAnswerStats(app)).byMonth)).toEqual(plain((await computeAnswerStats(app)).byMonth));
  });

  it("are what `rinde questions report` gives for each office and month", async () => {
    const stored = (await storedAnswerStats(app)).byMonth;
    const data = createPublicData(app, { refreshMs: 0 });
    let compared = 0;
    for (const [month, offices] of stored) {
      const [y, m] = month.split("-").map(Number) as [number, number];
      const to = addCalendarDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`, -1);
      const report = await questionsReport(app, { from: `${month}-01`, to });
      if (!report.ok) throw new Error(report.error);
      for (const row of [...report.value.offices, report.value.total]) {
        const key = row.officeKey === "*" ? ALL_OFFICES : row.officeKey;
        const mine = offices.get(key);
        if (!mine) {
          expect(row.received, `${month} ${key}`).toBe(0);
          continue;
        }
        const fromStore = officeFigures(row.officeKey, row.officeName, mine, row.satisfaction);
        expect(fromStore, `${month} ${key}`).toEqual(row);
        // The public page's on-time share is the report's rate.
        const share = data.officeRow(key, mine).onTime;
        expect([share.count, share.total], `${month} ${key}`).toEqual([
          row.answeredOnTime,
          row.answeredOnTime + row.answeredLate + row.overdue,
        ]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it("are rebuilt when the calendar changes", async () => {
    const before = await storedAnswerStats(app);
    // A municipal holiday on every Wednesday of the year: the business days to answer change.
    const days: string[] = [];
    for (let d = "2025-06-04"; d < "2026-06-30"; d = addCalendarDays(d, 7)) days.push(d);
    const changed: AppContext = {
      ...app,
      profile: { ...app.profile, nonWorkingDays: days },
      calendar: createBusinessCalendar({ localNonWorkingDays: days }),
    };
    const refreshed = await refreshAnswerTotals(changed);
    expect(refreshed.rebuilt).toBe(true);
    const after = await storedAnswerStats(changed);
    expect(plain(after.byMonth)).toEqual(plain((await computeAnswerStats(changed)).byMonth));
    expect(plain(after.byMonth)).not.toEqual(plain(before.byMonth));
  });
});
