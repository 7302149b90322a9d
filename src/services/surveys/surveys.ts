/**
 * Survey runs: making a run for a trigger (a question answered, an event ended) or an ad hoc
 * segment, inviting citizens (one invitation per citizen per run; no consent, deleted or opted
 * out: none), delivering each survey only when the citizen is idle and outside quiet hours, and
 * closing the run when it expires. Delivery and expiry are durable jobs (src/delivery/scheduler.ts)
 * whose handlers are below; each runs in the job's transaction and is idempotent by key.
 */
import { actorLabel, type Actor } from "../../core/authorization.ts";
import {
  canSendSurveys,
  definitionOf,
  deliveryDecision,
  durationMs,
  formatSegment,
  idleFromMs,
  parseSegment,
  type Segment,
  type SurveyDefinition,
  type SurveySet,
  type TriggerKind,
} from "../../core/surveys/index.ts";
import { quietUntilMs } from "../../core/quiet-hours.ts";
import type { JobRow } from "../../db/repositories/jobs.ts";
import type { SurveyRunRow } from "../../db/repositories/surveys.ts";
import type { JobHandler, JobOutcome } from "../../delivery/scheduler.ts";
import { IDLE, type ConversationState, type Engine } from "../../engine/engine.ts";
import type { AppContext } from "../context.ts";
import { startFlowFor } from "../conversation/start-flow.ts";
import { SURVEY_FLOW, SURVEY_START, unfilledSurveyVariables } from "./conversation.ts";
import { SURVEY_JOB_KINDS } from "./jobs.ts";

/** What survey services need: the app, the engine (to start the survey conversation), the definitions. */
export interface SurveyDeps {
  app: AppContext;
  engine: Engine;
  surveys: SurveySet;
}

/** At the main menu, a survey waits this long after the last turn: the citizen may be about to type. */
export const SETTLE_MS = 2 * 60_000;
/** A survey waiting for a busy citizen looks again at least this often. */
export const RECHECK_MS = 5 * 60_000;
/** How often ended events are looked for. */
export const EVENT_SWEEP_INTERVAL_MS = 15 * 60_000;

const DONE: JobOutcome = { kind: "done" };

export type SurveyError =
  | "unknown_survey"
  | "bad_segment"
  | "unknown_office"
  | "unknown_event"
  | "unknown_district"
  | "not_allowed"
  | "cannot_render";

export interface RunInput {
  trigger: SurveyRunRow["trigger"];
  triggerKey?: string;
  questionId?: number;
  eventId?: number;
  officeKey?: string | null;
  segment?: string;
  label?: string;
  /** When delivery may start. */
  deliverAfterMs: number;
  createdBy: string;
}

export function surveysWithTrigger(surveys: SurveySet, kind: TriggerKind): SurveyDefinition[] {
  return [...surveys.values()].filter((s) => s.trigger.kind === kind);
}

/**
 * Makes a run (a triggered run already made for the same occurrence is returned as is) and plans
 * its expiry. Call inside a transaction.
 */
export async function createRun(
  app: AppContext,
  definition: SurveyDefinition,
  input: RunInput,
  nowMs: number,
): Promise<SurveyRunRow> {
  const repo = app.repos.surveys;
  const existing = input.triggerKey ? await repo.runByTriggerKey(input.triggerKey) : undefined;
  if (existing) return existing;
  const row = {
    surveyId: definition.id,
    surveyVersion: definition.version,
    definition: JSON.stringify(definition),
    trigger: input.trigger,
    triggerKey: input.triggerKey ?? null,
    questionId: input.questionId ?? null,
    eventId: input.eventId ?? null,
    officeKey: input.officeKey ?? null,
    segment: input.segment ?? null,
    label: input.label ?? null,
    deliverAfterMs: input.deliverAfterMs,
    expiresAtMs: input.deliverAfterMs + durationMs(definition.expiresAfter),
    createdBy: input.createdBy,
    createdAtMs: nowMs,
  };
  let run: SurveyRunRow;
  if (input.triggerKey) {
    // Another process (or the scheduler beside a staff action) may trigger the same occurrence at
    // once: the key decides, and the loser returns the winner's run (PostgreSQL waits for its commit).
    const inserted = await repo.insertRunOnce({ ...row, triggerKey: input.triggerKey });
    if (!inserted) return (await repo.runByTriggerKey(input.triggerKey))!;
    run = inserted;
  } else {
    run = await repo.insertRun(row);
  }
  if (input.trigger !== "paper") {
    await app.repos.jobs.plan(
      {
        key: `survey:expire:r${run.id}`,
        kind: SURVEY_JOB_KINDS.expire,
        runAtMs: run.expiresAtMs,
        payload: { runId: run.id },
      },
      nowMs,
    );
  }
  return run;
}

