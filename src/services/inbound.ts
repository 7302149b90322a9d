/**
 * Handles one inbound citizen message in one transaction: dedup by channel message id, load the
 * citizen and their position, run the flow (and its actions), save the position, queue the replies.
 * Nothing is acknowledged that is not on disk: replies are outbox rows of the same transaction.
 */
import type { InboundMedia, InboundMessage } from "../channels/channel.ts";
import { inTransaction } from "../db/client.ts";
import type { CitizenContext } from "../db/repositories/citizens.ts";
import type { OutboxPayload } from "../db/repositories/outbox.ts";
import { IDLE, type ConversationState, type Engine, type EngineOutput, type Render, type Turn } from "../engine/engine.ts";
import { DEFAULT_LOCALE } from "../i18n/index.ts";
import { ACTIONS, type ActionContext } from "./actions.ts";
import { render, type AppContext } from "./context.ts";
import { attachmentsFromData } from "./questions.ts";
import type { StaffReply } from "./staff-buttons.ts";
import { eventShortcutTurn } from "./event-inbound.ts";
import { handleEventWizard } from "./event-wizard.ts";
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

  /**
   * The turn for a message, before actions: a stale button, a file, a deep link, a bad-input
   * reply, a command, or the flow's next step.
   */
  function firstTurn(citizen: CitizenContext, state: ConversationState | undefined, message: InboundMessage): Turn {
    const r = renderFor(citizen);
    if (!state) return engine.start(engine.entry, {}, r);
    if (message.button && !isCurrentMenu(message, state)) return stay(state, r("chat.stale_button", {}));
    let current = state;
    const text = sanitizeText(message.text ?? "");
    if (message.media) {
      const attached = attach(message.channel, citizen, state, message.media, r);
      if (!attached.ok) return stay(state, attached.text);
      if (!text) return attached.turn;
      current = attached.state;
    }
    if (message.startPayload !== undefined) {
      // A deep link naming a command (t.me/<bot>?start=estado) opens it; any other is not ours (yet).
      const target = engine.commandFor(message.startPayload, commandWords);
      if (target) return engine.start(target, current.data, r);
      const turn = textTurn(current, text, r);
      return { ...turn, outputs: [{ text: r("chat.unknown_link", {}) }, ...turn.outputs] };
    }
    // Stop words and event shortcuts work at any point of any conversation (issue 6).
    const shortcut = text ? eventShortcutTurn(app, engine, citizen, current, text, message, r, commandWords) : undefined;
    return shortcut ?? textTurn(current, text, r);
  }

  function textTurn(state: ConversationState, text: string, r: Render): Turn {
    if (!text) return stay(state, r("engine.empty", {}));
    if (text.length > MAX_INBOUND_LENGTH) return stay(state, r("engine.too_long", { length: text.length, max: MAX_INBOUND_LENGTH }));
    const command = engine.commandFor(text, commandWords);
    if (command) return engine.start(command, state.data, r);
    if (/^\/\S+$/.test(text)) return stay(state, r("engine.unknown_command", { command: text.slice(0, 32) }));
    if (!engine.isKnown(state)) {
      const restarted = engine.start(engine.idle, {}, r);
      return { ...restarted, outputs: [{ text: r("engine.restarted", {}) }, ...restarted.outputs] };
    }
    return engine.input(state, text, r);
  }

  /**
   * An option button counts only on the menu the conversation waits on: the outbox row it was sent
   * with is the one recorded in the conversation. A button of an older message changes nothing.
   */
  function isCurrentMenu(message: InboundMessage, state: ConversationState): boolean {
    const button = message.button!;
    if (button.optionIndex === undefined) return false;
    const row = repos.outbox.findByChannelMessage(message.channel, button.onChannelMessageId);
    return row !== undefined && row.id === state.data[MENU_OUTBOX_KEY];
  }

  /**
   * A photo or document while asking (or at the menu, which starts asking) joins the question's
   * `attachments`; without a caption the citizen is asked to write the question. Other media, or
   * files outside a question, get a reply saying what the bot accepts.
   */
  function attach(channel: string, citizen: CitizenContext, state: ConversationState, media: InboundMedia, r: Render): { ok: true; state: ConversationState; turn: Turn } | { ok: false; text: string } {
    if (!CHANNELS_KEEPING_FILES.has(channel)) return { ok: false, text: r("engine.media_unsupported", {}) };
    if (!isAttachable(media)) return { ok: false, text: r("attachments.unsupported", {}) };
    const atMenu = state.stepId === IDLE || `${state.flowId}.${state.stepId}` === engine.idle;
    if (citizen.consent !== "granted" || !(atMenu || state.flowId === ASK_FLOW)) return { ok: false, text: r("attachments.not_now", {}) };
    const attachments = attachmentsFromData(state.data.attachments);
    if (attachments.length >= MAX_ATTACHMENTS) return { ok: false, text: r("attachments.too_many", { max: MAX_ATTACHMENTS }) };
    const file = { kind: media.kind, fileRef: media.fileRef, ...(media.mimeType ? { mimeType: media.mimeType } : {}), ...(media.fileName ? { fileName: media.fileName.slice(0, 200) } : {}) };
    const next = { ...state, data: { ...state.data, attachments: [...attachments, file] } };
    const count = attachments.length + 1;
    if (!atMenu && state.stepId !== ASK_PROMPT_STEP) return { ok: true, state: next, turn: stay(next, r("attachments.added", { count })) };
    // At the menu the question starts now; at the prompt the prompt is shown again.
    const turn = engine.start(atMenu ? `${ASK_FLOW}.start` : `${ASK_FLOW}.${ASK_PROMPT_STEP}`, next.data, r);
    return { ok: true, state: next, turn: { ...turn, outputs: [{ text: r("attachments.received", { count }) }, ...turn.outputs] } };
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
        // Communications staff's event wizard (`/evento`) first; otherwise the usual staff commands.
        const replies = (sender.official && handleEventWizard(app, engine, message, sender.official)) || handleStaffMessage(app, message, sender);
        const outboxIds = replies.flatMap((reply, i) =>
          repos.outbox.enqueue({ idempotencyKey: `in:${inboundId}:${i}`, channel: message.channel, address: message.address, payload: staffPayload(reply, message), questionId: reply.questionId ?? null }, nowMs) ?? [],
        );
        return { status: "staff", outboxIds };
      }
      const citizen = repos.citizens.findContext(message.channel, message.address) ?? repos.citizens.create(message.channel, message.address, localeFromHint(message.languageHint), nowMs);
      const state = stateOf(citizen);
      const turn = runActions(firstTurn(citizen, state, message), citizen, message);
      const reply = enqueueReplies(message, turn.erased ? null : citizen.citizenId, inboundId, turn.outputs, nowMs);
      if (!turn.erased) {
        const data = conversationData(state, turn.state, reply);
        repos.citizens.saveConversation(citizen.citizenId, { flowId: turn.state.flowId, stepId: turn.state.stepId, flowVersion: turn.state.flowVersion, data: JSON.stringify(data) }, nowMs);
      }
      return { status: "handled", citizenId: citizen.citizenId, outboxIds: reply ? [reply.outboxId] : [] };
    });
  }

  /** Queues the turn's reply; says whether it carries options (a menu buttons may answer). */
  function enqueueReplies(message: InboundMessage, citizenId: number | null, inboundId: number, outputs: EngineOutput[], nowMs: number): QueuedReply | undefined {
    const merged = mergeOutputs(outputs);
    if (!merged) return undefined;
    const id = repos.outbox.enqueue(
      { idempotencyKey: `in:${inboundId}`, channel: message.channel, address: message.address, citizenId, payload: merged },
      nowMs,
    );
    return id === undefined ? undefined : { outboxId: id, hasOptions: merged.options !== undefined };
  }

  function localeFromHint(hint: string | undefined): string {
    const base = hint?.slice(0, 2).toLowerCase();
    return base && translator.supports(base) ? base : DEFAULT_LOCALE;
  }

  return { handle };
}

