/**
 * One Rinde process for test/integration/multiproc-chaos.test.ts: the real runtime and bot
 * (createBot: dispatcher, scheduler, worker lease, LISTEN/NOTIFY) on the shared PostgreSQL database
 * (DATABASE_URL), with
 * - a memory channel that appends each delivered address to CHAOS_OUT (the write reaches the kernel
 *   before `send` returns, so a SIGKILL cannot lose a delivery the file does not show);
 * - an ingress behind the real ingress lock ("telegram", src/delivery/ingress-channel.ts, default
 *   retry) whose start prints `INGRESS <epoch ms>`;
 * - a second scheduler for `chaos.probe` jobs, whose handler appends the job id to CHAOS_JOBS_OUT
 *   inside the job's transaction.
 * Prints READY once started. Commands on stdin, one per line: `numbers <first citizen id> <count>`
 * files that many questions and records that many commitments at once, then prints `NUMBERS`;
 * `stall`: the next delivery is written to CHAOS_OUT and then hangs, printing `STALLED <address>`;
 * `quit` stops everything and exits 0.
 * Environment: DATABASE_URL, RINDE_DB (beside it the shared installation secret), CHAOS_OUT,
 * CHAOS_JOBS_OUT, CHAOS_WORKER, CHAOS_CLOCK_OFFSET_MS (added to Date.now(): a daytime instant,
 * the same in every process), CHAOS_RATE (sends/s).
 */
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Channel, OutboundMessage, SendResult } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import type { Clock } from "../../src/core/clock.ts";
import { withIngressLock } from "../../src/delivery/ingress-channel.ts";
import { createScheduler } from "../../src/delivery/scheduler.ts";
import { createLogger } from "../../src/logger.ts";
import { createBot } from "../../src/main.ts";
import { createRuntime } from "../../src/runtime.ts";
import { recordCommitment } from "../../src/services/commitments/commitments.ts";
import { fileQuestion } from "../../src/services/questions/questions.ts";

const out = process.env.CHAOS_OUT!;
const jobsOut = process.env.CHAOS_JOBS_OUT!;
const workerId = process.env.CHAOS_WORKER!;
const offsetMs = Number(process.env.CHAOS_CLOCK_OFFSET_MS);
const clock: Clock = { nowMs: () => Date.now() + offsetMs };
const say = (line: string) => process.stdout.write(`${line}\n`);

let delivered = 0;
/** Set by `stall`: the next send reaches the channel (the file) and then never returns, as if the network hung. */
let stallNext = false;
const memory: Channel = {
  id: "memory",
  capabilities: {
    nativeOptions: false,
    maxTextLength: 4096,
    ratePerSecond: Number(process.env.CHAOS_RATE ?? 1000),
    ratePerChatPerSecond: 1,
  },
  async start() {},
  async stop() {},
  async send(message: OutboundMessage): Promise<SendResult> {
    appendFileSync(out, `${message.address}\n`);
    if (stallNext) {
      say(`STALLED ${message.address}`);
      return new Promise<SendResult>(() => {});
    }
    delivered++;
    return { ok: true, channelMessageId: `${workerId}-${delivered}` };
  },
};
const ingress: Channel = {
  id: "telegram",
  capabilities: { nativeOptions: false, maxTextLength: 4096, ratePerSecond: 30, ratePerChatPerSecond: 1 },
  async start() {
    say(`INGRESS ${Date.now()}`);
  },
  async stop() {},
  send: async () => ({ ok: false, kind: "permanent", reason: "not a sending channel", unreachable: false }),
};

// Warnings and errors on stderr, which the test shows when something times out.
const logger = createLogger(process.env.RINDE_LOG_LEVEL ?? "warn");
const runtime = await createRuntime({ env: loadEnv(), clock, logger });
const { app } = runtime;
const bot = createBot(runtime, [memory], { workerId, warmRouting: false });
const probes = createScheduler({
  store: app.store,
  repos: app.repos,
  clock,
  logger,
  workerId: `${workerId}:probes`,
  claimMs: 10_000,
  batchSize: 5,
  handlers: {
    "chaos.probe": (job) => {
      appendFileSync(jobsOut, `${job.id}\n`);
      return { kind: "done" };
    },
  },
});
const lockedIngress = withIngressLock(ingress, {
  lock: app.store.ingressLock("telegram"),
  logger,
  sendsNeedIngress: false,
});

await bot.start();
probes.start();
const stopListening = await app.store.listenForWork((table) => table === "jobs" && probes.wake());
await lockedIngress.start(async () => {});
say("READY");

/** Files `count` questions (citizens firstCitizen…) and records `count` commitments, all at once. */
async function numbers(firstCitizen: number, count: number): Promise<void> {
  const work: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    work.push(
      app.store.withTransaction(async () => {
        const filed = await fileQuestion(app, {
          citizenId: firstCitizen + i,
          channel: "memory",
          text: "El alumbrado de la cancha del barrio lleva un mes apagado",
          officeKey: "infraestructura",
          requestType: "general",
        });
        if (!filed.ok) throw new Error(filed.error);
      }),
      recordCommitment(
        app,
        { kind: "cli" },
        {
          text: `Arreglar el alumbrado de la cancha ${workerId} ${i}`,
          officeKey: "infraestructura",
          dueDate: "2026-06-30",
        },
      ).then((r) => {
        if (!r.ok) throw new Error(r.error);
      }),
    );
  }
  await Promise.all(work);
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...args] = line.trim().split(" ");
  if (command === "numbers") {
    await numbers(Number(args[0]), Number(args[1]));
    say("NUMBERS");
  } else if (command === "stall") {
    stallNext = true;
  } else if (command === "quit") {
    await lockedIngress.stop();
    await stopListening();
    await probes.stop();
    await bot.stop();
    await runtime.close();
    process.exit(0);
  }
}
