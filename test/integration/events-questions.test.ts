/**
 * Questions for an event become tracked questions (radicado, requestType dialogue, the event's
 * office) with a 15-business-day term counted from the event; after the event staff mark which
 * were answered there (CLI), the rest stay open with their reminders, and the report publishes
 * them with their answers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOn } from "../helpers/cli.ts";
import { answerQuestion, dueDateFrom } from "../../src/services/questions/questions.ts";
import { cancelEvent, updateEvent } from "../../src/services/events/events.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { bogota, consentingCitizen, makeEvent, textsTo } from "./events-helpers.ts";
import { sqlRows } from "../helpers/storage.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function askForEvent(address: string, eventId: number, text: string): Promise<string> {
  await h.say(address, `evento ${eventId}`);
  await h.say(address, "3");
  const receipt = (await h.say(address, text)).at(-1)!.text;
  const reference = /RC-\d{4}-\d{6}/.exec(receipt)?.[0];
  if (!reference) throw new Error(`no radicado in: ${receipt}`);
  return reference;
}

const cli = async (...args: string[]) => {
  const run = await runOn(h.runtime, ["events", ...args]);
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
};

describe("questions for an event", () => {
  it("files each as a dialogue question for the event's office, due 15 business days after the event", async () => {
    await h.runtime.app.repos.officials.add(
      { name: "Planeación", officeKey: "planeacion", role: "official", channel: "memory", address: "planea" },
      h.clock.nowMs(),
    );
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    const reference = await askForEvent(
      "ana",
      event.id,
      "¿Cuánto se ha ejecutado del presupuesto de vías en la comuna 1?",
    );
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    const expectedDue = dueDateFrom(h.runtime.app, event.endsAtMs, 15).dueDate;
    expect(question).toMatchObject({
      requestType: "dialogue",
      eventId: event.id,
      officeKey: "planeacion",
      status: "open",
      dueDate: expectedDue,
      termStartedAtMs: event.endsAtMs,
    });
    expect(expectedDue).toBe("2026-04-01"); // March 23 is a holiday (San José, moved to Monday)
    expect(h.last("ana")).toContain("a más tardar el miércoles 1 de abril de 2026");
    // The office hears about it like any question, and its reminders are planned.
    expect(textsTo(h, "planea", reference)).toHaveLength(1);
    const jobs = await sqlRows(h.runtime, "select kind from jobs where question_id = ? and status = 'pending'", [
      question.id,
    ]);
    expect(jobs).toEqual([{ kind: "deadline.alert" }]);
  });

  it("needs consent before a question is filed", async () => {
    const event = await makeEvent(h);
    await h.say("beto", "hola");
    await h.say("beto", "2");
    await h.say("beto", `evento ${event.id}`);
    expect((await h.say("beto", "3")).at(-1)!.text).toContain("necesitamos su autorización");
    expect(await h.runtime.app.repos.events.questions(event.id)).toEqual([]);
  });

  it("after the event: marks some answered there, the rest stay tracked, and the report publishes both", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    await consentingCitizen(h, "beto");
    const answeredThere = await askForEvent("ana", event.id, "¿Cuándo arreglan el parque del barrio Centro?");
    const pending = await askForEvent("beto", event.id, "¿Qué pasó con el contrato del alumbrado público?");

    // Not before the event.
    await expect(cli("mark-answered", String(event.id), answeredThere)).rejects.toThrow(
      "El evento aún no ha empezado.",
    );

    h.clock.setMs(bogota("2026-03-10", "11:30"));
    const out = await cli(
      "mark-answered",
      String(event.id),
      answeredThere,
      "--summary",
      "El parque se arregla en abril con recursos del presupuesto participativo.",
    );
    expect(out).toContain(`${answeredThere} respondida en el evento`);
    expect(out).toContain("1 pregunta(s) de este evento siguen abiertas");
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "El parque se arregla en abril")).toHaveLength(1);
    expect((await h.runtime.app.repos.events.get(event.id))!.status).toBe("held");
    const open = (await h.runtime.app.repos.questions.byReference(pending))!;
    expect(open.status).toBe("open");
    expect(open.dueDate).toBe("2026-04-01");

    // Answered in writing afterwards, then published.
    h.clock.setMs(bogota("2026-03-20", "10:00"));
    expect(
      (
        await answerQuestion(
          h.runtime.app,
          { kind: "cli" },
          pending,
          "El contrato se liquidó y se abrirá una nueva licitación en mayo.",
        )
      ).ok,
    ).toBe(true);

    const report = JSON.parse(await cli("report", String(event.id), "--json")) as Record<string, unknown>[];
    expect(report).toEqual([
      expect.objectContaining({
        reference: answeredThere,
        status: "answered",
        answeredIn: "event",
        answer: "El parque se arregla en abril con recursos del presupuesto participativo.",
        onTime: true,
      }),
      expect.objectContaining({
        reference: pending,
        status: "answered",
        answeredIn: "written",
        answer: "El contrato se liquidó y se abrirá una nueva licitación en mayo.",
        dueDate: "2026-04-01",
        onTime: true,
      }),
    ]);
    const file = join(h.dir, "preguntas-evento.csv");
    expect(await cli("report", String(event.id), "--out", file)).toContain(
      "2 pregunta(s) con sus respuestas guardadas",
    );
    const csv = readFileSync(file, "utf8");
    expect(csv.split("\n")[0]).toBe(
      "\uFEFFRadicado;Dependencia;Radicada;Pregunta;Estado;Respondida;Respuesta;Fecha de respuesta;Fecha límite;A tiempo",
    );
    expect(csv).toContain("presupuesto participativo");
  });

  it("moves the term when the event moves, and counts it from the cancellation when cancelled", async () => {
    const event = await makeEvent(h);
    await consentingCitizen(h, "ana");
    const reference = await askForEvent("ana", event.id, "¿Cuándo empiezan las obras del acueducto veredal?");
    expect(
      (
        await updateEvent(h.runtime.app, { kind: "cli" }, event.id, {
          startsAtMs: bogota("2026-03-17", "09:00"),
          endsAtMs: bogota("2026-03-17", "11:00"),
        })
      ).ok,
    ).toBe(true);
    const moved = (await h.runtime.app.repos.questions.byReference(reference))!;
    expect(moved.dueDate).toBe(dueDateFrom(h.runtime.app, bogota("2026-03-17", "11:00"), 15).dueDate);
    expect(await h.runtime.app.repos.questions.lastEvent(moved.id, "term_moved")).toBeDefined();
    // Issue 18.1: the citizen hears of the new answer date.
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "cambió de fecha").at(-1)).toContain(`su pregunta ${reference}`);
    expect(h.last("ana")).toMatch(/a más tardar el \S+ \d+ de \S+ de 2026 \(antes era el/);

    h.clock.setMs(bogota("2026-03-04", "10:00"));
    expect((await cancelEvent(h.runtime.app, { kind: "cli" }, event.id)).ok).toBe(true);
    expect((await h.runtime.app.repos.questions.byReference(reference))!.dueDate).toBe(
      dueDateFrom(h.runtime.app, bogota("2026-03-04", "10:00"), 15).dueDate,
    );
    await h.bot.dispatcher.tick();
    expect(textsTo(h, "ana", "se canceló").at(-1)).toContain(`Su pregunta ${reference}`);
  });
});

describe("events CLI", () => {
  it("creates, refuses with reasons, lists and edits", async () => {
    const out = await cli(
      "create",
      "--kind",
      "transparency_fair",
      "--title",
      "Feria de la transparencia",
      "--date",
      "2026-03-21",
      "--start",
      "8:00",
      "--end",
      "16:00",
      "--place",
      "Parque principal",
      "--districts",
      "comuna-1,comuna-2",
      "--office",
      "atencion_ciudadano",
    );
    expect(out).toContain("Evento #1 creado.");
    expect(out).toContain("sábado 21 de marzo de 2026, de 8:00 a. m. a 4:00 p. m.");
    await expect(
      cli(
        "create",
        "--kind",
        "site_visit",
        "--title",
        "Recorrido",
        "--date",
        "2026-02-01",
        "--start",
        "10:00",
        "--end",
        "9:00",
        "--districts",
        "comuna-77",
      ),
    ).rejects.toThrow(
      /La fecha y hora de inicio ya pasaron[\s\S]*La hora de fin debe ser después[\s\S]*Falta el lugar o el enlace[\s\S]*«comuna-77»/,
    );
    const list = JSON.parse(await cli("list", "--json")) as { id: number; districts: string }[];
    expect(list).toEqual([expect.objectContaining({ id: 1, districts: "comuna-1,comuna-2" })]);
    expect(await cli("edit", "1", "--start", "9:00")).toContain("de 9:00 a. m. a 4:00 p. m.");
    await expect(cli("edit", "1", "--end", "7:00")).rejects.toThrow("La hora de fin debe ser después");
  });
});
