/**
 * The floor: what the same conversation costs as raw better-sqlite3, with nothing of Rinde in the
 * way (no drizzle, no engine, no i18n, no JSON building). A fresh database file opened by the real
 * `openDb` (so the same migrations, indexes, foreign keys and pragmas: WAL, synchronous=NORMAL),
 * then hand-written prepared statements, one IMMEDIATE transaction per message, citizens interleaved
 * exactly like the Rinde run. Rows carry the same number of bytes as Rinde's (see StepShape).
 *
 * Per message, as the handler does: insert into the inbound log (unique channel + id), check whether
 * the sender is a registered official (by channel + address), read the citizen with their
 * conversation (join by channel + address), the step's own writes, upsert the conversation (JSON
 * text), insert the reply into the outbox (unique idempotency key). Step writes:
 *   1 "hola"      new citizen + channel identity
 *   2 "1"         consent proof row + citizen's consent state
 *   3 question    (routing is CPU only: nothing extra in SQL)
 *   4 "1"         nothing extra
 *   5 "1"         filing: citizen + office reads, radicado counter upsert, question insert,
 *                 'filed' event insert, office + reachable officials reads (the office notice)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../../src/db/client.ts";
import { CONVERSATION_STEPS, percentiles, type Percentiles, type StepShape } from "./conversation.ts";

const START_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
const OFFICE = "infraestructura";

export interface FloorResult extends Percentiles {
  citizens: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** Process CPU time (user + system) per message, µs. */
  cpuMicrosPerMessage: number;
  involuntaryContextSwitches: number;
}

/** A string of exactly `bytes` ASCII bytes that varies per row (so pages do not compress trivially). */
function filler(bytes: number, seed: number): string {
  const head = `{"v":${seed},"t":"`;
  const tail = `"}`;
  const body = Math.max(0, Math.round(bytes) - head.length - tail.length);
  return head + "abcdefghijklmnopqrstuvwxyz0123456789 ".repeat(Math.ceil(body / 37)).slice(0, body) + tail;
}

