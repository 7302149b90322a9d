/**
 * "Delete my data" (Ley 1581 de 2012, art. 8 e) leaves nothing personal behind: after a citizen
 * erases their data, no table and no column of the database holds their words or their address
 * (consent proof stays, and holds neither), and answering their question later sends only the
 * placeholder, never the erased text.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followCommitment } from "../../src/services/commitments/commitments.ts";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { onPostgres, sqlRow, sqlRows, tablesOf } from "../helpers/storage.ts";
import { record } from "./commitments-helpers.ts";

const ADDRESS = "573001112233@s.whatsapp.net";
const PHONE = "573001112233";
const WORDS = "Soy Zoraida Quiñones, cédula 52.123.456, el alumbrado de la calle 10 está dañado hace semanas";
const NAME = "Zoraida Quiñones";
const GROUP = "-100777";

/** Every row of every table where any column contains `needle`, as `table: row`. */
async function rowsContaining(runtime: Harness["runtime"], needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const { table, columns } of await tablesOf(runtime)) {
    const where = columns.map((c) => `cast("${c}" as text) like ?`).join(" or ");
    for (const row of await sqlRows(
      runtime,
      `select * from "${table}" where ${where}`,
      columns.map(() => `%${needle}%`),
    ))
      found.push(`${table}: ${JSON.stringify(row)}`);
  }
  return found;
}

