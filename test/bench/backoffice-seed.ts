/**
 * Seeds a back-office bench database (issue 14): 1,000 officials and 100,000 questions with their
 * history and messages, in bulk with raw prepared statements (one transaction), spread as a real
 * alcaldía's two years would be: a few large offices and many small ones, mostly Telegram and
 * WhatsApp, general petitions more than requests for information or consultations, recent
 * questions open and older ones answered (some late, some extended, a few still overdue), half the
 * open ones assigned to an official, districts named in the citizens' texts.
 */
import type { AppContext } from "../../src/services/context.ts";
import type { Db } from "../../src/db/client.ts";
import { toLocalDate } from "../../src/core/calendar/index.ts";
import { fromEpochDay, toEpochDay } from "../../src/core/calendar/local-date.ts";
import { formatReference } from "../../src/core/reference.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Share of questions per office key (the rest split evenly among the other offices). */
const OFFICE_SHARE: Record<string, number> = {
  infraestructura: 0.24,
  movilidad: 0.13,
  salud: 0.11,
  hacienda: 0.09,
  gobierno: 0.08,
  ambiente: 0.06,
};
const TERMS = { general: 15, information: 10, consultation: 30 } as const;
const TOPICS = [
  "el hueco de la calle principal que nadie arregla",
  "el alumbrado público apagado desde hace semanas",
  "el cobro del impuesto predial de este año",
  "la cita médica en el puesto de salud",
  "los cupos del colegio para el próximo año",
  "el semáforo dañado frente al hospital",
  "la recolección de basuras que no pasa",
  "el subsidio del adulto mayor que no ha llegado",
  "los contratos de pavimentación del último semestre",
  "la tala de árboles en la ronda del río",
];

/** Deterministic pseudo-random numbers (mulberry32), so every run stores the same data. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededOffice {
  key: string;
  questions: number;
  /** Officials (role official) and the head, by id. */
  officialIds: number[];
  headId: number;
  /** Officials (role official) with a linked chat: they can ask for a sign-in link. */
  linkedIds: number[];
}

export interface Seeded {
  offices: SeededOffice[];
  /** Offices by number of questions, largest first. */
  largest: SeededOffice;
  officials: number;
  questions: number;
  outboxRows: number;
  historyRows: number;
  /** One official with an e-mail and linked chat per role used by the bench. */
  emails: { head: string; official: string; control: string };
  /** References of questions of the largest office: open, answered with a long history, overdue. */
  sampleReferences: string[];
  districtNames: string[];
}

function pickOffice(keys: readonly string[], rand: () => number): string {
  const fixed = Object.values(OFFICE_SHARE).reduce((a, b) => a + b, 0);
  const others = keys.filter((k) => !(k in OFFICE_SHARE));
  let r = rand();
  for (const key of keys) {
    const share = OFFICE_SHARE[key] ?? (1 - fixed) / others.length;
    if (r < share) return key;
    r -= share;
  }
  return keys.at(-1)!;
}

/** 1,000 officials: a head per office, officials by office size, and a few admins, internal control and communications. */
function seedOfficials(db: Db, keys: readonly string[], count: number, nowMs: number): Map<string, SeededOffice> {
  const sqlite = db.$client;
  const insert = sqlite.prepare(
    `insert into officials (name, office_key, role, channel, address, active, created_at_ms, email, password_required)
     values (?, ?, ?, ?, ?, 1, ?, ?, 0)`,
  );
  const offices = new Map<string, SeededOffice>(
    keys.map((key) => [key, { key, questions: 0, officialIds: [], headId: 0, linkedIds: [] }]),
  );
  const rand = random(14);
  let n = 0;
  const add = (officeKey: string | null, role: string): number => {
    n++;
    // Heads and the central roles link their Telegram chat; of the officials, one in ten does (the
    // others sign in with a password and work from the back-office). Every linked official of an
    // office gets a private notice of each new question, so linking all 1,000 would be unrealistic.
    const linked = role !== "official" || n % 10 === 0;
    const id = insert.run(
      `Funcionario de prueba ${n}`,
      officeKey,
      role,
      linked ? "telegram" : null,
      linked ? String(7_000_000 + n) : null,
      nowMs - 400 * DAY_MS,
      `funcionario${n}@alcaldia.example`,
    ).lastInsertRowid as number;
    if (linked && officeKey && role === "official") offices.get(officeKey)!.linkedIds.push(id);
    return id;
  };
  for (const key of keys) offices.get(key)!.headId = add(key, "head");
  for (let i = 0; i < 5; i++) add(null, "admin");
  for (let i = 0; i < 10; i++) add(null, "internal_control");
  for (let i = 0; i < 15; i++) add(null, "communications");
  while (n < count) {
    const key = pickOffice(keys, rand);
    offices.get(key)!.officialIds.push(add(key, "official"));
  }
  return offices;
}