export function benchFloor(options: { citizens: number; shape: readonly StepShape[] }): FloorResult {
  const { citizens, shape } = options;
  const dir = mkdtempSync(join(tmpdir(), "rinde-floor-"));
  let db: ReturnType<typeof openDb>;
  try {
    db = openDb(join(dir, "floor.db"));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const sqlite = db.$client;
  try {
    sqlite
      .prepare(
        "insert into offices (key, category, name, head, description, active, updated_at_ms) values (?, 'infraestructura', 'Secretaría de Infraestructura', 'Secretario', 'Vías y obras', 1, ?)",
      )
      .run(OFFICE, START_MS);

    const insertInbound = sqlite.prepare(
      "insert into inbound_messages (channel, channel_message_id, received_at_ms) values (?, ?, ?) on conflict do nothing returning id",
    );
    const officialBySender = sqlite.prepare("select * from officials where channel = ? and address = ? and active = 1");
    const selectContext = sqlite.prepare(
      `select c.id as citizenId, ci.id as identityId, c.locale, c.consent, c.deleted_at_ms, cv.flow_id, cv.step_id, cv.flow_version, cv.data
         from channel_identities ci
         join citizens c on c.id = ci.citizen_id
         left join conversations cv on cv.citizen_id = c.id
        where ci.channel = ? and ci.address = ?`,
    );
    const insertCitizen = sqlite.prepare("insert into citizens (locale, created_at_ms) values ('es', ?) returning id");
    const insertIdentity = sqlite.prepare(
      "insert into channel_identities (citizen_id, channel, address, created_at_ms) values (?, ?, ?, ?) returning id",
    );
    const insertConsent = sqlite.prepare(
      "insert into consents (citizen_id, decision, notice_version, channel, decided_at_ms) values (?, 'granted', '2026-01', ?, ?)",
    );
    const updateConsent = sqlite.prepare("update citizens set consent = 'granted' where id = ?");
    const upsertConversation = sqlite.prepare(
      `insert into conversations (citizen_id, flow_id, step_id, flow_version, data, updated_at_ms) values (?, ?, ?, 1, ?, ?)
       on conflict (citizen_id) do update set flow_id = excluded.flow_id, step_id = excluded.step_id, flow_version = excluded.flow_version,
         data = excluded.data, updated_at_ms = excluded.updated_at_ms`,
    );
    const insertOutbox = sqlite.prepare(
      `insert into outbox (idempotency_key, channel, address, citizen_id, priority, payload, not_before_ms, created_at_ms)
       values (?, ?, ?, ?, 0, ?, ?, ?) on conflict do nothing returning id`,
    );
    const getCitizen = sqlite.prepare("select * from citizens where id = ?");
    const getOffice = sqlite.prepare("select * from offices where key = ?");
    const bumpCounter = sqlite.prepare(
      "insert into reference_counters (year, last_seq) values (?, 1) on conflict (year) do update set last_seq = last_seq + 1 returning last_seq",
    );
    const insertQuestion = sqlite.prepare(
      `insert into questions (reference, citizen_id, office_key, request_type, status, text, channel, filed_at_ms, term_business_days, due_date, updated_at_ms)
       values (?, ?, ?, 'general', 'open', ?, 'memory', ?, 15, '2026-03-24', ?) returning *`,
    );
    const insertEvent = sqlite.prepare(
      "insert into question_events (question_id, kind, actor, at_ms, data) values (?, 'filed', 'citizen', ?, ?)",
    );
    const reachableOfficials = sqlite.prepare(
      "select * from officials where office_key = ? and active = 1 and channel is not null and address is not null",
    );

    const STEP_IDS = ["notice", "menu", "confirm", "choose_type", "_idle"] as const;
    const FLOW_IDS = ["consent", "main", "ask", "ask", "ask"] as const;

    type Message = {
      step: number;
      id: string;
      address: string;
      text: string;
      nowMs: number;
      data: string;
      payload: string;
    };
    const handle = sqlite.transaction((m: Message): number => {
      const inboundId = (insertInbound.get("memory", m.id, m.nowMs) as { id: number } | undefined)?.id;
      if (inboundId === undefined) return 0;
      if (officialBySender.get("memory", m.address)) return 0;
      let ctx = selectContext.get("memory", m.address) as { citizenId: number } | undefined;
      if (!ctx) {
        const { id } = insertCitizen.get(m.nowMs) as { id: number };
        insertIdentity.get(id, "memory", m.address, m.nowMs);
        ctx = { citizenId: id };
      }
      const citizenId = ctx.citizenId;
      if (m.step === 1) {
        insertConsent.run(citizenId, "memory", m.nowMs);
        updateConsent.run(citizenId);
      } else if (m.step === 4) {
        getCitizen.get(citizenId);
        getOffice.get(OFFICE);
        const seq = (bumpCounter.get(2026) as { last_seq: number }).last_seq;
        const question = insertQuestion.get(
          `RC-2026-${String(seq).padStart(6, "0")}`,
          citizenId,
          OFFICE,
          m.text,
          m.nowMs,
          m.nowMs,
        ) as { id: number };
        insertEvent.run(
          question.id,
          m.nowMs,
          '{"officeKey":"infraestructura","requestType":"general","dueDate":"2026-03-24"}',
        );
        getOffice.get(OFFICE);
        reachableOfficials.all(OFFICE);
      }
      upsertConversation.run(citizenId, FLOW_IDS[m.step], STEP_IDS[m.step], m.data, m.nowMs);
      return (
        insertOutbox.get(`in:${inboundId}`, "memory", m.address, citizenId, m.payload, m.nowMs, m.nowMs) as {
          id: number;
        }
      ).id;
    }).immediate;

    const messages = citizens * CONVERSATION_STEPS;
    const latencies = new Float64Array(messages);
    const addresses = Array.from({ length: citizens }, (_, i) => `floor-c${i}`);
    let nowMs = START_MS;
    let seconds = 0;
    let n = 0;
    let cpuMicros = 0;
    const switchesStart = process.resourceUsage().involuntaryContextSwitches;
    for (let step = 0; step < CONVERSATION_STEPS; step++) {
      const s = shape[step] ?? { payloadBytes: 200, dataBytes: 2 };
      // Strings are built before the round: the floor measures SQLite, not string building.
      const payloads = Array.from({ length: citizens }, (_, i) => filler(s.payloadBytes, i));
      const data = Array.from({ length: citizens }, (_, i) => (s.dataBytes <= 2 ? "{}" : filler(s.dataBytes, i)));
      const texts = Array.from(
        { length: citizens },
        (_, i) => `Pregunta del ciudadano ${i} sobre un hueco en la calle ${i % 100}`,
      );
      const roundCpu = process.cpuUsage();
      const roundStart = process.hrtime.bigint();
      for (let i = 0; i < citizens; i++) {
        const message: Message = {
          step,
          id: `floor-${n}`,
          address: addresses[i]!,
          text: texts[i]!,
          nowMs,
          data: data[i]!,
          payload: payloads[i]!,
        };
        const t0 = process.hrtime.bigint();
        const outboxId = handle(message);
        const t1 = process.hrtime.bigint();
        latencies[n] = Number(t1 - t0) / 1e6;
        if (!outboxId) throw new Error(`floor: message ${n} not stored`);
        n++;
        if ((n & 1023) === 0) {
          nowMs++;
          // As the running bot does between messages (src/db/client.ts startCheckpoints): inside the
          // round's wall time, outside the per-message latency. Same treatment as Rinde's run.
          sqlite.pragma("wal_checkpoint(PASSIVE)");
        }
      }
      seconds += Number(process.hrtime.bigint() - roundStart) / 1e9;
      const roundCpuUsed = process.cpuUsage(roundCpu);
      cpuMicros += roundCpuUsed.user + roundCpuUsed.system;
    }
    const involuntaryContextSwitches = process.resourceUsage().involuntaryContextSwitches - switchesStart;
    const filed = sqlite.prepare("select count(*) from questions").pluck().get() as number;
    if (filed !== citizens) throw new Error(`floor: ${filed} questions filed, expected ${citizens}`);
    const outboxRows = sqlite.prepare("select count(*) from outbox").pluck().get() as number;
    if (outboxRows !== messages) throw new Error(`floor: ${outboxRows} outbox rows, expected ${messages}`);
    return {
      citizens,
      messages,
      seconds,
      messagesPerSecond: messages / seconds,
      cpuMicrosPerMessage: cpuMicros / messages,
      involuntaryContextSwitches,
      ...percentiles(latencies),
    };
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
