/**
 * "Delete my data" (Ley 1581 de 2012, art. 8 e) leaves nothing personal behind: after a citizen
 * erases their data, no table and no column of the SQLite file holds their words or their address
 * (consent proof stays, and holds neither), and answering their question later sends only the
 * placeholder, never the erased text.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followCommitment } from "../../src/services/commitments.ts";
import { answerQuestion } from "../../src/services/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { record } from "./commitments-helpers.ts";

const ADDRESS = "573001112233@s.whatsapp.net";
const PHONE = "573001112233";
const WORDS = "Soy Zoraida Quiñones, cédula 52.123.456, el alumbrado de la calle 10 está dañado hace semanas";
const NAME = "Zoraida Quiñones";
const GROUP = "-100777";

type Db = Harness["runtime"]["db"]["$client"];

/** Every row of every table where any column contains `needle`, as `table: row`. */
function rowsContaining(db: Db, needle: string): string[] {
  const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
  const found: string[] = [];
  for (const { name } of tables) {
    const columns = (db.prepare(`pragma table_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
    const where = columns.map((c) => `cast("${c}" as text) like ?`).join(" or ");
    for (const row of db.prepare(`select * from "${name}" where ${where}`).all(...columns.map(() => `%${needle}%`))) found.push(`${name}: ${JSON.stringify(row)}`);
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
    const db = h.runtime.db.$client;
    for (const office of app.repos.offices.list()) app.repos.offices.bind(office.key, { telegramChatId: GROUP }, h.clock.nowMs());
    const reference = await fileQuestion(h, ADDRESS, WORDS);
    const citizenId = app.repos.citizens.findContext("memory", ADDRESS)!.citizenId;
    expect(followCommitment(app, citizenId, record(h, { text: "Reparar el alumbrado de la calle 10" }).number).ok).toBe(true);
    // The office group's notice was delivered (so answering edits it later).
    db.prepare("update outbox set status = 'sent', channel_message_id = ? where address = ?").run(`${GROUP}:55`, GROUP);
    expect(rowsContaining(db, NAME).some((r) => r.startsWith("outbox:"))).toBe(true);

    await h.say(ADDRESS, "privacidad");
    await h.say(ADDRESS, "3");
    const deleted = await h.say(ADDRESS, "1");
    expect(deleted.at(-1)?.text).toContain("Borramos sus datos");

    expect(rowsContaining(db, NAME)).toEqual([]);
    expect(rowsContaining(db, "52.123.456")).toEqual([]);
    expect(rowsContaining(db, "calle 10 está dañado")).toEqual([]);
    // The only trace of the address is the confirmation of the erasure, which has to reach them.
    const withAddress = rowsContaining(db, PHONE);
    expect(withAddress).toHaveLength(1);
    expect(withAddress[0]).toMatch(/^outbox: .*Borramos sus datos/);
    expect(db.prepare("select count(*) n from commitment_followers").get()).toEqual({ n: 0 });
    expect((db.prepare("select count(*) n from consents where citizen_id = ?").get(citizenId) as { n: number }).n).toBeGreaterThan(0); // the proof stays
    // The group's notice stays in the group, with the placeholder instead of the citizen's words.
    const notice = db.prepare("select payload from outbox where address = ? order by id limit 1").get(GROUP) as { payload: string };
    expect(JSON.parse(notice.payload).text).toContain(reference);
    expect(JSON.parse(notice.payload).text).toContain("[Texto eliminado a solicitud del ciudadano]");
    // Nothing still waiting for the citizen will be sent.
    expect(db.prepare("select count(*) n from outbox where status = 'pending' and (address = '' or citizen_id = ?)").get(citizenId)).toEqual({ n: 0 });

    const lastId = (db.prepare("select max(id) id from outbox").get() as { id: number }).id;
    expect(answerQuestion(app, { kind: "cli" }, reference, "Ya se programó la reparación.").ok).toBe(true);
    const added = db.prepare("select address, payload from outbox where id > ?").all(lastId) as { address: string; payload: string }[];
    expect(added.some((r) => r.address === GROUP && JSON.parse(r.payload).editChannelMessageId === `${GROUP}:55`)).toBe(true);
    for (const row of added) {
      expect(row.payload).not.toContain(NAME);
      expect(row.address).not.toContain(PHONE);
    }
    expect(rowsContaining(db, NAME)).toEqual([]);
  });
});
