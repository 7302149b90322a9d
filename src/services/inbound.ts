/**
 * Handles one inbound citizen message in one transaction: dedup by channel message id, load the
 * citizen and their position, run the flow (and its actions), save the position, queue the replies.
 * Nothing is acknowledged that is not on disk: replies are outbox rows of the same transaction.
 */
import type { InboundMessage } from "../channels/channel.ts";
import { inTransaction } from "../db/client.ts";
import type { CitizenContext } from "../db/repositories/citizens.ts";
import { IDLE, type ConversationState, type Engine, type EngineOutput, type Turn } from "../engine/engine.ts";
import { DEFAULT_LOCALE } from "../i18n/index.ts";
import { ACTIONS, type ActionContext } from "./actions.ts";
import { render, type AppContext } from "./context.ts";
import { classifySender, handleStaffMessage } from "./staff.ts";

/** Longest citizen message accepted, in characters (Telegram's own limit is 4096). */
export const MAX_INBOUND_LENGTH = 4000;
/** Guard against a flow that calls actions forever. */
const MAX_ACTIONS_PER_MESSAGE = 16;

export type HandleResult =
  | { status: "duplicate" }
  | { status: "ignored" }
  | { status: "staff"; outboxIds: number[] }
  | { status: "handled"; citizenId: number; outboxIds: number[] };

const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** NFC-normalized text without control or bidi-override characters, trimmed. */
export function sanitizeText(text: string): string {
  return text.normalize("NFC").replace(CONTROL_CHARS, "").replace(/\r\n?/g, "\n").trim();
}

export function createInboundHandler(app: AppContext, engine: Engine) {
  const { repos, clock, translator, db } = app;
  const commandWords = (key: string) => translator.wordsInAllLocales(key);

  function renderFor(citizen: CitizenContext) {
    return (key: string, vars: Record<string, unknown>) => render(app, citizen.locale, key, vars);
  }

  function runActions(turn: Turn, citizen: CitizenContext, message: InboundMessage): Turn & { erased: boolean } {
    let current = turn;
    const outputs = [...turn.outputs];
    let erased = false;
    for (let i = 0; current.action; i++) {
      if (i >= MAX_ACTIONS_PER_MESSAGE) throw new Error(`More than ${MAX_ACTIONS_PER_MESSAGE} actions for one message at ${current.state.flowId}.${current.state.stepId}`);
      const definition = ACTIONS[current.action]!;
      const ctx: ActionContext = { app, citizen, channel: message.channel, address: message.address, data: current.state.data };
      const outcome = definition.run(ctx);
      erased ||= outcome.erased === true;
      const base = outcome.clearData ? {} : current.state.data;
      const data = mergeData(base, outcome.data);
      current = engine.resume({ ...current.state, data: {} }, outcome.result, data, renderFor(citizen));
      outputs.push(...current.outputs);
    }
    return { ...current, outputs, erased };
  }

  /** The turn for a message, before actions: a bad-input reply, a command, or the flow's next step. */
  function firstTurn(citizen: CitizenContext, state: ConversationState | undefined, message: InboundMessage): Turn {
    const r = renderFor(citizen);
    const stay = (key: string, vars: Record<string, unknown> = {}): Turn => ({
      state: state ?? { flowId: "", stepId: IDLE, flowVersion: 0, data: {} },
      outputs: [{ text: r(key, vars) }],
    });
    if (!state) return engine.start(engine.entry, {}, r);
    const text = sanitizeText(message.text ?? "");
    if (!text) return stay(message.media ? "engine.media_unsupported" : "engine.empty");
    if (text.length > MAX_INBOUND_LENGTH) return stay("engine.too_long", { length: text.length, max: MAX_INBOUND_LENGTH });
    const command = engine.commandFor(text, commandWords);
    if (command) return engine.start(command, state.data, r);
    if (/^\/\S+$/.test(text)) return stay("engine.unknown_command", { command: text.slice(0, 32) });
    if (!engine.isKnown(state)) {
      const restarted = engine.start(engine.idle, {}, r);
      return { ...restarted, outputs: [{ text: r("engine.restarted", {}) }, ...restarted.outputs] };
    }
    return engine.input(state, text, r);
  }

  /** Handles a message. Synchronous: the whole message is one transaction. */
  function handle(message: InboundMessage): HandleResult {
    return inTransaction(db, () => {
      const nowMs = clock.nowMs();
      const inboundId = repos.inbound.record(message.channel, message.channelMessageId, nowMs);
      if (inboundId === undefined) return { status: "duplicate" };
      const sender = classifySender(app, message);
      if (sender.kind === "ignore") return { status: "ignored" };
      if (sender.kind === "staff") {
        const replies = handleStaffMessage(app, message, sender);
        const outboxIds = replies.flatMap((text, i) =>
          repos.outbox.enqueue({ idempotencyKey: `in:${inboundId}:${i}`, channel: message.channel, address: message.address, payload: { text, replyToChannelMessageId: message.channelMessageIdForReply } }, nowMs) ?? [],
        );
        return { status: "staff", outboxIds };
      }
      const citizen = repos.citizens.findContext(message.channel, message.address) ?? repos.citizens.create(message.channel, message.address, localeFromHint(message.languageHint), nowMs);
      const state = stateOf(citizen);
      const turn = runActions(firstTurn(citizen, state, message), citizen, message);
      if (!turn.erased) {
        const data = turn.state.stepId === IDLE ? {} : turn.state.data;
        repos.citizens.saveConversation(citizen.citizenId, { flowId: turn.state.flowId, stepId: turn.state.stepId, flowVersion: turn.state.flowVersion, data: JSON.stringify(data) }, nowMs);
      }
      const outboxIds = enqueueReplies(message, turn.erased ? null : citizen.citizenId, inboundId, turn.outputs, nowMs);
      return { status: "handled", citizenId: citizen.citizenId, outboxIds };
    });
  }

  function enqueueReplies(message: InboundMessage, citizenId: number | null, inboundId: number, outputs: EngineOutput[], nowMs: number): number[] {
    const merged = mergeOutputs(outputs);
    if (!merged) return [];
    const id = repos.outbox.enqueue(
      { idempotencyKey: `in:${inboundId}`, channel: message.channel, address: message.address, citizenId, payload: merged },
      nowMs,
    );
    return id === undefined ? [] : [id];
  }

  function localeFromHint(hint: string | undefined): string {
    const base = hint?.slice(0, 2).toLowerCase();
    return base && translator.supports(base) ? base : DEFAULT_LOCALE;
  }

  return { handle };
}

export type InboundHandler = ReturnType<typeof createInboundHandler>;

function stateOf(citizen: CitizenContext): ConversationState | undefined {
  if (citizen.flowId === null || citizen.stepId === null) return undefined;
  return { flowId: citizen.flowId, stepId: citizen.stepId, flowVersion: citizen.flowVersion ?? 0, data: JSON.parse(citizen.data ?? "{}") as Record<string, unknown> };
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

/** One turn's outputs become one message (fewer sends under per-chat limits); options come last. */
export function mergeOutputs(outputs: readonly EngineOutput[]): { text: string; options?: string[] } | undefined {
  if (outputs.length === 0) return undefined;
  const text = outputs.map((o) => o.text).join("\n\n");
  const options = outputs.at(-1)?.options;
  return options ? { text, options } : { text };
}
