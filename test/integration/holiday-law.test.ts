/**
 * Issue 18.1: Ley 2578 de 2026 adds a national holiday (Nuestra Señora del Rosario de Chiquinquirá,
 * 9 July moved to Monday). A database left by a Rinde without the law holds due dates a day early;
 * the first start after the upgrade recomputes them, records why, and tells the citizen the law.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NATIONAL_CALENDAR_VERSION } from "../../src/core/calendar/holiday-laws.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { bogota, outboxKeys } from "./deadlines-helpers.ts";
import { sqlRows } from "../helpers/storage.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("a holiday law on start after the upgrade", () => {
  it("moves the open question's due date, records it with the law, tells the citizen once", async () => {
    h = await createHarness({ startMs: bogota("2026-06-26", "10:00") });
    const ref = await fileQuestion(h, "ana");
    const app = () => h!.runtime.app;
    const question = async () => (await app().repos.questions.byReference(ref))!;
    expect((await question()).dueDate).toBe("2026-07-22");

    // What the previous release left: the date without the holiday, its fingerprint, no laws known.
    await app().repos.questions.update((await question()).id, { dueDate: "2026-07-21", updatedAtMs: h.clock.nowMs() });
    await app().repos.appState.set("calendar.fingerprint", "before-ley-2578", h.clock.nowMs());
    await sqlRows(h.runtime, "delete from app_state where key = 'calendar.laws'");

    await h.reopen();
    await h.bot.dispatcher.tick();
    expect((await question()).dueDate).toBe("2026-07-22");
    const recomputed = (await app().repos.questions.lastEvent((await question()).id, "due_date_recomputed"))!;
    expect(JSON.parse(recomputed.data)).toEqual({
      from: "2026-07-21",
      to: "2026-07-22",
      reason: "calendar_changed",
      law: "Ley 2578 de 2026",
      calendarVersion: NATIONAL_CALENDAR_VERSION,
    });
    expect(h.last("ana")).toContain("cambió porque la Ley 2578 de 2026 creó o movió un día festivo nacional");
    expect(h.last("ana")).toContain(
      "Antes era el martes 21 de julio de 2026; ahora le responderemos a más tardar el miércoles 22 de julio de 2026",
    );

    await h.reopen(); // the same calendar: nothing again
    expect(
      (await app().repos.questions.history((await question()).id)).filter((e) => e.kind === "due_date_recomputed"),
    ).toHaveLength(1);
    expect(await outboxKeys(h, `q:${(await question()).id}:recomputed`)).toHaveLength(1);
  });
});
