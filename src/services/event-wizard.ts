/**
 * The event wizard in a linked official's private chat, on any channel: `/evento` opens
 * flows/event_wizard.yaml for communications staff (and admins); the official's position is kept
 * in `staff_conversations` like a citizen's, so a restart resumes it. While the wizard waits for an
 * answer every message of that official goes to it; "cancelar" or "salir" leaves it, and a finished
 * wizard hands the chat back to the usual staff commands (src/services/staff.ts).
 */
import { renderNumberedOptions, type InboundMessage } from "../channels/channel.ts";
import { canManageEvents } from "../core/events.ts";
import type { OfficialRow } from "../db/repositories/officials.ts";
import { IDLE, type ConversationState, type Engine, type Turn } from "../engine/engine.ts";
import { DEFAULT_LOCALE } from "../i18n/index.ts";
import { actorOf, eventWizardActions, type StaffActionContext } from "./actions/event-wizard.ts";
import { render, type AppContext } from "./context.ts";
import { sanitizeText } from "./inbound.ts";
import type { StaffReply } from "./staff-buttons.ts";

export const WIZARD_FLOW = "event_wizard";
const WIZARD_START = `${WIZARD_FLOW}.menu`;
/** Guard against a flow that calls actions forever. */
const MAX_ACTIONS = 16;
/** `/evento`, `/eventos`, `evento`, `/event`. */
const OPEN_COMMAND = /^\/?(eventos?|events?)$/i;
const EXIT_WORDS = ["cancelar", "salir", "/cancelar", "/salir", "cancel", "exit"];

function stateOf(app: AppContext, officialId: number): ConversationState | undefined {
  const row = app.repos.staffConversations.get(officialId);
  if (!row) return undefined;
  return { flowId: row.flowId, stepId: row.stepId, flowVersion: row.flowVersion, data: JSON.parse(row.data) as Record<string, unknown> };
}

function runActions(app: AppContext, engine: Engine, first: Turn, ctx: Omit<StaffActionContext, "data">): Turn {
  const r = (key: string, vars: Record<string, unknown>) => render(app, DEFAULT_LOCALE, key, vars);
  let turn = first;
  const outputs = [...first.outputs];
  for (let i = 0; turn.action; i++) {
    if (i >= MAX_ACTIONS) throw new Error(`More than ${MAX_ACTIONS} actions for one message at ${turn.state.flowId}.${turn.state.stepId}`);
    const definition = eventWizardActions[turn.action];
    if (!definition) throw new Error(`Unknown wizard action '${turn.action}' at ${turn.state.flowId}.${turn.state.stepId}`);
    const outcome = definition.run({ ...ctx, data: turn.state.data });
    const base = outcome.clearData ? {} : turn.state.data;
    const data = { ...base };
    for (const [key, value] of Object.entries(outcome.data ?? {})) {
      if (value === null || value === undefined) delete data[key];
      else data[key] = value;
    }
    turn = engine.resume({ ...turn.state, data: {} }, outcome.result, data, r);
    outputs.push(...turn.outputs);
  }
  return { ...turn, outputs };
}

/**
 * Handles an official's private message when it belongs to the wizard (the open command, or any
 * message while the wizard waits for an answer). Returns undefined when it does not, so the usual
 * staff handling applies. Runs inside the inbound transaction.
 */
export function handleEventWizard(app: AppContext, engine: Engine, message: InboundMessage, official: OfficialRow): StaffReply[] | undefined {
  if (message.chatKind !== "private" || message.button) return undefined;
  const text = sanitizeText(message.text ?? "");
  const saved = stateOf(app, official.id);
  const active = saved !== undefined && saved.stepId !== IDLE && saved.flowId === WIZARD_FLOW && engine.isKnown(saved);
  const opening = OPEN_COMMAND.test(text);
  if (!opening && !active) return undefined;
  const t = (key: string) => render(app, DEFAULT_LOCALE, key);
  if (!canManageEvents(actorOf(official))) {
    app.repos.staffConversations.clear(official.id);
    return [{ text: t("event_wizard.not_allowed") }];
  }
  // A staff command (/responder, /pendientes…) leaves the wizard and runs as usual.
  if (!opening && /^\/\S/.test(text) && !EXIT_WORDS.includes(text.toLowerCase())) {
    app.repos.staffConversations.clear(official.id);
    return undefined;
  }
  if (!opening && EXIT_WORDS.includes(text.toLowerCase())) {
    app.repos.staffConversations.clear(official.id);
    return [{ text: t("event_wizard.bye") }];
  }
  const r = (key: string, vars: Record<string, unknown>) => render(app, DEFAULT_LOCALE, key, vars);
  const first = opening ? engine.start(WIZARD_START, {}, r) : engine.input(saved!, text, r);
  const turn = runActions(app, engine, first, { app, official, chat: { channel: message.channel, address: message.address } });
  if (turn.state.stepId === IDLE) app.repos.staffConversations.clear(official.id);
  else app.repos.staffConversations.save(official.id, { flowId: turn.state.flowId, stepId: turn.state.stepId, flowVersion: turn.state.flowVersion, data: JSON.stringify(turn.state.data) }, app.clock.nowMs());
  const body = turn.outputs.map((o) => o.text).join("\n\n");
  return [{ text: renderNumberedOptions(body, turn.outputs.at(-1)?.options) }];
}
