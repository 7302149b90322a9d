/**
 * Issue 19, authorization and input in office chats: a head of one office cannot take another
 * office's group (its notices carry that office's citizens' questions); an admin may move it, and
 * the move is recorded. An official's reply to a question notice is the answer unless it starts
 * with "/", even when it begins with a command word; nothing an official writes there is dropped.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInvite } from "../../src/services/staff/staff.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRow } from "../helpers/storage.ts";

const GROUP = "-100500";
const ANA = "ana";

describe("office groups and replies to notices", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ channelId: "telegram" });
  });
  afterEach(async () => {
    await h.close();
  });

  const link = async (address: string, officeKey: string | null, role: "official" | "head" | "admin") => {
    const { code } = await createInvite(h.runtime.app, { name: `Func ${address}`, officeKey, role, ttlMs: 3_600_000 });
    await h.say(address, `/vincular ${code}`);
  };
  const inGroup = (sender: string, text: string, replyTo?: string) =>
    h.say(GROUP, text, {
      chatKind: "group",
      senderId: sender,
      ...(replyTo ? { replyToChannelMessageId: replyTo } : {}),
    });
  const noticeId = async (reference: string) =>
    (
      (await sqlRow(
        h.runtime,
        "select channel_message_id id from outbox where address = ? and status = 'sent' and question_id = (select id from questions where reference = ?) order by id limit 1",
        [GROUP, reference],
      )) as { id: string }
    ).id;

  it("a head cannot bind another office's group; an admin moves it, recorded in both offices' history", async () => {
    const offices = h.runtime.app.repos.offices;
    await link("jefa-infra", "infraestructura", "head");
    await link("jefe-salud", "salud", "head");
    await link("admin", null, "admin");
    expect((await inGroup("jefa-infra", "/vincular_grupo infraestructura"))[0]?.text).toContain("quedó vinculado");

    const refused = await inGroup("jefe-salud", "/vincular_grupo salud");
    expect(refused[0]?.text).toContain("ya está vinculado a Secretaría de Infraestructura");
    expect((await offices.get("infraestructura"))?.telegramChatId).toBe(GROUP);
    expect((await offices.get("salud"))?.telegramChatId).toBeNull();

    const moved = await inGroup("admin", "/vincular_grupo salud");
    expect(moved[0]?.text).toContain("pasó de Secretaría de Infraestructura a Secretaría de Salud");
    // One office per group: the previous office no longer sends its notices there.
    expect((await offices.get("infraestructura"))?.telegramChatId).toBeNull();
    expect((await offices.get("salud"))?.telegramChatId).toBe(GROUP);
    const admin = (await h.runtime.app.repos.officials.findByAddress("telegram", "admin"))!;
    expect((await offices.history("infraestructura")).map((e) => [e.kind, e.actor, JSON.parse(e.data)])).toEqual([
      [
        "group_bound",
        expect.stringMatching(/^official:\d+$/),
        { channel: "telegram", chat: GROUP, before: null, after: "infraestructura" },
      ],
      [
        "group_moved_out",
        `official:${admin.id}`,
        { channel: "telegram", chat: GROUP, before: "infraestructura", after: "salud" },
      ],
    ]);
    expect((await offices.history("salud")).map((e) => e.kind)).toEqual(["group_moved_in"]);
  });

  it("a reply to a notice starting with a command word is the answer; an unknown /command is answered, never dropped", async () => {
    await link("jefa", "infraestructura", "head");
    await inGroup("jefa", "/vincular_grupo infraestructura");
    const first = await fileQuestion(h, ANA);
    const second = await fileQuestion(h, "beto");
    await h.bot.dispatcher.tick();

    const unknown = await inGroup("jefa", "/contestar ya quedó", await noticeId(first));
    expect(unknown.find((m) => !m.editChannelMessageId)?.text).toContain(`no respondí la pregunta ${first}`);
    expect((await h.runtime.app.repos.questions.byReference(first))?.status).toBe("open");

    const answered = await inGroup(
      "jefa",
      "Respuesta a su solicitud: la cuadrilla repara el hueco este jueves.",
      await noticeId(first),
    );
    expect(answered.find((m) => !m.editChannelMessageId)?.text).toContain(`respuesta a ${first} quedó registrada`);
    expect((await h.runtime.app.repos.questions.byReference(first))?.answerText).toBe(
      "Respuesta a su solicitud: la cuadrilla repara el hueco este jueves.",
    );

    await inGroup("jefa", "Ayuda humanitaria llega el lunes al barrio.", await noticeId(second));
    expect((await h.runtime.app.repos.questions.byReference(second))?.answerText).toBe(
      "Ayuda humanitaria llega el lunes al barrio.",
    );
    await h.bot.dispatcher.tick();
    expect(h.last(ANA)).toContain("la cuadrilla repara el hueco");
  });
});
