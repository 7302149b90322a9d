/**
 * Contract test of the sent-message references (src/db/repositories/sent-refs.ts is the
 * specification): the same calls on SQLite and on PostgreSQL give the same answers. Skipped without
 * RINDE_TEST_DATABASE_URL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Office } from "../../../src/config/profile.ts";
import { installationSecret, openDb, type Db } from "../../../src/db/client.ts";
import type { Repos } from "../../../src/db/port.ts";
import { createPgRepos } from "../../../src/db/postgres/repositories/index.ts";
import { createPostgresStore } from "../../../src/db/postgres/store.ts";
import { createSqliteStore } from "../../../src/db/sqlite/store.ts";
import { openFreshPostgres, postgresAvailable } from "../../helpers/postgres.ts";

const T0 = Date.UTC(2026, 3, 1, 15);
const office = {
  key: "obras",
  category: "infraestructura",
  name: "Obras",
  head: "Jefe",
  description: "Obras.",
  keywords: [],
  examples: [],
} as unknown as Office;

/** One scenario, its answers in order. */
async function scenario(r: Repos): Promise<unknown[]> {
  await r.offices.syncFromProfile([office], T0);
  const citizen = await r.citizens.create("telegram", "55", "es", T0);
  const question = await r.questions.insert({
    reference: "RC-2026-000001",
    citizenId: citizen.citizenId,
    officeKey: "obras",
    requestType: "general",
    status: "open",
    text: "¿Cuándo arreglan la vía?",
    channel: "telegram",
    filedAtMs: T0,
    termBusinessDays: 15,
    dueDate: "2026-04-22",
    termStartedAtMs: T0,
    updatedAtMs: T0,
    eventId: null,
  });
  const run = await r.surveys.insertRun({
    surveyId: "s",
    surveyVersion: 1,
    definition: "{}",
    trigger: "segment",
    deliverAfterMs: T0,
    expiresAtMs: T0 + 1e9,
    createdBy: "test",
    createdAtMs: T0,
  });
  const [invitation] = await r.surveys.invite(run.id, [citizen.citizenId], T0);
  const queue = async (key: string, address: string, about: Parameters<Repos["sentRefs"]["record"]>[1] | undefined) => {
    const id = (await r.outbox.enqueue(
      { idempotencyKey: key, channel: "telegram", address, payload: { text: key } },
      T0,
    ))!;
    if (about) await r.sentRefs.record(id, about, T0);
    return id;
  };
  const notice = await queue("notice", "-100", { kind: "question_notice", questionId: question.id });
  const prompt = await queue("prompt", "-100", {
    kind: "staff_reply",
    questionId: question.id,
    staffPrompt: { kind: "reassign", officeKey: "obras" },
  });
  const plain = await queue("plain", "-100", undefined);
  const request = await queue("request", "55", {
    kind: "info_request",
    questionId: question.id,
    citizenId: citizen.citizenId,
  });
  const firstSurvey = await queue("survey", "55", {
    kind: "survey_start",
    citizenId: citizen.citizenId,
    surveyInvitationId: invitation!.id,
  });
  const answers: unknown[] = [await r.sentRefs.latestSurveyStart(invitation!.id)];
  await r.outbox.withdrawPending(firstSurvey, "survey_superseded", T0);
  await queue("survey:again", "55", {
    kind: "survey_start",
    citizenId: citizen.citizenId,
    surveyInvitationId: invitation!.id,
  });
  // A second record of one message is ignored.
  await r.sentRefs.record(notice, { kind: "menu" }, T0);
  // Sent, one chat at a time (a chat's rows go in order): each message gets its channel id.
  for (let round = 0; round < 4; round++) {
    for (const row of await r.outbox.claim({
      channels: ["telegram"],
      workerId: "w",
      nowMs: T0,
      claimMs: 60_000,
      limit: 10,
    })) {
      await r.outbox.markSent(row.id, "w", `${row.address}:${row.id}`, T0);
    }
  }
  // An edit keeps the message's id: the notice is still what that id is about.
  const edit = await queue("edit", "-100", { kind: "notice_edit", questionId: question.id });
  for (const row of await r.outbox.claim({
    channels: ["telegram"],
    workerId: "w",
    nowMs: T0,
    claimMs: 60_000,
    limit: 10,
  })) {
    await r.outbox.markSent(row.id, "w", `-100:${notice}`, T0);
  }
  answers.push(
    edit > notice,
    await r.sentRefs.byChannelMessage("telegram", `-100:${notice}`),
    await r.sentRefs.byChannelMessage("telegram", `-100:${prompt}`),
    await r.sentRefs.byChannelMessage("telegram", `-100:${plain}`),
    // A message with no reference still leads to its row (a menu's buttons); the edit's id leads to the notice.
    (await r.sentRefs.firstOutboxId("telegram", `-100:${plain}`)) === plain,
    (await r.sentRefs.firstOutboxId("telegram", `-100:${notice}`)) === notice,
    await r.sentRefs.firstOutboxId("telegram", "-100:0"),
    await r.sentRefs.byChannelMessage("telegram", `55:${request}`),
    await r.sentRefs.byChannelMessage("whatsapp", `55:${request}`),
    (await r.sentRefs.sentNotices(question.id)).map((n) => ({ ...n, outboxId: n.outboxId === notice })),
    await r.sentRefs.latestSurveyStart(invitation!.id),
    await r.sentRefs.latestSurveyStart(invitation!.id + 1),
  );
  return answers;
}

describe.skipIf(!postgresAvailable)("sent-message references on PostgreSQL, against SQLite", () => {
  let dir: string;
  let sqlite: Db;
  let pg: Awaited<ReturnType<typeof openFreshPostgres>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-sent-refs-"));
    sqlite = openDb(join(dir, "rinde.db"));
    pg = await openFreshPostgres({ max: 2 });
  });

  afterAll(async () => {
    await pg?.close();
    sqlite?.$client.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers every call as the SQLite repository does", async () => {
    const lite = createSqliteStore(sqlite);
    const post = createPostgresStore(
      pg,
      (q) => createPgRepos(q, { secret: installationSecret(sqlite) }) as unknown as Repos,
    );
    const expected = await lite.withTransaction(scenario);
    expect(expected[2]).toMatchObject({ kind: "question_notice" });
    expect(expected[3]).toMatchObject({ kind: "staff_reply", staffPrompt: { kind: "reassign", officeKey: "obras" } });
    expect(expected[4]).toBeUndefined();
    expect(expected.slice(5, 8)).toEqual([true, true, undefined]);
    expect(await post.withTransaction(scenario)).toEqual(expected);
  });
});
