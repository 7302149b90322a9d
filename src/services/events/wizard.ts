/**
 * The event wizard in a linked official's private chat, on any channel: `/evento` opens
 * flows/event_wizard.yaml for communications staff (and admins); the official's position is kept
 * in `staff_conversations` like a citizen's, so a restart resumes it. While the wizard waits for an
 * answer every message of that official goes to it; "cancelar" or "salir" leaves it, and a finished
 * wizard hands the chat back to the usual staff commands (src/services/staff/staff.ts).
 */
import { renderNumberedOptions, type InboundMessage } from "../../channels/channel.ts";
import { officialActor } from "../../core/authorization.ts";
import { canManageEvents } from "../../core/events.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import { IDLE, type ConversationState, type Engine } from "../../engine/engine.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { eventWizardActions, type StaffActionContext } from "./wizard-actions.ts";
import { render, type AppContext } from "../context.ts";
import type { StaffReply } from "../staff/buttons.ts";
import { runActions, sanitizeText } from "../conversation/turn.ts";

export const WIZARD_FLOW = "event_wizard";
const WIZARD_START = `${WIZARD_FLOW}.menu`;
/** `/evento`, `/eventos`, `evento`, `/event`. */
const OPEN_COMMAND = /^\/?(eventos?|events?)$/i;
const EXIT_WORDS = ["cancelar", "salir", "/cancelar", "/salir", "cancel", "exit"];

async function stateOf(app: AppContext, officialId: number): Promise<ConversationState | undefined> {
  const row = await app.repos.staffConversations.get(officialId);
  if (!row) return undefined;
  return {
    flowId: row.flowId,
    stepId: row.stepId,
    flowVersion: row.flowVersion,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/**
 * Handles an official's private message when it belongs to the wizard (the open command, or any
 * message while the wizard waits for an answer). Returns undefined when it does not, so the usual
 * staff handling applies. Runs inside the inbound transaction.
 */
export async function handleEventWizard(
  app: AppContext,
  engine: Engine,
  message: InboundMessage,
  official: OfficialRow,
): Promise<StaffReply[] | undefined> {
  if (message.chatKind !== "private" || message.button) return undefined;
  const text = sanitizeText(message.text ?? "");
  const saved = await stateOf(app, official.id);
  const active = saved !== undefined && saved.stepId !== IDLE && saved.flowId === WIZARD_FLOW && engine.isKnown(saved);
  const opening = OPEN_COMMAND.test(text);
  if (!opening && !active) return undefined;
  const t = (key: string) => render(app, DEFAULT_LOCALE, key);
  if (!canManageEvents(officialActor(official))) {
    await app.repos.staffConversations.clear(official.id);
    return [{ text: t("event_wizard.not_allowed") }];
  }
  // A staff command (/responder, /pendientes…) leaves the wizard and runs as usual.
  if (!opening && /^\/\S/.test(text) && !EXIT_WORDS.includes(text.toLowerCase())) {
    await app.repos.staffConversations.clear(official.id);
    return undefined;
  }
  if (!opening && EXIT_WORDS.includes(text.toLowerCase())) {
    await app.repos.staffConversations.clear(official.id);
    return [{ text: t("event_wizard.bye") }];
  }
  const r = (key: string, vars: Record<string, unknown>) => render(app, DEFAULT_LOCALE, key, vars);
  const first = opening ? engine.start(WIZARD_START, {}, r) : engine.input(saved!, text, r);
  const turn = await runActions<StaffActionContext>(
    engine,
    first,
    eventWizardActions,
    { app, official, chat: { channel: message.channel, address: message.address } },
    r,
  );
  if (turn.state.stepId === IDLE) await app.repos.staffConversations.clear(official.id);
  else
    await app.repos.staffConversations.save(
      official.id,
      {
        flowId: turn.state.flowId,
        stepId: turn.state.stepId,
        flowVersion: turn.state.flowVersion,
        data: JSON.stringify(turn.state.data),
      },
      app.clock.nowMs(),
    );
  const body = turn.outputs.map((o) => o.text).join("\n\n");
  return [{ text: renderNumberedOptions(body, turn.outputs.at(-1)?.options) }];
}