/**
 * Invites the citizens who may be asked now (consent, not deleted, not opted out, reachable) and
 * plans each delivery. A citizen already invited to the run is skipped. Returns how many were invited.
 */
export async function inviteCitizens(
  app: AppContext,
  run: SurveyRunRow,
  citizenIds: readonly number[],
  nowMs: number,
): Promise<number> {
  const repo = app.repos.surveys;
  const askable: number[] = [];
  for (const id of citizenIds) if ((await repo.eligibility(id)).ok) askable.push(id);
  const created = await repo.invite(run.id, askable, nowMs);
  for (const invitation of created) {
    await app.repos.jobs.plan(
      {
        key: `survey:deliver:i${invitation.id}`,
        kind: SURVEY_JOB_KINDS.deliver,
        runAtMs: Math.max(run.deliverAfterMs, nowMs),
        payload: { invitationId: invitation.id },
      },
      nowMs,
    );
  }
  return created.length;
}

/** After an answer: one run per answer survey (clarity now-ish, "resolved" days later) for its citizen. */
export async function startAnswerSurveys(deps: SurveyDeps, questionId: number, nowMs: number): Promise<number> {
  const { app } = deps;
  const question = await app.repos.questions.byId(questionId);
  if (!question || question.status !== "answered" || question.answeredAtMs === null) return 0;
  let invited = 0;
  for (const definition of surveysWithTrigger(deps.surveys, "question_answered")) {
    if (definition.trigger.kind !== "question_answered") continue;
    const run = await createRun(
      app,
      definition,
      {
        trigger: "question_answered",
        triggerKey: `${definition.id}:q${question.id}`,
        questionId: question.id,
        officeKey: question.officeKey,
        deliverAfterMs: question.answeredAtMs + durationMs(definition.trigger.after),
        createdBy: "system",
      },
      nowMs,
    );
    invited += await inviteCitizens(app, run, [question.citizenId], nowMs);
  }
  return invited;
}

/** After an event: its survey to those who said they would come. Once per event and survey. */
export async function startEventSurvey(
  app: AppContext,
  definition: SurveyDefinition,
  eventId: number,
  nowMs: number,
): Promise<SurveyRunRow | undefined> {
  const repo = app.repos.surveys;
  const event = await repo.eventById(eventId);
  if (!event || event.status === "cancelled" || definition.trigger.kind !== "event_ended") return undefined;
  const triggerKey = `${definition.id}:e${event.id}`;
  if (await repo.runByTriggerKey(triggerKey)) return undefined;
  const run = await createRun(
    app,
    definition,
    {
      trigger: "event_ended",
      triggerKey,
      eventId: event.id,
      officeKey: event.officeKey,
      deliverAfterMs: event.endsAtMs + durationMs(definition.trigger.after),
      createdBy: "system",
    },
    nowMs,
  );
  await inviteCitizens(app, run, await repo.segmentCitizens({ kind: "event", eventId: event.id }), nowMs);
  return run;
}

/** Starts the surveys of events whose survey time (end + delay) has come and not yet expired. */
export async function sweepEndedEvents(deps: SurveyDeps, nowMs: number): Promise<number> {
  let started = 0;
  for (const definition of surveysWithTrigger(deps.surveys, "event_ended")) {
    if (definition.trigger.kind !== "event_ended") continue;
    const afterMs = durationMs(definition.trigger.after);
    const events = await deps.app.repos.surveys.eventsEndedBetween(
      nowMs - afterMs - durationMs(definition.expiresAfter),
      nowMs - afterMs,
    );
    for (const event of events) if (await startEventSurvey(deps.app, definition, event.id, nowMs)) started++;
  }
  return started;
}

