/**
 * `rinde db copy` (issue 13, moving an alcaldía): a SQLite database seeded through the real services
 * (a conversation and its question, events, commitments, surveys, the staff audit log, WhatsApp auth
 * rows) is copied to PostgreSQL, and a runtime opened on the copy works with it: the citizen asks the
 * status of their radicado, a message id already seen is still a duplicate (the installation key
 * came along), and the next radicado and commitment number continue the sequences. Then a second
 * copy onto the now non-empty target is refused, and `--replace` replaces it. Skipped without
 * RINDE_TEST_DATABASE_URL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAuthCreds } from "@whiskeysockets/baileys";
import { is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import * as sqliteSchema from "../../src/db/schema.ts";
import { openPostgres, type Postgres } from "../../src/db/postgres/client.ts";
import { createPgWhatsAppAuthRepo } from "../../src/db/postgres/repositories/whatsapp-auth.ts";
import { createWhatsAppAuthRepo } from "../../src/db/repositories/whatsapp-auth.ts";
import { audit } from "../../src/services/backoffice/audit.ts";
import { completeSetup, createSetupLink, resolveSession, startSession } from "../../src/services/backoffice/auth.ts";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { runOn, runRinde } from "../helpers/cli.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { freshSchema, postgresAvailable, url } from "../helpers/postgres.ts";

const ANA = "ana";
const BETO = "beto";
const NOW_MS = Date.UTC(2026, 2, 2, 15, 0, 0);

describe.skipIf(!postgresAvailable)("rinde db copy (SQLite → PostgreSQL)", () => {
  let dir: string;
  let sqlitePath: string;
  let keyDest: string;
  let target: string;
  let schema: { schema: string; drop(): Promise<void> };
  let pg: Postgres;
  let reference: string;
  let creds: ReturnType<typeof initAuthCreds>;
  let copy: Awaited<ReturnType<typeof runRinde>>;
  let sessionId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rinde-db-copy-"));
    keyDest = join(dir, "pg", "rinde.key");
    schema = await freshSchema();
    target = `${url}?schema=${schema.schema}`;

    // --- The SQLite installation, written through the real services.
    const h = await createHarness({ storage: "sqlite" }); // the source: a SQLite file on either run
    sqlitePath = join(dir, "rinde.db");
    reference = await fileQuestion(h, ANA);
    await fileQuestion(h, BETO, "Solicito copia del contrato de mantenimiento del parque del barrio La Esperanza");
    const cli = async (...args: string[]) => {
      const run = await runOn(h.runtime, args);
      expect(run.stderr, args.join(" ")).toBe("");
      return run.stdout;
    };
    await cli(
      "events",
      "create",
      "--kind",
      "public_hearing",
      "--title",
      "Audiencia de rendición de cuentas",
      "--date",
      "2026-03-20",
      "--start",
      "09:00",
      "--end",
      "12:00",
      "--place",
      "Teatro Municipal",
      "--districts",
      "comuna-1",
    );
    await cli(
      "commitments",
      "add",
      "--office",
      "infraestructura",
      "--due",
      "2026-06-30",
      "--text",
      "Pavimentar la calle 10",
      "--event",
      "1",
    );
    await cli("commitments", "progress", "1", "--percent", "40", "--note", "Contrato firmado");
    expect(
      (
        await answerQuestion(
          h.runtime.app,
          { kind: "cli" },
          reference,
          "Programamos la reparación para el 10 de marzo.",
        )
      ).ok,
    ).toBe(true);
    await cli("surveys", "send", "topics_consultation", "--segment", "everyone");
    await h.runtime.app.store.withTransaction(async () => {
      await audit(h.runtime.app, {
        officialId: null,
        action: "auth.sign_in_failed",
        subject: "nadie@example.org",
        outcome: "refused",
        before: null,
        after: { reason: "unknown_email", attempts: 2 },
      });
    });
    const setup = await createSetupLink(h.runtime.app);
    const admin = await completeSetup(h.runtime.app, setup.token, {
      name: "Ana Administradora",
      email: "ana@alcaldia.gov.co",
      password: "Rendicion-de-cuentas-2026!",
    });
    if (!admin.ok) throw new Error(`setup: ${admin.error}`);
    sessionId = (await startSession(h.runtime.app, admin.official.id)).sessionId;
    await h.bot.dispatcher.tick();
    const wa = createWhatsAppAuthRepo(h.runtime.db!, { nowMs: () => NOW_MS }).load();
    creds = wa.state.creds;
    wa.saveCreds();
    await wa.state.keys.set({
      "pre-key": { "1": { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) } },
    });
    // The file outlives the harness (whose close() removes its folder): closed, then moved aside with its key.
    await h.bot.stop();
    await h.runtime.close();
    writeFileSync(sqlitePath, readFileSync(h.dbPath));
    writeFileSync(`${sqlitePath}.key`, readFileSync(`${h.dbPath}.key`));
    rmSync(h.dir, { recursive: true, force: true });

    copy = await runRinde(["db", "copy", "--from", `sqlite:${sqlitePath}`, "--to", target], {
      RINDE_SECRET_FILE: keyDest,
    });
    pg = await openPostgres(url!, { schema: schema.schema, max: 2 });
  });

  afterAll(async () => {
    await pg?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies every table, prints the counts per table in Spanish, and copies the installation key", async () => {
    expect(copy.stderr).toBe("");
    expect(copy.status).toBe(0);
    expect(copy.stdout).toContain("en una sola transacción");
    expect(copy.stdout).toContain("filas en PostgreSQL");
    expect(copy.stdout).toMatch(/Copia terminada y verificada: \d+ tablas/);
    const sqlite = openDb(sqlitePath);
    try {
      for (const table of [
        "citizens",
        "questions",
        "question_events",
        "events",
        "commitments",
        "commitment_updates",
        "survey_runs",
        "survey_invitations",
        "staff_audit",
        "whatsapp_auth",
        "outbox",
        "reference_counters",
        "consents",
        "conversations",
        "inbound_messages",
      ]) {
        const rows = sqlite.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;
        expect(rows, table).toBeGreaterThan(0);
        expect(copy.stdout, table).toMatch(new RegExp(`^${table}\\s+${rows}\\s+${rows}$`, "m"));
        const copied = await pg.pool.query(`select count(*)::int as n from ${table}`);
        expect(copied.rows[0].n, table).toBe(rows);
      }
    } finally {
      sqlite.$client.close();
    }
    // Every table of the schema is listed, with equal counts on both sides.
    const listed = copy.stdout.split("\n").filter((line) => /^[a-z_]+\s+\d+\s+\d+$/.test(line));
    expect(listed.length).toBe(Object.values(sqliteSchema).filter((value) => is(value, SQLiteTable)).length);
    for (const line of listed) expect(line.split(/\s+/)[1], line).toBe(line.split(/\s+/)[2]);
    expect(readFileSync(keyDest, "utf8")).toBe(readFileSync(`${sqlitePath}.key`, "utf8"));
    expect(statSync(keyDest).mode & 0o777).toBe(0o600);
    expect(copy.stdout).toContain(`RINDE_SECRET_FILE=${keyDest}`);
  });

  it("turns JSON text into jsonb and 0/1 into booleans", async () => {
    const audited = await pg.pool.query(
      "select jsonb_typeof(after) as kind, after->>'reason' as reason, (after->>'attempts')::int as attempts, before from staff_audit where action = 'auth.sign_in_failed'",
    );
    expect(audited.rows).toEqual([{ kind: "object", reason: "unknown_email", attempts: 2, before: null }]);
    const offices = await pg.pool.query(
      "select pg_typeof(active)::text as type, bool_and(active) as all_active from offices group by 1",
    );
    expect(offices.rows).toEqual([{ type: "boolean", all_active: true }]);
  });

  it("a runtime on the copy: status by radicado, a seen message id is a duplicate, radicados and numbers continue", async () => {
    const p: Harness = await createHarness({ env: { DATABASE_URL: target, RINDE_SECRET_FILE: keyDest } });
    try {
      let n = 0;
      const say = (address: string, text: string) => p.say(address, text, { channelMessageId: `pg-${++n}` });
      // The harness numbered the SQLite run's messages msg-1, msg-2, …: the first one comes back.
      const again = await p.runtime.handler.handle({
        channel: "memory",
        channelMessageId: "msg-1",
        address: ANA,
        chatKind: "private",
        text: "hola",
        receivedAtMs: p.clock.nowMs(),
      });
      expect(again).toEqual({ status: "duplicate" });
      const fresh = await p.runtime.handler.handle({
        channel: "memory",
        channelMessageId: "never-seen",
        address: ANA,
        chatKind: "private",
        text: "menu",
        receivedAtMs: p.clock.nowMs(),
      });
      expect(fresh.status).toBe("handled");

      await say(ANA, "estado");
      await say(ANA, reference);
      expect(p.last(ANA)).toContain(`Radicado ${reference}`);
      expect(p.last(ANA)).toContain("Estado: respondida");

      // A new citizen on PostgreSQL: new ids from the reset sequences, the next radicado.
      await say("carla", "hola");
      await say("carla", "1");
      await say("carla", "El semáforo de la carrera 7 con calle 30 está dañado hace una semana");
      await say("carla", "1");
      const receipt = (await say("carla", "1")).at(-1)?.text ?? "";
      expect(receipt).toContain("RC-2026-000003");

      const added = await runOn(p.runtime, [
        "commitments",
        "add",
        "--office",
        "infraestructura",
        "--due",
        "2026-07-31",
        "--text",
        "Arreglar el semáforo",
      ]);
      expect(added.stderr).toBe("");
      expect((await p.runtime.app.repos.commitments.byNumber(2))?.text).toBe("Arreglar el semáforo");
      expect((await p.runtime.app.repos.commitments.byNumber(1))?.progress).toBe(40);

      const session = await resolveSession(p.runtime.app, sessionId);
      expect(session.ok && session.official.name).toBe("Ana Administradora");

      const entries = await p.runtime.app.repos.staffAudit.page({ limit: 10 });
      expect(entries.map((e) => [e.action, e.after])).toContainEqual([
        "auth.sign_in_failed",
        { reason: "unknown_email", attempts: 2 },
      ]);
    } finally {
      await p.close();
    }
  });

  it("the WhatsApp session reads back through the PostgreSQL auth store", async () => {
    const auth = createPgWhatsAppAuthRepo(() => pg.db, { nowMs: () => NOW_MS });
    expect(await auth.isPaired()).toBe(false);
    const loaded = await auth.load();
    expect(loaded.state.creds.noiseKey.public).toEqual(creds.noiseKey.public);
    expect(loaded.state.creds.registrationId).toBe(creds.registrationId);
    expect(await loaded.state.keys.get("pre-key", ["1"])).toEqual({
      "1": { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) },
    });
  });

  it("refuses a target that holds data, and --replace replaces it", async () => {
    const refused = await runRinde(["db", "copy", "--from", `sqlite:${sqlitePath}`, "--to", target], {
      RINDE_SECRET_FILE: keyDest,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /^rinde: La base PostgreSQL .* ya tiene datos \(\d+ filas en \d+ tablas: .*\)\. No se copió nada\. .*--replace/m,
    );
    const carla = await pg.pool.query("select count(*)::int as n from questions");
    expect(carla.rows[0].n).toBe(3); // the runtime's question is still there

    const replaced = await runRinde(["db", "copy", "--from", `sqlite:${sqlitePath}`, "--to", target, "--replace"], {
      RINDE_SECRET_FILE: keyDest,
    });
    expect(replaced.stderr).toBe("");
    expect(replaced.status).toBe(0);
    expect((await pg.pool.query("select count(*)::int as n from questions")).rows[0].n).toBe(2);
    expect(replaced.stdout).toContain("ya estaba en");
    // Sequences were reset again: the next identity is past the copied rows.
    const next = await pg.pool.query("insert into citizens (locale, created_at_ms) values ('es', 0) returning id");
    const max = await pg.pool.query("select max(id)::int as id from citizens where created_at_ms <> 0");
    expect(next.rows[0].id).toBe(max.rows[0].id + 1);
  });

  it("refuses bad arguments, a missing file, and a different key at the destination, before writing anything", async () => {
    const run = (args: string[], env: Record<string, string> = { RINDE_SECRET_FILE: keyDest }) =>
      runRinde(["db", "copy", ...args], env);
    expect((await run(["--from", sqlitePath, "--to", target])).stderr).toContain("--from debe ser sqlite:ARCHIVO");
    expect((await run(["--from", `sqlite:${sqlitePath}`, "--to", "mysql://x"])).stderr).toContain(
      "--to debe ser una dirección postgres://",
    );
    expect((await run(["--from", `sqlite:${join(dir, "nope.db")}`, "--to", target])).stderr).toContain(
      "No existe la base SQLite",
    );
    expect(existsSync(join(dir, "nope.db"))).toBe(false);
    const otherKey = join(dir, "other.key");
    writeFileSync(otherKey, "00".repeat(32));
    const differs = await run(["--from", `sqlite:${sqlitePath}`, "--to", target], { RINDE_SECRET_FILE: otherKey });
    expect(differs.status).toBe(1);
    expect(differs.stderr).toContain("Ya existe otra clave de instalación");
    expect((await run(["--help"])).stdout).toContain("rinde db copy --from sqlite:ARCHIVO");
  });
});
