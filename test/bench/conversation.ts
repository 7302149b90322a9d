/**
 * Rinde's hot path under load: N simulated citizens go through the whole ask conversation
 * ("hola" → consent → question → confirm office → request type → radicado) against a real SQLite
 * file, the real flows, engine, router and outbox. Citizens are interleaved (step k for everyone,
 * then step k + 1), so the database holds N live conversations.
 *
 * The measured figure is `runtime.handler.handle()` — the one-transaction-per-message inbound path,
 * awaited message by message. After each round (one message from every citizen) the outbox is drained by the real
 * dispatcher into an in-memory channel, timed separately from the inbound figure; the backlog per
 * drain is one reply per citizen, as when the bot runs (its dispatcher sends as messages arrive).
 * Everything is checked afterwards: a bench that measures failures is worthless.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver, performance } from "node:perf_hooks";
import type { InboundMessage } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createDispatcher } from "../../src/delivery/dispatcher.ts";
import { silentLogger } from "../../src/logger.ts";
import { createRuntime } from "../../src/runtime.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";

/** 2026-03-02 10:00 Bogotá, a Monday and a business day. */
const START_MS = Date.UTC(2026, 2, 2, 15, 0, 0);

/** Realistic citizen questions (written for the bench, not taken from the routing data set). */
export const CITIZEN_QUESTIONS: readonly string[] = [
  "Hay un hueco enorme en la calle 45 con carrera 12 y ya se han caído dos motociclistas, ¿cuándo lo van a tapar?",
  "El alumbrado público del parque del barrio San Martín lleva tres semanas apagado y de noche roban a la gente",
  "¿Cuándo empiezan las inscripciones para el programa de alimentación escolar del colegio departamental?",
  "Quiero saber por qué me llegó tan alto el impuesto predial este año si el avalúo de mi casa no cambió",
  "¿Dónde puedo pedir una cita para vacunar a mi hija contra el sarampión en el puesto de salud de la vereda?",
  "Los vecinos queman basura todos los fines de semana en el lote de la esquina y el humo nos está enfermando",
  "Solicito información sobre los contratos de pavimentación firmados por la alcaldía en el último semestre",
  "¿Qué requisitos piden para el subsidio de mejoramiento de vivienda para familias de estrato uno?",
  "El semáforo de la avenida principal frente al hospital está dañado desde el lunes y hay trancones todo el día",
  "Quisiera saber si hay cupos en la escuela de música municipal para niños de ocho años",
  "¿Cómo saco el permiso para poner un puesto de comidas rápidas en la plaza durante las fiestas del pueblo?",
  "La quebrada que pasa por el barrio Los Almendros está llena de escombros y cuando llueve se inunda todo",
  "Necesito saber en qué va la reparación del puente peatonal de la vereda El Carmen, los niños cruzan por el río",
  "Hay una fuga de agua potable en la carrera 8 desde hace quince días y nadie de la empresa ha venido a revisar",
  "¿Cuándo pagan el subsidio del adulto mayor de este mes? Mi mamá no ha recibido nada en el banco",
  "Quiero denunciar que en la esquina del colegio venden licor a menores de edad todas las tardes",
  "¿La alcaldía tiene algún programa de créditos o capacitación para pequeños productores de café y cacao?",
  "Pido que arreglen la cancha de microfútbol del barrio 20 de Julio, las mallas están rotas y los arcos caídos",
  "¿Por qué no ha pasado el carro de la basura por el sector de La Esperanza en toda la semana?",
  "Quisiera conocer el presupuesto que se invirtió en cultura y deporte el año pasado y en qué proyectos",
  "Mi hijo tiene discapacidad y necesito saber qué apoyos ofrece el municipio para su transporte al colegio",
  "Los buses intermunicipales se parquean sobre el andén frente a la terminal y no dejan pasar a los peatones",
  "¿Cómo hago para inscribirme en el Sisbén? Me mudé hace poco al municipio y no sé dónde queda la oficina",
  "Están talando árboles en la ronda del río sin ningún permiso, ¿quién controla eso en el municipio?",
  "El puesto de salud del corregimiento no tiene médico desde hace un mes y tenemos que viajar dos horas",
  "Solicito copia del acta de la última audiencia de rendición de cuentas de la administración municipal",
  "¿Hasta cuándo hay descuento por pronto pago del impuesto de industria y comercio para los negocios?",
  "La vía terciaria que comunica la vereda Alto Bonito con el casco urbano está intransitable por los derrumbes",
  "Quiero proponer que hagan una ciclovía los domingos en la avenida del malecón, como en otras ciudades",
  "En el barrio Villa del Sol hay perros callejeros enfermos y ya mordieron a un niño, ¿quién los puede recoger?",
];

