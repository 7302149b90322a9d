/**
 * The back-office under load (issue 14): among 100,000 questions and 1,000 officials, server time
 * p95 ≤ 30 ms for an office inbox page and ≤ 20 ms for a question page; and the bot's inbound
 * throughput falls by at most 10 % while staff use the back-office.
 *
 * The process is laid out as `npm start` lays it out: one runtime, the bot started (dispatcher,
 * scheduler, checkpoints) on an in-memory channel, and the real web server (`startWeb`) listening
 * on 127.0.0.1. Staff sign in over HTTP as a person does (sign-in page, "send me a link", the link
 * read from the message queued to the official's chat, the button that uses it): every request
 * carries a real session cookie through the session hook.
 *
 * The load comes from autocannon in a child process (test/bench/http-load.ts), so the generator's
 * work never runs on the server's event loop. Server time is measured in this process at the HTTP
 * layer: from the `request` event of Node's server (before Fastify routes it) to the response's
 * `finish` (the last byte handed to the socket), for every request; p95 is computed exactly from
 * those samples. autocannon's client-side p90 / p97.5 / p99 are printed beside it.
 *
 * Inbound: the conversation of test/bench/conversation.ts (hola → consent → question → office →
 * type → radicado) through the same handler, on the seeded database, yielding to the event loop
 * between messages as a real channel's network input does (else no web request could be served
 * until the loop ends). Runs alone and under staff load alternate (alone, loaded, alone, loaded),
 * and each side is pooled, so drift in the machine's load hits both alike.
 *
 *   npm run bench -- backoffice          # this section alone
 *   npx tsx test/bench/backoffice.ts     # the same, standalone
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { InboundMessage } from "../../src/channels/channel.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, startWeb } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { createMemoryChannel } from "../fakes/memory-channel.ts";
import { seedBackOffice, type Seeded } from "./backoffice-seed.ts";
import { CONVERSATION_STEPS, citizenText } from "./conversation.ts";
import type { LoadArgs, LoadResult } from "./http-load.ts";

/** Monday 16 March 2026, 10:00 in Bogotá: a working morning. */
const NOW_MS = Date.parse("2026-03-16T10:00:00-05:00");
type ManualClock = ReturnType<typeof createManualClock>;
export const TARGET_INBOX_P95_MS = 30;
export const TARGET_QUESTION_P95_MS = 20;
export const TARGET_INBOUND_DROP = 0.1;
/**
 * The stated staff load: of 1,000 officials, a fifth signed in at the busiest hour (200), each
 * opening a page every 20 seconds while reading and answering (opening a question, writing and
 * sending its answer takes minutes, so this is on the generous side): 10 pages per second,
 * 70 % inbox views and 30 % question pages. `--stress=40` measures a heavier load too (no target).
 */
const STAFF_RATE_PER_S = 10;
const LOAD_CHILD = join(import.meta.dirname, "http-load.ts");

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Server time per request at the HTTP layer, recorded while `on`. */
function createRecorder(server: import("node:http").Server) {
  const samples = new Map<string, number[]>();
  const cpuSamples: number[] = [];
  const failed = new Map<string, number>();
  let on = false;
  server.prependListener("request", (request, response) => {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    response.once("finish", () => {
      if (!on) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const cpu = process.cpuUsage(cpuStart);
      cpuSamples.push((cpu.user + cpu.system) / 1000);
      const url = request.url ?? "";
      (samples.get(url) ?? samples.set(url, []).get(url)!).push(ms);
      if (response.statusCode !== 200) failed.set(`${response.statusCode} ${url}`, (failed.get(url) ?? 0) + 1);
    });
  });
  return {
    start() {
      samples.clear();
      failed.clear();
      cpuSamples.length = 0;
      on = true;
    },
    stop() {
      on = false;
      if (failed.size) throw new Error(`bench: responses other than 200: ${JSON.stringify([...failed])}`);
      return new Map(samples);
    },
    /** Process CPU time (user + system) during each request of the last recording, ms, sorted. */
    cpu: () => [...cpuSamples].sort((a, b) => a - b),
  };
}

