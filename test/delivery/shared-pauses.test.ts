/**
 * Channel-wide pauses are shared by every process on the database (issue 13): a dispatcher told by
 * the channel to stop (Telegram's 429 with retry_after) stores the pause, and another process's
 * dispatcher, with its own channel connection, sends nothing on that channel until it ends. On
 * SQLite (two connections to one file) and on PostgreSQL (two pools on one schema) when
 * RINDE_TEST_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SendResult } from "../../src/channels/channel.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { openDb } from "../../src/db/client.ts";
import type { Repos } from "../../src/db/port.ts";
import { createPgRepos } from "../../src/db/postgres/repositories/index.ts";
import { createPostgresStore } from "../../src/db/postgres/store.ts";
import { createSqliteStore } from "../../src/db/sqlite/store.ts";
import { createDispatcher } from "../../src/delivery/dispatcher.ts";
import { silentLogger } from "../../src/logger.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";
import { openFreshPostgres, postgresAvailable } from "../helpers/postgres.ts";

const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two processes' views of one fresh database. */
type TwoViews = () => Promise<[Repos, Repos]>;

const sqliteViews: TwoViews = async () => {
  const dir = mkdtempSync(join(tmpdir(), "rinde-pauses-"));
  const [a, b] = [openDb(join(dir, "rinde.db")), openDb(join(dir, "rinde.db"))];
  cleanups.push(() => {
    a.$client.close();
    b.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return [createSqliteStore(a).repos, createSqliteStore(b).repos];
};

const postgresViews: TwoViews = async () => {
  const pg = await openFreshPostgres();
  cleanups.push(() => pg.close());
  const secret = randomBytes(32);
  const other = await pg.reopen();
  return [
    createPostgresStore(pg, (q) => createPgRepos(q, { secret })).repos,
    createPostgresStore(other, (q) => createPgRepos(q, { secret })).repos,
  ];
};

const floodControl: Exclude<SendResult, { ok: true }> = {
  ok: false,
  kind: "retry",
  retryAfterMs: 5000,
  reason: "429: Too Many Requests: retry after 5",
  scope: "channel",
};

describe.each([
  { engine: "SQLite", views: sqliteViews, skip: false },
  { engine: "PostgreSQL", views: postgresViews, skip: !postgresAvailable },
])("shared channel pauses on $engine", ({ views, skip }) => {
  it.skipIf(skip)(
    "a pause one process was told stops the other process's sends on that channel until it ends, and only on that channel",
    async () => {
      const [first, second] = await views();
      const clock = createManualClock(T0);
      const channelA = createMemoryChannel();
      const channelB = createMemoryChannel();
      const otherChannelB = createMemoryChannel({ id: "console" });
      const dispatcherA = createDispatcher({
        repos: first,
        channels: [channelA],
        clock,
        logger: silentLogger,
        workerId: "a",
        pauseRefreshMs: 0,
      });
      const dispatcherB = createDispatcher({
        repos: second,
        channels: [channelB, otherChannelB],
        clock,
        logger: silentLogger,
        workerId: "b",
        pauseRefreshMs: 0,
      });
      const enqueue = (repos: Repos, key: string, address: string, channel = "memory") =>
        repos.outbox.enqueue({ idempotencyKey: key, channel, address, payload: { text: key } }, clock.nowMs());

      await enqueue(first, "A1", "chat-a");
      channelA.failNext(floodControl);
      expect(await dispatcherA.tick()).toBe(0);
      expect(await first.channelPauses.active(["memory"], clock.nowMs())).toMatchObject([
        { channel: "memory", pausedUntilMs: T0 + 5000, reason: floodControl.reason },
      ]);

      // The other process, which was never refused, holds its sends of that channel too.
      clock.advanceMs(1000);
      await enqueue(second, "B1", "chat-b");
      await enqueue(second, "C1", "chat-c", "console");
      expect(await dispatcherB.tick()).toBe(1);
      expect(otherChannelB.sent.map((m) => m.text)).toEqual(["C1"]);
      clock.setMs(T0 + 4999);
      expect(await dispatcherB.tick()).toBe(0);
      expect(channelB.sent).toHaveLength(0);

      // A shorter pause written later does not cut the running one short.
      await second.channelPauses.pauseUntil("memory", T0 + 2000, "shorter", clock.nowMs());
      expect(await second.channelPauses.active(["memory"], clock.nowMs())).toMatchObject([
        { pausedUntilMs: T0 + 5000 },
      ]);

      clock.setMs(T0 + 5000);
      expect(await dispatcherB.tick()).toBe(2);
      expect(channelB.sent.map((m) => m.text).sort()).toEqual(["A1", "B1"]);
      expect(channelA.sent).toHaveLength(0);
      expect(await first.channelPauses.active(["memory"], clock.nowMs())).toEqual([]);
    },
  );
});
