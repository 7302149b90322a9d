/**
 * Contract test of the PostgreSQL repositories written against src/db/repositories/ (surveys, plan,
 * commitments, events, transparency, announcements): the same sequence of calls runs on the SQLite
 * repositories (the specification, temp file, real migrations) and on the PostgreSQL ports (a fresh
 * schema, real migrations), and every result must be equal. Then what only PostgreSQL can show:
 * commitment numbers stay unique when several processes record at once. Skipped without
 * RINDE_TEST_DATABASE_URL.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Segment } from "../../../src/core/events.ts";
import type { PlanDefinition } from "../../../src/core/plan/definition.ts";
import { openDb, type Db } from "../../../src/db/client.ts";
import type { Port } from "../../../src/db/port.ts";
import type { PgDb, Postgres } from "../../../src/db/postgres/client.ts";
import { createPgAnnouncementsRepo } from "../../../src/db/postgres/repositories/announcements.ts";
import { createPgCommitmentsRepo } from "../../../src/db/postgres/repositories/commitments.ts";
import { createPgEventsRepo } from "../../../src/db/postgres/repositories/events.ts";
import { createPgRepos } from "../../../src/db/postgres/repositories/index.ts";
import { createPgPlanRepo } from "../../../src/db/postgres/repositories/plan.ts";
import { createPgSurveysRepo } from "../../../src/db/postgres/repositories/surveys.ts";
import { createPgTransparencyRepo } from "../../../src/db/postgres/repositories/transparency.ts";
import * as pgSchema from "../../../src/db/postgres/schema.ts";
import { createPostgresStore } from "../../../src/db/postgres/store.ts";
import { createSyncRepos, type SyncRepos } from "../../../src/db/repositories/index.ts";
import * as sqliteSchema from "../../../src/db/schema.ts";
import { openFreshPostgres, url } from "../../helpers/postgres.ts";

const KEYS = ["surveys", "plan", "commitments", "events", "transparency", "announcements"] as const;
type Key = (typeof KEYS)[number];
type Ports = { [K in Key]: Port<SyncRepos[K]> };

/** Tables the scenario fills directly (their repositories are tested elsewhere). */
type SeedTable =
  "offices" | "citizens" | "channelIdentities" | "subscriptions" | "conversations" | "questions" | "questionEvents";
type SeedRow<K extends SeedTable> = (typeof sqliteSchema)[K]["$inferInsert"];

interface Engine {
  repos: Ports;
  seed<K extends SeedTable>(table: K, rows: SeedRow<K>[]): Promise<void>;
  /** The outbox rows an announcement release wrote, without their ids. */
  outbox(): Promise<Record<string, unknown>[]>;
}

/** A synchronous repository seen through its port (what the SQLite store does, minus the mutex). */
function asPort<T extends object>(repo: T): Port<T> {
  const port: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(repo)) {
    port[name] = async (...args: unknown[]) => (method as (...a: unknown[]) => unknown)(...args);
  }
  return port as Port<T>;
}

type OutboxRow = typeof sqliteSchema.outbox.$inferSelect;

/** What a release decides about an outbox row; ids tell the order rows were written in (the dispatcher's tie-break). */
function released({
  id,
  idempotencyKey,
  channel,
  address,
  citizenId,
  priority,
  guarantee,
  payload,
  status,
  attempts,
  notBeforeMs,
  createdAtMs,
}: OutboxRow) {
  return {
    id,
    idempotencyKey,
    channel,
    address,
    citizenId,
    priority,
    guarantee,
    payload,
    status,
    attempts,
    notBeforeMs,
    createdAtMs,
  };
}

function sqliteEngine(db: Db): Engine {
  const sync = createSyncRepos(db);
  return {
    repos: Object.fromEntries(KEYS.map((key) => [key, asPort(sync[key])])) as unknown as Ports,
    async seed(table, rows) {
      db.insert(sqliteSchema[table])
        .values(rows as never)
        .run();
    },
    async outbox() {
      return db.select().from(sqliteSchema.outbox).orderBy(asc(sqliteSchema.outbox.idempotencyKey)).all().map(released);
    },
  };
}

function postgresEngine(db: PgDb): Engine {
  const q = () => db;
  return {
    repos: {
      surveys: createPgSurveysRepo(q),
      plan: createPgPlanRepo(q),
      commitments: createPgCommitmentsRepo(q),
      events: createPgEventsRepo(q),
      transparency: createPgTransparencyRepo(q),
      announcements: createPgAnnouncementsRepo(q),
    },
    async seed(table, rows) {
      await db.insert(pgSchema[table]).values(rows as never);
    },
    async outbox() {
      return (await db.select().from(pgSchema.outbox).orderBy(asc(pgSchema.outbox.idempotencyKey))).map(released);
    },
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);
const YEAR_2026 = { fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2027, 0, 1) };

type Log = [label: string, value: unknown][];

/** Rows whose order the specification leaves open (no ORDER BY: SQLite's order follows its query plan), sorted. */
function canonical<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

const plan = (title: string) =>
  ({ year: 2026, title, activities: [{ id: "a1", name: "Audiencia", target: 2 }] }) as unknown as PlanDefinition;

