import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInvite } from "../../src/services/staff/staff.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRow } from "../helpers/storage.ts";

const GROUP = "-100500";
const ANA = "ana";

describe("officials in chats", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ channelId: "telegram" });
  });
  afterEach(async () => {
    await h.close();
  });

  const linkOfficial = async (address: string, officeKey: string, role: "official" | "head" = "official") => {
    const { code } = await createInvite(h.runtime.app, { name: `Func ${address}`, officeKey, role, ttlMs: 3_600_000 });
    const [reply] = await h.say(address, `/vincular ${code.toLowerCase()}`);
    return reply?.text ?? "";
  };
  const inGroup = (sender: string, text: string, replyTo?: string) =>
    h.say(GROUP, text, {
      chatKind: "group",
      senderId: sender,
      ...(replyTo ? { replyToChannelMessageId: replyTo } : {}),
    });

  it("links an official with a one-time code that cannot be reused or used after expiry", async () => {
    const { code } = await createInvite(h.runtime.app, {
      name: "Laura",
      officeKey: "infraestructura",
      role: "official",
      ttlMs: 3_600_000,
    });
    expect((await h.say("laura", `/vincular ${code}`))[0]?.text).toContain("Bienvenido(a), Laura");
    expect((await h.say("intruso", `/vincular ${code}`))[0]?.text).toContain("no es válido");
    const late = await createInvite(h.runtime.app, {
      name: "Tarde",
      officeKey: "salud",
      role: "official",
      ttlMs: 1000,
    });
    h.clock.advanceMs(2000);
    expect((await h.say("tarde", `/vincular ${late.code}`))[0]?.text).toContain("no es válido");
    expect((await h.runtime.app.repos.officials.list()).map((o) => o.address)).toEqual(["laura"]);
  });

  it("binds the group by the office head, posts new questions there and takes answers by reply", async () => {
    expect(await linkOfficial("jefa", "infraestructura", "head")).toContain("jefe de dependencia");
    // Before binding, the group is ignored except for the bind command.
    expect(await inGroup("jefa", "hola a todos")).toEqual([]);
    expect((await inGroup("jefa", "/vincular_grupo infraestructura"))[0]?.text).toContain("quedó vinculado");
    h.channel.sent.length = 0;
    const ref = await fileQuestion(h, ANA);
    await h.bot.dispatcher.tick();
    const notice = h.channel.to(GROUP).find((m) => m.text.includes(ref));
    expect(notice?.text).toContain("Responder a más tardar");
    const noticeRow = (await sqlRow(
      h.runtime,
      "select channel_message_id id from outbox where address = ? and question_id is not null",
      [GROUP],
    )) as { id: string };

    // A member who is not an official is refused and nothing changes.
    const refused = await inGroup("curioso", "Ya quedó arreglado", noticeRow.id);
    expect(refused[0]?.text).toContain("solo los funcionarios registrados");
    expect((await h.runtime.app.repos.questions.byReference(ref))?.status).toBe("open");

    // The head answers by replying to the notice; the citizen receives it.
    const answered = await inGroup("jefa", "La cuadrilla repara el hueco este jueves.", noticeRow.id);
    expect(answered.find((m) => !m.editChannelMessageId)?.text).toContain(`respuesta a ${ref} quedó registrada`);
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain("La cuadrilla repara el hueco este jueves.");
  });

  it("refuses officials of another office and accepts text commands from the right one", async () => {
    await linkOfficial("jefa", "infraestructura", "head");
    await inGroup("jefa", "/vincular_grupo infraestructura");
    await linkOfficial("otro", "salud");
    const ref = await fileQuestion(h, ANA);
    expect(
      (await inGroup("otro", `/responder ${ref} no es de ustedes`)).find((m) => !m.editChannelMessageId)?.text,
    ).toContain("no puede actuar");
    expect((await h.say("otro", `/responder@RindeBot ${ref} tampoco`))[0]?.text).toContain("no puede actuar");
    const reassigned = await h.say("jefa", `/reasignar ${ref} ambiente es de la quebrada`);
    expect(reassigned.map((m) => m.text).join("\n")).toContain("pasó a Secretaría de Ambiente");
    expect((await h.say("jefa", "/pendientes"))[0]?.text).toContain("no tiene preguntas pendientes");
    expect((await h.say("jefa", "/responder"))[0]?.text).toContain("/responder RC-2026-000123");
    expect((await h.say("jefa", "hola"))[0]?.text).toContain("Comandos para funcionarios");
  });

  it("only lets the office head bind a group to the office", async () => {
    await linkOfficial("func", "infraestructura", "official");
    expect((await inGroup("func", "/vincular_grupo infraestructura"))[0]?.text).toContain("Solo el jefe");
    expect((await h.runtime.app.repos.offices.get("infraestructura"))?.telegramChatId).toBeNull();
  });
});
