/**
 * Announcements through the real outbox and dispatcher on a manual clock: who a segment counts,
 * scheduled sending (also with two processes' schedulers on one database), delivery under a
 * channel's rate limit with replies overtaking the broadcast, and quiet hours.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelCapabilities } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, type Bot } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import {
  announcementProgress,
  createAnnouncement,
  previewAnnouncement,
} from "../../src/services/events/announcements.ts";
import { createMemoryChannel, type MemoryChannel } from "../fakes/memory-channel.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { bogota } from "./events-helpers.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { sqlRows, storageEnv } from "../helpers/storage.ts";

let dir: string;
const clock = createManualClock(bogota("2026-03-02", "10:00"));
const opened: { runtime: Runtime; bot: Bot }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rinde-broadcast-"));
  clock.setMs(bogota("2026-03-02", "10:00"));
});
afterEach(async () => {
  for (const { runtime, bot } of opened.splice(0)) {
    await bot.stop();
    await runtime.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A bot process on the shared database with a memory channel (rate limits as given). */
async function startBot(
  capabilities: Partial<ChannelCapabilities> = {},
  workerId = "w1",
): Promise<{ runtime: Runtime; bot: Bot; channel: MemoryChannel }> {
  const runtime = await createRuntime({
    routerFactory: sharedRouterFactory,
    env: loadEnv({ ...storageEnv(join(dir, "rinde.db")), RINDE_PROFILE: "default" }),
    clock,
  });
  const channel = createMemoryChannel({ capabilities });
  // Long poll intervals: the test drives every pass itself.
  const bot = createBot(runtime, [channel], { pollIntervalMs: 60_000, schedulerIntervalMs: 60_000, workerId });
  opened.push({ runtime, bot });
  return { runtime, bot, channel };
}

const sql = (runtime: Runtime, query: string, ...params: unknown[]) => sqlRows(runtime, query, params);

describe("segments", () => {
  it("counts only consenting, reachable, subscribed citizens, once each", async () => {
    const { runtime } = await startBot();
    const now = clock.nowMs();
    await seedCitizens(runtime, {
      count: 5,
      channel: "memory",
      prefix: "all-",
      nowMs: now,
      subscription: { kind: "all", key: "" },
    });
    await seedCitizens(runtime, {
      count: 4,
      channel: "memory",
      prefix: "salud-",
      nowMs: now,
      subscription: { kind: "topic", key: "salud" },
    });
    await seedCitizens(runtime, {
      count: 3,
      channel: "memory",
      prefix: "c1-",
      nowMs: now,
      subscription: { kind: "district", key: "comuna-1" },
    });
    await seedCitizens(runtime, { count: 2, channel: "memory", prefix: "noconsent-", nowMs: now, consent: "none" });
    await seedCitizens(runtime, { count: 2, channel: "memory", prefix: "revoked-", nowMs: now, consent: "revoked" });
    const [deleted] = await seedCitizens(runtime, { count: 1, channel: "memory", prefix: "deleted-", nowMs: now });
    await sqlRows(runtime, "update citizens set deleted_at_ms = ? where id = ?", [now, deleted]);
    await seedCitizens(runtime, { count: 1, channel: "memory", prefix: "gone-", nowMs: now });
    await runtime.app.repos.citizens.markUnreachable("memory", "gone-0", now);
    // Two chats for one citizen: counted once, reached on the newest reachable one.
    const [twoChats] = await seedCitizens(runtime, {
      count: 1,
      channel: "memory",
      prefix: "two-a-",
      nowMs: now,
      subscription: { kind: "topic", key: "salud" },
    });
    await sqlRows(
      runtime,
      "insert into channel_identities (citizen_id, channel, address, created_at_ms) values (?, 'memory', 'two-b-0', ?)",
      [twoChats, now],
    );

    const app = runtime.app;
    const count = async (segment: Parameters<typeof previewAnnouncement>[2]["segment"]) => {
      const preview = await previewAnnouncement(app, { kind: "cli" }, { text: "x", segment });
      if (!preview.ok) throw new Error(JSON.stringify(preview.error));
      return preview.recipients;
    };
    expect(await count({ kind: "everyone" })).toBe(5 + 4 + 3 + 1);
    expect(await count({ kind: "interests", topics: ["salud"], districts: [] })).toBe(5 + 4 + 1);
    expect(await count({ kind: "interests", topics: [], districts: ["comuna-1"] })).toBe(5 + 3);
    expect(await count({ kind: "interests", topics: ["salud"], districts: ["comuna-1"] })).toBe(5 + 4 + 3 + 1);
    expect(
      await previewAnnouncement(
        app,
        { kind: "cli" },
        { text: "x", segment: { kind: "interests", topics: [], districts: ["comuna-99"] } },
      ),
    ).toEqual({ ok: false, error: { code: "unknown_district", key: "comuna-99" } });
    expect(
      await previewAnnouncement(
        app,
        { kind: "official", officialId: 1, officeKey: "salud", role: "official", active: true },
        { text: "x", segment: { kind: "everyone" } },
      ),
    ).toEqual({ ok: false, error: { code: "not_allowed" } });

    const sent = await createAnnouncement(
      app,
      { kind: "cli" },
      { text: "Jornada de salud el sábado.", segment: { kind: "interests", topics: ["salud"], districts: [] } },
    );
    expect(sent.ok && sent.recipients).toBe(10);
    expect(await sql(runtime, "select address from outbox where citizen_id = ?", twoChats)).toEqual([
      { address: "two-b-0" },
    ]);
  });
});