/** The citizen's k-th message (k = 0..4). */
export const CONVERSATION_STEPS = 5;
export function citizenText(step: number, citizen: number): string {
  switch (step) {
    case 0:
      return "hola";
    case 1:
      return "1"; // consent: "Sí, autorizo"
    case 2:
      return `${CITIZEN_QUESTIONS[citizen % CITIZEN_QUESTIONS.length]!}. Vivo en el sector ${citizen + 1}.`;
    default:
      return "1"; // confirm the office (or pick the first topic), then "general" request type
  }
}

/** Average stored sizes (bytes) per conversation step, so the floor writes rows of the same size. */
export interface StepShape {
  payloadBytes: number;
  dataBytes: number;
}

export interface Percentiles {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ConversationResult extends Percentiles {
  citizens: number;
  messages: number;
  /** Wall time of the inbound loop (handler calls only; checks and sampling are outside). */
  seconds: number;
  messagesPerSecond: number;
  /** Process CPU time (user + system) per message during the inbound loop, µs. Less noisy than wall time on a shared machine. */
  cpuMicrosPerMessage: number;
  /** Time the V8 garbage collector paused the loop, ms. */
  gcMs: number;
  /** Times the OS took the CPU away from this process during the loop (a sign of other load). */
  involuntaryContextSwitches: number;
  /** Latency per conversation step (hola, consent, question, confirm, file). */
  perStep: (Percentiles & { meanMs: number })[];
  /** Highest RSS sampled during the inbound phase. */
  peakRssMb: number;
  questionsFiled: number;
  shape: StepShape[];
  dispatch: { rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number };
}

export function percentiles(samples: Float64Array): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? 0 };
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

export class BenchCheckError extends Error {
  override name = "BenchCheckError";
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new BenchCheckError(message);
}

export interface ConversationOptions {
  citizens: number;
  /** Drain the outbox through the dispatcher afterwards (default true). */
  dispatch?: boolean;
  /** Prefix for addresses and message ids (keeps runs apart in logs). */
  tag?: string;
}

