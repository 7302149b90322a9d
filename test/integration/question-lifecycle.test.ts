import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerQuestion, reassignQuestion, requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRow } from "../helpers/storage.ts";

const ANA = "ana";
const BETO = "beto";
const official = (officialId: number, officeKey: string) => ({
  kind: "official" as const,
  officialId,
  officeKey,
  role: "official" as const,
  active: true,
});

describe("question lifecycle", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("shows the data notice on first contact and files nothing before consent", async () => {
    const [notice] = await h.say(ANA, "Buenas, quiero quejarme por el alumbrado público de mi cuadra");
    expect(notice?.text).toContain("¿Nos autoriza");
    expect(notice?.options).toEqual(["Sí, autorizo", "No autorizo", "Leer el aviso completo"]);
    expect(await sqlRow(h.runtime, "select count(*) n from questions")).toEqual({ n: 0 });
    // The first message's text waits only in the conversation, to be offered after consent
    // (issue 18, point 4; test/integration/newcomer-consent.test.ts); refusing forgets it.
    await h.say(ANA, "2");
    const conversation = (await sqlRow(h.runtime, "select data from conversations")) as { data: string };
    expect(conversation.data).not.toContain("alumbrado");
  });

  it("files a question with a sequential radicado and a business-day due date, then delivers the answer", async () => {
    const first = await fileQuestion(h, ANA);
    const second = await fileQuestion(
      h,
      BETO,
      "Solicito copia del contrato de mantenimiento del parque del barrio La Esperanza",
    );
    expect(first).toBe("RC-2026-000001");
    expect(second).toBe("RC-2026-000002");
    // Filed Monday 2 March 2026 at 10:00 → counting starts Tuesday 3; the 15th business day would be
    // Monday 23 March, but San José (19 March) is moved to that Monday → due Tuesday 24 March.
    const q = (await h.runtime.app.repos.questions.byReference(first))!;
    expect(q.dueDate).toBe("2026-03-24");
    expect((await h.runtime.app.repos.questions.history(q.id)).map((e) => e.kind)).toEqual(["filed"]);

    const result = await answerQuestion(
      h.runtime.app,
      { kind: "cli" },
      first,
      "Programamos la reparación para el 10 de marzo.",
    );
    expect(result.ok).toBe(true);
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain("RC-2026-000001");
    expect(h.last(ANA)).toContain("Programamos la reparación");
    expect((await h.runtime.app.repos.questions.byReference(first))?.status).toBe("answered");
    // Answering twice is refused and sends nothing new.
    const sentBefore = h.channel.sent.length;
    expect(await answerQuestion(h.runtime.app, { kind: "cli" }, first, "otra")).toEqual({
      ok: false,
      error: "already_closed",
    });
    await h.bot.dispatcher.tick();
    expect(h.channel.sent.length).toBe(sentBefore);
  });

  it("lets the citizen pick another topic instead of the proposed office", async () => {
    await h.say(ANA, "hola");
    await h.say(ANA, "1");
    await h.say(ANA, "Quiero saber cuándo abren las inscripciones para los cupos escolares del próximo año");
    const menu = await h.say(ANA, "2"); // "No, elegir otro tema"
    const options = menu.at(-1)?.options ?? [];
    expect(options.at(-1)).toBe("Ver todos los temas");
    const all = await h.say(ANA, String(options.length)); // all topics
    const allOptions = all.at(-1)?.options ?? [];
    expect(allOptions.length).toBe(h.runtime.app.profile.offices.length);
    const hacienda = allOptions.findIndex((o) => o.includes("impuestos")); // Hacienda, by its subject
    await h.say(ANA, String(hacienda + 1));
    const receipt = await h.say(ANA, "2"); // information: 10 business days
    expect(receipt.at(-1)?.text).toMatch(/RC-2026-\d{6}/);
    const q = (await h.runtime.app.repos.questions.list())[0]!;
    expect(q.officeKey).toBe("hacienda");
    expect(q.requestType).toBe("information");
    expect(q.termBusinessDays).toBe(10);
  });

  it("answers status only for the citizen's own radicados and explains malformed ones", async () => {
    const anas = await fileQuestion(h, ANA);
    await fileQuestion(h, BETO);
    await h.say(ANA, "estado");
    expect(h.last(ANA)).toContain("Escriba el número de radicado");
    await h.say(ANA, anas.toLowerCase().replace(/-/g, " "));
    expect(h.last(ANA)).toContain("en trámite");
    await h.say(ANA, "estado");
    await h.say(ANA, "RC-2026-000002"); // Beto's
    expect(h.last(ANA)).toContain("No encontramos una pregunta suya");
    expect(h.last(ANA)).not.toContain("Secretaría");
    await h.say(ANA, "estado");
    await h.say(ANA, "no sé cuál es");
    expect(h.last(ANA)).toContain("no parece un número de radicado");
    await h.say(ANA, "menu");
    await h.say(ANA, "ver mis preguntas");
    expect(h.last(ANA)).toContain(anas);
    expect(h.last(ANA)).not.toContain("RC-2026-000002");
  });

  it("reassigns with a reason, keeps the due date and history, and tells the citizen", async () => {
    const ref = await fileQuestion(h, ANA);
    const before = (await h.runtime.app.repos.questions.byReference(ref))!;
    const outsider = await h.runtime.app.repos.officials.add(
      { name: "Otro", officeKey: "salud", role: "official" },
      h.clock.nowMs(),
    );
    expect(
      await reassignQuestion(h.runtime.app, official(outsider.id, "salud"), ref, "ambiente", "tema ambiental"),
    ).toEqual({ ok: false, error: "not_allowed" });
    expect(await reassignQuestion(h.runtime.app, { kind: "cli" }, ref, "ambiente", " ")).toEqual({
      ok: false,
      error: "reason_required",
    });
    expect(await reassignQuestion(h.runtime.app, { kind: "cli" }, ref, "no_existe", "x")).toEqual({
      ok: false,
      error: "unknown_office",
    });
    h.clock.advanceMs(3 * 86_400_000);
    const moved = await reassignQuestion(h.runtime.app, { kind: "cli" }, ref, "ambiente", "Es un tema de la quebrada");
    expect(moved.ok).toBe(true);
    const after = (await h.runtime.app.repos.questions.byReference(ref))!;
    expect(after.officeKey).toBe("ambiente");
    expect(after.dueDate).toBe(before.dueDate);
    const history = await h.runtime.app.repos.questions.history(after.id);
    expect(history.map((e) => e.kind)).toEqual(["filed", "reassigned"]);
    expect(JSON.parse(history[1]!.data)).toMatchObject({
      from: before.officeKey,
      to: "ambiente",
      reason: "Es un tema de la quebrada",
    });
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain("pasó a Secretaría de Ambiente");
  });

  it("asks the citizen for more information, pauses, and restarts the term in full when they answer", async () => {
    const ref = await fileQuestion(h, ANA);
    expect((await requestInfo(h.runtime.app, { kind: "cli" }, ref, "¿En qué dirección exacta está el hueco?")).ok).toBe(
      true,
    );
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain("¿En qué dirección exacta está el hueco?");
    expect((await h.runtime.app.repos.questions.byReference(ref))?.status).toBe("info_requested");
    h.clock.advanceMs(7 * 86_400_000); // Monday 9 March
    await h.say(ANA, "menu");
    const prompt = await h.say(ANA, "enviar información que me pidieron");
    expect(prompt.at(-1)?.text).toContain("¿En qué dirección exacta está el hueco?");
    const done = await h.say(ANA, "Calle 12 con carrera 8, frente a la tienda");
    expect(done.at(-1)?.text).toContain("vuelve a empezar");
    const q = (await h.runtime.app.repos.questions.byReference(ref))!;
    expect(q.status).toBe("open");
    // From Monday 9 March 10:00: counting starts on the 10th; 15 business days with 23 March (holiday) → 31 March.
    expect(q.dueDate).toBe("2026-03-31");
    expect((await h.runtime.app.repos.questions.history(q.id)).map((e) => e.kind)).toEqual([
      "filed",
      "info_requested",
      "info_provided",
    ]);
  });

  it("refuses officials of other offices and communications staff, and accepts the office's official", async () => {
    const ref = await fileQuestion(h, ANA);
    const office = (await h.runtime.app.repos.questions.byReference(ref))!.officeKey;
    const other = office === "salud" ? "educacion" : "salud";
    const intruder = await h.runtime.app.repos.officials.add(
      { name: "Intrusa", officeKey: other, role: "official" },
      h.clock.nowMs(),
    );
    const comms = await h.runtime.app.repos.officials.add(
      { name: "Prensa", officeKey: null, role: "communications" },
      h.clock.nowMs(),
    );
    const owner = await h.runtime.app.repos.officials.add(
      { name: "Dueña", officeKey: office, role: "official" },
      h.clock.nowMs(),
    );
    expect((await answerQuestion(h.runtime.app, official(intruder.id, other), ref, "x")).ok).toBe(false);
    expect(
      (
        await answerQuestion(
          h.runtime.app,
          { kind: "official", officialId: comms.id, officeKey: null, role: "communications", active: true },
          ref,
          "x",
        )
      ).ok,
    ).toBe(false);
    expect((await h.runtime.app.repos.questions.byReference(ref))?.status).toBe("open");
    expect((await answerQuestion(h.runtime.app, official(owner.id, office), ref, "Respuesta oficial")).ok).toBe(true);
    expect((await h.runtime.app.repos.questions.byReference(ref))?.answeredBy).toBe(owner.id);
  });

  it("notifies the office's reachable officials through the outbox when a question is filed", async () => {
    await h.runtime.app.repos.officials.add(
      {
        name: "Funcionaria",
        officeKey: "infraestructura",
        role: "official",
        channel: "memory",
        address: "funcionaria-1",
      },
      h.clock.nowMs(),
    );
    const ref = await fileQuestion(h, ANA);
    await h.bot.dispatcher.tick();
    const notice = h.channel.to("funcionaria-1").at(-1)?.text ?? "";
    expect(notice).toContain(ref);
    expect(notice).toContain("Hay un hueco muy grande");
  });
});
