/**
 * Upgrading a SQLite database to the sent-message references (migration 0017_sent_refs): messages
 * queued before it get their reference from their key and payload, so replies, buttons and surveys
 * in flight keep working after the upgrade.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { asc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/env.ts";
import type { Db } from "../../src/db/client.ts";
import { createSentRefsRepo } from "../../src/db/repositories/sent-refs.ts";
import * as schema from "../../src/db/schema.ts";

const MIGRATIONS = join(PROJECT_ROOT, "migrations", "sqlite");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A database migrated up to (not including) `tag`, as an installation before the upgrade has it. */
function databaseBefore(tag: string): Db {
  dir = mkdtempSync(join(tmpdir(), "rinde-backfill-"));
  const older = join(dir, "migrations");
  cpSync(MIGRATIONS, older, { recursive: true });
  const journalFile = join(older, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  const sqlite = new Database(join(dir, "rinde.db"));
  sqlite.pragma("foreign_keys = OFF");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: older });
  return db;
}

describe("migration 0017_sent_refs", () => {
  it("gives messages queued before it their references", () => {
    const db = databaseBefore("0017_sent_refs");
    // Foreign keys are off on this handle: the rows below name questions, citizens and invitations by id only.
    const rows: [number, string, string, number | null, number | null, object, string | null][] = [
      [
        1,
        "q:7:filed:hacienda:group-1",
        "telegram",
        7,
        null,
        { text: "notice", buttons: [{ label: "Responder", action: "a:7" }] },
        "-100:11",
      ],
      [
        2,
        "q:7:filed:hacienda:group-1:file-1",
        "telegram",
        7,
        null,
        { text: "file", media: { kind: "photo", fileRef: "f" } },
        "-100:12",
      ],
      [
        3,
        "in:40:0",
        "telegram",
        7,
        null,
        { text: "prompt", forceReply: true, staffPrompt: { kind: "reassign", officeKey: "obras" } },
        "-100:13",
      ],
      [4, "q:7:info-request-3", "telegram", 7, 5, { text: "¿Qué barrio?" }, "55:20"],
      [5, "q:7:answer", "telegram", 7, 5, { text: "answer" }, "55:21"],
      [6, "q:7:info-provided-4:group-1", "telegram", 7, null, { text: "info" }, "-100:14"],
      [7, "q:7:notice-closed:1", "telegram", 7, null, { text: "closed", editChannelMessageId: "-100:11" }, "-100:11"],
      [8, "in:41", "telegram", null, 5, { text: "menu", options: ["Sí", "No"] }, "55:22"],
      [9, "in:42", "telegram", null, 5, { text: "plain" }, "55:23"],
      [10, "survey:i3:start", "telegram", null, 5, { text: "survey", options: ["1", "2"] }, null],
      [11, "survey:i3:start:o10", "telegram", null, 5, { text: "survey again", options: ["1", "2"] }, "55:24"],
      [12, "ann:2:5", "telegram", null, 5, { text: "announcement" }, "55:25"],
    ];
    const insert = db.$client.prepare(
      "insert into outbox (id, idempotency_key, channel, address, question_id, citizen_id, payload, status, channel_message_id, not_before_ms, created_at_ms) values (?, ?, ?, 'chat', ?, ?, ?, ?, ?, 0, 0)",
    );
    for (const [id, key, channel, questionId, citizenId, payload, channelMessageId] of rows) {
      insert.run(
        id,
        key,
        channel,
        questionId,
        citizenId,
        JSON.stringify(payload),
        channelMessageId ? "sent" : "failed",
        channelMessageId,
      );
    }
    migrate(db, { migrationsFolder: MIGRATIONS });

    const refs = db.select().from(schema.sentRefs).orderBy(asc(schema.sentRefs.outboxId)).all();
    expect(
      refs.map((r) => [r.outboxId, r.kind, r.questionId, r.citizenId, r.surveyInvitationId, r.staffPrompt]),
    ).toEqual([
      [1, "question_notice", 7, null, null, null],
      [2, "question_file", 7, null, null, null],
      [3, "staff_reply", 7, null, null, { kind: "reassign", officeKey: "obras" }],
      [4, "info_request", 7, 5, null, null],
      [5, "citizen_notice", 7, 5, null, null],
      [6, "question_update", 7, null, null, null],
      [7, "notice_edit", 7, null, null, null],
      [8, "menu", null, 5, null, null],
      [10, "survey_start", null, 5, 3, null],
      [11, "survey_start", null, 5, 3, null],
    ]);
    const sent = createSentRefsRepo(db);
    // The reads that replaced the outbox's keys and payloads find the same things.
    expect(sent.byChannelMessage("telegram", "-100:11")?.kind).toBe("question_notice");
    expect(sent.byChannelMessage("telegram", "-100:13")?.staffPrompt).toEqual({ kind: "reassign", officeKey: "obras" });
    expect(sent.byChannelMessage("telegram", "55:20")).toMatchObject({
      kind: "info_request",
      questionId: 7,
      citizenId: 5,
    });
    expect(sent.byChannelMessage("telegram", "55:23")).toBeUndefined();
    expect(sent.sentNotices(7).map((n) => [n.outboxId, n.channelMessageId])).toEqual([[1, "-100:11"]]);
    expect(sent.latestSurveyStart(3)).toEqual({ outboxId: 11, status: "sent" });
  });
});
