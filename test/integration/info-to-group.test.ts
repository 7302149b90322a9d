/**
 * The information a citizen adds after a request (Ley 1755 de 2015, art. 17) reaches every chat
 * that hears about the office's questions: its bound group too, not only linked officials.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInvite } from "../../src/services/staff/staff.ts";
import { requestInfo } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRow } from "../helpers/storage.ts";

const GROUP = "-100777";
const ANA = "ana";

describe("information provided to an office that works from a group", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ channelId: "telegram" });
  });
  afterEach(async () => {
    await h.close();
  });

  it("posts the citizen's information, made inert, in the office's group; a reply to it answers", async () => {
    const app = h.runtime.app;
    await app.repos.offices.bind("infraestructura", { telegramChatId: GROUP }, h.clock.nowMs());
    const ref = await fileQuestion(h, ANA);
    const question = (await app.repos.questions.byReference(ref))!;
    expect(question.officeKey).toBe("infraestructura");
    expect(await app.repos.officials.reachable("infraestructura")).toEqual([]);
    expect((await requestInfo(app, { kind: "cli" }, ref, "¿En qué dirección exactamente?")).ok).toBe(true);
    await h.bot.dispatcher.tick();

    await h.say(ANA, "menu");
    await h.say(ANA, "4");
    const told = await h.say(ANA, "Carrera 5 # 10-20, mapa en https://mapa.example/x");
    expect(told.map((m) => m.text).join("\n")).toContain("Enviamos su información a la dependencia");
    await h.bot.dispatcher.tick();

    const notice = h.channel.to(GROUP).find((m) => m.text.includes("Carrera 5 # 10-20"));
    expect(notice?.text).toContain(ref);
    // The citizen's link is shown, not made live.
    expect(notice?.text).not.toContain("https://mapa");
    expect(notice?.text).toContain("https:\u2060//");
    const row = (await sqlRow<{ id: string; questionId: number }>(
      h.runtime,
      `select channel_message_id id, question_id "questionId" from outbox where address = ? and payload like '%Carrera 5%'`,
      [GROUP],
    ))!;
    expect(row.questionId).toBe(question.id);

    // The office head replies to that notice in the group: it is the answer.
    const { code } = await createInvite(app, {
      name: "Jefa",
      officeKey: "infraestructura",
      role: "head",
      ttlMs: 3_600_000,
    });
    await h.say("jefa", `/vincular ${code}`);
    await h.say(GROUP, "Revisamos la Carrera 5 y la reparamos el jueves.", {
      chatKind: "group",
      senderId: "jefa",
      replyToChannelMessageId: row.id,
    });
    expect((await app.repos.questions.byReference(ref))?.status).toBe("answered");
  });
});
