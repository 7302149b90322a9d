/**
 * The public transparency pages and the open data export among 1,000,000 stored questions
 * (issue 15: each public page p95 ≤ 20 ms server time; the open data export ≤ 10 s).
 *
 * A temp database with the real migrations gets 1,000,000 questions filed over three years across
 * the profile's offices — answered on time and late, open, overdue, extended, waiting for the
 * citizen, withdrawn, 2 % reassigned, 1 % sent for one of 60 dialogue spaces — with raw prepared
 * statements, then 300 commitments with progress through the services.
 *
 * Measured:
 * - the first build of the stored monthly answer totals (once per installation or calendar change);
 * - a restart: reading the stored totals back (what the server does before taking requests);
 * - after a day's work (the 100 newest open questions answered), bringing the totals up to date
 *   (in the web server this runs in the background, never inside a request);
 * - every public page through Fastify (`inject`), each request with a unique query string so it
 *   misses the page cache: render time, not cache hits; p50 / p95 / max per page;
 * - the open data export as `rinde opendata export` writes it (5 datasets and dictionaries, CSV and JSON).
 *
 *   npx tsx test/bench/public.ts        # standalone; npm run bench calls benchPublicPages()
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Fastify from "fastify";
import { resolveProfilePath } from "../../src/config/env.ts";
import { loadProfile } from "../../src/config/profile.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { toLocalDate } from "../../src/core/calendar/index.ts";
import { fromEpochDay, toEpochDay } from "../../src/core/calendar/local-date.ts";
import { openDb, type Db } from "../../src/db/client.ts";
import { createSqliteStore } from "../../src/db/sqlite/store.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { postProgress, recordCommitment } from "../../src/services/commitments/commitments.ts";
import { createAppContext, type AppContext } from "../../src/services/context.ts";
import { createEvent } from "../../src/services/events/events.ts";
import { refreshAnswerTotals, storedAnswerStats } from "../../src/services/transparency/answers.ts";
import {
  buildDataset,
  datasetCsv,
  datasetJson,
  DATASET_NAMES,
  dictionaryOf,
} from "../../src/services/transparency/open-data.ts";
import { createPublicData } from "../../src/services/transparency/public-data.ts";
import { registerPublicSite } from "../../src/web/public/plugin.ts";

/** Monday 16 March 2026, 10:00 in Bogotá. */
const NOW_MS = Date.parse("2026-03-16T10:00:00-05:00");
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const REQUESTS_PER_PAGE = 60;
export const TARGET_PAGE_P95_MS = 20;
export const TARGET_EXPORT_S = 10;