export function seedBackOffice(
  app: AppContext,
  db: Db,
  options: { questions: number; officials: number; nowMs: number },
): Seeded {
  const sqlite = db.$client;
  const { nowMs } = options;
  const keys = sqlite.prepare("select key from offices where active = 1 order by key").pluck().all() as string[];
  const districtNames = app.profile.districts.map((d) => d.name);
  const rand = random(1755);
  const today = toEpochDay(toLocalDate(new Date(nowMs), app.profile.timezone));
  const dueCache = new Map<string, string>();
  const due = (day: number, term: number) => {
    const key = `${day}:${term}`;
    let date = dueCache.get(key);
    if (!date) dueCache.set(key, (date = app.calendar.addBusinessDays(fromEpochDay(day), term)));
    return date;
  };
  const insertCitizen = sqlite.prepare(
    "insert into citizens (locale, consent, created_at_ms) values ('es', 'granted', ?)",
  );
  const insertQuestion = sqlite.prepare(
    `insert into questions (id, reference, citizen_id, office_key, request_type, status, text, channel, filed_at_ms,
       term_business_days, due_date, term_started_at_ms, extended_to, answer_text, answered_at_ms, answered_by,
       updated_at_ms, assigned_to)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertHistory = sqlite.prepare(
    "insert into question_events (question_id, kind, actor, at_ms, data) values (?, ?, ?, ?, ?)",
  );
  const insertOutbox = sqlite.prepare(
    `insert into outbox (idempotency_key, channel, address, citizen_id, payload, status, attempts, not_before_ms,
       question_id, created_at_ms, sent_at_ms)
     values (?, ?, ?, ?, ?, 'sent', 1, ?, ?, ?, ?)`,
  );
  const setCounter = sqlite.prepare(
    "insert into reference_counters (year, last_seq) values (?, ?) on conflict (year) do update set last_seq = excluded.last_seq",
  );
  const citizens = Math.max(1, Math.round(options.questions * 0.4));
  let historyRows = 0;
  let outboxRows = 0;
  let offices!: Map<string, SeededOffice>;
  sqlite.pragma("cache_size = -262144");
  sqlite
    .transaction(() => {
      offices = seedOfficials(db, keys, options.officials, nowMs);
      const citizenBase = (sqlite.prepare("select coalesce(max(id), 0) from citizens").pluck().get() as number) + 1;
      for (let c = 0; c < citizens; c++) insertCitizen.run(nowMs - 800 * DAY_MS);
      const firstId = (sqlite.prepare("select coalesce(max(id), 0) from questions").pluck().get() as number) + 1;
      const sequence = new Map<number, number>();
      let outboxKey = 0;
      const history = (id: number, kind: string, actor: string, atMs: number, data: object) => {
        insertHistory.run(id, kind, actor, atMs, JSON.stringify(data));
        historyRows++;
      };
      const outbox = (
        key: string,
        channel: string,
        address: string,
        citizenId: number | null,
        questionId: number | null,
        atMs: number,
        text: string,
      ) => {
        insertOutbox.run(
          key,
          channel,
          address,
          citizenId,
          JSON.stringify({ text }),
          atMs,
          questionId,
          atMs,
          atMs + 2000,
        );
        outboxRows++;
      };
      for (let i = 0; i < options.questions; i++) {
        const id = firstId + i;
        // Filed over the last two years in filing order, more on weekdays' office hours.
        const filedDay = today - 730 + Math.floor((i / options.questions) * 730);
        const filedAtMs = filedDay * DAY_MS + (12 + Math.floor(rand() * 11)) * HOUR_MS + Math.floor(rand() * HOUR_MS);
        const year = Number(fromEpochDay(filedDay).slice(0, 4));
        const seq = (sequence.get(year) ?? 0) + 1;
        sequence.set(year, seq);
        const reference = formatReference(year, seq);
        const officeKey = pickOffice(keys, rand);
        const office = offices.get(officeKey)!;
        office.questions++;
        const team = office.officialIds.length ? office.officialIds : [office.headId];
        const typeRoll = rand();
        const requestType = typeRoll < 0.8 ? "general" : typeRoll < 0.94 ? "information" : "consultation";
        const term = TERMS[requestType];
        let dueDate = due(filedDay, term);
        const dueDay = toEpochDay(dueDate);
        const roll = rand();
        let status: "open" | "info_requested" | "answered" | "withdrawn";
        if (dueDay >= today) status = roll < 0.7 ? "open" : roll < 0.78 ? "info_requested" : "answered";
        else status = roll < 0.93 ? "answered" : roll < 0.95 ? "withdrawn" : roll < 0.99 ? "open" : "info_requested";
        const extended = status !== "withdrawn" && rand() < 0.04;
        const extendedTo = extended ? due(dueDay, term) : null;
        if (extendedTo) dueDate = extendedTo;
        const answered = status === "answered";
        const answeredBy = answered ? team[Math.floor(rand() * team.length)]! : null;
        const assignedTo = answered
          ? answeredBy
          : status !== "withdrawn" && rand() < 0.5
            ? team[Math.floor(rand() * team.length)]!
            : null;
        const answeredAtMs = answered
          ? Math.min(
              nowMs - HOUR_MS,
              filedAtMs + Math.floor((0.3 + rand() * (rand() < 0.08 ? 1.6 : 0.9)) * term * 1.4 * DAY_MS),
            )
          : null;
        const channelRoll = rand();
        const channel = channelRoll < 0.55 ? "telegram" : channelRoll < 0.95 ? "whatsapp" : "email";
        const citizenId = citizenBase + Math.floor(rand() * citizens);
        const district = districtNames.length ? districtNames[Math.floor(rand() * districtNames.length)]! : "el centro";
        const text = `Buenos días, quisiera saber qué pasa con ${TOPICS[Math.floor(rand() * TOPICS.length)]}. Vivo en ${district}. Gracias por la atención.`;
        const updatedAtMs = answeredAtMs ?? filedAtMs + HOUR_MS;
        insertQuestion.run(
          id,
          reference,
          citizenId,
          officeKey,
          requestType,
          status,
          text,
          channel,
          filedAtMs,
          term,
          dueDate,
          filedAtMs,
          extendedTo,
          answered ? "Respetado ciudadano: la dependencia revisó su solicitud y le informa lo siguiente." : null,
          answeredAtMs,
          answeredBy,
          updatedAtMs,
          assignedTo,
        );
        const address = `${channel}-${citizenId}`;
        // The conversation that filed it (5 replies), the notice to the office's chat, what followed.
        for (let k = 0; k < 5; k++)
          outbox(
            `in:b${outboxKey++}`,
            channel,
            address,
            citizenId,
            null,
            filedAtMs - (5 - k) * 30_000,
            "Respuesta del asistente.",
          );
        history(id, "filed", "citizen", filedAtMs, { officeKey, requestType, dueDate: due(filedDay, term) });
        outbox(
          `q:${id}:new:official-${office.headId}`,
          "telegram",
          String(7_000_000 + office.headId),
          null,
          id,
          filedAtMs + 1000,
          `Nueva pregunta ${reference}`,
        );
        if (rand() < 0.03)
          history(id, "reassigned", `official:${office.headId}`, filedAtMs + 2 * HOUR_MS, {
            from: keys[(keys.indexOf(officeKey) + 1) % keys.length],
            to: officeKey,
            reason: "Competencia de la dependencia",
          });
        if (assignedTo)
          history(id, "assigned", `official:${office.headId}`, filedAtMs + 3 * HOUR_MS, { to: assignedTo });
        const askedMore = status === "info_requested" || (status === "answered" && rand() < 0.03);
        if (askedMore) {
          history(id, "info_requested", `official:${assignedTo ?? office.headId}`, filedAtMs + DAY_MS, {
            request: "Indique la dirección exacta.",
          });
          outbox(
            `q:${id}:info-request-1`,
            channel,
            address,
            citizenId,
            id,
            filedAtMs + DAY_MS,
            "Necesitamos más información.",
          );
          if (status === "answered")
            history(id, "info_provided", "citizen", filedAtMs + 2 * DAY_MS, {
              text: "Carrera 5 con calle 10.",
              dueDate,
            });
        }
        if (extendedTo) {
          history(id, "extended", `official:${assignedTo ?? office.headId}`, filedAtMs + 5 * DAY_MS, {
            from: due(filedDay, term),
            to: extendedTo,
            reason: "Requiere visita técnica",
            limit: extendedTo,
          });
          outbox(
            `q:${id}:extended:${extendedTo}`,
            channel,
            address,
            citizenId,
            id,
            filedAtMs + 5 * DAY_MS,
            "Prórroga.",
          );
        }
        if (answered) {
          history(id, "answered", `official:${answeredBy}`, answeredAtMs!, {
            onTime: fromEpochDay(Math.floor(answeredAtMs! / DAY_MS)) <= dueDate,
          });
          outbox(`q:${id}:answer`, channel, address, citizenId, id, answeredAtMs!, "Respuesta a su pregunta.");
        } else if (status === "withdrawn") history(id, "withdrawn", "system", filedAtMs + 40 * DAY_MS, {});
      }
      for (const [year, last] of sequence) setCounter.run(year, last);
    })
    .immediate();
  sqlite.pragma("analysis_limit = 1000");
  sqlite.exec("analyze");
  const list = [...offices.values()];
  const largest = [...list].sort((a, b) => b.questions - a.questions)[0]!;
  const email = (id: number) => sqlite.prepare("select email from officials where id = ?").pluck().get(id) as string;
  const control = sqlite
    .prepare("select id from officials where role = 'internal_control' order by id limit 1")
    .pluck()
    .get() as number;
  return {
    offices: list,
    largest,
    officials: sqlite.prepare("select count(*) from officials").pluck().get() as number,
    questions: sqlite.prepare("select count(*) from questions").pluck().get() as number,
    outboxRows,
    historyRows,
    emails: {
      head: email(largest.headId),
      official: email(largest.linkedIds[0]!),
      control: email(control),
    },
    // Every status and age of the largest office's questions, spread over the two years.
    sampleReferences: sqlite
      .prepare("select reference from questions where office_key = ? and id % 331 = 0 order by id limit 60")
      .pluck()
      .all(largest.key) as string[],
    districtNames,
  };
}
