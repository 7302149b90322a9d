/**
 * Starting a flow for a citizen who did not just write (a survey taking over an idle
 * conversation): the same steps as an inbound turn — run the flow from `ref` and the actions it
 * reaches, save the citizen's position, queue the reply in the outbox — without an inbound
 * message. Channel-neutral. Call inside the caller's transaction (a scheduled job's).
 */
import { IDLE, type ConversationState, type Engine, type Turn } from "../engine/engine.ts";
import { ACTIONS } from "./actions.ts";
import { render, type AppContext } from "./context.ts";
import { mergeOutputs } from "./inbound.ts";

/** Same guard as the inbound handler's: a flow that calls actions forever is a bug. */
const MAX_ACTIONS = 16;
/** The inbound handler's variable for the outbox row of the menu waiting for an answer (buttons). */
const MENU_OUTBOX_KEY = "_menuOutboxId";

export interface StartFlowInput {
  /** `flow.step` to start at. */
  ref: string;
  data?: Record<string, unknown>;
  /** Names the message: starting twice with one key queues it once. */
  idempotencyKey: string;
  /** 0 = a message to one person (default), 1 = part of a bulk sending. */
  priority?: 0 | 1;
  /** The channel to prefer when the citizen has several. */
  channel?: string;
}

export type StartFlowResult = { ok: true; channel: string; outboxId: number | undefined; state: ConversationState } | { ok: false; error: "citizen_not_found" | "unreachable" };

export function startFlowFor(app: AppContext, engine: Engine, citizenId: number, input: StartFlowInput): StartFlowResult {
  const { repos, clock } = app;
  const row = repos.citizens.get(citizenId);
  if (!row || row.deletedAtMs !== null) return { ok: false, error: "citizen_not_found" };
  const identities = repos.citizens.identities(citizenId).filter((i) => i.unreachableAtMs === null);
  const identity = identities.find((i) => i.channel === input.channel) ?? identities[0];
  if (!identity) return { ok: false, error: "unreachable" };
  const citizen = repos.citizens.findContext(identity.channel, identity.address)!;
  const renderFor = (key: string, vars: Record<string, unknown>) => render(app, citizen.locale, key, vars);

  let turn: Turn = engine.start(input.ref, input.data ?? {}, renderFor);
  const outputs = [...turn.outputs];
  let erased = false;
  for (let i = 0; turn.action; i++) {
    if (i >= MAX_ACTIONS) throw new Error(`More than ${MAX_ACTIONS} actions starting ${input.ref}`);
    const outcome = ACTIONS[turn.action]!.run({ app, citizen, channel: identity.channel, address: identity.address, data: turn.state.data });
    erased ||= outcome.erased === true;
    const data = mergeData(outcome.clearData ? {} : turn.state.data, outcome.data);
    turn = engine.resume({ ...turn.state, data: {} }, outcome.result, data, renderFor);
    outputs.push(...turn.outputs);
  }

  const nowMs = clock.nowMs();
  const payload = mergeOutputs(outputs);
  const outboxId = payload
    ? repos.outbox.enqueue({ idempotencyKey: input.idempotencyKey, channel: identity.channel, address: identity.address, citizenId: erased ? null : citizenId, priority: input.priority ?? 0, payload }, nowMs)
    : undefined;
  if (!erased) {
    const data = turn.state.stepId === IDLE ? {} : { ...turn.state.data, ...(payload?.options && outboxId !== undefined ? { [MENU_OUTBOX_KEY]: outboxId } : {}) };
    repos.citizens.saveConversation(citizenId, { flowId: turn.state.flowId, stepId: turn.state.stepId, flowVersion: turn.state.flowVersion, data: JSON.stringify(data) }, nowMs);
  }
  return { ok: true, channel: identity.channel, outboxId, state: turn.state };
}

function mergeData(base: Record<string, unknown>, changes: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!changes) return base;
  const result = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}
