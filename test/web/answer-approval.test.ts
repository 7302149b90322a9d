/** Head approval of answers (profile `answerApproval`, issue 14): proposals, approval, return, in the web and the chat. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqlRows } from "../helpers/storage.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveProfilePath } from "../../src/config/env.ts";
import { fileQuestion } from "../helpers/harness.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const OFFICE = "infraestructura";

describe("head approval of answers", () => {
  let dir: string;
  let h: WebHarness;
  let reference: string;
  let ana: WebClient;
  let head: WebClient;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-approval-"));
    const profile = join(dir, "profile.yaml");
    const source = readFileSync(resolveProfilePath("default"), "utf8");
    expect(source).toMatch(/^answerApproval: false/m);
    writeFileSync(profile, source.replace(/^answerApproval: false/m, "answerApproval: true"));
    h = await createWebHarness({ profile });
    reference = await fileQuestion(h, "ciudadana");
    await h.addOfficial({
      name: "Ana Funcionaria",
      role: "official",
      officeKey: OFFICE,
      email: "ana@x.co",
      address: "ana-chat",
    });
    await h.addOfficial({
      name: "Jefa Infra",
      role: "head",
      officeKey: OFFICE,
      email: "jefa@x.co",
      address: "jefa-chat",
    });
    ana = await h.signIn("ana@x.co", "ana-chat");
    head = await h.signIn("jefa@x.co", "jefa-chat");
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const question = async () => (await h.runtime.app.repos.questions.byReference(reference))!;
  const kinds = async () => (await h.runtime.app.repos.questions.history((await question()).id)).map((e) => e.kind);
  const toCitizen = () => h.channel.to("ciudadana").filter((m) => m.text.includes("Repararemos"));
  const propose = async (text: string) => {
    await ana.get(`/admin/preguntas/${reference}`);
    return await ana.post(`/admin/preguntas/${reference}/responder`, {
      _idem: ana.field(`/admin/preguntas/${reference}/responder`, "_idem"),
      texto: text,
    });
  };

  it("holds an official's answer until the head approves it, then the citizen receives it once", async () => {
    const page = await ana.get(`/admin/preguntas/${reference}`);
    expect(page.body).toContain("Enviar al jefe para aprobación");
    const proposed = await propose("Repararemos la vía el 10 de marzo.");
    expect(proposed.headers.location).toBe(`/admin/preguntas/${reference}?hecho=propuesta`);
    await h.bot.dispatcher.tick();
    expect(toCitizen()).toEqual([]);
    expect((await question()).status).toBe("open");
    expect(h.last("jefa-chat")).toContain(`respuesta propuesta para ${reference}`);
    // The official sees it waiting; the head sees it with the buttons.
    expect((await ana.get(`/admin/preguntas/${reference}`)).body).toContain("El jefe de la dependencia la revisará");
    const review = await head.get(`/admin/preguntas/${reference}`);
    expect(review.body).toContain("Respuesta pendiente de aprobación");
    expect(review.body).toContain("Propuesta por Ana Funcionaria");
    const fields = { _idem: head.field(`/admin/preguntas/${reference}/aprobar`, "_idem") };
    const [first, second] = [
      await head.post(`/admin/preguntas/${reference}/aprobar`, fields),
      await head.post(`/admin/preguntas/${reference}/aprobar`, fields),
    ];
    expect(first.headers.location).toContain("hecho=aprobar");
    expect(second.headers.location).toContain("hecho=duplicado");
    await h.bot.dispatcher.tick();
    expect(toCitizen()).toHaveLength(1);
    expect(await question()).toMatchObject({ status: "answered", answerText: "Repararemos la vía el 10 de marzo." });
    expect(await kinds()).toEqual(["filed", "answer_proposed", "answer_approved", "answered"]);
    const audit = await sqlRows(
      h.runtime,
      "select action, outcome from staff_audit where action like 'question.%' order by id",
    );
    expect(audit).toEqual([
      { action: "question.propose_answer", outcome: "ok" },
      { action: "question.approve_answer", outcome: "ok" },
    ]);
    expect((await head.get(`/admin/preguntas/${reference}`)).body).toContain("Respuesta aprobada por el jefe");
  });

  it("returns an answer with a comment (required), which the official then revises; an official may not approve", async () => {
    await propose("Repararemos algún día.");
    await head.get(`/admin/preguntas/${reference}`);
    const empty = await head.post(`/admin/preguntas/${reference}/devolver`, {
      _idem: head.field(`/admin/preguntas/${reference}/devolver`, "_idem"),
      motivo: " ",
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/id="approval-error" role="alert">Escriba un comentario/);
    await head.get(`/admin/preguntas/${reference}`);
    await head.post(`/admin/preguntas/${reference}/devolver`, {
      _idem: head.field(`/admin/preguntas/${reference}/devolver`, "_idem"),
      motivo: "Ponga una fecha concreta.",
    });
    const returned = await ana.get(`/admin/preguntas/${reference}`);
    expect(returned.body).not.toContain("Respuesta pendiente de aprobación");
    expect(returned.body).toContain("Ponga una fecha concreta.");
    await propose("Repararemos la vía el 10 de marzo.");
    const byOfficial = await ana.post(`/admin/preguntas/${reference}/aprobar`, { _idem: "q".repeat(22) });
    expect(byOfficial.statusCode).toBe(403);
    await h.bot.dispatcher.tick();
    expect(toCitizen()).toEqual([]);
    expect(await kinds()).toEqual(["filed", "answer_proposed", "answer_returned", "answer_proposed"]);
  });

  it("takes an official's chat answer as a proposal too; the head answers directly", async () => {
    const [reply] = await h.say("ana-chat", `/responder ${reference} Repararemos la vía pronto.`);
    expect(reply?.text).toContain("quedó pendiente de aprobación");
    expect((await question()).status).toBe("open");
    const [direct] = await h.say("jefa-chat", `/responder ${reference} Repararemos la vía el lunes.`);
    expect(direct?.text).toContain("quedó registrada");
    await h.bot.dispatcher.tick();
    expect(toCitizen().map((m) => m.text)).toEqual([expect.stringContaining("Repararemos la vía el lunes.")]);
  });
});