/** Cookies of a response as `name=value` pairs. */
function cookiesOf(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.getSetCookie().map((c) => c.split(";")[0]!.split(/=(.*)/s).slice(0, 2)));
}
const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/**
 * Signs an official in as a person does: sign-in page, "send me a link" (queued to the official's
 * chat through the outbox), the link from that message, its page, its button. Returns the cookie.
 */
async function signIn(base: string, runtime: Runtime, email: string): Promise<string> {
  const jar: Record<string, string> = {};
  const page = await fetch(`${base}/admin/ingresar`);
  Object.assign(jar, cookiesOf(page));
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${base}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
      body: new URLSearchParams(form).toString(),
    });
  const asked = await post("/admin/ingresar/enlace", { _csrf: csrfOf(await page.text()), email });
  if (asked.status !== 303) throw new Error(`bench: sign-in link request answered ${asked.status}`);
  // What the official's chat received (the bench's bot has no Telegram channel: the row waits in the outbox).
  const sqlite = runtime.db!.$client;
  const text = sqlite
    .prepare("select payload from outbox where idempotency_key like 'staff-login:%' order by id desc limit 1")
    .pluck()
    .get() as string;
  const token = /\/admin\/acceso\/([A-Za-z0-9_-]+)/.exec(JSON.parse(text).text as string)?.[1];
  if (!token) throw new Error("bench: no sign-in link in the official's chat");
  const linkPage = await fetch(`${base}/admin/acceso/${token}`, { headers: { cookie: cookieHeader(jar) } });
  Object.assign(jar, cookiesOf(linkPage));
  const used = await post("/admin/acceso", { _csrf: csrfOf(await linkPage.text()), token });
  const session = cookiesOf(used).rinde_sid;
  if (used.status !== 303 || !session) throw new Error(`bench: signing in with the link answered ${used.status}`);
  return `rinde_sid=${session}`;
}

/** The inbox address `pages` pages deep (or the last page), following the page's own "next" links. */
async function deepPage(base: string, cookie: string, path: string, pages: number): Promise<string> {
  let url = path;
  for (let i = 0; i < pages; i++) {
    const html = await (await fetch(`${base}${url}`, { headers: { cookie } })).text();
    const next = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
    if (!next) break;
    url = next.replace(/&amp;/g, "&");
  }
  return url;
}

/** Runs the load generator; resolves its figures once it is done (or told to stop). */
function runLoad(args: LoadArgs): { result: Promise<LoadResult>; stop(): void } {
  const child = spawn(process.execPath, ["--import", "tsx", LOAD_CHILD, JSON.stringify(args)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const result = new Promise<LoadResult>((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`http-load exited ${code}`)),
    ),
  );
  return { result, stop: () => child.stdin.end() };
}

