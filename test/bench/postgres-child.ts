/**
 * One OS process of the PostgreSQL inbound bench (test/bench/postgres.ts). Arguments (JSON in
 * argv[2]): `{ mode: "rinde" | "floor", url, schema, tag, citizens, payloadBytes?, dataBytes? }`.
 *
 * It opens its side (Rinde: the real runtime with DATABASE_URL, routing model built; floor: one
 * plain node-postgres client), warms up on citizens of its own, prints `READY`, waits for `GO` on
 * stdin (so every process starts together), sends `citizens` × 5 messages, one awaited after the
 * other, and prints one JSON line: its messages, start and end (wall clock, ms) and latencies.
 */
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createRuntime } from "../../src/runtime.ts";
import { CONVERSATION_STEPS, citizenText, percentiles } from "./conversation.ts";

export interface ChildArgs {
  mode: "rinde" | "floor";
  url: string;
  schema: string;
  tag: string;
  citizens: number;
  /** Floor: bytes of a reply payload and of the conversation data (Rinde's averages). */
  payloadBytes?: number;
  dataBytes?: number;
  /** Rinde: where the installation key is (shared by the processes, as in production). */
  secretFile?: string;
}

export interface ChildResult {
  messages: number;
  startMs: number;
  endMs: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerMessage: number;
}

const START_MS = Date.UTC(2026, 2, 2, 15, 0, 0);
const WARM_UP_CITIZENS = 40;
const wallMs = () => performance.timeOrigin + performance.now();

/** Sends the conversation of `citizens` citizens, interleaved (step k for everyone, then k + 1). */
async function run(
  send: (step: number, citizen: number, id: string) => Promise<void>,
  tag: string,
  citizens: number,
): Promise<ChildResult> {
  const messages = citizens * CONVERSATION_STEPS;
  const latencies = new Float64Array(messages);
  const cpu = process.cpuUsage();
  const startMs = wallMs();
  let n = 0;
  for (let step = 0; step < CONVERSATION_STEPS; step++) {
    for (let i = 0; i < citizens; i++) {
      const t0 = performance.now();
      await send(step, i, `${tag}-${n}`);
      latencies[n++] = performance.now() - t0;
    }
  }
  const endMs = wallMs();
  const used = process.cpuUsage(cpu);
  return {
    messages,
    startMs,
    endMs,
    ...percentiles(latencies),
    cpuMicrosPerMessage: (used.user + used.system) / messages,
  };
}

async function rindeSender(args: ChildArgs) {
  const clock = createManualClock(START_MS);
  const runtime = await createRuntime({
    env: loadEnv({
      DATABASE_URL: `${args.url}${args.url.includes("?") ? "&" : "?"}schema=${args.schema}`,
      RINDE_SECRET_FILE: args.secretFile,
      RINDE_PROFILE: "default",
    }),
    clock,
  });
  await runtime.app.router();
  const forTag = (tag: string) => async (step: number, citizen: number, id: string) => {
    const result = await runtime.handler.handle({
      channel: "memory",
      channelMessageId: id,
      address: `${tag}-c${citizen}`,
      chatKind: "private",
      text: citizenText(step, citizen),
      receivedAtMs: clock.nowMs(),
    });
    if (result.status !== "handled" || result.outboxIds.length !== 1)
      throw new Error(`${id}: expected one reply, got ${JSON.stringify(result)}`);
  };
  return { forTag, close: () => runtime.close() };
}

/** A string of exactly `bytes` ASCII bytes that varies per row (as test/bench/floor.ts). */
function filler(bytes: number, seed: number): string {
  const head = `{"v":${seed},"t":"`;
  const tail = `"}`;
  const body = Math.max(0, Math.round(bytes) - head.length - tail.length);
  return head + "abcdefghijklmnopqrstuvwxyz0123456789 ".repeat(Math.ceil(body / 37)).slice(0, body) + tail;
}

const OFFICE = "infraestructura";
const STEP_IDS = ["notice", "menu", "confirm", "choose_type", "_idle"] as const;
const FLOW_IDS = ["consent", "main", "ask", "ask", "ask"] as const;

/**
 * The floor: test/bench/floor.ts's statements (what the handler does per message, nothing of Rinde
 * in the way) in PostgreSQL's dialect, through one plain node-postgres client, one transaction per
 * message.
 */
