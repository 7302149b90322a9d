/**
 * Issue 18, point 9: every text a citizen or an official reads renders whole, in every language and
 * with every municipality profile: no leftover `{{`, no `undefined`, no `NaN`. The list of texts is
 * read from locales/ (so a new text is covered without touching this file); flow texts are locale
 * keys and are covered with them. Survey texts are rendered through real survey runs made the way
 * their triggers make them; other texts with the variables their senders declare in
 * test/i18n/text-senders.ts, which must name every text that has variables.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROFILES_DIR } from "../../src/config/env.ts";
import { loadProfile } from "../../src/config/profile.ts";
import { createTranslator, loadLocaleResources } from "../../src/i18n/index.ts";
import { textGlobalsOf } from "../../src/services/context.ts";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { introVars, surveyTextKeys } from "../../src/services/surveys/conversation.ts";
import { sendSurvey, startAnswerSurveys, startEventSurvey } from "../../src/services/surveys/surveys.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { runOn } from "../helpers/cli.ts";
import { makeEvent } from "../integration/events-helpers.ts";
import { TEXT_SENDERS } from "./text-senders.ts";

const resources = loadLocaleResources();
const translator = createTranslator(resources);
const ALL_KEYS = [...new Set(Object.values(resources).flatMap((r) => flatKeys(r)))].sort();
const PROFILES = readdirSync(PROFILES_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => loadProfile(join(PROFILES_DIR, f)));

/** A value of the right kind for each variable name senders use. */
const SAMPLES: Record<string, unknown> = {
  // The staff command line (locales/*/cli.json); plain samples of the right kind.
  at: "muestra de at",
  chat: "muestra de chat",
  chatResponses: "muestra de chatResponses",
  closes: "muestra de closes",
  column: "muestra de column",
  completed: "muestra de completed",
  counts: "muestra de counts",
  database: "muestra de database",
  day: "muestra de day",
  delivered: "muestra de delivered",
  detail: "muestra de detail",
  dir: "muestra de dir",
  dueDate: "muestra de dueDate",
  expected: "muestra de expected",
  expires: "muestra de expires",
  found: "muestra de found",
  group: "muestra de group",
  invited: "muestra de invited",
  last: "muestra de last",
  line: "muestra de line",
  link: "muestra de link",
  ms: "muestra de ms",
  option: "muestra de option",
  options: "muestra de options",
  other: "muestra de other",
  paperResponses: "muestra de paperResponses",
  profile: "muestra de profile",
  profilePath: "muestra de profilePath",
  rate: "muestra de rate",
  recording: "muestra de recording",
  responses: "muestra de responses",
  role: "muestra de role",
  run: "muestra de run",
  runs: "muestra de runs",
  segment: "muestra de segment",
  separator: "muestra de separator",
  sheet: "muestra de sheet",
  sizeKb: 1100,
  maxKb: 1024,
  skipped: "muestra de skipped",
  status: "muestra de status",
  suggestion: "muestra de suggestion",
  syntax: "muestra de syntax",
  time: "muestra de time",
  timezone: "muestra de timezone",
  until: "muestra de until",
  what: "muestra de what",
  where: "muestra de where",
  zone: "muestra de zone",
  dest: "muestra de dest",
  rows: "muestra de rows",
  source: "muestra de source",
  table: "muestra de table",
  tables: "muestra de tables",
  target: "muestra de target",
  // Texts of other features (the plan, the public pages); plain samples of the right kind.
  // Traslado to another entity (Ley 1755 de 2015, art. 21).
  toEntity: "Superintendencia de Servicios Públicos Domiciliarios",
  entityEmail: "radicacion@superservicios.gov.co",
  kinds: "número de teléfono, nombre de una persona",
  entityReference: "OF-2026-77",
  sentLine: "\nLe enviamos su petición a la Superintendencia por correo electrónico.",
  referenceLine: "\nNúmero del traslado: OF-2026-77.",
  placeLines:
    "\nUbicación que envió el ciudadano: 4.6097, -74.0817 — https://www.openstreetmap.org/?mlat=4.6097&mlon=-74.0817#map=18/4.6097/-74.0817",
  filedText: "lunes 2 de marzo de 2026",
  files: 2,
  petition: "Me cobraron dos veces la energía del mes de febrero.",
  requestType: "petición general",
  limitText: "lunes 9 de marzo de 2026",
  asOf: "muestra de asOf",
  templateName: "rinde_respuesta",
  // Plan file problems (locales/*/plan.json plan.problems).
  type: "muestra de type",
  columns: "muestra de columns",
  delimiter: ";",
  available: 12,
  minimum: 1,
  maximum: 100,
  plan: "muestra de plan",
  keys: "muestra de keys",
  // The public plan page (locales/*/publico.json publico.plan).
  people: "muestra de people",
  wide: 3,
  events: 3,
  yes: "muestra de yes",
  no: 2,
  attendingEvents: "muestra de attendingEvents",
  figure: "muestra de figure",
  figures: "muestra de figures",
  infoRequests: "muestra de infoRequests",
  law: "muestra de law",
  lines: "muestra de lines",
  maxTextLength: 10,
  mean: "muestra de mean",
  minLength: 10,
  stopSummary: "muestra de stopSummary",
  survey: "muestra de survey",
  question: "muestra de question",
  paper: 3,
  activities: 3,
  activity: "muestra de activity",
  actor: "muestra de actor",
  answered: 3,
  answeredOnTime: 3,
  at_risk: 3,
  cameDue: 3,
  cancelled: 3,
  commands: "muestra de commands",
  district: "muestra de district",
  divipola: "muestra de divipola",
  done: 3,
  doneLate: 3,
  doneOnTime: 3,
  engine: "PostgreSQL",
  endText: "muestra de endText",
  file: "muestra de file",
  flag: "muestra de flag",
  goal: 3,
  goalText: "muestra de goalText",
  held: 3,
  high: 3,
  in_progress: 3,
  kind: "muestra de kind",
  late: 3,
  latest: "0014_young_wallow",
  low: 3,
  min: 3,
  municipalityWide: "muestra de municipalityWide",
  names: "muestra de names",
  office: "muestra de office",
  offices: 3,
  onTime: 3,
  on_track: 3,
  out: "muestra de out",
  overdue: 3,
  path: "muestra de path",
  pending: 3,
  period: "muestra de period",
  previous: 3,
  progress: 3,
  publicSiteLine: "\n\nPáginas públicas: https://rinde.alcaldia.gov.co/",
  questions: 3,
  reached: 3,
  received: 3,
  required: 3,
  rsvpYes: 3,
  share: 3,
  states: "muestra de states",
  sub: "muestra de sub",
  todayText: "muestra de todayText",
  value: 3,
  withProgress: 3,
  year: 2026,
  thisYear: 2026,
  latestYear: 2025,
  years: "2022, 2025",
  account: "+573001234567",
  accountabilityLines: "• Una audiencia pública cada año.",
  answer: "Programamos la reparación para el 10 de marzo.",
  bar: "██████░░░░ 60%",
  card: "Audiencia pública 2026\nCuándo: martes 10 de marzo",
  changes: "• Hora: antes 9:00 a. m. – 11:00 a. m. → ahora 10:00 a. m. – 12:00 p. m.",
  code: "K7P-2Q9",
  command: "/nada",
  commitmentNumber: 3,
  coordinates: "4.6097, -74.0817",
  count: 4,
  current: "Usted recibe avisos de: Salud",
  date: "martes 10 de marzo de 2026",
  dateText: "martes 10 de marzo de 2026",
  days: 5,
  detailText: "Cambió la hora.",
  districtList: "Comuna 1, Comuna 2",
  districtName: "Comuna 4 Occidental",
  districts: "Comuna 1",
  dueDateText: "martes 24 de marzo de 2026",
  end: "11:00",
  endDate: "miércoles 11 de marzo de 2026",
  eventId: 12,
  eventName: "Audiencia pública 2026",
  eventTitle: "Audiencia pública 2026",
  evidence: "https://alcaldia.gov.co/informe.pdf",
  evidenceLine: "Evidencia: https://alcaldia.gov.co/informe.pdf",
  extraLines: "",
  failed: 0,
  field: "Lugar",
  filterName: "Comuna 1",
  followText: "Le avisaremos.",
  followers: 7,
  from: "Coliseo Municipal",
  hearings: "Una audiencia pública cada año.",
  id: 5,
  index: 2,
  infoReference: "RC-2026-000123",
  infoRequest: "¿En qué dirección?",
  key: "salud",
  kindText: "Audiencia pública",
  lastDayText: "jueves 2 de abril de 2026",
  length: 4200,
  limitDate: "2026-04-14",
  limitDateText: "martes 14 de abril de 2026",
  list: "• RC-2026-000123",
  mapUrl: "https://www.openstreetmap.org/?mlat=4.6097&mlon=-74.0817#map=18/4.6097/-74.0817",
  max: 3000,
  monthText: "marzo de 2026",
  n: 1,
  name: "Ana Pérez",
  nextEvents: "• Audiencia pública 2026 — martes 10 de marzo, 9:00 a. m.",
  note: "Se contrató la obra.",
  notice: "Aviso",
  number: 2,
  numbers: "1, 2",
  officeName: "Secretaría de Salud",
  page: 1,
  pages: 3,
  percent: "60 %",
  place: "Coliseo Municipal",
  placeName: "La Joya",
  placeNote: " (Parque Santander, Cra. 7 #16-20)",
  placeText: "la joya",
  previousDueDateText: "lunes 23 de marzo de 2026",
  questionPreview: "¿Cuándo arreglan la vía?",
  queued: 10,
  quietEnd: "07:00",
  quietStart: "21:00",
  reason: "Falta una visita técnica.",
  reference: "RC-2026-000123",
  reportsUrl: "https://www.alcaldia.gov.co/transparencia",
  reportsWhere: "la página web, sección Transparencia",
  request: "¿En qué dirección?",
  requestTypeText: "petición general",
  rest: 3,
  roleText: "funcionario",
  rsvpText: "¿Va a asistir?",
  sent: 9,
  start: "09:00",
  stateText: "en curso",
  statusText: "en trámite",
  subject: "vías y obras",
  summary: "3 cumplidos",
  surveyMax: 500,
  surveyPrompt: "Pregunta 1 de 2. ¿Fue clara?",
  text: "Hay un hueco en la vía.",
  title: "Audiencia pública 2026",
  to: "Teatro Municipal",
  total: 12,
  unreachable: 1,
  uncertain: 0,
  updatesText: "Avance: 50 %",
  url: "https://alcaldia.gov.co/en-vivo",
  when: "martes 10 de marzo de 2026, de 09:00 a 11:00",
  yesCount: 8,
  // The back-office (issue 14).
  channel: "Telegram",
  due: "martes 24 de marzo de 2026",
  effective: "lunes 2 de marzo de 2026",
  filed: "domingo 1 de marzo de 2026, 18:30",
  first: "martes 3 de marzo de 2026",
  holidays: "lunes 23 de marzo (San José)",
  limit: "martes 14 de abril de 2026",
  limitMb: 20,
  minutes: 10,
  previousOfficeName: "Secretaría de Gobierno",
  today: "martes 10 de marzo de 2026",
};

