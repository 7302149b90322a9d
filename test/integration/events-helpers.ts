/** Shared pieces of the event and announcement tests: Bogotá times, citizens, events, subscriptions. */
import { renderNumberedOptions } from "../../src/channels/channel.ts";
import type { Subscription } from "../../src/db/repositories/subscriptions.ts";
import type { EventRecord } from "../../src/db/repositories/events.ts";
import { createEvent, type EventInput } from "../../src/services/events/events.ts";
import type { Harness } from "../helpers/harness.ts";
import { bogota } from "../helpers/scenario.ts";

export { bogota, runAt, textsTo } from "../helpers/scenario.ts";

/** A citizen who said hello and accepted the data notice (now at the main menu). */
export async function consentingCitizen(h: Harness, address: string): Promise<number> {
  await h.say(address, "hola");
  await h.say(address, "1");
  return (await h.runtime.app.repos.citizens.findContext("memory", address))!.citizenId;
}

/** A public hearing on 2026-03-10 09:00–11:00 in comuna-1, office planeacion, unless overridden. */
export async function makeEvent(h: Harness, overrides: Partial<EventInput> = {}): Promise<EventRecord> {
  const outcome = await createEvent(
    h.runtime.app,
    { kind: "cli" },
    {
      kind: "public_hearing",
      title: "Audiencia pública de rendición de cuentas 2026",
      description: "Informe de gestión del primer año del plan de desarrollo.",
      startsAtMs: bogota("2026-03-10", "09:00"),
      endsAtMs: bogota("2026-03-10", "11:00"),
      place: "Coliseo Municipal, carrera 5 # 10-20",
      virtualUrl: "https://facebook.com/alcaldia/live",
      officeKey: "planeacion",
      districts: ["comuna-1"],
      topics: [],
      ...overrides,
    },
  );
  if (!outcome.ok) throw new Error(`event refused: ${JSON.stringify(outcome.error)}`);
  return outcome.event;
}

export async function subscribeDirect(h: Harness, citizenId: number, subscription: Subscription): Promise<void> {
  await h.runtime.app.repos.subscriptions.add(citizenId, subscription, h.clock.nowMs());
}

/** The last message to an address as a citizen without buttons reads it (options numbered under the text). */
export function lastShown(h: Harness, address: string): string {
  const last = h.channel.to(address).at(-1);
  return last ? renderNumberedOptions(last.text, last.options) : "";
}
