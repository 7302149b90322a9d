/**
 * Legal terms end to end with an injected clock: counting across holidays, year ends and Holy Week
 * at the service level, each deadline state as lists show it, the incomplete-petition pause and
 * withdrawal, the recomputation after a calendar change, and the explanation `questions show` gives.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runOn, runRinde } from "../helpers/cli.ts";
import { PROFILES_DIR } from "../../src/config/env.ts";
import { extendQuestion } from "../../src/services/deadlines/extension.ts";
import { answerQuestion, requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { addOfficial, bogota, outboxKeys, runAt, textsTo } from "./deadlines-helpers.ts";
import { storageEnv } from "../helpers/storage.ts";

const ANA = "ana";
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const question = async (ref: string) => (await h!.runtime.app.repos.questions.byReference(ref))!;
const kinds = async (ref: string) =>
  (await h!.runtime.app.repos.questions.history((await question(ref)).id)).map((e) => e.kind);

describe("term counting at filing", () => {
  it.each([
    [
      "across the year end (Christmas, New Year, Reyes moved to 12 January)",
      "2025-12-19",
      "10:00",
      "2026-01-14",
      "miércoles 14 de enero de 2026",
    ],
    ["across Holy Week (Thursday and Friday off)", "2026-03-27", "10:00", "2026-04-21", "martes 21 de abril de 2026"],
    [
      "after office hours: counted as filed the next business day",
      "2026-03-02",
      "17:30",
      "2026-03-25",
      "miércoles 25 de marzo de 2026",
    ],
    [
      "on a Saturday before a holiday Monday: counted as filed on Tuesday",
      "2026-03-21",
      "11:00",
      "2026-04-16",
      "jueves 16 de abril de 2026",
    ],
  ])("%s", async (_name, date, time, dueDate, words) => {
    h = await createHarness({ startMs: bogota(date, time) });
    await h.say(ANA, "hola");
    await h.say(ANA, "1");
    await h.say(ANA, "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses");
    await h.say(ANA, "1");
    const receipt = (await h.say(ANA, "1")).at(-1)?.text ?? "";
    expect(receipt).toContain(`Le responderemos a más tardar el ${words}.`);
    const ref = /RC-\d{4}-\d{6}/.exec(receipt)![0];
    expect(await question(ref)).toMatchObject({ dueDate, termStartedAtMs: bogota(date, time), extendedTo: null });
  });
});

describe("deadline states", () => {
  it("moves on time → due soon → overdue, paused while waiting for the citizen, closed once answered", async () => {
    h = await createHarness();
    const ref = await fileQuestion(h, ANA); // due 24 March
    const paused = await fileQuestion(h, "beto");
    const stateOf = async (r: string) => {
      const rows = JSON.parse((await runOn(h!.runtime, ["questions", "list", "--json"])).stdout) as {
        reference: string;
        deadline: string;
      }[];
      return rows.find((row) => row.reference === r)?.deadline;
    };
    expect(await stateOf(ref)).toBe("on_time");
    h.clock.setMs(bogota("2026-03-17", "09:00")); // 4 business days left (23 March is a holiday)
    expect(await stateOf(ref)).toBe("on_time");
    h.clock.setMs(bogota("2026-03-18", "09:00")); // 3 left: the profile's "due soon"
    expect(await stateOf(ref)).toBe("due_soon");
    h.clock.setMs(bogota("2026-03-24", "16:59"));
    expect(await stateOf(ref)).toBe("due_soon");
    h.clock.setMs(bogota("2026-03-25", "00:01"));
    expect(await stateOf(ref)).toBe("overdue");
    expect((await runOn(h!.runtime, ["questions", "export"])).stdout).toMatch(
      new RegExp(`${ref};infraestructura;.*;abierta;vencida;`),
    );
    h.clock.setMs(bogota("2026-03-03", "10:00"));
    expect((await requestInfo(h.runtime.app, { kind: "cli" }, paused, "¿En qué dirección?")).ok).toBe(true);
    h.clock.setMs(bogota("2026-03-30", "10:00"));
    expect(await stateOf(paused)).toBe("paused");
    expect((await answerQuestion(h.runtime.app, { kind: "cli" }, ref, "Reparado.")).ok).toBe(true);
    expect(await stateOf(ref)).toBe("closed");
  });
});

describe("incomplete petitions (Ley 1755 de 2015, art. 17)", () => {
  it("stops the reminders while paused and withdraws the petition after a month without an answer, once", async () => {
    h = await createHarness();
    await addOfficial(h, "func", "official", "infraestructura");
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-02", "11:00"));
    expect((await requestInfo(h.runtime.app, { kind: "cli" }, ref, "¿En qué dirección exacta está el hueco?")).ok).toBe(
      true,
    );
    // A month from 2 March ends on 2 April, Holy Thursday: extended to Monday 6 April (Ley 4 de 1913, art. 62).
    const job = (await h.runtime.app.repos.jobs.forQuestion((await question(ref)).id)).find(
      (j) => j.kind === "question.withdrawal",
    )!;
    expect(job.runAtMs).toBe(bogota("2026-04-07", "08:00"));
    await runAt(h, "2026-03-16");
    await runAt(h, "2026-03-24");
    expect(textsTo(h, "func", "Recordatorio")).toEqual([]);
    expect(textsTo(h, "func", "Hoy,")).toEqual([]);
    await runAt(h, "2026-04-06", "23:00");
    expect((await question(ref)).status).toBe("info_requested");
    await runAt(h, "2026-04-07", "08:00");
    expect((await question(ref)).status).toBe("withdrawn");
    expect(await kinds(ref)).toEqual(["filed", "info_requested", "withdrawn"]);
    expect(h.last(ANA)).toContain(`Cerramos su pregunta ${ref}`);
    expect(h.last(ANA)).toContain(
      "El plazo terminó el lunes 6 de abril de 2026, y la ley da la petición por desistida",
    );
    await h.reopen();
    await runAt(h, "2026-04-08");
    expect(h.channel.to(ANA)).toEqual([]);
    expect(await outboxKeys(h, `q:${(await question(ref)).id}:withdrawn`)).toHaveLength(1);
    expect(textsTo(h, "func", "vencida")).toEqual([]); // a withdrawn question is never escalated
  });

  it("restarts the full term when the citizen answers in time, and then does not withdraw", async () => {
    h = await createHarness();
    await addOfficial(h, "func", "official", "infraestructura");
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-02", "11:00"));
    expect((await requestInfo(h.runtime.app, { kind: "cli" }, ref, "¿En qué dirección exacta está el hueco?")).ok).toBe(
      true,
    );
    h.clock.setMs(bogota("2026-03-20", "10:00"));
    await h.say(ANA, "menu");
    await h.say(ANA, "4");
    await h.say(ANA, "Calle 12 con carrera 8, frente a la tienda");
    // From Friday 20 March: counting starts Tuesday 24 (23 is San José); 15 business days → 15 April.
    expect(await question(ref)).toMatchObject({
      status: "open",
      dueDate: "2026-04-15",
      termStartedAtMs: bogota("2026-03-20", "10:00"),
    });
    const jobs = await h.runtime.app.repos.jobs.forQuestion((await question(ref)).id);
    expect(jobs.filter((j) => j.status === "pending").map((j) => j.key)).toEqual([
      `deadline:q${(await question(ref)).id}:2026-04-15:r5`,
    ]);
    await runAt(h, "2026-04-07");
    expect((await question(ref)).status).toBe("open");
    await runAt(h, "2026-04-08");
    expect(textsTo(h, "func", "Recordatorio")).toEqual([
      expect.stringContaining("a más tardar el miércoles 15 de abril de 2026. Quedan 5 días hábiles."),
    ]);
  });
});

describe("calendar changes", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("recomputes open questions when the profile adds a local non-working day, records it and tells the citizen when later", async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-profile-"));
    const profilePath = join(dir, "villa.yaml");
    const base = readFileSync(join(PROFILES_DIR, "default.yaml"), "utf8");
    const withDays = (days: string[]) =>
      writeFileSync(
        profilePath,
        base.replace("nonWorkingDays: []", `nonWorkingDays: [${days.map((d) => `"${d}"`).join(", ")}]`),
      );
    withDays([]);
    h = await createHarness({ profile: profilePath });
    const ref = await fileQuestion(h, ANA); // due 24 March
    const extended = await fileQuestion(h, "beto");
    expect((await extendQuestion(h.runtime.app, { kind: "cli" }, extended, "2026-04-10", "Falta un concepto")).ok).toBe(
      true,
    );
    await h.bot.dispatcher.tick();

    withDays(["2026-03-10", "2026-04-10"]); // a municipal holiday, and the extension's date becomes one too
    await h.reopen();
    await h.bot.dispatcher.tick();
    expect((await question(ref)).dueDate).toBe("2026-03-25");
    expect(await kinds(ref)).toEqual(["filed", "due_date_recomputed"]);
    const event = (await h.runtime.app.repos.questions.history((await question(ref)).id)).at(-1)!;
    expect(JSON.parse(event.data)).toEqual({ from: "2026-03-24", to: "2026-03-25", reason: "calendar_changed" });
    expect(h.last(ANA)).toContain(
      "Antes era el martes 24 de marzo de 2026; ahora le responderemos a más tardar el miércoles 25 de marzo de 2026",
    );
    expect(await question(extended)).toMatchObject({ dueDate: "2026-04-13", extendedTo: "2026-04-13" });
    expect(h.last("beto")).toContain("lunes 13 de abril de 2026");
    const pending = (await h.runtime.app.repos.jobs.forQuestion((await question(ref)).id)).filter(
      (j) => j.status === "pending",
    );
    expect(pending.map((j) => j.key)).toEqual([`deadline:q${(await question(ref)).id}:2026-03-25:r5`]);

    await h.reopen(); // the same calendar: nothing happens again
    expect(await kinds(ref)).toEqual(["filed", "due_date_recomputed"]);

    withDays(["2026-04-10"]); // the municipal holiday is withdrawn: earlier again, recorded, the citizen not told
    await h.reopen();
    await h.bot.dispatcher.tick();
    expect((await question(ref)).dueDate).toBe("2026-03-24");
    expect(await kinds(ref)).toEqual(["filed", "due_date_recomputed", "due_date_recomputed"]);
    expect(await outboxKeys(h, `q:${(await question(ref)).id}:recomputed`)).toEqual([
      `q:${(await question(ref)).id}:recomputed:2026-03-25`,
    ]);
  });
});

describe("rinde questions show", () => {
  it("explains the due date: filing, first counted day, days not counted, the pause and restart, the extension", async () => {
    h = await createHarness();
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-02", "11:00"));
    await requestInfo(h.runtime.app, { kind: "cli" }, ref, "¿Dirección?");
    h.clock.setMs(bogota("2026-03-09", "10:00"));
    await h.say(ANA, "menu");
    await h.say(ANA, "4");
    await h.say(ANA, "Calle 12 con carrera 8");
    expect((await question(ref)).dueDate).toBe("2026-03-31");
    h.clock.setMs(bogota("2026-03-12", "10:00"));
    expect((await extendQuestion(h.runtime.app, { kind: "cli" }, ref, "2026-04-14", "Visita técnica")).ok).toBe(true);
    const text = (await runOn(h!.runtime, ["questions", "show", ref])).stdout.replace(/ {2,}/g, " ");
    expect(text).toContain("Fecha límite explicada:");
    expect(text).toContain("término reiniciado lun 9 mar 2026 10:00");
    expect(text).toContain("cuenta como recibida lun 9 mar 2026 (día hábil, antes del cierre de las 17:00)");
    expect(text).toContain("primer día contado mar 10 mar 2026");
    expect(text).toContain("término 15 días hábiles");
    expect(text).toContain(
      "no se cuentan sáb 14 mar 2026 (sábado), dom 15 mar 2026 (domingo), sáb 21 mar 2026 (sábado), dom 22 mar 2026 (domingo), lun 23 mar 2026 (San José), sáb 28 mar 2026 (sábado), dom 29 mar 2026 (domingo)",
    );
    expect(text).toContain("fin del término mar 31 mar 2026");
    expect(text).toContain(
      "en pausa lun 2 mar 2026 11:00 → lun 9 mar 2026 10:00; el ciudadano respondió: el término volvió a empezar completo",
    );
    expect(text).toContain(
      "prórroga mar 31 mar 2026 → mar 14 abr 2026, por operador (CLI) el jue 12 mar 2026 10:00; motivo: Visita técnica",
    );
    expect(text).toContain("límite de prórroga jue 23 abr 2026 (el doble del término");
    expect(text).toContain("fecha límite mar 14 abr 2026");
    const json = JSON.parse((await runOn(h!.runtime, ["questions", "show", ref, "--json"])).stdout) as {
      dueDateExplanation: { term: { firstCountedDay: string }; pauses: unknown[] };
    };
    expect(json.dueDateExplanation.term.firstCountedDay).toBe("2026-03-10");
    expect(json.dueDateExplanation.pauses).toHaveLength(1);
  });
});

describe("rinde calendar", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("adds business days and lists a year's holidays", async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-cli-"));
    const env = { ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" };
    const cli = (...args: string[]) => runRinde(args, env);
    await cli("db", "init");
    const added = await cli("calendar", "add-business-days", "2025-12-19", "15");
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toBe("2026-01-14 (mié 14 ene 2026)\n");
    // Issue 18.1: across Ley 2578 de 2026's holiday (Monday 13 July) the term ends a day later.
    expect((await cli("calendar", "add-business-days", "2026-06-26", "15")).stdout).toBe(
      "2026-07-22 (mié 22 jul 2026)\n",
    );
    const holidays = await cli("calendar", "holidays", "2026", "--json");
    const rows = JSON.parse(holidays.stdout) as { date: string; name: string }[];
    expect(rows.map((r) => r.date)).toContain("2026-04-03");
    expect(rows.find((r) => r.date === "2026-03-23")?.name).toBe("San José");
    expect(rows.find((r) => r.date === "2026-07-13")?.name).toBe("Nuestra Señora del Rosario de Chiquinquirá");
    expect(rows).toHaveLength(19);
    const bad = await cli("calendar", "add-business-days", "2026-02-30", "3");
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe(
      "rinde: <AAAA-MM-DD> debe ser una fecha que exista, escrita AAAA-MM-DD (por ejemplo 2026-03-02); recibí «2026-02-30».",
    );
  });
});
