/**
 * Extension of the legal term (prórroga, Ley 1755 de 2015, art. 14 parágrafo): who may extend,
 * before the term ends, up to twice the initial term, the citizen told in their language with the
 * reason and the new date, refusals quoting the rule, and reminders following the new date.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOn } from "../helpers/cli.ts";
import type { Actor } from "../../src/core/authorization.ts";
import { extendQuestion, extensionErrorLine, type ExtendOutcome } from "../../src/services/deadlines/extension.ts";
import { requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { addOfficial, bogota, runAt, textsTo } from "./deadlines-helpers.ts";

const ANA = "ana";
const REASON = "Esperamos el concepto técnico de la interventoría";

describe("extension (prórroga)", () => {
  let h: Harness;
  let func: Actor;
  beforeEach(async () => {
    h = await createHarness();
    func = {
      kind: "official",
      officialId: await addOfficial(h, "func", "official", "infraestructura"),
      officeKey: "infraestructura",
      role: "official",
      active: true,
    };
  });
  afterEach(async () => {
    await h.close();
  });

  const refusal = (outcome: ExtendOutcome) => (outcome.ok ? "granted" : outcome.error);

  it("is refused to other offices and internal control, beyond twice the term, on a non-business day and for an earlier date", async () => {
    const ref = await fileQuestion(h, ANA); // due Tuesday 24 March; twice the term ends Thursday 16 April
    const other: Actor = {
      kind: "official",
      officialId: await addOfficial(h, "salud", "official", "salud"),
      officeKey: "salud",
      role: "official",
      active: true,
    };
    const control: Actor = {
      kind: "official",
      officialId: await addOfficial(h, "control", "internal_control", null),
      officeKey: null,
      role: "internal_control",
      active: true,
    };
    expect(refusal(await extendQuestion(h.runtime.app, other, ref, "2026-04-10", REASON))).toBe("not_allowed");
    expect(refusal(await extendQuestion(h.runtime.app, control, ref, "2026-04-10", REASON))).toBe("not_allowed");
    const beyond = await extendQuestion(h.runtime.app, func, ref, "2026-04-17", REASON);
    expect(beyond).toEqual({ ok: false, error: "beyond_limit", dueDate: "2026-03-24", limitDate: "2026-04-16" });
    expect(extensionErrorLine(beyond as Extract<ExtendOutcome, { ok: false }>)).toContain(
      "may not be later than 2026-04-16, twice the initial term (Ley 1755 de 2015, art. 14, parágrafo",
    );
    expect(refusal(await extendQuestion(h.runtime.app, func, ref, "2026-04-03", REASON))).toBe("not_business_day"); // Good Friday
    expect(refusal(await extendQuestion(h.runtime.app, func, ref, "2026-03-20", REASON))).toBe("not_later");
    expect(refusal(await extendQuestion(h.runtime.app, func, ref, "2026-04-10", " "))).toBe("reason_required");
    expect(refusal(await extendQuestion(h.runtime.app, func, "RC-2026-999999", "2026-04-10", REASON))).toBe(
      "question_not_found",
    );
    const q = (await h.runtime.app.repos.questions.byReference(ref))!;
    expect(q.dueDate).toBe("2026-03-24");
    expect((await h.runtime.app.repos.questions.history(q.id)).map((e) => e.kind)).toEqual(["filed"]);
  });

  it("extends from the office's chat up to the limit, tells the citizen the reason and the new date, and allows it once", async () => {
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-05", "10:00"));
    const [reply] = await h.say("func", `/prorroga ${ref} 2026-04-16 ${REASON}`);
    expect(reply?.text).toBe(
      `Listo: la nueva fecha límite de ${ref} es el jueves 16 de abril de 2026. Le avisamos al ciudadano con el motivo.`,
    );
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain(`Motivo: ${REASON}`);
    expect(h.last(ANA)).toContain("Nueva fecha límite de respuesta: jueves 16 de abril de 2026");
    const q = (await h.runtime.app.repos.questions.byReference(ref))!;
    expect(q).toMatchObject({ dueDate: "2026-04-16", extendedTo: "2026-04-16" });
    const event = (await h.runtime.app.repos.questions.history(q.id)).at(-1)!;
    expect(event.kind).toBe("extended");
    expect(event.actor).toBe(`official:${(func as { officialId: number }).officialId}`);
    expect(JSON.parse(event.data)).toEqual({
      from: "2026-03-24",
      to: "2026-04-16",
      reason: REASON,
      limit: "2026-04-16",
    });

    const [again] = await h.say("func", `/prorroga ${ref} 2026-04-16 otra vez`);
    expect(again?.text).toContain("ya tuvo una prórroga");
    expect(again?.text).toContain("no podrá exceder del doble del inicialmente previsto");
    const [usage] = await h.say("func", `/prorroga ${ref} el lunes`);
    expect(usage?.text).toContain("/prorroga RC-2026-000123 AAAA-MM-DD motivo");
  });

  it("tells an English-speaking citizen in English", async () => {
    const ref = await fileQuestion(h, ANA);
    const citizenId = (await h.runtime.app.repos.questions.byReference(ref))!.citizenId;
    await h.runtime.app.repos.citizens.setLocale(citizenId, "en");
    expect(
      (await extendQuestion(h.runtime.app, func, ref, "2026-04-10", "We are waiting for the engineering report")).ok,
    ).toBe(true);
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain("Reason: We are waiting for the engineering report");
    expect(h.last(ANA)).toContain("New answer date: Friday, April 10, 2026 at the latest");
  });

  it("is allowed on the due day, refused the day after with the rule quoted, and refused while paused", async () => {
    const onTime = await fileQuestion(h, ANA);
    const late = await fileQuestion(h, "beto");
    const paused = await fileQuestion(h, "caro");
    expect((await requestInfo(h.runtime.app, func, paused, "¿Cuál es la dirección?")).ok).toBe(true);
    expect(refusal(await extendQuestion(h.runtime.app, func, paused, "2026-04-10", REASON))).toBe("paused");
    h.clock.setMs(bogota("2026-03-24", "16:30"));
    expect(refusal(await extendQuestion(h.runtime.app, func, onTime, "2026-04-10", REASON))).toBe("granted");
    h.clock.setMs(bogota("2026-03-25", "08:00"));
    const expired = await extendQuestion(h.runtime.app, func, late, "2026-04-10", REASON);
    expect(expired).toMatchObject({ ok: false, error: "term_expired", dueDate: "2026-03-24" });
    const [reply] = await h.say("func", `/prorroga ${late} 2026-04-10 ${REASON}`);
    expect(reply?.text).toContain("el plazo venció el martes 24 de marzo de 2026");
    expect(reply?.text).toContain("«antes del vencimiento del término»");
    // The CLI says the same, in one line, and changes nothing.
    expect(
      (await runOn(h.runtime, ["questions", "extend", late, "--until", "2026-04-10", "--reason", REASON])).error,
    ).toMatch(/el plazo venció el mar 24 mar 2026.*antes del vencimiento del término/);
    expect((await h.runtime.app.repos.questions.byReference(late))?.dueDate).toBe("2026-03-24");
  });

  it("moves the reminders to the new date", async () => {
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-05", "10:00"));
    const out = (
      await runOn(h.runtime, [
        "questions",
        "extend",
        ref,
        "--until",
        "2026-04-10",
        "--reason",
        REASON,
        "--as",
        String((func as { officialId: number }).officialId),
      ])
    ).stdout;
    expect(out).toBe(
      `${ref} prorrogada hasta el vie 10 abr 2026 (límite jue 16 abr 2026); se le contará al ciudadano el motivo y la nueva fecha.\n`,
    );
    await runAt(h, "2026-03-16");
    await runAt(h, "2026-03-24");
    expect(textsTo(h, "func", "Recordatorio")).toEqual([]);
    expect(textsTo(h, "func", "Hoy,")).toEqual([]);
    await runAt(h, "2026-04-01"); // 5 business days before Friday 10 April, across Holy Week
    expect(textsTo(h, "func", "Recordatorio")).toEqual([
      expect.stringContaining("a más tardar el viernes 10 de abril de 2026. Quedan 5 días hábiles."),
    ]);
  });
});