export type InboundHandler = ReturnType<typeof createInboundHandler>;

/** Conversation variable holding the outbox id of the menu the conversation waits on (for buttons). */
export const MENU_OUTBOX_KEY = "_menuOutboxId";
/** Where files are accepted: the ask flow, whose prompt step takes the question's text. */
const ASK_FLOW = "ask";
const ASK_PROMPT_STEP = "prompt";
/**
 * Channels whose adapters hand over file references an office chat can show later (Telegram's
 * file_id). Elsewhere files are not kept, and the reply says that only text is read.
 */
const CHANNELS_KEEPING_FILES: ReadonlySet<string> = new Set(["telegram"]);
/** Most files one question may carry. */
export const MAX_ATTACHMENTS = 10;

interface QueuedReply {
  outboxId: number;
  hasOptions: boolean;
}

function stay(state: ConversationState, text: string): Turn {
  return { state, outputs: [{ text }] };
}

function isAttachable(media: InboundMedia): media is InboundMedia & { kind: "photo" | "document"; fileRef: string } {
  return (media.kind === "photo" || media.kind === "document") && typeof media.fileRef === "string" && media.fileRef.length > 0;
}

/**
 * The variables to save: none when idle; a new menu records its outbox row (so only its buttons
 * count); a reply that leaves the step forgets the old menu, one that stays keeps it.
 */
function conversationData(before: ConversationState | undefined, after: ConversationState, reply: QueuedReply | undefined): Record<string, unknown> {
  if (after.stepId === IDLE) return {};
  const data = { ...after.data };
  if (reply?.hasOptions) data[MENU_OUTBOX_KEY] = reply.outboxId;
  else if (before?.flowId !== after.flowId || before.stepId !== after.stepId) delete data[MENU_OUTBOX_KEY];
  return data;
}

function staffPayload(reply: StaffReply, message: InboundMessage): OutboxPayload {
  const replyTo = reply.replyToChannelMessageId ?? message.channelMessageIdForReply;
  return {
    text: reply.text,
    ...(replyTo ? { replyToChannelMessageId: replyTo } : {}),
    ...(reply.buttons?.length ? { buttons: reply.buttons } : {}),
    ...(reply.forceReply ? { forceReply: true } : {}),
    ...(reply.staffPrompt ? { staffPrompt: reply.staffPrompt } : {}),
  };
}

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