/** Checks a segment against the profile and the database. */
export async function checkSegment(
  app: AppContext,
  spec: string,
): Promise<{ ok: true; segment: Segment } | { ok: false; error: SurveyError; detail: string }> {
  const parsed = parseSegment(spec);
  if (!parsed.ok) return { ok: false, error: "bad_segment", detail: parsed.error };
  const { segment } = parsed;
  if (segment.kind === "office" && !(await app.repos.offices.get(segment.officeKey)))
    return { ok: false, error: "unknown_office", detail: segment.officeKey };
  if (segment.kind === "event" && !(await app.repos.surveys.eventById(segment.eventId)))
    return { ok: false, error: "unknown_event", detail: String(segment.eventId) };
  if (segment.kind === "districts") {
    const unknown = segment.keys.find((k) => !app.profile.districts.some((d) => d.key === k));
    if (unknown) return { ok: false, error: "unknown_district", detail: unknown };
  }
  return { ok: true, segment };
}

/** An ad hoc consultation (e.g. "which topics should the next hearing cover") to a segment. */
export async function sendSurvey(
  deps: Pick<SurveyDeps, "app" | "surveys">,
  input: { surveyId: string; segment: string; label?: string; officeKey?: string; actor: Actor },
): Promise<{ ok: true; run: SurveyRunRow; invited: number } | { ok: false; error: SurveyError; detail: string }> {
  const { app } = deps;
  const definition = deps.surveys.get(input.surveyId);
  if (!definition) return { ok: false, error: "unknown_survey", detail: input.surveyId };
  const checked = await checkSegment(app, input.segment);
  if (!checked.ok) return checked;
  if (input.officeKey && !(await app.repos.offices.get(input.officeKey)))
    return { ok: false, error: "unknown_office", detail: input.officeKey };
  const { segment } = checked;
  const eventId = segment.kind === "event" ? segment.eventId : undefined;
  const officeKey =
    input.officeKey ??
    (segment.kind === "office"
      ? segment.officeKey
      : eventId !== undefined
        ? (await app.repos.surveys.eventById(eventId))?.officeKey
        : undefined);
  if (!canSendSurveys(input.actor, officeKey))
    return { ok: false, error: "not_allowed", detail: actorLabel(input.actor) };
  // A survey about one answered question (its radicado, its office) means nothing to a segment:
  // refuse whatever its texts cannot say whole, instead of sending raw {{placeholders}}.
  const unfilled = await unfilledSurveyVariables(app, definition, {
    questionId: null,
    officeKey: officeKey ?? null,
    eventId: eventId ?? null,
  });
  if (unfilled.length > 0)
    return {
      ok: false,
      error: "cannot_render",
      detail: `${definition.id} (trigger ${definition.trigger.kind}) needs ${unfilled.join(", ")}`,
    };
  return await app.store.withTransaction(async () => {
    const nowMs = app.clock.nowMs();
    const run = await createRun(
      app,
      definition,
      {
        trigger: "segment",
        segment: formatSegment(segment),
        eventId,
        officeKey,
        label: input.label,
        deliverAfterMs: nowMs,
        createdBy: actorLabel(input.actor),
      },
      nowMs,
    );
    const invited = await inviteCitizens(app, run, await app.repos.surveys.segmentCitizens(segment), nowMs);
    return { ok: true as const, run, invited };
  });
}

/**
 * Delivers one invitation when its citizen is idle: the survey conversation takes over their
 * chat. Waits (job `later`) while the citizen is busy or in quiet hours; expires it after the run
 * closes; cancels it when the citizen may no longer be asked.
 */