describe("scheduled sending", () => {
  it("releases at the scheduled time, once, with two processes' schedulers on one database", async () => {
    const a = await startBot({}, "a");
    const b = await startBot({}, "b");
    await seedCitizens(a.runtime, { count: 20, channel: "memory", nowMs: clock.nowMs() });
    const at = bogota("2026-03-03", "08:00");
    const created = await createAnnouncement(
      a.runtime.app,
      { kind: "cli" },
      { text: "Mañana corte de agua en la comuna 1.", segment: { kind: "everyone" }, scheduledAtMs: at },
    );
    expect(created.ok && created.announcement.status).toBe("scheduled");
    expect(created.ok && created.recipients).toBe(20);
    expect(await sql(a.runtime, "select count(*) n from outbox")).toEqual([{ n: 0 }]);

    clock.setMs(at - 1);
    await Promise.all([a.bot.scheduler.tick(), b.bot.scheduler.tick()]);
    expect(await sql(a.runtime, "select count(*) n from outbox")).toEqual([{ n: 0 }]);
    clock.setMs(at);
    await Promise.all([a.bot.scheduler.tick(), b.bot.scheduler.tick()]);
    await Promise.all([a.bot.dispatcher.tick(), b.bot.dispatcher.tick()]);
    expect(await sql(a.runtime, "select count(*) n from outbox")).toEqual([{ n: 20 }]);
    expect(a.channel.sent.length + b.channel.sent.length).toBe(20);
    const addresses = [...a.channel.sent, ...b.channel.sent].map((m) => m.address);
    expect(new Set(addresses).size).toBe(20);
    expect(await announcementProgress(a.runtime.app, created.ok ? created.announcement.id : 0)).toEqual({
      total: 20,
      queued: 0,
      sent: 20,
      failed: 0,
      unreachable: 0,
      uncertain: 0,
    });
  });
});