/** The sequence of calls, the same on both engines; every result is recorded. */
async function scenario({ repos: r, seed, outbox }: Engine): Promise<Log> {
  const log: Log = [];
  const rec = async <T>(label: string, value: Promise<T>): Promise<T> => {
    const v = await value;
    log.push([label, v]);
    return v;
  };

  // ── Empty database ──
  await rec("transparency.dataVersion empty", r.transparency.dataVersion());
  await rec("transparency.firstFiledAtMs empty", r.transparency.firstFiledAtMs());
  await rec("transparency.lastQuestionEventId empty", r.transparency.lastQuestionEventId());
  await rec("commitments.count empty", r.commitments.count());

  // ── People and offices (ids 1…8 on both engines) ──
  await seed("offices", [
    { key: "obras", category: "infraestructura", name: "Obras", head: "Ana", description: "", updatedAtMs: T0 },
    { key: "salud", category: "social", name: "Salud", head: "Beto", description: "", updatedAtMs: T0 },
    { key: "agua", category: "servicios", name: "Agua", head: "Carla", description: "", updatedAtMs: T0 },
  ]);
  const citizen = (consent: "granted" | "none", locale = "es", deletedAtMs: number | null = null) => ({
    locale,
    consent,
    createdAtMs: T0 - 90 * DAY,
    deletedAtMs,
  });
  await seed("citizens", [
    citizen("granted"), // 1: two chats (WhatsApp most recent), one unreachable
    citizen("granted", "en"), // 2: follows everything
    citizen("none"), // 3: no consent
    citizen("granted", "es", T0 - DAY), // 4: deleted
    citizen("granted"), // 5: opts out of surveys
    citizen("granted"), // 6: unreachable
    citizen("granted", "fr"), // 7: a locale without its own announcement text
    citizen("granted"), // 8: no subscription
  ]);
  const chat = (citizenId: number, channel: string, address: string, unreachableAtMs: number | null = null) => ({
    citizenId,
    channel,
    address,
    unreachableAtMs,
    createdAtMs: T0 - 80 * DAY,
  });
  await seed("channelIdentities", [
    chat(1, "telegram", "t1"),
    chat(2, "telegram", "t2"),
    chat(3, "telegram", "t3"),
    chat(4, "telegram", "t4"),
    chat(5, "whatsapp", "w5"),
    chat(6, "telegram", "t6", T0 - 2 * DAY),
    chat(7, "telegram", "t7"),
    chat(8, "whatsapp", "w8"),
    chat(1, "whatsapp", "w1"),
    chat(1, "telegram", "t1b", T0 - DAY),
  ]);
  const sub = (citizenId: number, kind: "all" | "topic" | "district", key: string) => ({
    citizenId,
    kind,
    key,
    createdAtMs: T0 - 70 * DAY,
  });
  await seed("subscriptions", [
    sub(1, "topic", "agua"),
    sub(1, "district", "comuna-1"),
    sub(2, "all", ""),
    sub(3, "topic", "agua"),
    sub(4, "topic", "agua"),
    sub(5, "district", "comuna-2"),
    sub(6, "all", ""),
    sub(7, "topic", "vias"),
  ]);
  await seed("conversations", [
    { citizenId: 1, flowId: "survey", stepId: "q1", flowVersion: 2, data: '{"run":2}', updatedAtMs: T0 - HOUR },
  ]);

  // ── Events ──
  const event = (
    title: string,
    kind: "public_hearing" | "territorial_dialogue" | "site_visit" | "other",
    startsAtMs: number,
    officeKey: string | null,
    status: "scheduled" | "held" = "scheduled",
  ) => ({
    kind,
    title,
    description: `Descripción de ${title}`,
    startsAtMs,
    endsAtMs: startsAtMs + 2 * HOUR,
    place: "Plaza",
    officeKey,
    status,
    createdBy: "cli",
    createdAtMs: T0 - 60 * DAY,
    updatedAtMs: T0 - 60 * DAY,
  });
  const e1 = (
    await rec(
      "events.insert",
      r.events.insert(event("Audiencia", "public_hearing", T0 + DAY, "obras"), ["comuna-2", "comuna-1"], ["agua"]),
    )
  ).id;
  const e2 = (
    await rec(
      "events.insert past",
      r.events.insert(event("Diálogo", "territorial_dialogue", T0 - 10 * DAY, "salud"), [], ["salud"]),
    )
  ).id;
  const e3 = (
    await rec("events.insert to cancel", r.events.insert(event("Feria", "other", T0 - 2 * DAY, null), [], []))
  ).id;
  const e4 = (
    await rec(
      "events.insert held",
      r.events.insert(event("Recorrido", "site_visit", T0 - 20 * DAY, "obras", "held"), ["comuna-2"], []),
    )
  ).id;
  const e5 = (
    await rec(
      "events.insert same start",
      r.events.insert(event("Otra audiencia", "public_hearing", T0 + DAY, null), [], ["vias"]),
    )
  ).id;
  await r.events.update(e3, { status: "cancelled", updatedAtMs: T0 - 3 * DAY });
  await r.events.update(
    e1,
    { title: "Audiencia pública", updatedAtMs: T0 - 5 * DAY },
    { districts: ["comuna-1"], topics: ["vias", "agua"] },
  );
  await rec("events.get", r.events.get(e1));
  await rec("events.get cancelled", r.events.get(e3));
  await rec("events.get missing", r.events.get(999));
  await rec("events.upcoming", r.events.upcoming({ afterMs: T0 }));
  await rec("events.upcoming district", r.events.upcoming({ afterMs: T0, district: "comuna-1" }));
  await rec("events.upcoming other district", r.events.upcoming({ afterMs: T0, district: "comuna-9" }));
  await rec("events.upcoming topic", r.events.upcoming({ afterMs: T0, topic: "vias" }));
  await rec("events.upcoming limit", r.events.upcoming({ afterMs: T0 - 30 * DAY, limit: 2 }));
  await rec("events.list", r.events.list());
  await rec("events.list held", r.events.list({ status: "held" }));
  await rec("events.list from", r.events.list({ fromMs: T0 - 5 * DAY, limit: 2 }));

  // RSVPs.
  await rec("events.setRsvp first", r.events.setRsvp(e1, 1, "yes", T0 - 4 * DAY));
  await r.events.setRsvp(e1, 2, "yes", T0 - 4 * DAY);
  await r.events.setRsvp(e1, 3, "no", T0 - 4 * DAY);
  await rec("events.setRsvp change", r.events.setRsvp(e1, 1, "no", T0 - 3 * DAY));
  await rec("events.setRsvp change back", r.events.setRsvp(e1, 1, "yes", T0 - 2 * DAY));
  await r.events.setRsvp(e1, 7, "yes", T0 - 2 * DAY);
  await r.events.setRsvp(e1, 4, "yes", T0 - 2 * DAY);
  await r.events.setRsvp(e2, 1, "yes", T0 - 12 * DAY);
  await r.events.setRsvp(e2, 5, "yes", T0 - 12 * DAY);
  await r.events.setRsvp(e5, 2, "yes", T0 - DAY);
  await r.events.setRsvp(e5, 3, "yes", T0 - DAY);
  await rec("events.rsvpOf", r.events.rsvpOf(e1, 3));
  await rec("events.rsvpOf none", r.events.rsvpOf(e4, 3));
  await rec("events.rsvpCounts", r.events.rsvpCounts(e1));
  await rec("events.rsvpCounts none", r.events.rsvpCounts(e3));
  await rec("events.attendingOf", r.events.attendingOf(1, T0));
  await rec("events.attendingOf past", r.events.attendingOf(1, T0 - 30 * DAY));
  await rec("events.withdrawUpcomingRsvps", r.events.withdrawUpcomingRsvps(2, T0, T0 + 1));
  await rec("events.withdrawUpcomingRsvps again", r.events.withdrawUpcomingRsvps(2, T0, T0 + 2));
  await rec("events.setRsvp after withdrawal", r.events.setRsvp(e1, 2, "yes", T0 + 3));
  await rec("events.deleteRsvpsOf", r.events.deleteRsvpsOf(3));
  await rec("events.rsvpCounts after", r.events.rsvpCounts(e1));

  // ── Questions (for the plan, transparency and survey segments) ──
  const question = (
    citizenId: number,
    officeKey: string,
    requestType: "general" | "information" | "dialogue",
    status: "open" | "answered" | "withdrawn",
    filedAtMs: number,
    dueDate: string,
  ) => ({
    reference: `R-${citizenId}-${filedAtMs}-${officeKey}`,
    citizenId,
    officeKey,
    requestType,
    status,
    text: "Texto del ciudadano",
    channel: "telegram",
    filedAtMs,
    termBusinessDays: 15,
    dueDate,
    updatedAtMs: filedAtMs,
  });
  const filedTogether = T0 - 40 * DAY;
  await seed("questions", [
    question(1, "obras", "general", "open", filedTogether, "2026-02-10"), // 1: overdue
    {
      ...question(2, "salud", "dialogue", "answered", T0 - 30 * DAY, "2026-02-20"),
      eventId: e2,
      answerText: "Respuesta publicada",
      answeredAtMs: T0 - 25 * DAY,
      publishedSummary: "Pregunta sobre salud",
      publishedAnswer: "Versión para publicar",
    }, // 2
    {
      ...question(1, "obras", "dialogue", "open", T0 - 11 * DAY, "2026-03-12"),
      eventId: e2,
      publishAnswer: false,
      answerText: "Borrador",
      publishedSummary: "Resumen",
    }, // 3
    {
      ...question(3, "obras", "information", "answered", T0 - 5 * DAY, "2026-03-20"),
      answerText: "Respuesta",
      answeredAtMs: T0 - DAY,
      publishAnswer: true,
      extendedTo: "2026-03-25",
      termStartedAtMs: T0 - 4 * DAY,
    }, // 4
    question(5, "salud", "general", "withdrawn", T0 - 3 * DAY, "2026-03-24"), // 5
    {
      ...question(1, "obras", "dialogue", "answered", T0 - 2 * DAY, "2026-03-23"),
      eventId: e1,
      answerText: "No publicar",
      answeredAtMs: T0,
      publishAnswer: false,
    }, // 6
    question(7, "agua", "general", "open", filedTogether, "2026-02-10"), // 7: filed with 1, another office
    question(8, "agua", "general", "open", Date.UTC(2025, 11, 31, 23), "2026-01-25"), // 8: last year
  ]);
  const history = (questionId: number, kind: string, atMs: number) => ({
    questionId,
    kind,
    actor: "system",
    atMs,
    data: "{}",
  });
  await seed("questionEvents", [
    history(1, "filed", filedTogether),
    history(1, "reassigned", filedTogether + HOUR),
    history(4, "reassigned", T0 - 5 * DAY),
    history(4, "reassigned", T0 - 4 * DAY),
    history(6, "answered_at_event", T0),
    history(2, "answered", T0 - 25 * DAY),
  ]);

  // ── Surveys ──
  const run = (
    surveyId: string,
    trigger: "question_answered" | "event_ended" | "segment" | "paper",
    createdAtMs: number,
    extra: object,
  ) => ({
    surveyId,
    surveyVersion: 1,
    definition: '{"questions":[{"id":"q1"}]}',
    trigger,
    deliverAfterMs: createdAtMs,
    expiresAtMs: createdAtMs + 7 * DAY,
    createdBy: "system",
    createdAtMs,
    ...extra,
  });
  const run1 = await rec(
    "surveys.insertRun",
    r.surveys.insertRun(
      run("satisfaccion", "question_answered", T0 - 25 * DAY, {
        triggerKey: "answer:2",
        questionId: 2,
        officeKey: "salud",
      }),
    ),
  );
  const run2 = await rec(
    "surveys.insertRun event",
    r.surveys.insertRun(
      run("evento", "event_ended", T0 - 9 * DAY, { triggerKey: `event:${e2}`, eventId: e2, officeKey: "salud" }),
    ),
  );
  const run3 = await rec(
    "surveys.insertRun paper",
    r.surveys.insertRun(run("evento", "paper", T0 - 8 * DAY, { eventId: e2, label: "Formularios en papel" })),
  );
  const run4 = await rec(
    "surveys.insertRun segment",
    r.surveys.insertRun(run("consulta", "segment", T0, { segment: "district:comuna-1" })),
  );
  await rec("surveys.runById", r.surveys.runById(run2.id));
  await rec("surveys.runById missing", r.surveys.runById(999));
  await rec("surveys.runByTriggerKey", r.surveys.runByTriggerKey("answer:2"));
  await rec("surveys.runByTriggerKey missing", r.surveys.runByTriggerKey("answer:999"));
  await rec("surveys.listRuns", r.surveys.listRuns());
  await rec("surveys.listRuns survey", r.surveys.listRuns({ surveyId: "evento" }));
  await rec("surveys.listRuns office", r.surveys.listRuns({ officeKey: "salud" }));
  await rec("surveys.listRuns event", r.surveys.listRuns({ eventId: e2, trigger: "paper" }));
  await rec("surveys.listRuns ids", r.surveys.listRuns({ runIds: [run1.id, run4.id] }));
  await rec("surveys.listRuns no ids", r.surveys.listRuns({ runIds: [] }));
  await r.surveys.closeRun(run1.id, T0 - DAY);
  await r.surveys.closeRun(run1.id, T0);
  await rec("surveys.closeRun", r.surveys.runById(run1.id));

  const invited = await rec("surveys.invite", r.surveys.invite(run2.id, [1, 2, 1, 5], T0 - 9 * DAY));
  await rec("surveys.invite again", r.surveys.invite(run2.id, [2, 7], T0 - 9 * DAY + 1));
  await rec("surveys.invite nobody", r.surveys.invite(run2.id, [], T0));
  await rec("surveys.invite segment", r.surveys.invite(run4.id, [1, 8], T0));
  const [inv1, inv2, inv5] = invited;
  await rec("surveys.invitationById", r.surveys.invitationById(inv2!.id));
  await rec("surveys.invitationById missing", r.surveys.invitationById(999));
  await rec(
    "surveys.setInvitationStatus delivered",
    r.surveys.setInvitationStatus(inv1!.id, ["pending"], {
      status: "delivered",
      channel: "whatsapp",
      deliveredAtMs: T0 - 9 * DAY + HOUR,
    }),
  );
  await rec(
    "surveys.setInvitationStatus not from",
    r.surveys.setInvitationStatus(inv1!.id, ["pending"], { status: "expired" }),
  );
  await rec(
    "surveys.setInvitationStatus cancelled",
    r.surveys.setInvitationStatus(inv5!.id, ["pending", "delivered"], {
      status: "cancelled",
      cancelReason: "opted_out",
      finishedAtMs: T0 - 8 * DAY,
    }),
  );
  await rec(
    "surveys.setInvitationStatus delivered 2",
    r.surveys.setInvitationStatus(inv2!.id, ["pending"], {
      status: "delivered",
      channel: "telegram",
      deliveredAtMs: T0 - 8 * DAY,
    }),
  );
  await rec("surveys.invitationsOfRun", r.surveys.invitationsOfRun(run2.id));
  await rec("surveys.invitationsOfRun pending", r.surveys.invitationsOfRun(run2.id, ["pending", "cancelled"]));
  await rec("surveys.invitationsOfCitizen", r.surveys.invitationsOfCitizen(1));
  await rec("surveys.tally", r.surveys.tally([run2.id]));
  await rec("surveys.tally two", r.surveys.tally([run2.id, run4.id]));
  await rec("surveys.tally none", r.surveys.tally([]));
  await rec("surveys.statusCounts", r.surveys.statusCounts(run2.id));
  await rec("surveys.statusCounts empty", r.surveys.statusCounts(run1.id));

  const resp1 = await rec(
    "surveys.createResponse",
    r.surveys.createResponse({ runId: run2.id, invitationId: inv1!.id, source: "chat" }, T0 - 9 * DAY + 2 * HOUR),
  );
  const resp2 = await rec(
    "surveys.createResponse chat 2",
    r.surveys.createResponse({ runId: run2.id, invitationId: inv2!.id, source: "chat" }, T0 - 8 * DAY),
  );
  await rec("surveys.responseOfInvitation", r.surveys.responseOfInvitation(inv1!.id));
  await rec("surveys.responseOfInvitation none", r.surveys.responseOfInvitation(inv5!.id));
  await rec("surveys.addAnswer", r.surveys.addAnswer(resp1, "q1", "5", T0 - 9 * DAY + 3 * HOUR));
  await rec("surveys.addAnswer repeated", r.surveys.addAnswer(resp1, "q1", "4", T0 - 9 * DAY + 3 * HOUR));
  await r.surveys.addAnswer(resp1, "comment", "Texto libre", T0 - 9 * DAY + 3 * HOUR);
  await r.surveys.addAnswer(resp1, "skipped", null, T0 - 9 * DAY + 3 * HOUR);
  await r.surveys.addAnswer(resp2, "q1", "3", T0 - 8 * DAY);
  await r.surveys.completeResponse(resp1, T0 - 9 * DAY + 4 * HOUR);
  await r.surveys.completeResponse(resp1, T0);
  const e2EndsAtMs = T0 - 10 * DAY + 2 * HOUR;
  const paper1 = await rec(
    "surveys.createResponse paper",
    r.surveys.createResponse(
      { runId: run3.id, source: "paper", sourceRef: "abc123:2", completedAtMs: T0 - 7 * DAY },
      T0 - 7 * DAY,
    ),
  );
  await r.surveys.createResponse(
    { runId: run3.id, source: "paper", sourceRef: "abc123:3", completedAtMs: T0 - 7 * DAY },
    T0 - 7 * DAY,
  );
  await r.surveys.createResponse(
    { runId: run3.id, source: "paper", sourceRef: "def456:2", completedAtMs: T0 - 6 * DAY },
    T0 - 6 * DAY,
  );
  await r.surveys.addAnswer(paper1, "q1", "4", T0 - 7 * DAY);
  await r.surveys.addAnswer(paper1, "comment", "En papel", T0 - 7 * DAY);
  await rec("surveys.answersOf", r.surveys.answersOf(resp1));
  log.push(["surveys.answersOf key order", Object.keys(await r.surveys.answersOf(resp1))]);
  await rec("surveys.answersOf none", r.surveys.answersOf(999));
  await rec("surveys.responses", r.surveys.responses([run2.id, run3.id]));
  await rec("surveys.responses none", r.surveys.responses([]));
  await rec("surveys.hasSourcePrefix", r.surveys.hasSourcePrefix(run3.id, "abc123:"));
  await rec("surveys.hasSourcePrefix no", r.surveys.hasSourcePrefix(run3.id, "zzz"));
  await rec("surveys.hasSourcePrefix other run", r.surveys.hasSourcePrefix(run2.id, "abc"));
  await rec(
    "surveys.deleteAnswersOfCitizen",
    r.surveys.deleteAnswersOfCitizen(
      1,
      new Map([
        [run2.id, ["comment", "skipped"]],
        [run3.id, ["comment"]],
        [run4.id, []],
      ]),
    ),
  );
  await rec("surveys.answersOf after erasure", r.surveys.answersOf(resp1));
  await rec("surveys.answersOf paper kept", r.surveys.answersOf(paper1));
  await r.surveys.optOut(5, T0);
  await r.surveys.optOut(5, T0 + 1);
  await rec("surveys.isOptedOut", r.surveys.isOptedOut(5));
  await rec("surveys.isOptedOut no", r.surveys.isOptedOut(1));
  for (const id of [1, 3, 4, 5, 6, 999]) await rec(`surveys.eligibility ${id}`, r.surveys.eligibility(id));
  await rec("surveys.segmentCitizens everyone", r.surveys.segmentCitizens({ kind: "everyone" }));
  await rec("surveys.segmentCitizens topics", r.surveys.segmentCitizens({ kind: "topics", keys: ["agua"] }));
  await rec(
    "surveys.segmentCitizens districts",
    r.surveys.segmentCitizens({ kind: "districts", keys: ["comuna-1", "comuna-2"] }),
  );
  await rec("surveys.segmentCitizens event", r.surveys.segmentCitizens({ kind: "event", eventId: e1 }));
  await rec("surveys.segmentCitizens office", r.surveys.segmentCitizens({ kind: "office", officeKey: "obras" }));
  await rec("surveys.segmentCitizens channel", r.surveys.segmentCitizens({ kind: "channel", channel: "whatsapp" }));
  await rec("surveys.conversationOf", r.surveys.conversationOf(1));
  await rec("surveys.conversationOf none", r.surveys.conversationOf(2));
  await rec("surveys.eventById", r.surveys.eventById(e2));
  await rec("surveys.eventById missing", r.surveys.eventById(999));
  await rec("surveys.eventsEndedBetween", r.surveys.eventsEndedBetween(T0 - 30 * DAY, T0 + 2 * DAY));
  await rec("surveys.eventsEndedBetween edge", r.surveys.eventsEndedBetween(e2EndsAtMs, e2EndsAtMs));

  // ── Commitments ──
  const commitment = (number: number, officeKey: string, dueDate: string, extra: object = {}) => ({
    number,
    text: `Compromiso ${number}`,
    officeKey,
    dueDate,
    status: "pending" as const,
    progress: 0,
    createdAtMs: T0 - 10 * DAY,
    updatedAtMs: T0 - 10 * DAY,
    ...extra,
  });
  const numbers: number[] = [];
  numbers.push(await r.commitments.nextNumber());
  const k1 = await rec(
    "commitments.insert",
    r.commitments.insert(commitment(numbers.at(-1)!, "obras", "2026-06-30", { eventId: e1 })),
  );
  numbers.push(await r.commitments.nextNumber());
  const k2 = await rec(
    "commitments.insert district",
    r.commitments.insert(commitment(numbers.at(-1)!, "salud", "2026-04-15", { districtKey: "comuna-2" })),
  );
  // A number given by hand (the CSV import keeps the registry's numbers): the next one follows it.
  const k10 = await rec(
    "commitments.insert numbered",
    r.commitments.insert(commitment(10, "obras", "2026-04-15", { eventId: e4, status: "in_progress", progress: 20 })),
  );
  numbers.push(await r.commitments.nextNumber());
  const k11 = await rec(
    "commitments.insert cancelled",
    r.commitments.insert(
      commitment(numbers.at(-1)!, "salud", "2026-05-01", {
        eventId: e2,
        status: "cancelled",
        statusReason: "Sin presupuesto",
        createdAtMs: T0 - 100 * DAY,
      }),
    ),
  );
  log.push(["commitments.nextNumber", numbers]);
  await r.commitments.update(k1.id, { status: "in_progress", progress: 40, updatedAtMs: T0 - 5 * DAY });
  await rec("commitments.byId", r.commitments.byId(k1.id));
  await rec("commitments.byId missing", r.commitments.byId(999));
  await rec("commitments.byNumber", r.commitments.byNumber(10));
  await rec("commitments.byNumber missing", r.commitments.byNumber(99));
  await rec("commitments.list", r.commitments.list());
  await rec("commitments.list office", r.commitments.list({ officeKey: "obras" }));
  await rec("commitments.list district", r.commitments.list({ districtKey: "comuna-2" }));
  await rec("commitments.list event", r.commitments.list({ eventId: e1 }));
  await rec("commitments.list statuses", r.commitments.list({ statuses: ["pending", "in_progress"] }));
  await rec("commitments.list page", r.commitments.list({}, { limit: 2, offset: 1 }));
  await rec("commitments.count", r.commitments.count());
  await rec("commitments.count cancelled", r.commitments.count({ statuses: ["cancelled"] }));
  await rec("commitments.countsByOffice", r.commitments.countsByOffice());
  await rec("commitments.countsByEvent", r.commitments.countsByEvent());
  await rec("commitments.event", r.commitments.event(e1));
  await rec("commitments.event missing", r.commitments.event(999));

  for (const k of [k1, k2, k10, k11])
    await r.commitments.addUpdate({
      commitmentId: k.id,
      kind: "created",
      status: "pending",
      percent: 0,
      actor: "cli",
      atMs: k.createdAtMs,
    });
  const u = await rec(
    "commitments.addUpdate",
    r.commitments.addUpdate({
      commitmentId: k1.id,
      kind: "progress",
      status: "in_progress",
      percent: 40,
      note: "Avance",
      evidenceUrl: "https://example.org/a",
      actor: "official:1",
      atMs: T0 - 5 * DAY,
    }),
  );
  await r.commitments.addUpdate({
    commitmentId: k1.id,
    kind: "progress",
    status: "in_progress",
    percent: 45,
    actor: "official:1",
    atMs: T0 - 4 * DAY,
  });
  await r.commitments.addUpdate({
    commitmentId: k10.id,
    kind: "progress",
    status: "in_progress",
    percent: 20,
    actor: "cli",
    atMs: T0 - 4 * DAY,
  });
  await r.commitments.addUpdate({
    commitmentId: k11.id,
    kind: "progress",
    status: "in_progress",
    percent: 10,
    actor: "cli",
    atMs: T0 - 90 * DAY,
  });
  await r.commitments.addUpdate({
    commitmentId: k11.id,
    kind: "cancelled",
    status: "cancelled",
    percent: 10,
    note: "Sin presupuesto",
    actor: "cli",
    atMs: T0 - 80 * DAY,
  });
  await rec("commitments.updateById", r.commitments.updateById(u.id));
  await rec("commitments.updateById missing", r.commitments.updateById(999));
  await rec("commitments.history", r.commitments.history(k1.id));
  await rec("commitments.allHistory", r.commitments.allHistory());

  await r.commitments.follow(k1.id, 1, T0 - 3 * DAY);
  await r.commitments.follow(k1.id, 2, T0 - 3 * DAY);
  await r.commitments.follow(k2.id, 8, T0 - 3 * DAY);
  await rec("commitments.unfollow", r.commitments.unfollow(k1.id, 2, T0 - 2 * DAY));
  await rec("commitments.unfollow again", r.commitments.unfollow(k1.id, 2, T0 - 2 * DAY));
  await rec("commitments.isFollowing", r.commitments.isFollowing(k1.id, 1));
  await rec("commitments.isFollowing unfollowed", r.commitments.isFollowing(k1.id, 2));
  await rec("commitments.followFromEvent", r.commitments.followFromEvent(k1.id, e1, T0 - DAY));
  await rec("commitments.followFromEvent again", r.commitments.followFromEvent(k1.id, e1, T0));
  await rec("commitments.isFollowing after event", r.commitments.isFollowing(k1.id, 2));
  await r.commitments.follow(k1.id, 2, T0);
  await rec("commitments.list followed", r.commitments.list({ followedBy: 2 }));
  await rec("commitments.recipients", r.commitments.recipients(k1.id));
  await rec("commitments.digestRecipients", r.commitments.digestRecipients());
  await rec("commitments.unfollowAll", r.commitments.unfollowAll(7, T0 + 1));
  await rec("commitments.deleteFollowersOf", r.commitments.deleteFollowersOf(8));
  await rec("commitments.digestRecipients after", r.commitments.digestRecipients());
  await rec("commitments.openWithEvent", r.commitments.openWithEvent());

  // ── Plan ──
  await rec("plan.get none", r.plan.get(2026));
  const row = {
    year: 2026,
    profileId: "pasto",
    definition: plan("Plan 2026"),
    sourceFile: "plans/pasto-2026.yaml",
    sha256: "aa",
    loadedBy: "cli",
    loadedAtMs: T0 - 60 * DAY,
  };
  await rec("plan.save new", r.plan.save(row));
  await rec(
    "plan.save again",
    r.plan.save({ ...row, definition: plan("Plan 2026 corregido"), sha256: "bb", loadedAtMs: T0 - 50 * DAY }),
  );
  await rec("plan.save other year", r.plan.save({ ...row, year: 2025, sha256: "cc" }));
  await rec("plan.get", r.plan.get(2026));
  await rec("plan.list", r.plan.list());
  await rec(
    "plan.addProgress",
    r.plan.addProgress({
      year: 2026,
      activityId: "a1",
      value: 12.5,
      evidenceUrl: "https://example.org/1",
      note: null,
      actor: "cli",
      atMs: T0 - 3 * DAY,
    }),
  );
  await r.plan.addProgress({
    year: 2026,
    activityId: "a1",
    value: 33.333333333333336,
    evidenceUrl: "https://example.org/2",
    note: "Más",
    actor: "official:1",
    atMs: T0 - 2 * DAY,
  });
  await r.plan.addProgress({
    year: 2026,
    activityId: "a2",
    value: 0.1,
    evidenceUrl: "https://example.org/3",
    note: null,
    actor: "cli",
    atMs: T0 - DAY,
  });
  await rec("plan.progressHistory", r.plan.progressHistory(2026, "a1"));
  await rec(
    "plan.addAnswerReport",
    r.plan.addAnswerReport({
      eventId: e2,
      url: "https://example.org/r1",
      questions: 2,
      answered: 1,
      actor: "cli",
      publishedAtMs: T0 - 5 * DAY,
    }),
  );
  await r.plan.addAnswerReport({
    eventId: e2,
    url: "https://example.org/r2",
    questions: 2,
    answered: 2,
    actor: "cli",
    publishedAtMs: T0 - 4 * DAY,
  });
  await r.plan.addAnswerReport({
    eventId: e4,
    url: "https://example.org/r3",
    questions: 0,
    answered: 0,
    actor: "cli",
    publishedAtMs: Date.UTC(2025, 5, 1),
  });
  await rec("plan.answerReports", r.plan.answerReports(YEAR_2026));
  await rec("plan.answerReportEvents", r.plan.answerReportEvents(YEAR_2026));
  await rec("plan.heldEvents", r.plan.heldEvents(YEAR_2026, T0));
  await rec("plan.heldEvents later", r.plan.heldEvents(YEAR_2026, T0 + 30 * DAY));
  await rec("plan.heldEvents kinds", r.plan.heldEvents(YEAR_2026, T0, { kinds: ["site_visit"] }));
  await rec("plan.heldEvents offices", r.plan.heldEvents(YEAR_2026, T0, { offices: ["salud"] }));
  await rec("plan.heldEvents none", r.plan.heldEvents({ fromMs: 0, toMs: 1 }, T0));
  await rec("plan.rsvpYesByEvent", r.plan.rsvpYesByEvent([e1, e2, e3, e5]));
  await rec("plan.rsvpYesByEvent none", r.plan.rsvpYesByEvent([]));
  await rec("plan.surveyResponses", r.plan.surveyResponses(YEAR_2026, { eventsOnly: false }));
  await rec(
    "plan.surveyResponses events",
    r.plan.surveyResponses(YEAR_2026, { surveys: ["evento"], eventsOnly: true }),
  );
  // Paper forms count on the day of their event, chat answers when completed.
  await rec(
    "plan.surveyResponses event day",
    r.plan.surveyResponses({ fromMs: e2EndsAtMs, toMs: e2EndsAtMs + 1 }, { eventsOnly: true }),
  );
  await rec(
    "plan.surveyResponses after event",
    r.plan.surveyResponses({ fromMs: e2EndsAtMs + 1, toMs: T0 }, { eventsOnly: false }),
  );
  await rec("plan.surveyRunIds", r.plan.surveyRunIds(YEAR_2026));
  await rec("plan.surveyRunIds narrow", r.plan.surveyRunIds({ fromMs: T0 - 26 * DAY, toMs: T0 - 24 * DAY }));
  await rec("plan.questionsFiled", r.plan.questionsFiled(YEAR_2026, { eventsOnly: false }));
  await rec("plan.questionsFiled events", r.plan.questionsFiled(YEAR_2026, { eventsOnly: true }));
  await rec(
    "plan.questionsFiled offices",
    r.plan.questionsFiled(YEAR_2026, { eventsOnly: false, offices: ["salud", "agua"] }),
  );
  await rec("plan.questionsAnswered", r.plan.questionsAnswered(YEAR_2026, { eventsOnly: false }));
  await rec(
    "plan.questionsAnswered events",
    r.plan.questionsAnswered(YEAR_2026, { eventsOnly: true, offices: ["obras"] }),
  );
  await rec(
    "plan.questionsDueBetween",
    r.plan.questionsDueBetween("2026-02-10", "2026-03-23", { eventsOnly: false }).then(canonical),
  );
  await rec(
    "plan.questionsDueBetween scoped",
    r.plan.questionsDueBetween("2026-01-01", "2026-12-31", { eventsOnly: true, offices: ["obras"] }).then(canonical),
  );
  await rec("plan.commitmentsReported", r.plan.commitmentsReported(YEAR_2026));
  await rec("plan.commitmentsReported office", r.plan.commitmentsReported(YEAR_2026, ["salud"]));
  await rec("plan.commitmentsExisting", r.plan.commitmentsExisting(T0));
  await rec("plan.commitmentsExisting office", r.plan.commitmentsExisting(T0, ["obras"]));
  await rec("plan.commitmentsCreated", r.plan.commitmentsCreated(YEAR_2026));

  // ── Transparency ──
  await rec("transparency.statRows", r.transparency.statRows(Date.UTC(2025, 0, 1), T0 + DAY));
  await rec("transparency.statRows 2026", r.transparency.statRows(YEAR_2026.fromMs, YEAR_2026.toMs));
  await rec("transparency.firstFiledAtMs", r.transparency.firstFiledAtMs());
  const totalsRow = (month: string, officeKey: string, received: number) => ({
    month,
    officeKey,
    received,
    answeredOnTime: 1,
    answeredLate: 0,
    openWithinTerm: received - 1,
    overdue: 0,
    waitingForCitizen: 0,
    withdrawn: 0,
    extended: 0,
    transferred: 0,
    reassigned: 0,
    answerDays: [[0, 1]] as [number, number][],
  });
  await r.transparency.replaceAnswerTotals(null, [
    totalsRow("2026-02", "salud", 3),
    totalsRow("2026-02", "*", 4),
    totalsRow("2026-01", "obras", 2),
  ]);
  await rec("transparency.answerTotals", r.transparency.answerTotals());
  await r.transparency.replaceAnswerTotals(["2026-02"], [totalsRow("2026-02", "obras", 5)]);
  await rec("transparency.answerTotals replaced month", r.transparency.answerTotals());
  await rec("transparency.dialogueQuestions", r.transparency.dialogueQuestions([e2, e1]));
  await rec("transparency.dialogueQuestions none", r.transparency.dialogueQuestions([]));
  await rec("transparency.askerIdentifiers", r.transparency.askerIdentifiers([6, 2, 1, 99]));
  await rec("transparency.askerIdentifiers none", r.transparency.askerIdentifiers([]));
  await rec("transparency.publishedPetitions", r.transparency.publishedPetitions(0, 10));
  await rec("transparency.publishedPetitions past the end", r.transparency.publishedPetitions(5, 10));
  await rec("transparency.questionCountsByEvent", r.transparency.questionCountsByEvent());
  await r.transparency.setSurveyPublished("satisfaccion", true, "cli", T0 - DAY);
  await r.transparency.setSurveyPublished("satisfaccion", true, "official:2", T0);
  await r.transparency.setSurveyPublished("evento", true, "cli", T0 + 1);
  await r.transparency.setSurveyPublished("consulta", true, "cli", T0 + 2);
  await r.transparency.setSurveyPublished("consulta", false, "cli", T0 + 3);
  await rec("transparency.publishedSurveys", r.transparency.publishedSurveys());
  await r.transparency.logChange({
    subjectKind: "event",
    subjectId: String(e2),
    before: { minutesUrl: null },
    after: { minutesUrl: "https://example.org/acta" },
    actor: "cli",
    atMs: T0,
  });
  await r.transparency.logChange({
    subjectKind: "event",
    subjectId: String(e2),
    before: { minutesUrl: "https://example.org/acta" },
    after: { minutesUrl: null, recordingUrl: "https://example.org/v" },
    actor: "official:2",
    atMs: T0 + 1,
  });
  await r.transparency.logChange({
    subjectKind: "survey",
    subjectId: "evento",
    before: null,
    after: { published: true },
    actor: "cli",
    atMs: T0 + 2,
  });
  await rec("transparency.changes", r.transparency.changes("event", String(e2)));
  await rec("transparency.changes none", r.transparency.changes("event", "999"));
  await rec("transparency.lastQuestionEventId", r.transparency.lastQuestionEventId());
  await rec("transparency.filedAtOfChangedSince", r.transparency.filedAtOfChangedSince(0, 4).then(canonical));
  await rec("transparency.filedAtOfChangedSince tail", r.transparency.filedAtOfChangedSince(4, 6).then(canonical));
  await rec(
    "transparency.filedAtOfOpenDueBetween",
    r.transparency.filedAtOfOpenDueBetween("2026-01-01", "2026-03-12").then(canonical),
  );
  await rec("transparency.dataVersion", r.transparency.dataVersion());

  // ── Announcements ──
  const announcement = (segment: object, extra: object = {}) => ({
    purpose: "text",
    text: "Aviso",
    segment: JSON.stringify(segment),
    status: "scheduled" as const,
    scheduledAtMs: T0,
    createdBy: "cli",
    createdAtMs: T0 - HOUR,
    ...extra,
  });
  const a1 = await rec("announcements.insert", r.announcements.insert(announcement({ kind: "everyone" })));
  const a2 = await rec(
    "announcements.insert event",
    r.announcements.insert(
      announcement({ kind: "rsvps", eventId: e1, answer: "any" }, { eventId: e1, purpose: "event", text: null }),
    ),
  );
  const a3 = await rec(
    "announcements.insert reminder",
    r.announcements.insert(
      announcement({ kind: "rsvps", eventId: e1, answer: "yes" }, { eventId: e1, purpose: "reminder_day", text: null }),
    ),
  );
  await rec("announcements.get", r.announcements.get(a2.id));
  await rec("announcements.get missing", r.announcements.get(999));
  await rec("announcements.list", r.announcements.list());
  await rec("announcements.list event", r.announcements.list({ eventId: e1 }));
  await rec("announcements.list limit", r.announcements.list({ limit: 1 }));
  await rec("announcements.countForEvent", r.announcements.countForEvent(e1, ["event", "event_changed"]));
  await rec("announcements.countForEvent none", r.announcements.countForEvent(e1, []));
  const segments: Record<string, Segment> = {
    everyone: { kind: "everyone" },
    topics: { kind: "interests", topics: ["agua"], districts: [] },
    districts: { kind: "interests", topics: [], districts: ["comuna-2"] },
    both: { kind: "interests", topics: ["vias"], districts: ["comuna-1"] },
    rsvpYes: { kind: "rsvps", eventId: e1, answer: "yes" },
    rsvpAny: { kind: "rsvps", eventId: e1, answer: "any" },
  };
  for (const [name, segment] of Object.entries(segments)) {
    await rec(`announcements.countRecipients ${name}`, r.announcements.countRecipients(segment));
    await rec(`announcements.recipientIds ${name}`, r.announcements.recipientIds(segment));
  }
  const payloadByLocale = { es: '{"text":"Hola"}', en: '{"text":"Hello"}' };
  await rec(
    "announcements.release",
    r.announcements.release({
      announcementId: a1.id,
      segment: segments.everyone!,
      payloadByLocale,
      defaultLocale: "es",
      nowMs: T0,
    }),
  );
  await rec(
    "announcements.release again",
    r.announcements.release({
      announcementId: a1.id,
      segment: segments.everyone!,
      payloadByLocale,
      defaultLocale: "es",
      nowMs: T0 + 1,
    }),
  );
  await rec(
    "announcements.release one locale",
    r.announcements.release({
      announcementId: a2.id,
      segment: segments.rsvpAny!,
      payloadByLocale: { es: '{"text":"Evento"}' },
      defaultLocale: "es",
      nowMs: T0 + 2,
    }),
  );
  await rec("outbox after release", outbox());
  await rec("announcements.markReleased", r.announcements.markReleased(a1.id, 4, T0));
  await rec("announcements.markReleased again", r.announcements.markReleased(a1.id, 4, T0 + 1));
  await rec("announcements.markCancelled released", r.announcements.markCancelled(a1.id));
  await rec("announcements.markCancelled again", r.announcements.markCancelled(a1.id));
  await rec("announcements.markCancelled scheduled", r.announcements.markCancelled(a3.id));
  await rec("announcements.list after", r.announcements.list());

  // ── A large invitation: more rows than one statement takes (chunks, one unit) ──
  await seed(
    "citizens",
    Array.from({ length: 1200 }, () => citizen("granted")),
  );
  const many = await r.surveys.invite(
    run4.id,
    Array.from({ length: 1208 }, (_, i) => i + 1),
    T0 + 10,
  );
  log.push([
    "surveys.invite many",
    { count: many.length, citizens: many.map((i) => i.citizenId), ids: many.map((i) => i.id) },
  ]);
  await rec("surveys.tally many", r.surveys.tally([run4.id]));
  return log;
}