export async function deliverInvitation(deps: SurveyDeps, invitationId: number, nowMs: number): Promise<JobOutcome> {
  const { app, engine } = deps;
  const repo = app.repos.surveys;
  const invitation = await repo.invitationById(invitationId);
  if (!invitation || invitation.status !== "pending") return DONE;
  const run = (await repo.runById(invitation.runId))!;
  const eligibility = await repo.eligibility(invitation.citizenId);
  if (!eligibility.ok) {
    await repo.setInvitationStatus(invitation.id, ["pending"], {
      status: "cancelled",
      cancelReason: eligibility.reason,
      finishedAtMs: nowMs,
    });
    return DONE;
  }
  const conversation = await repo.conversationOf(invitation.citizenId);
  const decision = deliveryDecision({
    nowMs,
    expiresAtMs: run.closedAtMs ?? run.expiresAtMs,
    quietUntilMs: quietUntilMs(nowMs, app.profile.quietHours, app.profile.timezone),
    idleFromMs: idleFromMs(conversation, {
      idleSteps: [IDLE, engine.idle],
      settleMs: SETTLE_MS,
      idleAfterMs: durationMs(definitionOf(run).idleAfter),
    }),
    recheckMs: RECHECK_MS,
  });
  if (decision.kind === "expire") {
    await repo.setInvitationStatus(invitation.id, ["pending"], { status: "expired", finishedAtMs: nowMs });
    return DONE;
  }
  if (decision.kind === "wait") return { kind: "later", runAtMs: decision.untilMs };
  await repo.setInvitationStatus(invitation.id, ["pending"], { status: "delivered", deliveredAtMs: nowMs });
  const preferred = run.questionId !== null ? (await app.repos.questions.byId(run.questionId))?.channel : undefined;
  // A first message withdrawn before it was sent (see reclaimUnseenSurvey) is sent again under a new key.
  const startKey = surveyStartKey(invitation.id);
  const withdrawn = await app.repos.sentRefs.latestSurveyStart(invitation.id);
  const started = await startFlowFor(app, engine, invitation.citizenId, {
    ref: SURVEY_START,
    data: { surveyInvitationId: invitation.id },
    idempotencyKey: withdrawn ? `${startKey}:o${withdrawn.outboxId}` : startKey,
    surveyInvitationId: invitation.id,
    priority: run.trigger === "segment" ? 1 : 0,
    // A survey is never repeated when its send's outcome is unknown (issue 19).
    guarantee: "at_most_once",
    ...(preferred ? { channel: preferred } : {}),
  });
  if (!started.ok)
    await repo.setInvitationStatus(invitation.id, ["delivered"], {
      status: "cancelled",
      cancelReason: "unreachable",
      deliveredAtMs: null,
      finishedAtMs: nowMs,
    });
  else await repo.setInvitationStatus(invitation.id, ["delivered"], { channel: started.channel });
  return DONE;
}

/** The idempotency key of a survey's first message (`…:o<outbox id>` when sent again after a withdrawal). */
const surveyStartKey = (invitationId: number) => `survey:i${invitationId}:start`;

/**
 * A citizen writes while the survey that took over their chat has not reached them: its first
 * message still waits in the outbox (a segment's survey is bulk, priority 1, and waits behind
 * announcements or a channel's backlog, while the citizen's own replies go first) or was never
 * sent. What they wrote is not an answer to a question they have not seen: the waiting message is
 * withdrawn, the invitation goes back to pending (delivered again at the next idle moment outside
 * quiet hours), and the message is handled from the menu, as if the survey had not started.
 * Returns the position to handle the message from (`state` itself when nothing changes). A first
 * message being sent right now counts as seen. Call inside the inbound message's transaction.
 */
