/**
 * Issue 19, point 2: the connection drops after Telegram delivered (the answer is lost on the way
 * back), through the real telegraf against the fake Bot API. A bulk message is never sent again on
 * such an ambiguous failure (it is counted as uncertain); a reply is (test/delivery/uncertain-sends.test.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { classifySendError } from "../../src/channels/telegram/send-errors.ts";
import { announcementProgress, createAnnouncement } from "../../src/services/events/announcements.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { createTelegramHarness, type TelegramHarness } from "./telegram-harness.ts";

const TEXT = "Audiencia pública de rendición de cuentas el martes";
let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("dropped responses after delivery", () => {
  it("bulk: 0 duplicates, the dropped ones counted uncertain", async () => {
    h = await createTelegramHarness();
    const recipients = 20;
    await seedCitizens(h.runtime, { count: recipients, channel: "telegram", prefix: "7000", nowMs: h.clock.nowMs() });
    h.fake.failNext("sendMessage", { errorCode: 0, dropAfterDelivery: true, times: 6 });
    const created = await createAnnouncement(
      h.runtime.app,
      { kind: "cli" },
      { text: TEXT, segment: { kind: "everyone" } },
    );
    expect(created.ok).toBe(true);
    const id = created.ok ? created.announcement.id : 0;
    for (let i = 0; i < 30 && (await announcementProgress(h.runtime.app, id)).queued > 0; i++) await h.advance(1_100);

    const bulkTo = new Map<string, number>();
    for (const call of h.fake.calls("sendMessage")) {
      if (String(call.params.text ?? "").includes(TEXT))
        bulkTo.set(String(call.params.chat_id), (bulkTo.get(String(call.params.chat_id)) ?? 0) + 1);
    }
    const duplicates = [...bulkTo.values()].reduce((sum, n) => sum + n - 1, 0);
    const progress = await announcementProgress(h.runtime.app, id);
    process.stdout.write(
      `dropped-response report: bulk to ${bulkTo.size}/${recipients} chats, duplicates ${duplicates}, uncertain ${progress.uncertain}\n`,
    );
    expect(duplicates).toBe(0);
    expect(bulkTo.size).toBe(recipients); // every one was delivered once, even the 6 whose answer was lost
    expect(progress).toMatchObject({ total: recipients, queued: 0, sent: recipients - 6, uncertain: 6 });
  });
});

describe("classifying network failures", () => {
  it("a reset after the request is ambiguous (maybe delivered); a refused connection is not", () => {
    const fetchError = (code: string) =>
      Object.assign(new Error(`request failed, reason: ${code}`), { name: "FetchError", code });
    expect(classifySendError(fetchError("ECONNRESET"))).toMatchObject({ ok: false, kind: "retry", ambiguous: true });
    expect(classifySendError(fetchError("ETIMEDOUT"))).toMatchObject({ ambiguous: true });
    expect(classifySendError(fetchError("ECONNREFUSED"))).toMatchObject({ ok: false, kind: "retry", ambiguous: false });
  });
});