describe("erasure of a citizen's data", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("leaves neither the citizen's words nor their address in any table, and an answer does not send them again", async () => {
    const app = h.runtime.app;
    for (const office of await app.repos.offices.list())
      await app.repos.offices.bind(office.key, { telegramChatId: GROUP }, h.clock.nowMs());
    const reference = await fileQuestion(h, ADDRESS, WORDS);
    const citizenId = (await app.repos.citizens.findContext("memory", ADDRESS))!.citizenId;
    expect(
      (
        await followCommitment(
          app,
          citizenId,
          (await record(h, { text: "Reparar el alumbrado de la calle 10" })).number,
        )
      ).ok,
    ).toBe(true);
    // The office group's notice was delivered (so answering edits it later).
    await sqlRows(h.runtime, "update outbox set status = 'sent', channel_message_id = ? where address = ?", [
      `${GROUP}:55`,
      GROUP,
    ]);
    expect((await rowsContaining(h.runtime, NAME)).some((r) => r.startsWith("outbox:"))).toBe(true);

    await h.say(ADDRESS, "privacidad");
    await h.say(ADDRESS, "3");
    const deleted = await h.say(ADDRESS, "1");
    expect(deleted.at(-1)?.text).toContain("Borramos sus datos");

    expect(await rowsContaining(h.runtime, NAME)).toEqual([]);
    expect(await rowsContaining(h.runtime, "52.123.456")).toEqual([]);
    expect(await rowsContaining(h.runtime, "calle 10 está dañado")).toEqual([]);
    // The confirmation of the erasure reached them, and then forgot where it went (issue 19).
    expect(h.last(ADDRESS)).toContain("Borramos sus datos");
    expect(await rowsContaining(h.runtime, PHONE)).toEqual([]);
    // The group's notice, already delivered, is rewritten there with the placeholder.
    const edits = (
      (await sqlRows(h.runtime, "select payload from outbox where address = ? and idempotency_key like 'erased:%'", [
        GROUP,
      ])) as { payload: string }[]
    ).map((r) => JSON.parse(r.payload) as { text: string; editChannelMessageId?: string });
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) {
      expect(edit.editChannelMessageId).toBe(`${GROUP}:55`);
      expect(edit.text).toContain("[Texto eliminado a solicitud del ciudadano]");
    }
    // The inbound log keeps keyed hashes only, none tied to the citizen.
    expect(await sqlRow(h.runtime, "select count(*) n from inbound_messages where citizen_id is not null")).toEqual({
      n: 0,
    });
    expect(await sqlRow(h.runtime, "select count(*) n from commitment_followers")).toEqual({ n: 0 });
    expect(
      ((await sqlRow(h.runtime, "select count(*) n from consents where citizen_id = ?", [citizenId])) as { n: number })
        .n,
    ).toBeGreaterThan(0); // the proof stays
    // The group's notice stays in the group, with the placeholder instead of the citizen's words.
    const notice = (await sqlRow(h.runtime, "select payload from outbox where address = ? order by id limit 1", [
      GROUP,
    ])) as { payload: string };
    expect(JSON.parse(notice.payload).text).toContain(reference);
    expect(JSON.parse(notice.payload).text).toContain("[Texto eliminado a solicitud del ciudadano]");
    // Nothing still waiting for the citizen will be sent.
    expect(
      await sqlRow(
        h.runtime,
        "select count(*) n from outbox where status = 'pending' and (address = '' or citizen_id = ?)",
        [citizenId],
      ),
    ).toEqual({ n: 0 });

    const lastId = ((await sqlRow(h.runtime, "select max(id) id from outbox")) as { id: number }).id;
    expect((await answerQuestion(app, { kind: "cli" }, reference, "Ya se programó la reparación.")).ok).toBe(true);
    const added = (await sqlRows(h.runtime, "select address, payload from outbox where id > ?", [lastId])) as {
      address: string;
      payload: string;
    }[];
    expect(added.some((r) => r.address === GROUP && JSON.parse(r.payload).editChannelMessageId === `${GROUP}:55`)).toBe(
      true,
    );
    for (const row of added) {
      expect(row.payload).not.toContain(NAME);
      expect(row.address).not.toContain(PHONE);
    }
    expect(await rowsContaining(h.runtime, NAME)).toEqual([]);

    // And the raw bytes: neither the database file nor its WAL holds the citizen's words or number
    // (SQLite's secure_delete and WAL truncation; on PostgreSQL the files are the server's).
    if (onPostgres) return;
    await waitForWalTruncated(h);
    for (const needle of [NAME, "52.123.456", "calle 10 está dañado", PHONE]) {
      for (const file of [h.dbPath, `${h.dbPath}-wal`])
        expect(rawContains(file, needle), `${needle} in ${file}`).toBe(false);
    }
  });

  it("erases a shared location: the attachment, and the office's pin and its line with the coordinates", async () => {
    const app = h.runtime.app;
    await app.repos.offices.bind("infraestructura", { telegramChatId: GROUP }, h.clock.nowMs());
    await h.say(ADDRESS, "hola");
    await h.say(ADDRESS, "1");
    const place = { fileRef: "geo:4.6097102,-74.0817534", placeName: "Parque Santander", placeAddress: "Cra. 7 #16" };
    const received = await h.say(ADDRESS, "", { media: { kind: "location", ...place } });
    expect(received[0]?.text).toContain("Recibimos la ubicación");
    await h.say(ADDRESS, "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses");
    await h.say(ADDRESS, "1");
    await h.say(ADDRESS, "1");
    const pins = (await sqlRows(h.runtime, "select id, payload from outbox where address = ? and payload like ?", [
      GROUP,
      "%location%",
    ])) as { id: number; payload: string }[];
    expect(pins).toHaveLength(1);
    expect(JSON.parse(pins[0]!.payload)).toMatchObject({
      // The citizen's phone named the place: inert in the officials' chat (#16 is no hashtag there).
      text: expect.stringContaining("ubicación 4.6097102, -74.0817534 (Parque Santander, Cra. 7 #\u206016)"),
      location: { latitude: 4.6097102, longitude: -74.0817534, name: "Parque Santander", address: "Cra. 7 #16" },
    });
    // The line with the coordinates was delivered to the group; the pin after it may not have been.
    await sqlRows(h.runtime, "update outbox set status = 'sent', channel_message_id = ? where id = ?", [
      `${GROUP}:56`,
      pins[0]!.id,
    ]);

    await h.say(ADDRESS, "privacidad");
    await h.say(ADDRESS, "3");
    expect((await h.say(ADDRESS, "1")).at(-1)?.text).toContain("Borramos sus datos");
    for (const needle of ["4.6097102", "74.0817534", "Parque Santander", "Cra. 7 #"])
      expect(await rowsContaining(h.runtime, needle), needle).toEqual([]);
    expect(await sqlRow(h.runtime, "select count(*) n from question_attachments")).toEqual({ n: 0 });
    // The delivered line is rewritten in the group with the placeholder.
    const edit = (await sqlRow(h.runtime, "select payload from outbox where idempotency_key = ?", [
      `erased:${pins[0]!.id}`,
    ])) as { payload: string };
    expect(JSON.parse(edit.payload)).toEqual({
      text: "[Texto eliminado a solicitud del ciudadano]",
      editChannelMessageId: `${GROUP}:56`,
    });
  });

  it("the official's answer stays as the entity's record, without the citizen's number or words", async () => {
    const app = h.runtime.app;
    const reference = await fileQuestion(h, ADDRESS, WORDS);
    expect(
      (
        await answerQuestion(
          app,
          { kind: "cli" },
          reference,
          `Sra. Zoraida: al número ${PHONE} le confirmamos la reparación.`,
        )
      ).ok,
    ).toBe(true);
    await h.say(ADDRESS, "privacidad");
    await h.say(ADDRESS, "3");
    await h.say(ADDRESS, "1");
    const answer = (await app.repos.questions.byReference(reference))!.answerText!;
    expect(answer).toContain("le confirmamos la reparación");
    expect(answer).not.toContain(PHONE);
  });
});

/** Whether the file's raw bytes contain `needle` (UTF-8). */
function rawContains(file: string, needle: string): boolean {
  return existsSync(file) && readFileSync(file).includes(Buffer.from(needle, "utf8"));
}

/** The bot's checkpoint empties the WAL after an erasure (within a few of its 1-second ticks). */
async function waitForWalTruncated(h: Harness): Promise<void> {
  const wal = `${h.dbPath}-wal`;
  for (let i = 0; i < 100 && existsSync(wal) && statSync(wal).size > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
}
