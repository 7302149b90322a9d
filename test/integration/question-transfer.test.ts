/**
 * Traslado por competencia (Ley 1755 de 2015, art. 21): the question leaves the alcaldía (status
 * `transferred`), its deadline jobs stop, the citizen is told in their language which entity now
 * answers, the 5 business days are counted with the calendar (a late transfer is made and marked),
 * closed questions are refused, only who may answer may transfer, and every attempt is audited.
 * Through the services, the officials' chat command, the citizen's status check and the CLI.
 *
 * Calendar: the harness files on Monday 2 March 2026, 10:00 in Bogotá; 5 business days end on
 * Monday 9 March.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/authorization.ts";
import { answerQuestion, requestInfo } from "../../src/services/questions/questions.ts";
import { transferQuestion, type TransferOutcome } from "../../src/services/questions/transfer.ts";
import { auditedTransfer } from "../../src/services/staff/audited-actions.ts";
import { runOn } from "../helpers/cli.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRows } from "../helpers/storage.ts";
import { addOfficial, bogota, outboxKeys, runAt, textsTo } from "./deadlines-helpers.ts";

const ANA = "ana";
const ENTITY = "Superintendencia de Servicios Públicos Domiciliarios";
const REASON = "La queja es sobre el cobro de la empresa de energía, que vigila la Superintendencia";

describe("transfer to another entity (art. 21)", () => {
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

  const question = async (ref: string) => (await h.runtime.app.repos.questions.byReference(ref))!;
  const pendingJobs = async (ref: string) =>
    await sqlRows<{ kind: string }>(h.runtime, "select kind from jobs where question_id = ? and status = 'pending'", [
      (await question(ref)).id,
    ]);
  const error = (o: TransferOutcome) => (o.ok ? "transferred" : o.error);

  it("closes the question for the alcaldía, stops its reminders and tells the citizen who answers now", async () => {
    const ref = await fileQuestion(h, ANA);
    expect((await pendingJobs(ref)).map((j) => j.kind)).toEqual(["deadline.alert"]);
    h.clock.setMs(bogota("2026-03-04", "11:00"));
    const outcome = await transferQuestion(h.runtime.app, func, ref, {
      entityName: `  ${ENTITY} `,
      entityReference: "OF-2026-77",
      reason: REASON,
    });
    expect(outcome).toMatchObject({
      ok: true,
      transfer: { entityName: ENTITY, limit: "2026-03-09", late: false, remitted: false, entityEmail: null },
    });
    const q = await question(ref);
    expect(q.status).toBe("transferred");
    expect(await pendingJobs(ref)).toEqual([]);
    const history = await h.runtime.app.repos.questions.history(q.id);
    const event = history.find((e) => e.kind === "transferred")!;
    expect(event.actor).toBe(`official:${(func as { officialId: number }).officialId}`);
    expect(JSON.parse(event.data)).toEqual({
      entityName: ENTITY,
      entityEmail: null,
      entityReference: "OF-2026-77",
      reason: REASON,
      limit: "2026-03-09",
      late: false,
      remitted: false,
    });
    await h.bot.dispatcher.tick();
    const notice = h.last(ANA);
    expect(notice).toContain(`Su pregunta ${ref}`);
    expect(notice).toContain(`le corresponde a ${ENTITY}`);
    expect(notice).toContain("el miércoles 4 de marzo de 2026 le enviamos su petición a esa entidad");
    expect(notice).toContain("empieza a contar desde el día en que recibe la petición");
    expect(notice).toContain("Número del traslado: OF-2026-77.");
    expect(notice).not.toContain("correo electrónico");
    // No reminder or escalation comes any more, even long after the old due date.
    await runAt(h, "2026-03-23", "09:00");
    await runAt(h, "2026-03-25", "09:00");
    // The official's notice was closed with the transfer line; nothing else about it came since.
    const texts = textsTo(h, "func", ref);
    expect(texts.at(-1)).toContain(`📤 Trasladada a ${ENTITY} (otra entidad) por Funcionario func`);
    expect(texts.filter((t) => !t.startsWith(`Nueva pregunta ${ref}`))).toEqual([]);
    expect(await outboxKeys(h, `deadline:q${q.id}:`)).toEqual([]);
  });

  it("is made after the 5 business days too, recorded and announced as late", async () => {
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-10", "09:00")); // Tuesday: the limit was Monday 9 March
    const reply = (await h.say("func", `/trasladar ${ref} ${ENTITY} | ${REASON}`)).find((m) =>
      m.text.includes("fue trasladada"),
    );
    expect(reply?.text).toContain(`${ref} fue trasladada a ${ENTITY}, pero FUERA DE TÉRMINO`);
    expect(reply?.text).toContain("lunes 9 de marzo de 2026");
    const q = await question(ref);
    expect(q.status).toBe("transferred");
    const event = (await h.runtime.app.repos.questions.lastEvent(q.id, "transferred"))!;
    expect(JSON.parse(event.data)).toMatchObject({ late: true, limit: "2026-03-09" });
    const audit = await sqlRows(h.runtime, "select action, outcome, via, subject from staff_audit");
    expect(audit).toEqual([{ action: "question.transfer", outcome: "ok", via: "chat", subject: ref }]);
    // On the last day it is still on time.
    const other = await fileQuestion(h, "beto");
    h.clock.setMs(bogota("2026-03-19", "16:00")); // filed 10 March 09:00 → limit Tuesday 17 March
    expect(
      (await transferQuestion(h.runtime.app, func, other, { entityName: ENTITY, reason: REASON })).ok &&
        JSON.parse((await h.runtime.app.repos.questions.lastEvent((await question(other)).id, "transferred"))!.data)
          .late,
    ).toBe(true);
  });

  it("counts the 5 business days with the calendar: a holiday does not count", async () => {
    // Filed Friday 20 March; Monday 23 March is San José: 24, 25, 26, 27, 30 → limit Monday 30 March.
    h.clock.setMs(bogota("2026-03-20", "10:00"));
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-30", "17:00"));
    const outcome = await transferQuestion(h.runtime.app, func, ref, { entityName: ENTITY, reason: REASON });
    expect(outcome).toMatchObject({ ok: true, transfer: { limit: "2026-03-30", late: false } });
  });

  it("refuses answered, withdrawn and already transferred questions, other offices and internal control, and bad input", async () => {
    const app = h.runtime.app;
    const answered = await fileQuestion(h, ANA);
    await app.store.withTransaction(async () => await answerQuestion(app, { kind: "cli" }, answered, "Respuesta"));
    const withdrawn = await fileQuestion(h, "beto");
    await app.repos.questions.update((await question(withdrawn)).id, { status: "withdrawn", updatedAtMs: 0 });
    const open = await fileQuestion(h, "carla");
    const input = { entityName: ENTITY, reason: REASON };
    expect(error(await transferQuestion(app, func, answered, input))).toBe("already_closed");
    expect(error(await transferQuestion(app, func, withdrawn, input))).toBe("already_closed");
    const salud: Actor = {
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
    expect(error(await transferQuestion(app, salud, open, input))).toBe("not_allowed");
    expect(error(await transferQuestion(app, control, open, input))).toBe("not_allowed");
    expect(error(await transferQuestion(app, { ...func, active: false } as Actor, open, input))).toBe("not_allowed");
    expect(error(await transferQuestion(app, func, open, { entityName: " ", reason: REASON }))).toBe("entity_required");
    expect(error(await transferQuestion(app, func, open, { entityName: ENTITY, reason: "  " }))).toBe(
      "transfer_reason_required",
    );
    expect(error(await transferQuestion(app, func, open, { ...input, entityEmail: "no es correo" }))).toBe(
      "invalid_email",
    );
    expect(error(await transferQuestion(app, func, "RC-2026-999999", input))).toBe("question_not_found");
    expect((await question(open)).status).toBe("open");
    expect(error(await transferQuestion(app, func, open, input))).toBe("transferred");
    expect(error(await transferQuestion(app, func, open, input))).toBe("already_transferred");
    // Nor can it be answered or extended once it is another entity's.
    expect((await app.store.withTransaction(async () => await answerQuestion(app, func, open, "Respuesta"))).ok).toBe(
      false,
    );
    // Refusals through the audited entry are in the log too, with the reason.
    await auditedTransfer(app, salud, "cli", answered, input);
    const rows = await sqlRows<{ outcome: string; after: unknown }>(
      h.runtime,
      "select outcome, after from staff_audit where action = 'question.transfer'",
    );
    // A JSON column: text on SQLite, jsonb on PostgreSQL.
    const json = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : v);
    expect(rows.map((r) => [r.outcome, json(r.after)])).toEqual([["refused", { error: "not_allowed" }]]);
  });

  it("may transfer a question waiting for the citizen's information; its withdrawal is cancelled", async () => {
    const ref = await fileQuestion(h, ANA);
    const app = h.runtime.app;
    await requestInfo(app, func, ref, "¿En qué barrio?");
    expect((await pendingJobs(ref)).map((j) => j.kind)).toEqual(["question.withdrawal"]);
    expect(error(await transferQuestion(app, func, ref, { entityName: ENTITY, reason: REASON }))).toBe("transferred");
    expect(await pendingJobs(ref)).toEqual([]);
  });

  it("e-mails the remission to the entity when SMTP is configured, and tells the citizen it was sent", async () => {
    const ref = await fileQuestion(h, ANA);
    const place = { fileRef: "geo:4.6097,-74.0817", placeName: "Parque Santander" };
    const files = [
      { channel: "memory", kind: "photo" as const, fileRef: "ph-1" },
      { channel: "memory", kind: "location" as const, ...place },
    ];
    await h.runtime.app.repos.attachments.add((await question(ref)).id, files, h.clock.nowMs());
    h.runtime.app.emailNotices = true;
    h.clock.setMs(bogota("2026-03-03", "10:00"));
    const outcome = await transferQuestion(h.runtime.app, func, ref, {
      entityName: ENTITY,
      entityEmail: "radicacion@superservicios.gov.co",
      reason: REASON,
    });
    expect(outcome).toMatchObject({ ok: true, transfer: { remitted: true } });
    const q = await question(ref);
    const [remission] = await sqlRows<{ channel: string; address: string; payload: string }>(
      h.runtime,
      "select channel, address, payload from outbox where idempotency_key = ?",
      [`q:${q.id}:remission`],
    );
    expect(remission).toMatchObject({ channel: "email", address: "radicacion@superservicios.gov.co" });
    const text = (JSON.parse(remission!.payload) as { text: string }).text;
    expect(text.split("\n")[0]).toContain(`Traslado por competencia — radicado ${ref}`);
    expect(text).toContain("artículo 21 de la Ley 1755 de 2015");
    expect(text).toContain(q.text);
    expect(text).toContain(`Motivo del traslado: ${REASON}`);
    // Chat files stay in our record; where the problem is goes with the petition.
    expect(text).toContain(
      "Archivos adjuntos en nuestro expediente: 1\nUbicación que envió el ciudadano: 4.6097, -74.0817 (Parque Santander) — " +
        "https://www.openstreetmap.org/?mlat=4.6097&mlon=-74.0817#map=18/4.6097/-74.0817\n",
    );
    expect(text).not.toContain(ANA); // no chat address of the citizen
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain(
      `Le enviamos su petición a ${ENTITY} por correo electrónico (radicacion@superservicios.gov.co).`,
    );
  });

  it("tells the citizen in English when that is their language, and their status check shows the entity and date", async () => {
    const ref = await fileQuestion(h, ANA);
    await h.runtime.app.repos.citizens.setLocale(
      (await h.runtime.app.repos.citizens.findContext("memory", ANA))!.citizenId,
      "en",
    );
    h.clock.setMs(bogota("2026-03-05", "15:00"));
    await transferQuestion(h.runtime.app, func, ref, { entityName: ENTITY, reason: REASON });
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain(`Your question ${ref} is about something the mayor's office cannot resolve`);
    expect(h.last(ANA)).toContain("on Thursday, March 5, 2026 we sent your petition to that entity");
  });

  it("shows «trasladada a <entidad> el <fecha>» in the citizen's status check", async () => {
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-05", "15:00"));
    await transferQuestion(h.runtime.app, func, ref, { entityName: ENTITY, reason: REASON });
    await h.say(ANA, "menú");
    await h.say(ANA, "estado");
    const [reply] = await h.say(ANA, ref);
    expect(reply?.text).toContain(`Estado: trasladada a ${ENTITY} el jueves 5 de marzo de 2026.`);
    expect(reply?.text).not.toContain("Fecha límite de respuesta");
  });

  it("`rinde questions transfer` transfers with the CLI operator's rights, in Spanish and English, and refuses closed ones", async () => {
    const ref = await fileQuestion(h, ANA);
    h.clock.setMs(bogota("2026-03-04", "10:00"));
    const run = await runOn(h.runtime, [
      "questions",
      "transfer",
      ref,
      "--entity",
      ENTITY,
      "--email",
      "radicacion@superservicios.gov.co",
      "--reason",
      REASON,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${ref} trasladada a ${ENTITY} (Ley 1755 de 2015, art. 21), dentro del término`);
    // No SMTP in this harness: the operator is told to send it another way.
    expect(run.stdout).toContain("la petición NO se envió a radicacion@superservicios.gov.co");
    expect((await question(ref)).status).toBe("transferred");
    const again = await runOn(h.runtime, ["questions", "transfer", ref, "--entity", ENTITY, "--reason", REASON], "en");
    expect(again.error).toBe(
      "That question was already transferred to another entity (Ley 1755 de 2015, art. 21): the mayor's office no longer acts on it.",
    );
    const missing = await runOn(h.runtime, ["questions", "transfer", ref, "--reason", REASON]);
    expect(missing.status).toBe(1);
    expect(missing.error).toContain("--entity");
    const other = await fileQuestion(h, "beto");
    const english = await runOn(
      h.runtime,
      [
        "questions",
        "transfer",
        other,
        "--entity",
        ENTITY,
        "--reason",
        REASON,
        "--as",
        String((func as { officialId: number }).officialId),
      ],
      "en",
    );
    expect(english.stdout).toContain(`${other} transferred to ${ENTITY} (Ley 1755 de 2015, art. 21), within the term`);
    const audit = await sqlRows(h.runtime, "select via, outcome from staff_audit where action = 'question.transfer'");
    expect(audit).toEqual([
      { via: "cli", outcome: "ok" },
      { via: "cli", outcome: "refused" },
      { via: "cli", outcome: "ok" },
    ]);
    const shown = await runOn(h.runtime, ["questions", "list", "--status", "transferred"]);
    expect(shown.stdout).toContain(ref);
    expect(shown.stdout).toContain("trasladada a otra entidad");
  });
});
