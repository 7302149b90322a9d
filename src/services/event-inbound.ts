/**
 * What a citizen's text means before the flow sees it, for events and announcements:
 * - a stop word (SALIR, BAJA, STOP, CANCELAR; any case, with or without accents) stops every
 *   announcement at any point of any conversation. CANCELAR is also the "cancel what I am doing"
 *   command: when the citizen receives no announcements it keeps only that meaning; when they do,
 *   it stops them and cancels too, and the reply says both.
 * - `evento 12` opens event 12 (the shortcut each announcement gives). `eventos` (the event list)
 *   is a global command in flows/commands.yaml.
 */
import type { CitizenContext } from "../db/repositories/citizens.ts";
import { stopWordOf } from "../core/events.ts";
import type { ConversationState, Engine, Render, Turn } from "../engine/engine.ts";
import type { AppContext } from "./context.ts";
import { stopAnnouncements } from "./subscriptions.ts";

const EVENT_SHORTCUT = /^\/?(?:evento|event)\s*#?\s*(\d{1,9})$/i;

/**
 * The turn for a shortcut, or undefined to let the flow handle the text. Runs inside the inbound
 * transaction (the stop takes effect with the reply).
 */
export function eventShortcutTurn(
  app: AppContext,
  engine: Engine,
  citizen: CitizenContext,
  state: ConversationState,
  text: string,
  chat: { channel: string; address: string },
  r: Render,
  wordsOf: (key: string) => string[],
): Turn | undefined {
  const stopWord = stopWordOf(text);
  if (stopWord) {
    const command = engine.commandFor(text, wordsOf);
    const stopped = stopAnnouncements(app, citizen.citizenId, chat);
    const changed = stopped.subscriptions + stopped.rsvps + stopped.withdrawn > 0;
    if (command && !changed) return undefined;
    const notice = { text: r(changed ? "subscriptions.stop_word_done" : "subscriptions.stop_word_nothing", {}) };
    if (command) {
      const turn = engine.start(command, state.data, r);
      return { ...turn, outputs: [notice, ...turn.outputs] };
    }
    return { state, outputs: [notice] };
  }
  const shortcut = EVENT_SHORTCUT.exec(text);
  if (shortcut) return engine.start("events.show", { eventId: shortcut[1] }, r);
  return undefined;
}