const BROKEN = /\{\{|\bundefined\b|\bNaN\b/;

function flatKeys(node: unknown, prefix = ""): string[] {
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
    value && typeof value === "object" ? flatKeys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function surveyKeys(): Set<string> {
  // The survey definitions' texts are checked through real runs below.
  return new Set(ALL_KEYS.filter((k) => /^surveys\.[a-z_]+\.(title|intro)$/.test(k) || surveyDefinitionKeys.has(k)));
}
let surveyDefinitionKeys = new Set<string>();

describe("every text renders whole", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    surveyDefinitionKeys = new Set([...h.runtime.surveys.values()].flatMap((d) => surveyTextKeys(d)));
  });
  afterEach(async () => {
    await h.close();
  });

  it("declares the variables of every text with variables, and nothing stale", () => {
    const surveys = surveyKeys();
    const undeclared: string[] = [];
    for (const key of ALL_KEYS) {
      if (surveys.has(key)) continue;
      const leftover = translator.locales.flatMap((l) =>
        [...translator.t(l, key, {}, textGlobalsOf(PROFILES[0]!)).matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]),
      );
      if (leftover.length > 0 && !TEXT_SENDERS[key]) undeclared.push(`${key} (${[...new Set(leftover)].join(", ")})`);
    }
    expect(undeclared, "declare what the senders of these texts pass in test/i18n/text-senders.ts").toEqual([]);
    const stale = Object.keys(TEXT_SENDERS).filter((k) => !ALL_KEYS.includes(k) || surveys.has(k));
    expect(stale, "texts declared in text-senders.ts that no longer exist").toEqual([]);
    const unsampled = [...new Set(Object.values(TEXT_SENDERS).flat())].filter((v) => !(v in SAMPLES));
    expect(unsampled, "variables without a sample value").toEqual([]);
  });

  it("renders every text in every language with every profile", () => {
    const surveys = surveyKeys();
    const broken: string[] = [];
    for (const profile of PROFILES) {
      const globals = textGlobalsOf(profile);
      for (const key of ALL_KEYS) {
        if (surveys.has(key)) continue;
        const vars = Object.fromEntries((TEXT_SENDERS[key] ?? []).map((v) => [v, SAMPLES[v]]));
        for (const locale of translator.locales) {
          const text = translator.t(locale, key, vars, globals);
          if (BROKEN.test(text) || text === key) broken.push(`${profile.id} ${locale} ${key}: ${text.slice(0, 80)}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("renders every survey whole through the runs its trigger makes", async () => {
    const app = h.runtime.app;
    const reference = await fileQuestion(h, "ana");
    expect((await answerQuestion(app, { kind: "cli" }, reference, "Ya quedó arreglado.")).ok).toBe(true);
    await startAnswerSurveys(h.runtime, (await app.repos.questions.byReference(reference))!.id, h.clock.nowMs());
    const event = await makeEvent(h);
    const broken: string[] = [];
    for (const definition of h.runtime.surveys.values()) {
      const runs =
        definition.trigger.kind === "question_answered"
          ? await app.repos.surveys.listRuns({ surveyId: definition.id })
          : definition.trigger.kind === "event_ended"
            ? [(await startEventSurvey(app, definition, event.id, h.clock.nowMs()))!]
            : [];
      const sent = await sendSurvey(h.runtime, {
        surveyId: definition.id,
        segment: "everyone",
        actor: { kind: "cli" },
      });
      if (sent.ok) runs.push(sent.run);
      else expect(sent.error, definition.id).toBe("cannot_render");
      expect(runs.length, `${definition.id}: no run to render`).toBeGreaterThan(0);
      for (const run of runs) {
        const vars = { ...(await introVars(app, run)), count: definition.questions.length, title: "t" };
        for (const locale of translator.locales) {
          for (const key of surveyTextKeys(definition)) {
            const text = translator.t(locale, key, vars, app.textGlobals);
            if (BROKEN.test(text) || text === key)
              broken.push(`${definition.id} run ${run.id} (${run.trigger}) ${locale} ${key}: ${text.slice(0, 80)}`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("refuses to send an answer survey to a segment from the CLI, and invites no one", async () => {
    await fileQuestion(h, "ana");
    await h.say("beto", "hola");
    await h.say("beto", "1"); // consented, never asked anything
    for (const surveyId of ["answer_clarity", "answer_resolved"]) {
      const { error } = await runOn(h.runtime, ["surveys", "send", surveyId, "--segment", "everyone"], "en");
      expect(error).toMatch(/need details a segment does not give.*needs .*reference/);
      expect((await runOn(h.runtime, ["surveys", "send", surveyId, "--segment", "everyone"])).error).toMatch(
        /^Los textos de esta encuesta necesitan datos que un segmento no da .*reference/,
      );
      const withOffice = await runOn(h.runtime, ["surveys", "send", surveyId, "--segment", "office:salud"], "en");
      expect(withOffice.error).toMatch(/needs .*reference/);
    }
    expect(await h.runtime.app.repos.surveys.listRuns({})).toEqual([]);
  });
});