export async function reclaimUnseenSurvey(
  app: AppContext,
  citizenId: number,
  state: ConversationState | undefined,
  nowMs: number,
): Promise<ConversationState | undefined> {
  if (state?.flowId !== SURVEY_FLOW || state.stepId === IDLE) return state;
  const invitationId = state.data.surveyInvitationId;
  if (typeof invitationId !== "number") return state;
  const repo = app.repos.surveys;
  const invitation = await repo.invitationById(invitationId);
  if (!invitation || invitation.citizenId !== citizenId || invitation.status !== "delivered") return state;
  const first = await app.repos.sentRefs.latestSurveyStart(invitation.id);
  if (!first || first.status === "sent") return state;
  if (
    first.status === "pending" &&
    !(await app.repos.outbox.withdrawPending(first.outboxId, "survey_superseded", nowMs))
  )
    return state;
  await repo.setInvitationStatus(invitation.id, ["delivered"], { status: "pending", deliveredAtMs: null });
  await app.repos.jobs.plan(
    {
      key: `survey:deliver:i${invitation.id}:o${first.outboxId}`,
      kind: SURVEY_JOB_KINDS.deliver,
      runAtMs: nowMs,
      payload: { invitationId: invitation.id },
    },
    nowMs,
  );
  return { flowId: SURVEY_FLOW, stepId: IDLE, flowVersion: 1, data: {} };
}

/**
 * Closes a run: invitations not yet answered expire, and a conversation still waiting on this
 * survey goes back to idle silently (the citizen's next message is handled as usual). Answers
 * already given stay. Idempotent.
 */
export async function expireRun(app: AppContext, runId: number, nowMs: number): Promise<void> {
  const repo = app.repos.surveys;
  const run = await repo.runById(runId);
  if (!run) return;
  for (const invitation of await repo.invitationsOfRun(runId, ["pending", "delivered"])) {
    await repo.setInvitationStatus(invitation.id, ["pending", "delivered"], { status: "expired", finishedAtMs: nowMs });
    if (invitation.status !== "delivered") continue;
    const conversation = await repo.conversationOf(invitation.citizenId);
    if (conversation?.flowId !== SURVEY_FLOW || conversation.stepId === IDLE) continue;
    const data = JSON.parse(conversation.data) as { surveyInvitationId?: unknown };
    if (data.surveyInvitationId !== invitation.id) continue;
    await app.repos.citizens.saveConversation(
      invitation.citizenId,
      { flowId: SURVEY_FLOW, stepId: IDLE, flowVersion: 1, data: "{}" },
      nowMs,
    );
  }
  await repo.closeRun(runId, nowMs);
}

/** Plans the look for ended events at `atMs` (one job per interval slot; planning twice is a no-op). */
async function planEventSweep(app: AppContext, atMs: number, nowMs: number): Promise<void> {
  const slot = Math.floor(atMs / EVENT_SWEEP_INTERVAL_MS);
  await app.repos.jobs.plan(
    { key: `survey:event-sweep:${slot}`, kind: SURVEY_JOB_KINDS.eventSweep, runAtMs: atMs },
    nowMs,
  );
}

/** At start-up: the look for ended events is planned (it then plans itself). */
export async function prepareSurveys(deps: SurveyDeps): Promise<void> {
  if (surveysWithTrigger(deps.surveys, "event_ended").length === 0) return;
  const nowMs = deps.app.clock.nowMs();
  await deps.app.store.withTransaction(async () => await planEventSweep(deps.app, nowMs, nowMs));
}

const payloadOf = <T>(job: JobRow): T => JSON.parse(job.payload) as T;

/** The scheduler's handlers for survey jobs. */
export function surveyJobHandlers(deps: SurveyDeps): Record<string, JobHandler> {
  return {
    [SURVEY_JOB_KINDS.questionAnswered]: async (job, nowMs) => {
      await startAnswerSurveys(deps, payloadOf<{ questionId: number }>(job).questionId, nowMs);
      return DONE;
    },
    [SURVEY_JOB_KINDS.deliver]: async (job, nowMs) =>
      await deliverInvitation(deps, payloadOf<{ invitationId: number }>(job).invitationId, nowMs),
    [SURVEY_JOB_KINDS.expire]: async (job, nowMs) => {
      await expireRun(deps.app, payloadOf<{ runId: number }>(job).runId, nowMs);
      return DONE;
    },
    [SURVEY_JOB_KINDS.eventSweep]: async (_job, nowMs) => {
      await sweepEndedEvents(deps, nowMs);
      await planEventSweep(deps.app, nowMs + EVENT_SWEEP_INTERVAL_MS, nowMs);
      return DONE;
    },
  };
}
