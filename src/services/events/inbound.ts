/**
 * What a citizen's text means before the flow sees it, for events and announcements:
 * - a stop word (SALIR, BAJA, STOP; any case, with or without accents) opens flows/unsubscribe.yaml
 *   at any point of any conversation. CANCELAR is not one (issue 18.2): it is the global command
 *   that cancels the step in progress, and only that.
 * - `evento 12` opens event 12 (the shortcut each announcement gives). `eventos` (the event list)
 *   is a global command in flows/commands.yaml.
 */
import { stopWordOf } from "../../core/events.ts";
import type { Engine, Render, Turn } from "../../engine/engine.ts";

const UNSUBSCRIBE_FLOW = "unsubscribe.start";
const EVENT_SHORTCUT = /^\/?(?:evento|event)\s*#?\s*(\d{1,9})$/i;

/**
 * The turn for a shortcut, or undefined to let the flow handle the text. Runs inside the inbound
 * transaction (the stop takes effect with the reply).
 */
export function eventShortcutTurn(engine: Engine, text: string, r: Render): Turn | undefined {
  // SALIR, BAJA, STOP: flows/unsubscribe.yaml stops notices at once and asks before dropping RSVPs.
  if (stopWordOf(text)) return engine.start(UNSUBSCRIBE_FLOW, {}, r);
  const shortcut = EVENT_SHORTCUT.exec(text);
  if (shortcut) return engine.start("events.show", { eventId: shortcut[1] }, r);
  return undefined;
}
