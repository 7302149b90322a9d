/**
 * One conversation turn after the engine's first step, shared by every place that runs a flow: the
 * inbound handler (a citizen wrote), `startFlowFor` (a survey takes over an idle conversation) and
 * the staff event wizard. Runs the actions the flow stops at, then, for citizens, queues the turn's
 * reply and saves the position. Synchronous: call inside the caller's transaction.
 */
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import {
  IDLE,
  type ConversationState,
  type Engine,
  type EngineOutput,
  type Render,
  type Turn,
} from "../../engine/engine.ts";
import type { ActionOutcome } from "./action-definition.ts";
import type { AppContext } from "../context.ts";
import { enqueueAbout } from "../sent-messages.ts";

/** Conversation variable holding the outbox id of the menu the conversation waits on (for buttons). */
export const MENU_OUTBOX_KEY = "_menuOutboxId";
/** Guard against a flow that calls actions forever. */
const MAX_ACTIONS_PER_TURN = 16;

// Zero-width joiner and non-joiner (U+200C, U+200D) stay: they build emoji such as 👨‍👩‍👧 and join letters
// in some scripts; dropping them would change what the person wrote and how long it is (issue 19.7).
const CONTROL_CHARS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** NFC-normalized text without control, zero-width-space or bidi-override characters, trimmed. */
export function sanitizeText(text: string): string {
  return text.normalize("NFC").replace(CONTROL_CHARS, "").replace(/\r\n?/g, "\n").trim();
}

type FlowData = Readonly<Record<string, unknown>>;

/** An action a flow may name: citizen actions (ActionDefinition) and the wizard's staff actions. */
interface RunnableAction<C extends { data: FlowData }> {
  run(ctx: C): ActionOutcome | Promise<ActionOutcome>;
}

/**
 * Runs the actions `first` stops at, feeding each result back to the engine, until the flow waits
 * for input or goes idle. Outputs accumulate in order; `erased` says an action erased the citizen.
 * Throws on an unknown action or more than 16 actions in one turn (both are bugs in a flow).
 */
export async function runActions<C extends { data: FlowData }>(
  engine: Engine,
  first: Turn,
  actions: Readonly<Record<string, RunnableAction<C>>>,
  ctx: Omit<C, "data">,
  render: Render,
): Promise<Turn & { erased: boolean }> {
  let turn = first;
  const outputs = [...first.outputs];
  let erased = false;
  for (let i = 0; turn.action; i++) {
    const at = `${turn.state.flowId}.${turn.state.stepId}`;
    if (i >= MAX_ACTIONS_PER_TURN) throw new Error(`More than ${MAX_ACTIONS_PER_TURN} actions in one turn at ${at}`);
    const definition = actions[turn.action];
    if (!definition) throw new Error(`Unknown action '${turn.action}' at ${at}`);
    const outcome = await definition.run({ ...ctx, data: turn.state.data } as C);
    erased ||= outcome.erased === true;
    const data = mergeData(outcome.clearData ? {} : turn.state.data, outcome.data);
    turn = engine.resume({ ...turn.state, data: {} }, outcome.result, data, render);
    outputs.push(...turn.outputs);
  }
  return { ...turn, outputs, erased };
}

/** `base` with `changes` applied; a `null` (or undefined) value removes the variable. */
function mergeData(base: FlowData, changes: Record<string, unknown> | undefined): Record<string, unknown> {
  const result = { ...base };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (value === null || value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

/** One turn's outputs become one message (fewer sends under per-chat limits); options come last. */
export function mergeOutputs(outputs: readonly EngineOutput[]): { text: string; options?: string[] } | undefined {
  if (outputs.length === 0) return undefined;
  const text = outputs.map((o) => o.text).join("\n\n");
  const options = outputs.at(-1)?.options;
  return options ? { text, options } : { text };
}

/** Where and how a citizen's turn reply is queued. */
export interface TurnDelivery {
  /** Names the message: a second turn with the same key queues nothing. */
  idempotencyKey: string;
  channel: string;
  address: string;
  /** 0 = a message to one person (default), 1 = part of a bulk sending. */
  priority?: 0 | 1;
  /** When the send's outcome is unknown: see NewOutboxRow.guarantee. */
  guarantee?: "at_least_once" | "at_most_once";
  /** The survey invitation whose first message this turn is. */
  surveyInvitationId?: number;
}

/**
 * Queues a citizen's turn as one outbox row and saves their position (unless an action erased
 * them, in which case the row keeps no citizen id). `before` is the position the turn started
 * from (undefined for a flow started afresh). Returns the outbox id, undefined when nothing was
 * queued (no output, or the key was already used).
 */
export async function commitCitizenTurn(
  app: AppContext,
  citizenId: number,
  before: ConversationState | undefined,
  turn: Turn & { erased: boolean },
  delivery: TurnDelivery,
  nowMs: number,
): Promise<number | undefined> {
  const payload: OutboxPayload | undefined = mergeOutputs(turn.outputs);
  // After an erasure the confirmation still reaches the citizen, then forgets where it went.
  const { surveyInvitationId, ...where } = delivery;
  const row = { ...where, citizenId: turn.erased ? null : citizenId, payload, forgetAddressWhenSent: turn.erased };
  // A survey's first message. A menu needs no reference: the conversation records its outbox row,
  // and a button counts only on that row (inbound.ts, isCurrentMenu).
  const about =
    !turn.erased && surveyInvitationId !== undefined
      ? { kind: "survey_start" as const, citizenId, surveyInvitationId }
      : undefined;
  const outboxId = payload ? await enqueueAbout(app, { ...row, payload }, about, nowMs) : undefined;
  if (!turn.erased) {
    const data = conversationData(
      before,
      turn.state,
      outboxId !== undefined && payload?.options !== undefined ? outboxId : undefined,
    );
    await app.repos.citizens.saveConversation(
      citizenId,
      {
        flowId: turn.state.flowId,
        stepId: turn.state.stepId,
        flowVersion: turn.state.flowVersion,
        data: JSON.stringify(data),
      },
      nowMs,
    );
  }
  return outboxId;
}

/**
 * The variables to save: none when idle; a new menu records its outbox row (so only its buttons
 * count); a reply that leaves the step forgets the old menu, one that stays keeps it.
 */
function conversationData(
  before: ConversationState | undefined,
  after: ConversationState,
  menuOutboxId: number | undefined,
): Record<string, unknown> {
  if (after.stepId === IDLE) return {};
  const data = { ...after.data };
  if (menuOutboxId !== undefined) data[MENU_OUTBOX_KEY] = menuOutboxId;
  else if (before?.flowId !== after.flowId || before.stepId !== after.stepId) delete data[MENU_OUTBOX_KEY];
  return data;
}