describe("rate-limited delivery", () => {
  it("sends at the channel's rate, and a citizen's reply overtakes the broadcast", async () => {
    const rate = 10;
    const { runtime, bot, channel } = await startBot({ ratePerSecond: rate, ratePerChatPerSecond: 1 });
    await seedCitizens(runtime, { count: 100, channel: "memory", nowMs: clock.nowMs(), mixLocales: true });
    const created = await createAnnouncement(
      runtime.app,
      { kind: "cli" },
      { text: "Feria de la transparencia este sábado.", segment: { kind: "everyone" } },
    );
    expect(created.ok).toBe(true);
    const start = clock.nowMs();
    const sentAt: number[] = [];
    const record = () => {
      while (sentAt.length < channel.sent.length) sentAt.push(clock.nowMs());
    };

    await bot.dispatcher.tick();
    record();
    // Citizen c95 (whose announcement row is near the end) writes while the broadcast goes out.
    clock.advanceMs(500);
    await bot.onInbound({
      channel: "memory",
      channelMessageId: "in-1",
      address: "c95",
      chatKind: "private",
      text: "menu",
      receivedAtMs: clock.nowMs(),
    });
    record();
    expect(channel.sent).toHaveLength(rate); // this second's slots are taken

    for (let step = 0; step < 200 && channel.sent.length < 101; step++) {
      clock.advanceMs(100);
      await bot.dispatcher.tick();
      record();
    }
    expect(channel.sent).toHaveLength(101);
    // Never more than `rate` sends in any 1-second window.
    for (const t of sentAt) expect(sentAt.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(rate);
    // ~101 sends at 10/s take ~10 s, not much more.
    expect(sentAt.at(-1)! - start).toBeLessThanOrEqual(10_500);
    // The reply is the first message of the next second, ahead of 80 queued announcements; the
    // announcement to c95 comes after it. Each citizen got it once, in their language.
    expect(channel.sent[rate]!.address).toBe("c95");
    expect(channel.sent[rate]!.text).not.toContain("Feria de la transparencia");
    expect(channel.to("c95").map((m) => m.text.includes("Feria de la transparencia"))).toEqual([false, true]);
    expect(channel.to("c9")[0]!.text).toContain("To stop getting these announcements, type STOP.");
    expect(channel.to("c8")[0]!.text).toContain("Para dejar de recibir estos avisos, escriba SALIR.");
    expect(new Set(channel.sent.map((m) => m.address)).size).toBe(100);
  });
});

describe("dispatching a large backlog", () => {
  it("claims only what the rate window lets through: the rest of the broadcast is not touched", async () => {
    const { runtime, bot, channel } = await startBot({ ratePerSecond: 10, ratePerChatPerSecond: 1 });
    await seedCitizens(runtime, { count: 1000, channel: "memory", nowMs: clock.nowMs() });
    await createAnnouncement(
      runtime.app,
      { kind: "cli" },
      { text: "Feria de la transparencia.", segment: { kind: "everyone" } },
    );
    const created = clock.nowMs();
    await bot.dispatcher.tick();
    await bot.dispatcher.tick();
    expect(channel.sent).toHaveLength(10);
    // No row was claimed and pushed back (no churn through the queue while the window is full).
    expect(
      await sql(
        runtime,
        "select count(*) n from outbox where status = 'pending' and (claimed_by is not null or not_before_ms <> ?)",
        created,
      ),
    ).toEqual([{ n: 0 }]);
    clock.advanceMs(1000);
    await bot.dispatcher.tick();
    expect(channel.sent).toHaveLength(20);
  });
});

describe("quiet hours", () => {
  it("holds bulk messages from 21:00 to 07:00 while replies still go out", async () => {
    const { runtime, bot, channel } = await startBot({ ratePerSecond: 1, ratePerChatPerSecond: 0 });
    await seedCitizens(runtime, { count: 5, channel: "memory", nowMs: clock.nowMs() });
    clock.setMs(bogota("2026-03-02", "20:59") + 57_000);
    await createAnnouncement(
      runtime.app,
      { kind: "cli" },
      { text: "Audiencia pública el martes.", segment: { kind: "everyone" } },
    );
    for (let i = 0; i < 10; i++) {
      await bot.dispatcher.tick();
      clock.advanceMs(1000);
    }
    // Three went out before 21:00; the rest wait.
    expect(channel.sent).toHaveLength(3);
    await bot.onInbound({
      channel: "memory",
      channelMessageId: "night-1",
      address: "c4",
      chatKind: "private",
      text: "menu",
      receivedAtMs: clock.nowMs(),
    });
    expect(channel.sent).toHaveLength(4);
    expect(channel.sent[3]!.address).toBe("c4");
    expect(channel.sent[3]!.text).not.toContain("Audiencia pública");
    clock.setMs(bogota("2026-03-03", "06:59"));
    await bot.dispatcher.tick();
    expect(channel.sent).toHaveLength(4);
    clock.setMs(bogota("2026-03-03", "07:00"));
    for (let i = 0; i < 3; i++) {
      await bot.dispatcher.tick();
      clock.advanceMs(1000);
    }
    expect(channel.sent).toHaveLength(6);
    expect(channel.sent.slice(4).every((m) => m.text.includes("Audiencia pública el martes."))).toBe(true);
  });
});