export async function benchConversation(options: ConversationOptions): Promise<ConversationResult> {
  const { citizens } = options;
  const tag = options.tag ?? `r${citizens}`;
  const dir = mkdtempSync(join(tmpdir(), "rinde-bench-"));
  const clock = createManualClock(START_MS);
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({
      env: loadEnv({ RINDE_DB: join(dir, "rinde.db"), RINDE_PROFILE: "default" }),
      clock,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // As the bot does at start (createBot → start): the routing model is built before the first message.
  await runtime.app.router();
  try {
    const sqlite = runtime.db!.$client;
    const messages = citizens * CONVERSATION_STEPS;
    const latencies = new Float64Array(messages);
    const outboxIds = new Int32Array(messages);
    const addresses = Array.from({ length: citizens }, (_, i) => `${tag}-c${i}`);
    const shape: StepShape[] = [];
    const payloadBytesSince = sqlite
      .prepare("select coalesce(avg(length(cast(payload as blob))), 0) as b from outbox where id > ?")
      .pluck();
    const dataBytes = sqlite
      .prepare("select coalesce(avg(length(cast(data as blob))), 0) as b from conversations")
      .pluck();
    const maxOutboxId = sqlite.prepare("select coalesce(max(id), 0) from outbox").pluck();

    const channel = createMemoryChannel();
    const dispatcher = createDispatcher({
      repos: runtime.app.repos,
      channels: [channel],
      clock,
      logger: silentLogger,
      workerId: `bench-${tag}`,
    });
    const drained = { rows: 0, seconds: 0, peakRssMb: 0 };
    const drain = async () => {
      const t0 = process.hrtime.bigint();
      for (;;) {
        const passSent = await dispatcher.tick();
        drained.rows += passSent;
        if (passSent === 0) break;
      }
      drained.seconds += Number(process.hrtime.bigint() - t0) / 1e9;
      drained.peakRssMb = Math.max(drained.peakRssMb, rssMb());
    };

    let peakRss = rssMb();
    let seconds = 0;
    let n = 0;
    let gcMs = 0;
    // GC entries arrive late and asynchronously: count those that started inside an inbound round.
    const inboundWindows: [number, number][] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (inboundWindows.some(([from, to]) => entry.startTime >= from && entry.startTime <= to))
          gcMs += entry.duration;
      }
    });
    gcObserver.observe({ entryTypes: ["gc"] });
    let cpuMicros = 0;
    let drainSwitches = 0;
    const switchesStart = process.resourceUsage().involuntaryContextSwitches;
    for (let step = 0; step < CONVERSATION_STEPS; step++) {
      const texts = Array.from({ length: citizens }, (_, i) => citizenText(step, i));
      const firstOutboxId = maxOutboxId.get() as number;
      const roundCpu = process.cpuUsage();
      const window: [number, number] = [performance.now(), Infinity];
      inboundWindows.push(window);
      const roundStart = process.hrtime.bigint();
      for (let i = 0; i < citizens; i++) {
        const message: InboundMessage = {
          channel: "memory",
          channelMessageId: `${tag}-${n}`,
          address: addresses[i]!,
          chatKind: "private",
          text: texts[i]!,
          receivedAtMs: clock.nowMs(),
        };
        const t0 = process.hrtime.bigint();
        const result = await runtime.handler.handle(message);
        const t1 = process.hrtime.bigint();
        latencies[n] = Number(t1 - t0) / 1e6;
        if (result.status !== "handled" || result.outboxIds.length !== 1) {
          throw new BenchCheckError(`step ${step}, citizen ${i}: expected one reply, got ${JSON.stringify(result)}`);
        }
        outboxIds[n] = result.outboxIds[0]!;
        n++;
        if ((n & 1023) === 0) {
          // Sampling RSS is outside the per-message timing (but inside the round's wall time: ~µs per 1,024 messages).
          peakRss = Math.max(peakRss, rssMb());
          clock.advanceMs(1);
          // The bot checkpoints on a timer between messages (src/db/client.ts startCheckpoints); this
          // loop awaits only promises that settle at once (SQLite is synchronous underneath) and never
          // yields to timers, so it does the same here, outside message timing.
          runtime.db!.$client.pragma("wal_checkpoint(PASSIVE)");
        }
      }
      seconds += Number(process.hrtime.bigint() - roundStart) / 1e9;
      window[1] = performance.now();
      const roundCpuUsed = process.cpuUsage(roundCpu);
      cpuMicros += roundCpuUsed.user + roundCpuUsed.system;
      peakRss = Math.max(peakRss, rssMb());
      shape.push({
        payloadBytes: payloadBytesSince.get(firstOutboxId) as number,
        dataBytes: dataBytes.get() as number,
      });
      if (options.dispatch !== false) {
        // Outside the inbound figures: their wall time and CPU time stop before this.
        const switchesBefore = process.resourceUsage().involuntaryContextSwitches;
        await drain();
        drainSwitches += process.resourceUsage().involuntaryContextSwitches - switchesBefore;
      }
    }
    const involuntaryContextSwitches =
      process.resourceUsage().involuntaryContextSwitches - switchesStart - drainSwitches;
    await new Promise((resolve) => setTimeout(resolve, 100)); // GC entries are delivered asynchronously
    gcObserver.disconnect();
    const perStep = Array.from({ length: CONVERSATION_STEPS }, (_, step) => {
      const slice = latencies.subarray(step * citizens, (step + 1) * citizens);
      return { ...percentiles(slice), meanMs: slice.reduce((a, b) => a + b, 0) / slice.length };
    });

    // --- Checks: every message answered, every reply stored, every citizen filed a question.
    const count = (sql: string) => sqlite.prepare(sql).pluck().get() as number;
    const questionsFiled = count("select count(*) from questions");
    check(questionsFiled === citizens, `expected ${citizens} questions filed, found ${questionsFiled}`);
    check(count("select count(distinct reference) from questions") === citizens, "radicados are not unique");
    check(
      count("select count(distinct citizen_id) from questions") === citizens,
      "not every citizen filed exactly one question",
    );
    check(count("select count(*) from inbound_messages") === messages, "inbound log does not hold every message");
    check(new Set(outboxIds).size === messages, "replies share outbox rows");
    const outboxRows = count("select count(*) from outbox");
    check(outboxRows === messages, `expected ${messages} outbox rows (one reply per message), found ${outboxRows}`);
    const stored = new Set(sqlite.prepare("select id from outbox").pluck().all() as number[]);
    for (const id of outboxIds) check(stored.has(id), `reply ${id} returned by the handler is not in the outbox`);
    const receipts = count("select count(*) from outbox where payload like '%RC-2026-%'");
    check(receipts === citizens, `expected ${citizens} radicado receipts in the outbox, found ${receipts}`);

    const result: ConversationResult = {
      citizens,
      messages,
      seconds,
      messagesPerSecond: messages / seconds,
      cpuMicrosPerMessage: cpuMicros / messages,
      gcMs,
      involuntaryContextSwitches,
      perStep,
      ...percentiles(latencies),
      peakRssMb: peakRss,
      questionsFiled,
      shape,
      dispatch: { rows: 0, seconds: 0, rowsPerSecond: 0, peakRssMb: 0 },
    };
    if (options.dispatch !== false) {
      const sent = drained.rows;
      check(
        sent === messages && channel.sent.length === messages,
        `dispatcher sent ${sent} (${channel.sent.length} in the channel), expected ${messages}`,
      );
      check(
        count("select count(*) from outbox where status <> 'sent'") === 0,
        "outbox rows left unsent after the drain",
      );
      // Per citizen, every reply arrived and the last one is the radicado receipt.
      const last = new Map<string, string>();
      const perChat = new Map<string, number>();
      for (const m of channel.sent) {
        last.set(m.address, m.text);
        perChat.set(m.address, (perChat.get(m.address) ?? 0) + 1);
      }
      check(last.size === citizens, `replies reached ${last.size} citizens, expected ${citizens}`);
      for (const address of addresses) {
        check(perChat.get(address) === CONVERSATION_STEPS, `${address} received ${perChat.get(address)} replies`);
        check(
          /RC-2026-\d{6}/.test(last.get(address) ?? ""),
          `${address}'s last reply is not a radicado receipt: ${last.get(address)?.slice(0, 80)}`,
        );
      }
      result.dispatch = {
        rows: sent,
        seconds: drained.seconds,
        rowsPerSecond: sent / drained.seconds,
        peakRssMb: drained.peakRssMb,
      };
    }
    return result;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A short run on a throwaway database so the JIT has compiled the hot path; returns the row shape. */
export async function warmUp(citizens = 300): Promise<StepShape[]> {
  const result = await benchConversation({ citizens, tag: "warm" });
  return result.shape;
}