/** Deterministic pseudo-random numbers (mulberry32), so every run stores the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts `count` questions (and reassignment history) with raw prepared statements, in one transaction. */
function fill(db: Db, offices: readonly string[], eventIds: readonly number[], count: number): void {
  const sqlite = db.$client;
  const today = toEpochDay(toLocalDate(new Date(NOW_MS)));
  const rand = random(1757);
  const insertCitizen = sqlite.prepare(
    "insert into citizens (locale, consent, created_at_ms) values ('es', 'granted', ?)",
  );
  const insertQuestion = sqlite.prepare(
    `insert into questions (id, reference, citizen_id, office_key, request_type, status, text, channel, filed_at_ms, term_business_days, due_date,
       term_started_at_ms, extended_to, answer_text, answered_at_ms, updated_at_ms, event_id, published_summary)
     values (?, ?, ?, ?, ?, ?, ?, 'telegram', ?, 15, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = sqlite.prepare(
    "insert into question_events (question_id, kind, actor, at_ms, data) values (?, ?, 'cli', ?, ?)",
  );
  const citizens = 5000;
  sqlite.pragma("cache_size = -524288");
  sqlite
    .transaction(() => {
      for (let c = 0; c < citizens; c++) insertCitizen.run(NOW_MS - 1200 * DAY_MS);
      for (let i = 0; i < count; i++) {
        const id = i + 1;
        // Filed over the last three years, in filing order (ids grow with time, as in production).
        const filedDay = today - 1095 + Math.floor((i / count) * 1095);
        const filedAtMs = filedDay * DAY_MS + (13 + Math.floor(rand() * 10)) * HOUR_MS;
        const age = today - filedDay;
        let dueDay = filedDay + 21;
        const extended = rand() < 0.03;
        if (extended) dueDay += 12;
        const roll = rand();
        const dialogue = rand() < 0.01 ? eventIds[i % eventIds.length]! : null;
        let status: "open" | "answered" | "info_requested" | "withdrawn" = "answered";
        let termStart = filedAtMs;
        if (roll < 0.005) status = "withdrawn";
        else if (age < 45 && roll < 0.04) status = "info_requested";
        else if ((age < 40 && roll < 0.5) || roll < 0.02) status = "open";
        else if (roll < 0.05) termStart = filedAtMs + 5 * DAY_MS; // the citizen completed the information
        const answeredDay = Math.min(today, filedDay + Math.floor(rand() * 30));
        const answered = status === "answered";
        const year = 2023 + Math.floor(((filedDay - (today - 1095)) / 1095) * 3);
        insertQuestion.run(
          id,
          `RC-${year}-${String(id).padStart(7, "0")}`,
          (i % citizens) + 1,
          offices[i % offices.length]!,
          dialogue ? "dialogue" : "general",
          status,
          `Pregunta de prueba ${id}`,
          filedAtMs,
          fromEpochDay(dueDay),
          termStart,
          extended ? fromEpochDay(dueDay) : null,
          answered ? "Respuesta de la dependencia." : null,
          answered ? answeredDay * DAY_MS + 15 * HOUR_MS : null,
          filedAtMs,
          dialogue,
          dialogue && i % 3 === 0 ? `Resumen publicado de la pregunta ${id}` : null,
        );
        if (rand() < 0.02)
          insertEvent.run(
            id,
            "reassigned",
            filedAtMs + HOUR_MS,
            JSON.stringify({
              from: offices[i % offices.length],
              to: offices[(i + 1) % offices.length],
              reason: "Competencia",
            }),
          );
      }
    })
    .immediate();
  sqlite.pragma("analysis_limit = 1000");
  sqlite.exec("analyze");
}

/** 60 dialogue spaces over the three years and 300 commitments with progress, through the services. */
async function seedEventsAndCommitments(
  app: AppContext,
  clock: ReturnType<typeof createManualClock>,
  offices: readonly string[],
): Promise<number[]> {
  const cli = { kind: "cli" } as const;
  const districts = app.profile.districts.map((d) => d.key);
  const ids: number[] = [];
  for (let i = 0; i < 60; i++) {
    const startsAtMs = NOW_MS - 1090 * DAY_MS + i * 18 * DAY_MS + 14 * HOUR_MS;
    clock.setMs(startsAtMs - 10 * DAY_MS);
    const created = await createEvent(app, cli, {
      kind: "territorial_dialogue",
      title: `Diálogo ciudadano ${i + 1}`,
      description: "Rendición de cuentas.",
      startsAtMs,
      endsAtMs: startsAtMs + 2 * HOUR_MS,
      place: "Salón comunal",
      virtualUrl: null,
      officeKey: offices[i % offices.length]!,
      districts: districts.length ? [districts[i % districts.length]!] : [],
      topics: [],
    });
    if (!created.ok) throw new Error(`bench: event ${JSON.stringify(created.error)}`);
    ids.push(created.event.id);
  }
  for (let i = 0; i < 300; i++) {
    const dueDay = toEpochDay(toLocalDate(new Date(NOW_MS))) - 200 + i * 2;
    clock.setMs(Math.min(NOW_MS - DAY_MS, (dueDay - 60) * DAY_MS + 15 * HOUR_MS));
    const recorded = await recordCommitment(app, cli, {
      officeKey: offices[i % offices.length]!,
      dueDate: fromEpochDay(dueDay),
      text: `Compromiso de prueba número ${i + 1}`,
      eventId: ids[i % ids.length]!,
    });
    if (!recorded.ok) throw new Error(`bench: commitment ${recorded.error}`);
    await postProgress(app, cli, recorded.commitment.number, {
      percent: 20 + (i % 5) * 20,
      note: "Avance",
      evidenceUrl: "https://example.org/evidencia",
    });
  }
  clock.setMs(NOW_MS);
  return ids;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export interface PublicBenchResult {
  questions: number;
  insertSeconds: number;
  /** First build of the stored monthly totals. */
  buildTotalsSeconds: number;
  /** Months and rows stored. */
  storedMonths: number;
  /** A restart: reading the stored totals back. */
  loadTotalsMs: number;
  /** After the 100 newest open questions are answered: bringing the totals up to date. */
  refreshAfterChangeMs: number;
  refreshedMonths: number;
  /** Per page: uncached render wall p50 / p95 / max and CPU p50 / p95, and cached p95, ms. */
  pages: Record<string, string>;
  worstPageP95Ms: number;
  /** CPU time (user + system) of the process per uncached render: less disturbed by other load. */
  worstPageCpuP95Ms: number;
  worstCachedP95Ms: number;
  loadAverage: string;
  exportSeconds: number;
  exportRows: Record<string, number>;
}

export async function benchPublicPages(options: { questions?: number } = {}): Promise<PublicBenchResult> {
  const questions = options.questions ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), "rinde-public-bench-"));
  const db = openDb(join(dir, "public.db"));
  try {
    const clock = createManualClock(NOW_MS);
    const store = createSqliteStore(db);
    const app = await createAppContext({
      store,
      db,
      clock,
      profile: loadProfile(resolveProfilePath("default")),
      translator: createTranslator(),
    });
    const offices = (await app.repos.offices.list()).filter((o) => o.active).map((o) => o.key);
    const eventIds = await seedEventsAndCommitments(app, clock, offices);
    const insertStart = process.hrtime.bigint();
    fill(db, offices, eventIds, questions);
    const insertSeconds = seconds(insertStart);

    const buildStart = process.hrtime.bigint();
    await refreshAnswerTotals(app);
    const buildTotalsSeconds = seconds(buildStart);
    const loadStart = process.hrtime.bigint();
    const stored = await storedAnswerStats(app);
    const loadTotalsMs = seconds(loadStart) * 1000;

    // A day's work: the 100 newest open questions answered (their filing months are recomputed).
    const sqlite = db.$client;
    const open = sqlite.prepare("select id from questions where status = 'open' order by id desc limit 100").all() as {
      id: number;
    }[];
    sqlite.transaction(() => {
      for (const { id } of open) {
        sqlite
          .prepare(
            "update questions set status = 'answered', answer_text = 'Respuesta', answered_at_ms = ?, updated_at_ms = ? where id = ?",
          )
          .run(NOW_MS, NOW_MS, id);
        sqlite
          .prepare(
            "insert into question_events (question_id, kind, actor, at_ms, data) values (?, 'answered', 'cli', ?, '{}')",
          )
          .run(id, NOW_MS);
      }
    })();
    const changeStart = process.hrtime.bigint();
    const refreshed = await refreshAnswerTotals(app);
    const refreshAfterChangeMs = seconds(changeStart) * 1000;

    const server = Fastify();
    await registerPublicSite(server, { app });
    await server.ready();
    const commitment = (await app.repos.commitments.list({}))[0]!;
    const paths = [
      "/",
      "/respuestas",
      "/respuestas?periodo=2025",
      `/respuestas/${offices[0]}`,
      "/preguntas",
      "/preguntas/peticiones",
      `/preguntas?evento=${eventIds[10]}`,
      "/eventos",
      `/eventos/${eventIds[10]}`,
      "/compromisos",
      `/compromisos/${commitment.number}`,
      "/encuestas",
      "/datos",
      "/calendario/eventos.ics",
      "/datos/pqrsd_oportunidad_por_dependencia.csv",
    ];
    const pages: Record<string, string> = {};
    let worstPageP95Ms = 0;
    let worstPageCpuP95Ms = 0;
    let worstCachedP95Ms = 0;
    for (const path of paths) {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < REQUESTS_PER_PAGE + 5; i++) {
        // A unique query string: the page cache (keyed by URL) misses, so this is a full render.
        const url = `${path}${path.includes("?") ? "&" : "?"}bench=${i}`;
        const cpuStart = process.cpuUsage();
        const start = process.hrtime.bigint();
        const response = await server.inject({ method: "GET", url });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const used = process.cpuUsage(cpuStart);
        if (response.statusCode !== 200) throw new Error(`bench: ${url} answered ${response.statusCode}`);
        if (i < 5) continue; // the first renders warm eta's template cache
        wall.push(ms);
        cpu.push((used.user + used.system) / 1000);
      }
      // The same URL again and again: what most visitors get between two data changes.
      const cached: number[] = [];
      for (let i = 0; i < REQUESTS_PER_PAGE; i++) {
        const start = process.hrtime.bigint();
        await server.inject({ method: "GET", url: path });
        cached.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      for (const list of [wall, cpu, cached]) list.sort((a, b) => a - b);
      worstPageP95Ms = Math.max(worstPageP95Ms, percentile(wall, 95));
      worstPageCpuP95Ms = Math.max(worstPageCpuP95Ms, percentile(cpu, 95));
      worstCachedP95Ms = Math.max(worstCachedP95Ms, percentile(cached, 95));
      pages[path] =
        `wall ${percentile(wall, 50).toFixed(1)} / ${percentile(wall, 95).toFixed(1)} / ${wall.at(-1)!.toFixed(1)}; CPU ${percentile(cpu, 50).toFixed(1)} / ${percentile(cpu, 95).toFixed(1)}; cached p95 ${percentile(cached, 95).toFixed(2)} ms`;
    }
    await server.close();

    // `rinde opendata export --out DIR`: a fresh process reads the stored totals, then writes the files.
    const out = mkdtempSync(join(dir, "datos-"));
    const exportStart = process.hrtime.bigint();
    const t = (key: string) => app.translator.t("es", key);
    const data = createPublicData(app);
    const exportRows: Record<string, number> = {};
    for (const name of DATASET_NAMES) {
      const dataset = await buildDataset(app, data, name, t);
      const dictionary = dictionaryOf(name, t);
      writeFileSync(join(out, `${name}.csv`), datasetCsv(dataset));
      writeFileSync(join(out, `${name}.json`), datasetJson(dataset));
      writeFileSync(join(out, `${name}_diccionario.csv`), datasetCsv(dictionary));
      writeFileSync(join(out, `${name}_diccionario.json`), datasetJson(dictionary));
      exportRows[name] = dataset.rows.length;
    }
    const exportSeconds = seconds(exportStart);
    return {
      questions,
      insertSeconds,
      buildTotalsSeconds,
      storedMonths: stored.byMonth.size,
      loadTotalsMs,
      refreshAfterChangeMs,
      refreshedMonths: refreshed.months.length,
      pages,
      worstPageP95Ms,
      worstPageCpuP95Ms,
      worstCachedP95Ms,
      loadAverage: loadavg()
        .map((l) => l.toFixed(1))
        .join(" "),
      exportSeconds,
      exportRows,
    };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For `npm run bench`: the figures with one line per page, and the verdicts. */
export async function benchPublic(): Promise<Record<string, unknown>> {
  const { pages, ...r } = await benchPublicPages();
  return {
    ...r,
    ...Object.fromEntries(Object.entries(pages).map(([path, figures]) => [`page ${path} (p50 / p95 / max)`, figures])),
    pagesTarget: `worst page p95 (target ≤ ${TARGET_PAGE_P95_MS} ms): uncached wall ${r.worstPageP95Ms.toFixed(1)} ms ${r.worstPageP95Ms <= TARGET_PAGE_P95_MS ? "ok" : "MISS"}, uncached CPU ${r.worstPageCpuP95Ms.toFixed(1)} ms ${r.worstPageCpuP95Ms <= TARGET_PAGE_P95_MS ? "ok" : "MISS"}, cached ${r.worstCachedP95Ms.toFixed(2)} ms ${r.worstCachedP95Ms <= TARGET_PAGE_P95_MS ? "ok" : "MISS"}`,
    exportTarget: `${r.exportSeconds <= TARGET_EXPORT_S ? "ok" : "MISS"}: ${r.exportSeconds.toFixed(2)} s (target ≤ ${TARGET_EXPORT_S} s)`,
  };
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const count = Number(process.argv.find((a) => a.startsWith("--questions="))?.slice(12) ?? 1_000_000);
  const r = await benchPublicPages({ questions: count });
  const fmt = (n: number) => n.toLocaleString("en-US");
  console.log(
    `Public pages and open data among ${fmt(r.questions)} questions (inserted in ${r.insertSeconds.toFixed(1)} s)`,
  );
  console.log(
    `  stored monthly totals: first build ${r.buildTotalsSeconds.toFixed(2)} s (${r.storedMonths} months); restart read ${r.loadTotalsMs.toFixed(1)} ms; after 100 answers ${r.refreshAfterChangeMs.toFixed(0)} ms (${r.refreshedMonths} months)`,
  );
  console.log(
    `  pages (load average ${r.loadAverage}): uncached render wall p50 / p95 / max, CPU p50 / p95, cached p95 (target p95 ≤ ${TARGET_PAGE_P95_MS} ms)`,
  );
  console.log(
    `    worst p95: wall ${r.worstPageP95Ms.toFixed(1)} ms (${r.worstPageP95Ms <= TARGET_PAGE_P95_MS ? "ok" : "MISS"}), CPU ${r.worstPageCpuP95Ms.toFixed(1)} ms (${r.worstPageCpuP95Ms <= TARGET_PAGE_P95_MS ? "ok" : "MISS"}), cached ${r.worstCachedP95Ms.toFixed(2)} ms (${r.worstCachedP95Ms <= TARGET_PAGE_P95_MS ? "ok" : "MISS"})`,
  );
  for (const [path, figures] of Object.entries(r.pages)) console.log(`    ${path.padEnd(48)} ${figures}`);
  console.log(
    `  open data export: ${r.exportSeconds.toFixed(2)} s (target ≤ ${TARGET_EXPORT_S} s): ${r.exportSeconds <= TARGET_EXPORT_S ? "ok" : "MISS"}; rows ${JSON.stringify(r.exportRows)}`,
  );
}
