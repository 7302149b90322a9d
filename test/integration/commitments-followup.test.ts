/**
 * Follow-up by the durable scheduler with a manual clock: reminders to the responsible office
 * before the due date, the overdue flag (followers and office told once), the followers' monthly
 * digest, catch-up after downtime and restarts without repeats.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommitmentSweep, sendMonthlyDigests } from "../../src/services/commitments/jobs.ts";
import { cancelCommitment, followCommitment, postProgress } from "../../src/services/commitments/commitments.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import {
  addOfficial,
  bogota,
  citizenWithConsent,
  CLI,
  outboxKeys,
  record,
  repoOf,
  runAt,
  textsTo,
} from "./commitments-helpers.ts";

const REMINDER = "Recordatorio: el compromiso";
const OVERDUE_OFFICE = "venció el martes 31 de marzo de 2026 con";
const OVERDUE_CITIZEN = "venció el martes 31 de marzo de 2026 sin cumplirse";
const DIGEST = "Así van los compromisos que usted sigue";

describe("commitment follow-up", () => {
  let h: Harness;
  let ana: number;
  beforeEach(async () => {
    h = await createHarness(); // Monday 2 March 2026, 10:00 Bogotá
    await addOfficial(h, "func", "official", "infraestructura");
    await addOfficial(h, "jefe-salud", "head", "salud");
    ana = await citizenWithConsent(h, "ana");
  });
  afterEach(async () => {
    await h.close();
  });

  it("reminds the office 10 and 3 business days before, flags overdue the next business day, once", async () => {
    const c = await record(h, { text: "Reparar el puente peatonal", dueDate: "2026-03-31" });
    await followCommitment(h.runtime.app, ana, c.number);
    // 10 business days before Tuesday 31 March (Monday 23 is a holiday): Monday 16 March.
    await runAt(h, "2026-03-13");
    expect(textsTo(h, "func", REMINDER)).toEqual([]);
    await runAt(h, "2026-03-16");
    expect(textsTo(h, "func", REMINDER)).toEqual([
      expect.stringContaining("vence el martes 31 de marzo de 2026; quedan 10 día(s) hábil(es)"),
    ]);
    await runAt(h, "2026-03-17");
    expect(textsTo(h, "func", REMINDER)).toHaveLength(1);
    await runAt(h, "2026-03-26");
    expect(textsTo(h, "func", REMINDER).at(-1)).toContain("quedan 3 día(s) hábil(es)");
    expect(textsTo(h, "jefe-salud", REMINDER)).toEqual([]);

    await runAt(h, "2026-03-31", "16:00");
    expect((await repoOf(h).byNumber(c.number))?.status).toBe("pending"); // due today: not late yet
    await runAt(h, "2026-04-01", "07:59");
    expect(textsTo(h, "ana", OVERDUE_CITIZEN)).toEqual([]);
    await runAt(h, "2026-04-01", "08:00");
    expect((await repoOf(h).byNumber(c.number))?.status).toBe("overdue");
    expect(textsTo(h, "ana", OVERDUE_CITIZEN)).toHaveLength(1);
    expect(textsTo(h, "func", OVERDUE_OFFICE)).toHaveLength(1);
    await runAt(h, "2026-04-02");
    await runAt(h, "2026-04-03");
    expect(textsTo(h, "ana", OVERDUE_CITIZEN)).toHaveLength(1);
    expect((await repoOf(h).history(c.id)).map((u) => u.kind)).toEqual(["created", "overdue"]);

    // Late progress keeps it overdue; 100 % makes it done, late.
    await postProgress(h.runtime.app, CLI, c.number, { percent: 70, note: "Falta la baranda" });
    expect((await repoOf(h).byNumber(c.number))?.status).toBe("overdue");
    await postProgress(h.runtime.app, CLI, c.number, { percent: 100, note: "Entregado" });
    expect((await repoOf(h).byNumber(c.number))?.status).toBe("done");
  });

  it("catches up after downtime with one sweep, and a restart does not repeat anything", async () => {
    const c = await record(h, { text: "Reparar el puente peatonal", dueDate: "2026-03-31" });
    await followCommitment(h.runtime.app, ana, c.number);
    await h.reopen();
    // Down from 13 March to 6 April: one catch-up sweep flags it overdue; no stale reminders.
    await runAt(h, "2026-04-06", "09:00");
    expect((await repoOf(h).byNumber(c.number))?.status).toBe("overdue");
    expect(textsTo(h, "func", REMINDER)).toEqual([]);
    expect(textsTo(h, "ana", OVERDUE_CITIZEN)).toHaveLength(1);
    await h.reopen();
    await runAt(h, "2026-04-07");
    expect((await outboxKeys(h, `cm:u`)).length).toBe(1);
    expect(await outboxKeys(h, `cm:c${c.id}:2026-03-31:overdue:`)).toEqual([
      `cm:c${c.id}:2026-03-31:overdue:official-1`,
    ]);
  });

  it("sends each follower one monthly digest with what they follow, in their language", async () => {
    const app = h.runtime.app;
    const john = await citizenWithConsent(h, "john");
    await app.repos.citizens.setLocale(john, "en");
    const nadie = await citizenWithConsent(h, "nadie");
    const a = await record(h, {
      text: "Dotar el hospital de una ambulancia",
      officeKey: "salud",
      dueDate: "2026-09-30",
    });
    const b = await record(h, { text: "Pintar la escuela", dueDate: "2026-05-31" });
    const old = await record(h, { text: "Compromiso cancelado hace tiempo" });
    for (const n of [a.number, b.number, old.number]) await followCommitment(app, ana, n);
    await followCommitment(app, john, b.number);
    await followCommitment(app, nadie, old.number);
    await postProgress(app, CLI, b.number, { percent: 45, note: "Se compró la pintura" });
    await cancelCommitment(app, CLI, old.number, "Se unió con el compromiso 2");

    // The digest of March is already past (the bot started after its time on 2 March): next is April.
    await runAt(h, "2026-04-01", "09:59");
    expect(textsTo(h, "ana", DIGEST)).toEqual([]);
    await runAt(h, "2026-04-01", "10:00");
    const [digest] = textsTo(h, "ana", DIGEST);
    expect(digest).toContain("(abril de 2026)");
    expect(digest).toContain(
      "• 1. Dotar el hospital de una ambulancia — sin iniciar, 0 % — fecha límite: miércoles 30 de septiembre de 2026",
    );
    expect(digest).toContain("• 2. Pintar la escuela — en ejecución, 45 %");
    expect(digest).toContain("• 3. Compromiso cancelado hace tiempo — cancelado"); // closed in March: still reported in April
    expect(textsTo(h, "john", "How the commitments you follow are going (April 2026)")).toEqual([
      expect.stringContaining("Pintar la escuela — in progress, 45%"),
    ]);
    await runAt(h, "2026-04-02", "10:00");
    expect(textsTo(h, "ana", DIGEST)).toHaveLength(1);

    // In May the commitment cancelled in March is no longer news: nadie follows only that one.
    await runAt(h, "2026-05-04", "10:00"); // 1 May is a holiday (Friday); Monday 4 is the first business day
    expect(textsTo(h, "ana", DIGEST)).toHaveLength(2);
    expect(textsTo(h, "ana", DIGEST)[1]).not.toContain("Compromiso cancelado hace tiempo");
    expect(textsTo(h, "nadie", DIGEST)).toHaveLength(1);
    expect(await outboxKeys(h, "cm:digest:2026-05:")).toEqual([
      `cm:digest:2026-05:cit${ana}`,
      `cm:digest:2026-05:cit${john}`,
    ]);
  });

  it("exposes the sweep and the digest as idempotent functions", async () => {
    const c = await record(h, { text: "Cambiar las bombillas del parque", dueDate: "2026-03-02" });
    await followCommitment(h.runtime.app, ana, c.number);
    const tomorrow = bogota("2026-03-03", "09:00");
    expect(await runCommitmentSweep(h.runtime.app, tomorrow)).toEqual({ flagged: 1, reminded: 0 });
    expect(await runCommitmentSweep(h.runtime.app, tomorrow)).toEqual({ flagged: 0, reminded: 0 });
    expect(await sendMonthlyDigests(h.runtime.app, tomorrow)).toBe(1);
    expect(await sendMonthlyDigests(h.runtime.app, tomorrow)).toBe(1); // same key: the outbox keeps one row
    expect(await outboxKeys(h, "cm:digest:")).toEqual([`cm:digest:2026-03:cit${ana}`]);
  });
});
