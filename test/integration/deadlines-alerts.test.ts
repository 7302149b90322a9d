/**
 * Reminders, escalations and digests from the durable scheduler, on a real SQLite file with a manual
 * clock: each fires once, at office opening, including across restarts, after downtime (one
 * catch-up alert, not every missed one) and with two schedulers on one database.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createScheduler, type Scheduler } from "../../src/delivery/scheduler.ts";
import { silentLogger } from "../../src/logger.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { deadlineJobHandlers } from "../../src/services/deadlines/deadlines.ts";
import { answerQuestion, reassignQuestion } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { addOfficial, addStaff, bogota, outboxKeys, runAt, textsTo } from "./deadlines-helpers.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { sqlRow, storageEnv } from "../helpers/storage.ts";

const ANA = "ana";
const REMINDER = "Recordatorio";
const TODAY = "vence el plazo";
const ESCALATION = "Pregunta vencida";
const DIGEST = "📋 Plazos";

describe("deadline reminders and escalations", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await addStaff(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it("reminds the office 5 and 2 business days before and on the due day, then escalates once to the head and internal control", async () => {
    const ref = await fileQuestion(h, ANA); // filed Monday 2 March 2026, 10:00; due Tuesday 24 March
    expect((await h.runtime.app.repos.questions.byReference(ref))?.dueDate).toBe("2026-03-24");

    await runAt(h, "2026-03-16", "07:59");
    expect(textsTo(h, "func", REMINDER)).toEqual([]);
    await runAt(h, "2026-03-16", "08:00");
    expect(textsTo(h, "func", REMINDER)).toEqual([
      expect.stringContaining(
        `${ref} (Secretaría de Infraestructura) debe responderse a más tardar el martes 24 de marzo de 2026. Quedan 5 días hábiles.`,
      ),
    ]);
    expect(textsTo(h, "jefe", REMINDER)).toHaveLength(1);
    expect(textsTo(h, "control", REMINDER)).toEqual([]);
    expect(textsTo(h, "jefe-salud", REMINDER)).toEqual([]);
    await runAt(h, "2026-03-16", "15:00"); // same day again: nothing new
    expect(textsTo(h, "func", REMINDER)).toHaveLength(1);

    await runAt(h, "2026-03-19"); // Thursday: Monday 23 is San José, so 2 business days left
    expect(textsTo(h, "func", REMINDER).at(-1)).toContain("Quedan 2 días hábiles");
    await runAt(h, "2026-03-24");
    expect(textsTo(h, "func", TODAY)).toEqual([
      expect.stringContaining(`Hoy, martes 24 de marzo de 2026, vence el plazo para responder la pregunta ${ref}`),
    ]);
    expect(textsTo(h, "control", ESCALATION)).toEqual([]);

    await runAt(h, "2026-03-25");
    expect(textsTo(h, "jefe", ESCALATION)).toEqual([
      expect.stringContaining(
        `${ref} de Secretaría de Infraestructura. Debía responderse a más tardar el martes 24 de marzo de 2026`,
      ),
    ]);
    expect(textsTo(h, "control", ESCALATION)).toHaveLength(1);
    expect(textsTo(h, "func", ESCALATION)).toEqual([]);
    expect(textsTo(h, "jefe-salud", ESCALATION)).toEqual([]);
    const question = (await h.runtime.app.repos.questions.byReference(ref))!;
    expect((await h.runtime.app.repos.questions.history(question.id)).map((e) => e.kind)).toEqual([
      "filed",
      "escalated",
    ]);

    await runAt(h, "2026-04-15");
    expect(textsTo(h, "func", REMINDER)).toHaveLength(2);
    expect(textsTo(h, "jefe", ESCALATION)).toHaveLength(1);
    expect(
      (await h.runtime.app.repos.jobs.forQuestion(question.id)).map(
        (j) => `${j.status} ${JSON.parse(j.payload).stage}`,
      ),
    ).toEqual(["done r5", "done r2", "done r0", "done overdue"]);
  });

  it("fires each alert once across restarts and catches up after downtime with the most urgent one only", async () => {
    const ref = await fileQuestion(h, ANA);
    const question = (await h.runtime.app.repos.questions.byReference(ref))!;
    await h.reopen(); // the planned job survives the restart
    await runAt(h, "2026-03-16", "09:00");
    expect(textsTo(h, "func", REMINDER)).toHaveLength(1);
    await h.reopen();
    await runAt(h, "2026-03-16", "10:00");
    expect(textsTo(h, "func", REMINDER)).toEqual([]); // the new process sends nothing again
    expect(await outboxKeys(h, `deadline:q${question.id}:`)).toEqual([
      `deadline:q${question.id}:2026-03-24:r5:official-1`,
      `deadline:q${question.id}:2026-03-24:r5:official-2`,
    ]);

    // Down from Monday 16 until Tuesday 24 at 10:00: the 2-day reminder was missed; only today's goes out.
    await h.bot.stop();
    h.clock.setMs(bogota("2026-03-24", "10:00"));
    await h.reopen();
    await runAt(h, "2026-03-24", "10:00");
    expect(textsTo(h, "func", REMINDER)).toEqual([]);
    expect(textsTo(h, "func", TODAY)).toHaveLength(1);
    expect((await outboxKeys(h, `deadline:q${question.id}:`)).filter((k) => k.endsWith("official-1"))).toEqual([
      `deadline:q${question.id}:2026-03-24:r5:official-1`,
      `deadline:q${question.id}:2026-03-24:r0:official-1`,
    ]);

    // Back after the due date, on a Saturday night: the escalation waits for office hours (Monday 30).
    h.clock.setMs(bogota("2026-03-28", "22:00"));
    await h.reopen();
    await runAt(h, "2026-03-28", "22:00");
    expect(textsTo(h, "jefe", ESCALATION)).toEqual([]);
    await runAt(h, "2026-03-30", "08:00");
    expect(textsTo(h, "jefe", ESCALATION)).toHaveLength(1);
    await h.reopen();
    await runAt(h, "2026-03-31");
    expect(textsTo(h, "jefe", ESCALATION)).toEqual([]);
    expect(await outboxKeys(h, `deadline:q${question.id}:2026-03-24:overdue`)).toHaveLength(2); // head and internal control
  });

  it("stops reminding once the question is answered, and reminds the new office after a reassignment with the same due date", async () => {
    await addOfficial(h, "amb", "official", "ambiente");
    const first = await fileQuestion(h, ANA);
    const second = await fileQuestion(
      h,
      "beto",
      "Hay otro hueco enorme en la calle 10 del barrio Centro, frente al colegio",
    );
    expect((await answerQuestion(h.runtime.app, { kind: "cli" }, first, "Reparado el 10 de marzo.")).ok).toBe(true);
    h.clock.setMs(bogota("2026-03-05", "10:00"));
    expect((await reassignQuestion(h.runtime.app, { kind: "cli" }, second, "ambiente", "Es de la quebrada")).ok).toBe(
      true,
    );
    expect((await h.runtime.app.repos.questions.byReference(second))?.dueDate).toBe("2026-03-24");
    await runAt(h, "2026-03-16");
    expect(textsTo(h, "func", REMINDER)).toEqual([]);
    expect(textsTo(h, "amb", REMINDER)).toEqual([expect.stringContaining(`${second} (Secretaría de Ambiente)`)]);
  });

  it("sends each office a digest of due-soon and overdue questions once per business day", async () => {
    const ref = await fileQuestion(h, ANA); // due Tuesday 24 March
    await runAt(h, "2026-03-17"); // 4 business days left: not yet due soon (profile: 3)
    expect(textsTo(h, "func", DIGEST)).toEqual([]);
    await runAt(h, "2026-03-18");
    expect(textsTo(h, "func", DIGEST)).toEqual([
      expect.stringMatching(
        /Plazos de Secretaría de Infraestructura — miércoles 18 de marzo de 2026\n\nVencen pronto: 1\n• RC-2026-000001 — vence el martes 24 de marzo de 2026/,
      ),
    ]);
    expect(textsTo(h, "jefe", DIGEST)).toHaveLength(1);
    expect(textsTo(h, "jefe-salud", DIGEST)).toEqual([]); // salud has nothing due
    await runAt(h, "2026-03-18", "16:00");
    expect(textsTo(h, "func", DIGEST)).toHaveLength(1);
    await runAt(h, "2026-03-22"); // Sunday: no digest, and the skipped days are not sent late
    expect(textsTo(h, "func", DIGEST)).toHaveLength(1);
    await runAt(h, "2026-03-25");
    expect(textsTo(h, "func", DIGEST).at(-1)).toContain(`Vencidas: 1\n• ${ref} — venció el martes 24 de marzo de 2026`);
    await h.reopen();
    await runAt(h, "2026-03-25", "11:00");
    expect(textsTo(h, "func", DIGEST)).toEqual([]);
    expect(await outboxKeys(h, "deadline:digest:infraestructura:2026-03-25")).toHaveLength(2);
    expect((await answerQuestion(h.runtime.app, { kind: "cli" }, ref, "Listo.")).ok).toBe(true);
    await runAt(h, "2026-03-26");
    expect(textsTo(h, "func", DIGEST)).toEqual([]); // nothing due: no digest
  });
});

describe("two schedulers on one database", () => {
  let h: Harness;
  let other: Runtime;
  let otherScheduler: Scheduler;
  beforeEach(async () => {
    h = await createHarness();
    await addStaff(h);
    other = await createRuntime({
      routerFactory: sharedRouterFactory,
      env: loadEnv({ ...storageEnv(h.dbPath), RINDE_PROFILE: "default" }),
      clock: h.clock,
    });
    otherScheduler = createScheduler({
      store: other.store,
      repos: other.app.repos,
      clock: h.clock,
      logger: silentLogger,
      workerId: "other-process",
      handlers: deadlineJobHandlers(other.app),
    });
  });
  afterEach(async () => {
    await otherScheduler.stop();
    await other.close();
    await h.close();
  });

  it("runs each due job once when both tick at the same time", async () => {
    const refs = [await fileQuestion(h, ANA), await fileQuestion(h, "beto"), await fileQuestion(h, "caro")];
    h.clock.setMs(bogota("2026-03-16", "08:00"));
    const [mine, theirs] = await Promise.all([h.bot.scheduler.tick(), otherScheduler.tick()]);
    await h.bot.dispatcher.tick();
    const alertJobsRun = (await sqlRow(
      h.runtime,
      "select count(*) n from jobs where kind = 'deadline.alert' and status = 'done'",
    )) as { n: number };
    expect(alertJobsRun.n).toBe(3);
    expect(mine + theirs).toBeGreaterThanOrEqual(3);
    expect(textsTo(h, "func", REMINDER)).toHaveLength(3);
    for (const ref of refs) expect(textsTo(h, "func", REMINDER).filter((t) => t.includes(ref))).toHaveLength(1);
    const attempts = (await sqlRow(h.runtime, "select max(attempts) n from jobs where status = 'done'")) as {
      n: number;
    };
    expect(attempts.n).toBe(1);
  });

  it("takes over a job whose claim expired, and the stalled process then changes nothing", async () => {
    const ref = await fileQuestion(h, ANA);
    await h.bot.stop(); // only manual ticks from here
    h.clock.setMs(bogota("2026-03-16", "08:00"));
    const claimed = (await h.bot.scheduler.claimDue()).filter((j) => j.kind === "deadline.alert");
    expect(claimed).toHaveLength(1);
    expect(await otherScheduler.tick()).toBeGreaterThanOrEqual(0);
    expect(await outboxKeys(h, "deadline:q")).toEqual([]); // claimed by the first process: the other waits
    h.clock.advanceMs(61_000); // the first process stalls past its claim
    await otherScheduler.tick();
    expect(await outboxKeys(h, "deadline:q1:2026-03-24:r5")).toHaveLength(2);
    expect(await h.bot.scheduler.runClaimed(claimed[0]!)).toBe("lost_claim");
    expect(await outboxKeys(h, "deadline:q1:2026-03-24:r5")).toHaveLength(2);
    expect(await h.runtime.app.repos.jobs.byKey(`deadline:q1:2026-03-24:r5`)).toMatchObject({
      status: "done",
      claimedBy: null,
      attempts: 1,
    });
    expect(ref).toBe("RC-2026-000001");
  });
});
