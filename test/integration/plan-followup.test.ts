/**
 * Follow-up of the plan by the durable scheduler with a manual clock: each responsible office is
 * reminded once, 10 business days before the end date, only when the goal is not met — across a
 * restart; the plan leader (profile `planLeader: { office: opgi }`) gets one digest a month.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { bogota, outboxKeys, runAt, textsTo } from "../helpers/scenario.ts";
import { addOfficial } from "./commitments-helpers.ts";
import { addEvent, loadPlanFile, PASTO_PLAN } from "./plan-helpers.ts";

const REMINDER = "Recordatorio del plan de rendición de cuentas";
const DIGEST = "Plan de rendición de cuentas 2022 — resumen de";

describe("plan reminders", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ profile: "pasto", startMs: bogota("2022-11-28", "10:00") });
    await addOfficial(h, "func-salud", "official", "salud");
    await addOfficial(h, "func-edu", "official", "educacion");
    await loadPlanFile(h.runtime, PASTO_PLAN);
    // Educación held its hearing (2.4); Salud did not (2.5). Both end on Tuesday 20 Dec 2022.
    await addEvent(h.runtime, { kind: "public_hearing", date: "2022-10-10", officeKey: "educacion" });
  });
  afterEach(async () => {
    await h.close();
  });

  it("reminds the office 10 business days before the end date when behind, once across a restart", async () => {
    // 10 business days before 20 Dec, skipping the 8 Dec holiday: Monday 5 Dec.
    await runAt(h, "2022-12-02", "16:00");
    expect(textsTo(h, "func-salud", REMINDER)).toEqual([]);
    await runAt(h, "2022-12-05", "07:59");
    expect(textsTo(h, "func-salud", REMINDER)).toEqual([]);
    await runAt(h, "2022-12-05", "08:00");
    const hearing = textsTo(h, "func-salud", "la actividad 2.5 «");
    expect(hearing).toEqual([
      expect.stringContaining(
        "vence el martes 20 de diciembre de 2022 y va en 0 de 1. Meta: 1 audiencia realizada.. Quedan 10 día(s) hábil(es).",
      ),
    ]);
    // Educación is reminded of its report (1.3, manual) but not of the hearing it held (2.4).
    expect(textsTo(h, "func-edu", "la actividad 1.3 «")).toHaveLength(1);
    expect(textsTo(h, "func-edu", "la actividad 2.4 «")).toEqual([]);

    await h.reopen();
    await runAt(h, "2022-12-06");
    await runAt(h, "2022-12-12");
    expect(textsTo(h, "func-salud", REMINDER)).toEqual([]);
    expect(await outboxKeys(h, "plan:remind:2022:2.5:")).toEqual(["plan:remind:2022:2.5:2022-12-20:salud:official-1"]);
    // Loading the same plan again plans nothing new.
    await loadPlanFile(h.runtime, PASTO_PLAN);
    await runAt(h, "2022-12-13");
    expect(await outboxKeys(h, "plan:remind:2022:2.5:")).toHaveLength(1);
  });

  it("sends no reminder for a goal met before the reminder day", async () => {
    await addEvent(h.runtime, { kind: "public_hearing", date: "2022-12-01", officeKey: "salud" });
    await runAt(h, "2022-12-05", "08:00");
    expect(textsTo(h, "func-salud", "la actividad 2.5 «")).toEqual([]);
    expect(textsTo(h, "func-salud", "la actividad 1.5 «")).toHaveLength(1);
  });

  it("a reminder whose day passed while the bot was down goes out at the next office opening, once", async () => {
    await runAt(h, "2022-12-10", "11:00"); // Saturday: nobody is reminded at the weekend
    expect(textsTo(h, "func-salud", REMINDER)).toEqual([]);
    await runAt(h, "2022-12-12", "08:00");
    expect(textsTo(h, "func-salud", "la actividad 2.5 «")).toHaveLength(1);
    await runAt(h, "2022-12-13", "08:00");
    expect(textsTo(h, "func-salud", "la actividad 2.5 «")).toHaveLength(1);
  });
});

describe("a plan loaded late", () => {
  it("reminds at once of activities whose reminder day passed, and never of those already ended", async () => {
    const h = await createHarness({ profile: "pasto", startMs: bogota("2022-12-12", "10:00") });
    try {
      await addOfficial(h, "func-salud", "official", "salud");
      await addOfficial(h, "func-com", "official", "comunicaciones");
      await loadPlanFile(h.runtime, PASTO_PLAN);
      await runAt(h, "2022-12-12", "10:00");
      expect(textsTo(h, "func-salud", "la actividad 2.5 «")).toEqual([
        expect.stringContaining("Quedan 6 día(s) hábil(es)."),
      ]);
      // 1.7 (the newspaper) ended on 1 Dec: no reminder; 1.8 (social media) ends Saturday 31 Dec:
      // 10 business days before is Monday 19 Dec.
      expect(textsTo(h, "func-com", "la actividad 1.7 «")).toEqual([]);
      await runAt(h, "2022-12-16", "08:00");
      expect(textsTo(h, "func-com", "la actividad 1.8 «")).toEqual([]);
      await runAt(h, "2022-12-19", "08:00");
      expect(textsTo(h, "func-com", "la actividad 1.8 «")).toHaveLength(1);
      expect(textsTo(h, "func-salud", "la actividad 2.5 «")).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe("the plan leader's monthly digest", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("goes to the leader office on the first business day of each month, once", async () => {
    h = await createHarness({ profile: "pasto", startMs: bogota("2022-01-25", "10:00") });
    await addOfficial(h, "lider", "head", "opgi");
    await addOfficial(h, "func-salud", "official", "salud");
    await loadPlanFile(h.runtime, PASTO_PLAN);
    await runAt(h, "2022-02-01", "08:59");
    expect(textsTo(h, "lider", DIGEST)).toEqual([]);
    await runAt(h, "2022-02-01", "09:00");
    const [digest] = textsTo(h, "lider", DIGEST);
    expect(digest).toContain("resumen de febrero de 2022");
    // A month in, nothing is behind the straight line by more than the slack.
    expect(digest).toContain("23 actividades: 0 cumplidas, 23 al día, 0 en riesgo, 0 vencidas.");
    expect(digest).not.toContain("En riesgo");
    await h.reopen();
    await runAt(h, "2022-02-02", "09:00");
    expect(textsTo(h, "lider", DIGEST)).toEqual([]);
    await runAt(h, "2022-03-01", "09:00");
    const [march] = textsTo(h, "lider", DIGEST);
    expect(march).toContain("resumen de marzo de 2022");
    // 1.1 ends 4 Mar (under 15 days left); 1.2 (100 % by 22 Apr) expects 35.8 % after 29 of 81 days;
    // 1.8 (100 % over the year) expects 16 %: with nothing reported, all three are at risk.
    expect(march).toContain("23 actividades: 0 cumplidas, 20 al día, 3 en riesgo, 0 vencidas.");
    expect(march).toContain(
      "En riesgo (3):\n• 1.1 Realizar jornada de sensibilización dirigida al equipo líder del proceso de rendición de … — 0 de 1; vence el viernes 4 de marzo de 2022 (Oficina de Planeación de Gestión Institucional (OPGI))\n• 1.2 ",
    );
    expect(textsTo(h, "func-salud", DIGEST)).toEqual([]);
    expect(await outboxKeys(h, "plan:digest:")).toEqual([
      "plan:digest:2022-02:2022:official-1",
      "plan:digest:2022-03:2022:official-1",
    ]);
  });
});