interface InboundRun {
  messages: number;
  seconds: number;
  /** CPU time (user + system) of the whole process during the run: the bot's and the web server's. */
  cpuSeconds: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The conversation bench's 5-message conversation for `citizens` new citizens, one message after
 * the other, yielding to the event loop between messages (network input does).
 */
async function inbound(runtime: Runtime, clock: ManualClock, citizens: number, tag: string): Promise<InboundRun> {
  const latencies: number[] = [];
  const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let step = 0; step < CONVERSATION_STEPS; step++) {
    for (let i = 0; i < citizens; i++) {
      const message: InboundMessage = {
        channel: "memory",
        channelMessageId: `${tag}-${n}`,
        address: `${tag}-c${i}`,
        chatKind: "private",
        text: citizenText(step, i),
        receivedAtMs: clock.nowMs(),
      };
      const t0 = process.hrtime.bigint();
      const result = await runtime.handler.handle(message);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (result.status !== "handled" || result.outboxIds.length !== 1)
        throw new Error(`bench: step ${step}, citizen ${i}: expected one reply, got ${JSON.stringify(result)}`);
      if ((++n & 1023) === 0) clock.advanceMs(1);
      await yieldToLoop();
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  return {
    messages: n,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    messagesPerSecond: n / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

const sum = (runs: InboundRun[], key: "messages" | "seconds" | "cpuSeconds") => runs.reduce((a, r) => a + r[key], 0);
/** Messages per second of wall time, and per second of the process's CPU time, over several runs. */
const pool = (runs: InboundRun[]) => ({
  wall: sum(runs, "messages") / sum(runs, "seconds"),
  cpu: sum(runs, "messages") / sum(runs, "cpuSeconds"),
});
const progress = (line: string) => process.stderr.write(`  backoffice: ${line} (load average ${load()})\n`);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const stats = (s: readonly number[]) => ({
  n: s.length,
  p50: percentile(s, 50),
  p95: percentile(s, 95),
  max: s.at(-1) ?? NaN,
  mean: s.reduce((a, b) => a + b, 0) / s.length,
});

export interface BackOfficeOptions {
  questions?: number;
  officials?: number;
  /** Responses measured per inbox address (after a warm-up of 3 per address). */
  requestsPerUrl?: number;
  /** Citizens per inbound run (5 messages each). */
  citizens?: number;
  /** Also measure inbound under this heavier staff load, pages per second (information, no target). */
  stressRate?: number;
}

export async function benchBackOfficePages(options: BackOfficeOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), "rinde-backoffice-bench-"));
  const clock = createManualClock(NOW_MS);
  const env = loadEnv({
    RINDE_DB: join(dir, "rinde.db"),
    RINDE_PROFILE: "default",
    RINDE_WEB_HOST: "127.0.0.1",
    RINDE_WEB_PORT: "0",
  });
  const runtime = await createRuntime({ env, clock });
  try {
    const seedStart = process.hrtime.bigint();
    const seeded = seedBackOffice(runtime.app, runtime.db!, {
      questions: options.questions ?? 100_000,
      officials: options.officials ?? 1_000,
      nowMs: NOW_MS,
    });
    const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
    progress(`seeded ${seeded.questions} questions in ${seedSeconds.toFixed(1)} s`);
    const bot = createBot(runtime, [createMemoryChannel()], { workerId: "bench-backoffice" });
    await bot.start();
    await runtime.app.router();
    const web = await startWeb(runtime, bot);
    try {
      const base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
      const recorder = createRecorder(web.server);
      const pages = await measurePages({ base, runtime, seeded, recorder, options });
      const inboundFigures = await measureInbound({ base, runtime, clock, recorder, options, urls: pages.urls });
      return { seeded, seedSeconds, ...pages, ...inboundFigures };
    } finally {
      await web.close();
      await bot.stop();
    }
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Url = { path: string; cookie: string };

/** Signs three officials in, then times the largest office's inbox views and its question pages. */
async function measurePages(ctx: {
  base: string;
  runtime: Runtime;
  seeded: Seeded;
  recorder: ReturnType<typeof createRecorder>;
  options: BackOfficeOptions;
}) {
  const { base, runtime, seeded, recorder, options } = ctx;
  const head = await signIn(base, runtime, seeded.emails.head);
  const official = await signIn(base, runtime, seeded.emails.official);
  const control = await signIn(base, runtime, seeded.emails.control);
  const office = seeded.largest.key;
  const district = seeded.districtNames[0]?.split(/\s+/).at(-1) ?? "centro";
  const inboxUrls: Url[] = [
    { path: "/admin/bandeja", cookie: head },
    { path: "/admin/bandeja?vista=vencidas", cookie: head },
    { path: "/admin/bandeja?vista=vencen-pronto", cookie: head },
    { path: "/admin/bandeja?vista=respondidas", cookie: head },
    { path: "/admin/bandeja?vista=todas", cookie: head },
    { path: `/admin/bandeja?vista=todas&q=${encodeURIComponent(district)}`, cookie: head },
    { path: "/admin/bandeja?vista=todas&canal=whatsapp&tipo=information", cookie: head },
    { path: "/admin/bandeja?vista=respondidas&desde=2025-06-01&hasta=2025-06-30", cookie: head },
    { path: await deepPage(base, head, "/admin/bandeja?vista=todas", 20), cookie: head },
    { path: await deepPage(base, head, "/admin/bandeja?vista=respondidas", 10), cookie: head },
    { path: await deepPage(base, head, "/admin/bandeja", 5), cookie: head },
    { path: "/admin/bandeja?vista=mias", cookie: official },
    { path: `/admin/bandeja?oficina=${office}&vista=vencidas`, cookie: control },
  ];
  const questionUrls: Url[] = seeded.sampleReferences.map((r, i) => ({
    path: `/admin/preguntas/${r}`,
    cookie: i % 3 === 2 ? official : head,
  }));
  const perUrl = options.requestsPerUrl ?? 40;
  // Warm-up (JIT, template cache, SQLite page cache), not recorded.
  await runLoad({
    url: base,
    requests: [...inboxUrls, ...questionUrls],
    connections: 1,
    amount: 3 * (inboxUrls.length + questionUrls.length),
  }).result;
  const loadBefore = load();
  // Inbox addresses 4 times in each cycle: both kinds get about as many samples (60 questions, 13 inbox views).
  const cycle = [...inboxUrls.flatMap((u) => [u, u, u, u]), ...questionUrls];
  const measured = async (urls: Url[], amount: number) => {
    recorder.start();
    const client = await runLoad({ url: base, requests: urls, connections: 1, amount }).result;
    return { client, samples: recorder.stop(), cpu: recorder.cpu() };
  };
  const run = await measured(cycle, Math.round((perUrl * cycle.length) / 4));
  progress(`pages measured`);
  // CPU per request by kind: separate short runs of each (one connection: one request at a time).
  const inboxCpu = (await measured(inboxUrls, inboxUrls.length * 10)).cpu;
  const questionCpu = (await measured(questionUrls, questionUrls.length * 3)).cpu;
  const of = (urls: Url[]) => sorted(urls.flatMap((u) => run.samples.get(u.path) ?? []));
  const pages: Record<string, string> = {};
  for (const { path } of inboxUrls) {
    const s = stats(sorted(run.samples.get(path) ?? []));
    pages[path.length > 72 ? `${path.slice(0, 69)}...` : path] =
      `n ${s.n}, p50 ${s.p50.toFixed(1)}, p95 ${s.p95.toFixed(1)}, max ${s.max.toFixed(1)} ms`;
  }
  return {
    urls: { inbox: inboxUrls, question: questionUrls },
    loadBefore,
    inbox: stats(of(inboxUrls)),
    question: stats(of(questionUrls)),
    inboxCpu: stats(inboxCpu),
    questionCpu: stats(questionCpu),
    client: run.client.autocannon,
    clientP95: percentile(sorted(run.client.latenciesMs), 95),
    pages,
  };
}

/** Inbound alone and under the staff load, alternated (alone, loaded, alone, loaded), each side pooled. */
async function measureInbound(ctx: {
  base: string;
  runtime: Runtime;
  clock: ManualClock;
  recorder: ReturnType<typeof createRecorder>;
  options: BackOfficeOptions;
  urls: { inbox: Url[]; question: Url[] };
}) {
  const { base, runtime, clock, recorder, options, urls } = ctx;
  const citizens = options.citizens ?? 2000;
  const staffMix = [...urls.inbox, ...urls.inbox, ...urls.question.slice(0, 11)]; // ≈ 70 % inbox, 30 % questions
  const underLoad = async (rate: number, tag: string) => {
    const generator = runLoad({ url: base, requests: staffMix, connections: 10, overallRate: rate });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the child's start-up
    recorder.start();
    const run = await inbound(runtime, clock, citizens, tag);
    const served = [...recorder.stop().values()].flat();
    generator.stop();
    const result = await generator.result;
    if (result.non2xx || result.errors)
      throw new Error(`bench: staff load got ${result.non2xx} non-2xx responses and ${result.errors} errors`);
    return { run, times: served };
  };
  const loadDuring = load();
  const alone: InboundRun[] = [];
  const loaded: InboundRun[] = [];
  const loadedPages: number[] = [];
  for (let round = 0; round < 2; round++) {
    alone.push(await inbound(runtime, clock, citizens, `alone${round}`));
    progress(`inbound alone ${Math.round(alone.at(-1)!.messagesPerSecond)} msg/s`);
    const { run, times } = await underLoad(STAFF_RATE_PER_S, `staff${round}`);
    loaded.push(run);
    loadedPages.push(...times);
    progress(`inbound under staff load ${Math.round(run.messagesPerSecond)} msg/s, ${times.length} pages`);
  }
  const stress = options.stressRate ? await underLoad(options.stressRate, "stress") : undefined;
  const aloneRate = pool(alone);
  const loadedRate = pool(loaded);
  return {
    loadDuring,
    loadAfter: load(),
    alone,
    loaded,
    aloneRate,
    loadedRate,
    drop: { wall: 1 - loadedRate.wall / aloneRate.wall, cpu: 1 - loadedRate.cpu / aloneRate.cpu },
    staffRate: loadedPages.length / sum(loaded, "seconds"),
    loadedPages: stats(sorted(loadedPages)),
    stress: stress && {
      rate: options.stressRate!,
      served: stress.times.length / stress.run.seconds,
      run: stress.run,
      drop: 1 - stress.run.messagesPerSecond / aloneRate.wall,
      cpuDrop: 1 - stress.run.messages / stress.run.cpuSeconds / aloneRate.cpu,
      p95: percentile(sorted(stress.times), 95),
    },
  };
}

const ok = (pass: boolean) => (pass ? "ok  " : "MISS");
/** Mean CPU per page of the staff mix (26 inbox addresses, 11 question pages), ms. */
const webCpuPerPage = (r: { inboxCpu: { mean: number }; questionCpu: { mean: number } }) =>
  (26 * r.inboxCpu.mean + 11 * r.questionCpu.mean) / 37;

/** For `npm run bench`: one line per figure, and the verdicts. */
export async function benchBackOffice(options: BackOfficeOptions = {}): Promise<Record<string, unknown>> {
  const r = await benchBackOfficePages(options);
  const f = (n: number, d = 1) => n.toFixed(d);
  const n = (x: number) => x.toLocaleString("en-US");
  const runs = (list: InboundRun[]) => list.map((x) => `${Math.round(x.messagesPerSecond)}`).join(" / ");
  const pct = (x: number) => `${f(100 * x)} %`;
  return {
    data: `${n(r.seeded.questions)} questions (largest office ${r.seeded.largest.key}: ${n(r.seeded.largest.questions)}), ${n(r.seeded.officials)} officials, ${n(r.seeded.historyRows)} history rows, ${n(r.seeded.outboxRows)} outbox rows; seeded in ${f(r.seedSeconds)} s`,
    loadAverage: `before pages ${r.loadBefore}; before inbound ${r.loadDuring}; after ${r.loadAfter}`,
    method:
      "server time = Node http 'request' event → response 'finish' in the server process, every request, one connection; p95 exact (nearest rank) from those samples; CPU = process user+system during each request",
    inboxPages: `n ${r.inbox.n}: p50 ${f(r.inbox.p50)}, p95 ${f(r.inbox.p95)}, max ${f(r.inbox.max)} ms; CPU p50 ${f(r.inboxCpu.p50)}, p95 ${f(r.inboxCpu.p95)} ms`,
    questionPages: `n ${r.question.n} (${r.urls.question.length} questions): p50 ${f(r.question.p50)}, p95 ${f(r.question.p95)}, max ${f(r.question.max)} ms; CPU p50 ${f(r.questionCpu.p50)}, p95 ${f(r.questionCpu.p95)} ms`,
    clientSide: `autocannon (all pages) p50 ${r.client.p50}, p90 ${r.client.p90}, p97.5 ${r.client.p97_5}, p99 ${r.client.p99}, max ${r.client.max} ms; p95 of its response times ${f(r.clientP95)} ms`,
    ...Object.fromEntries(Object.entries(r.pages).map(([path, figures]) => [`  ${path}`, figures])),
    inboundAlone: `${runs(r.alone)} msg/s (pooled ${Math.round(r.aloneRate.wall)}; ${Math.round(r.aloneRate.cpu)} per CPU second), p99 ${r.alone.map((x) => f(x.p99Ms, 2)).join(" / ")} ms`,
    inboundUnderStaffLoad: `${runs(r.loaded)} msg/s (pooled ${Math.round(r.loadedRate.wall)}; ${Math.round(r.loadedRate.cpu)} per CPU second) while serving ${f(r.staffRate)} pages/s (server p95 ${f(r.loadedPages.p95)} ms), p99 ${r.loaded.map((x) => f(x.p99Ms, 2)).join(" / ")} ms`,
    ...(r.stress
      ? {
          inboundUnderStress: `${Math.round(r.stress.run.messagesPerSecond)} msg/s while serving ${f(r.stress.served)} of ${r.stress.rate} pages/s asked (server p95 ${f(r.stress.p95)} ms): ${pct(r.stress.drop)} lower by wall clock, ${pct(r.stress.cpuDrop)} by CPU (no target)`,
        }
      : {}),
    inboxTarget: `${ok(r.inbox.p95 <= TARGET_INBOX_P95_MS)} inbox p95 ${f(r.inbox.p95)} ms (target ≤ ${TARGET_INBOX_P95_MS} ms; CPU p95 ${f(r.inboxCpu.p95)} ms)`,
    questionTarget: `${ok(r.question.p95 <= TARGET_QUESTION_P95_MS)} question page p95 ${f(r.question.p95)} ms (target ≤ ${TARGET_QUESTION_P95_MS} ms; CPU p95 ${f(r.questionCpu.p95)} ms)`,
    // The inbound loop keeps whatever CPU the process gets busy, so the web's CPU comes out of it:
    // on a core of its own, inbound loses about the share of a core the staff load takes.
    webCpuShare: `the staff load's CPU, ${f(r.staffRate)} pages/s × ${f(webCpuPerPage(r), 2)} ms mean CPU per page (70 % inbox, 30 % question, one at a time) = ${pct((r.staffRate * webCpuPerPage(r)) / 1000)} of one core: the drop to expect when the process has a core to itself (estimate; the verdict below is the measured one)`,
    inboundTarget: `${ok(r.drop.wall <= TARGET_INBOUND_DROP)} inbound ${pct(r.drop.wall)} lower by wall clock, ${pct(r.drop.cpu)} by CPU per message, under ${STAFF_RATE_PER_S} pages/s of staff load (target ≤ ${pct(TARGET_INBOUND_DROP)})`,
  };
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const figures = await benchBackOffice({
    questions: Number(arg("questions") ?? 100_000),
    citizens: Number(arg("citizens") ?? 2000),
    stressRate: arg("stress") ? Number(arg("stress")) : undefined,
  });
  console.log("Back-office (test/bench/backoffice.ts)");
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key}: ${String(value)}`);
  process.exit(0);
}