async function floorSender(args: ChildArgs) {
  const client = new pg.Client({ connectionString: args.url, options: `-c search_path=${args.schema}` });
  await client.connect();
  const payloadBytes = args.payloadBytes ?? 300;
  const dataBytes = args.dataBytes ?? 2;
  const forTag = (tag: string) => async (step: number, citizen: number, id: string) => {
    const nowMs = START_MS;
    const address = `${tag}-c${citizen}`;
    const q = (text: string, values: unknown[] = []) => client.query(text, values);
    await q("begin");
    try {
      const inbound = await q(
        "insert into inbound_messages (channel, channel_message_id, received_at_ms) values ('memory', $1, $2) on conflict do nothing returning id",
        [id, nowMs],
      );
      const inboundId = inbound.rows[0]?.id as number | undefined;
      if (inboundId === undefined) throw new Error(`floor: ${id} seen twice`);
      await q("select * from officials where channel = 'memory' and address = $1 and active", [address]);
      const context = await q(
        `select c.id as citizen_id, ci.id as identity_id, c.locale, c.consent, c.deleted_at_ms, cv.flow_id, cv.step_id, cv.flow_version, cv.data
           from channel_identities ci join citizens c on c.id = ci.citizen_id left join conversations cv on cv.citizen_id = c.id
          where ci.channel = 'memory' and ci.address = $1`,
        [address],
      );
      let citizenId = context.rows[0]?.citizen_id as number | undefined;
      if (citizenId === undefined) {
        citizenId = (await q("insert into citizens (locale, created_at_ms) values ('es', $1) returning id", [nowMs]))
          .rows[0].id as number;
        await q(
          "insert into channel_identities (citizen_id, channel, address, created_at_ms) values ($1, 'memory', $2, $3) returning id",
          [citizenId, address, nowMs],
        );
      }
      if (step === 1) {
        await q(
          "insert into consents (citizen_id, decision, notice_version, channel, decided_at_ms) values ($1, 'granted', '2026-01', 'memory', $2)",
          [citizenId, nowMs],
        );
        await q("update citizens set consent = 'granted' where id = $1", [citizenId]);
      } else if (step === 4) {
        await q("select * from citizens where id = $1", [citizenId]);
        await q("select * from offices where key = $1", [OFFICE]);
        const seq = (
          await q(
            "insert into reference_counters (year, last_seq) values (2026, 1) on conflict (year) do update set last_seq = reference_counters.last_seq + 1 returning last_seq",
          )
        ).rows[0].last_seq as number;
        const question = await q(
          `insert into questions (reference, citizen_id, office_key, request_type, status, text, channel, filed_at_ms, term_business_days, due_date, updated_at_ms)
           values ($1, $2, $3, 'general', 'open', $4, 'memory', $5, 15, '2026-03-24', $5) returning *`,
          [`RC-2026-${String(seq).padStart(6, "0")}`, citizenId, OFFICE, citizenText(2, citizen), nowMs],
        );
        await q(
          "insert into question_events (question_id, kind, actor, at_ms, data) values ($1, 'filed', 'citizen', $2, $3)",
          [
            question.rows[0].id,
            nowMs,
            '{"officeKey":"infraestructura","requestType":"general","dueDate":"2026-03-24"}',
          ],
        );
        await q("select * from offices where key = $1", [OFFICE]);
        await q(
          "select * from officials where office_key = $1 and active and channel is not null and address is not null",
          [OFFICE],
        );
      }
      await q(
        `insert into conversations (citizen_id, flow_id, step_id, flow_version, data, updated_at_ms) values ($1, $2, $3, 1, $4, $5)
         on conflict (citizen_id) do update set flow_id = excluded.flow_id, step_id = excluded.step_id, flow_version = excluded.flow_version,
           data = excluded.data, updated_at_ms = excluded.updated_at_ms`,
        [citizenId, FLOW_IDS[step], STEP_IDS[step], dataBytes <= 2 ? "{}" : filler(dataBytes, citizen), nowMs],
      );
      const outbox = await q(
        `insert into outbox (idempotency_key, channel, address, citizen_id, priority, payload, not_before_ms, created_at_ms)
         values ($1, 'memory', $2, $3, 0, $4, $5, $5) on conflict do nothing returning id`,
        [`in:${inboundId}`, address, citizenId, filler(payloadBytes, citizen), nowMs],
      );
      if (!outbox.rows[0]) throw new Error(`floor: ${id} wrote no outbox row`);
      await q("commit");
    } catch (error) {
      await q("rollback");
      throw error;
    }
  };
  return { forTag, close: () => client.end() };
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as ChildArgs;
  const sender = args.mode === "rinde" ? await rindeSender(args) : await floorSender(args);
  try {
    await run(sender.forTag(`${args.tag}-warm`), `${args.tag}-warm`, WARM_UP_CITIZENS);
    process.stdout.write("READY\n");
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) if (line.trim() === "GO") break;
    const result = await run(sender.forTag(args.tag), args.tag, args.citizens);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await sender.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
