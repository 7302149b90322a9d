/** Chat and CLI staff actions in the staff audit log, read by internal control on the audit page (issue 14). */
import { sqlRows, storageEnv } from "../helpers/storage.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.ts";
import { fileQuestion } from "../helpers/harness.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

interface Row {
  action: string;
  outcome: string;
  subject: string | null;
  via: string;
  official_id: number | null;
  before: string | null;
  after: string | null;
}

describe("staff audit from chats and the CLI", () => {
  let h: WebHarness;
  let reference: string;
  let officeKey: string;
  let anaId: number;
  beforeEach(async () => {
    h = await createWebHarness();
    reference = await fileQuestion(h, "ciudadano");
    officeKey = (await h.runtime.app.repos.questions.byReference(reference))!.officeKey;
    anaId = await h.addOfficial({
      name: "Ana Funcionaria",
      role: "official",
      officeKey,
      email: "ana@x.co",
      address: "ana-chat",
    });
    await h.addOfficial({
      name: "Carla Control",
      role: "internal_control",
      officeKey: null,
      email: "carla@x.co",
      address: "carla-chat",
    });
  });
  afterEach(async () => {
    await h.close();
  });

  const rows = async () =>
    await sqlRows<Row>(
      h.runtime,
      "select action, outcome, subject, via, official_id, cast(before as text) before, cast(after as text) after from staff_audit where action not like 'auth.%' order by id",
    );
  const cli = (args: string[]) =>
    runCliInProcess(args, { env: { ...storageEnv(h.dbPath), RINDE_PROFILE: "default" }, clock: h.clock });

  it("records a chat answer with who and the state before → after, and a refusal with its reason", async () => {
    const refused = await h.say("ana-chat", "/responder RC-2026-999999 No existe");
    expect(refused[0]?.text).toBeTruthy();
    await h.say("ana-chat", `/responder ${reference} La cuadrilla repara el hueco el jueves.`);
    const [miss, done] = await rows();
    expect(miss).toMatchObject({ action: "question.answer", outcome: "refused", via: "chat", official_id: anaId });
    expect(JSON.parse(miss!.after!)).toEqual({ error: "question_not_found" });
    expect(done).toMatchObject({
      action: "question.answer",
      outcome: "ok",
      subject: reference,
      via: "chat",
      official_id: anaId,
    });
    expect(JSON.parse(done!.before!)).toMatchObject({ status: "open", officeKey });
    expect(JSON.parse(done!.after!)).toMatchObject({
      status: "answered",
      answerLength: "La cuadrilla repara el hueco el jueves.".length,
    });
    // The answer's words stay out of the log.
    expect(done!.after).not.toContain("cuadrilla");
  });

  it("records CLI changes: a question reassigned (before → after) and a generic command with its options", async () => {
    const other = (await h.runtime.app.repos.offices.list()).find((o) => o.active && o.key !== officeKey)!.key;
    const reassignRun = await cli([
      "questions",
      "reassign",
      reference,
      "--to",
      other,
      "--reason",
      "Es de otra dependencia",
    ]);
    expect(reassignRun.status, reassignRun.stderr).toBe(0);
    expect(
      (await cli(["officials", "invite", "--name", "Beto", "--office", officeKey, "--role", "official"])).status,
    ).toBe(0);
    expect((await cli(["officials", "remove", "999"])).status).toBe(1);
    const [reassigned, invited, removed] = await rows();
    expect(reassigned).toMatchObject({
      action: "question.reassign",
      outcome: "ok",
      via: "cli",
      official_id: null,
      subject: reference,
    });
    expect(JSON.parse(reassigned!.before!)).toMatchObject({ officeKey });
    expect(JSON.parse(reassigned!.after!)).toMatchObject({ officeKey: other, reason: "Es de otra dependencia" });
    expect(invited).toMatchObject({ action: "cli.officials.invite", outcome: "ok", via: "cli" });
    expect(JSON.parse(invited!.after!)).toEqual({ options: { name: "Beto", office: officeKey, role: "official" } });
    expect(removed).toMatchObject({ action: "cli.officials.remove", outcome: "refused", subject: "999" });
    // Reading is not audited as a change.
    await cli(["questions", "list"]);
    expect(await rows()).toHaveLength(3);
  });

  it("records the event wizard's changes from the chat", async () => {
    await h.addOfficial({
      name: "Comu",
      role: "communications",
      officeKey: null,
      email: "comu@x.co",
      address: "comu-chat",
    });
    const event = await cli([
      "events",
      "create",
      "--kind",
      "public_hearing",
      "--title",
      "Audiencia de rendición",
      "--date",
      "2026-03-20",
      "--start",
      "09:00",
      "--end",
      "11:00",
      "--place",
      "Concejo",
    ]);
    expect(event.status).toBe(0);
    const created = (await rows()).find((r) => r.action === "event.create");
    expect(created).toMatchObject({ outcome: "ok", via: "cli" });
    const id = (JSON.parse(created!.after!) as { id: number }).id;
    // Cancel it in the wizard: menu → cancel → the event → confirm.
    await h.say("comu-chat", "/evento");
    const menu = h.last("comu-chat");
    const cancelOption = /(\d+)\. [^\n]*[Cc]ancelar un evento/.exec(menu)?.[1];
    expect(cancelOption, menu).toBeTruthy();
    await h.say("comu-chat", cancelOption!);
    const pick = /(\d+)\. #/.exec(h.last("comu-chat"))?.[1];
    await h.say("comu-chat", pick!);
    await h.say("comu-chat", "1");
    const cancelled = (await rows()).find((r) => r.action === "event.cancel");
    expect(cancelled, h.last("comu-chat")).toMatchObject({ outcome: "ok", via: "chat", subject: `event:${id}` });
    expect(JSON.parse(cancelled!.before!)).toMatchObject({ status: "scheduled" });
    expect(JSON.parse(cancelled!.after!)).toMatchObject({ status: "cancelled" });
  });

  it("records a group bound by the head, and a refusal for an official who is not head", async () => {
    await h.addOfficial({ name: "Jefa", role: "head", officeKey, email: "jefa@x.co", address: "jefa" });
    await h.say("-100", `/vincular_grupo ${officeKey}`, { chatKind: "group", senderId: "ana-chat" });
    await h.say("-100", `/vincular_grupo ${officeKey}`, { chatKind: "group", senderId: "jefa" });
    const [refused, bound] = (await rows()).filter((r) => r.action === "office.bind_group");
    expect(refused).toMatchObject({ outcome: "refused", official_id: anaId, via: "chat" });
    expect(JSON.parse(bound!.after!)).toEqual({ officeKey, channel: "memory" });
    expect(JSON.parse(bound!.before!)).toEqual({ officeKey: null });
  });

  it("shows internal control where each action came from, filtered by channel", async () => {
    await h.say("ana-chat", `/info ${reference} ¿En qué cuadra exactamente?`);
    await cli(["officials", "invite", "--name", "Beto", "--office", officeKey, "--role", "official"]);
    const carla = await h.signIn("carla@x.co", "carla-chat");
    const page = await carla.get("/admin/registro");
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Ana Funcionaria<\/td>\s*<td>Chat<\/td>\s*<td><code>question.request_info<\/code>/);
    expect(page.body).toMatch(
      /Operador del servidor<\/td>\s*<td>Línea de comandos<\/td>\s*<td><code>cli.officials.invite<\/code>/,
    );
    // The change reads as fields, not as raw JSON: no epoch milliseconds, no braces.
    expect(page.body).not.toMatch(/<td class="change">[^<]*\{/);
    expect(page.body).toMatch(/<ul class="changes"><li><code>[a-zA-Z]+<\/code>: /);
    const chatOnly = await carla.get("/admin/registro?desde=chat");
    expect(chatOnly.body).toContain("question.request_info");
    expect(chatOnly.body).not.toContain("cli.officials.invite");
    // An official may not read the log.
    const ana = await h.signIn("ana@x.co", "ana-chat");
    expect((await ana.get("/admin/registro")).statusCode).toBe(403);
  });
});