describe.skipIf(!url)(
  "PostgreSQL repositories (surveys, plan, commitments, events, transparency, announcements) against SQLite",
  () => {
    let dir: string;
    let sqlite: Db;
    let postgres: Postgres & { reopen(): Promise<Postgres> };
    let expected: Log;
    let actual: Log;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "rinde-repos-c-"));
      sqlite = openDb(join(dir, "rinde.db"));
      postgres = await openFreshPostgres({ max: 4 });
      expected = await scenario(sqliteEngine(sqlite));
      actual = await scenario(postgresEngine(postgres.db));
    });

    afterAll(async () => {
      sqlite?.$client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await postgres?.close();
    });

    it("the SQLite run exercises what it should (the specification is not vacuous)", () => {
      const value = (label: string) => expected.find(([l]) => l === label)?.[1];
      expect(value("commitments.nextNumber")).toEqual([1, 2, 11]);
      expect(value("events.setRsvp change")).toBe("yes");
      expect(value("events.withdrawUpcomingRsvps")).toBe(2);
      expect(value("surveys.invite again")).toHaveLength(1);
      expect(value("surveys.deleteAnswersOfCitizen")).toBe(2);
      expect(value("surveys.segmentCitizens everyone")).toEqual([1, 2, 7, 8]);
      expect(value("commitments.list district")).toHaveLength(2);
      expect(value("commitments.followFromEvent")).toEqual([4, 7]);
      expect(value("plan.save again")).toBe(true);
      expect(value("plan.surveyResponses event day")).toBe(3);
      expect(value("transparency.questionCountsByEvent")).toEqual(
        new Map([
          [1, { received: 1, answered: 1 }],
          [2, { received: 2, answered: 1 }],
        ]),
      );
      expect((value("transparency.statRows") as { id: number }[]).map((s) => s.id).slice(0, 3)).toEqual([8, 7, 1]);
      expect(value("announcements.release")).toBe(4);
      expect(value("announcements.release again")).toBe(0);
      expect(value("outbox after release")).toHaveLength(7);
      expect((value("surveys.invite many") as { count: number }).count).toBe(1206);
    });

    it("every call returns on PostgreSQL what it returns on SQLite", () => {
      expect(actual.map(([label]) => label)).toEqual(expected.map(([label]) => label));
      for (const [i, entry] of actual.entries()) expect.soft(entry, entry[0]).toStrictEqual(expected[i]);
    });

    it("commitment numbers never repeat when several processes record at once", async () => {
      const secret = randomBytes(32);
      const other = await postgres.reopen();
      const stores = [postgres, other].map((handle) =>
        createPostgresStore(handle, (q) => createPgRepos(q, { secret })),
      );
      const before = await stores[0]!.repos.commitments.count();
      const recorded = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % 2]!.withTransaction(async (tx) => {
            const number = await tx.commitments.nextNumber();
            return (
              await tx.commitments.insert({
                number,
                text: `Paralelo ${i}`,
                officeKey: "obras",
                dueDate: "2026-12-31",
                createdAtMs: T0,
                updatedAtMs: T0,
              })
            ).number;
          }),
        ),
      );
      expect([...recorded].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 12 + i));
      expect(await stores[1]!.repos.commitments.count()).toBe(before + 30);
    });

    it("an event written inside a use case is undone with it (its tags are a savepoint, not a commit)", async () => {
      const store = createPostgresStore(postgres, (q) => createPgRepos(q, { secret: randomBytes(32) }));
      const before = await store.repos.events.list({ limit: 1000 });
      const failed = store.withTransaction(async (tx) => {
        const created = await tx.events.insert(
          {
            kind: "other",
            title: "Deshecho",
            startsAtMs: T0,
            endsAtMs: T0 + HOUR,
            createdBy: "cli",
            createdAtMs: T0,
            updatedAtMs: T0,
          },
          ["comuna-1"],
          ["agua"],
        );
        expect((await tx.events.get(created.id))?.districts).toEqual(["comuna-1"]);
        await tx.events.update(created.id, { title: "Deshecho 2" }, { districts: ["comuna-2"], topics: [] });
        throw new Error("the use case fails after writing");
      });
      await expect(failed).rejects.toThrow("the use case fails after writing");
      expect(await store.repos.events.list({ limit: 1000 })).toEqual(before);
    });

    it("a number taken while an import holds the counter follows the numbers the import used", async () => {
      const secret = randomBytes(32);
      const other = await postgres.reopen();
      const importer = createPostgresStore(postgres, (q) => createPgRepos(q, { secret }));
      const recorder = createPostgresStore(other, (q) => createPgRepos(q, { secret }));
      const watcher = new pg.Client({ connectionString: url });
      await watcher.connect();
      try {
        let releaseImport!: () => void;
        const importMayCommit = new Promise<void>((resolve) => (releaseImport = resolve));
        let first = 0;
        const imported = importer.withTransaction(async (tx) => {
          // As the CSV import does: one reserved number, then consecutive ones for the following rows.
          first = await tx.commitments.nextNumber();
          for (let n = first; n < first + 3; n++) {
            await tx.commitments.insert({
              number: n,
              text: `Importado ${n}`,
              officeKey: "salud",
              dueDate: "2026-12-31",
              createdAtMs: T0,
              updatedAtMs: T0,
            });
          }
          await importMayCommit;
        });
        while (first === 0) await new Promise((resolve) => setImmediate(resolve));
        const recorded = recorder.withTransaction(async (tx) => tx.commitments.nextNumber());
        // Let the import commit only once the recorder is waiting for the counter row.
        for (;;) {
          const waiting = await watcher.query(
            "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like $1",
            ['insert into "app_state"%'],
          );
          if (waiting.rows[0].n > 0) break;
        }
        releaseImport();
        await imported;
        expect(await recorded).toBe(first + 3);
      } finally {
        await watcher.end();
      }
    });
  },
);
