/** Shared pieces of the commitments tests: citizens with consent, events with RSVPs, officials, notices. */
import type { Actor } from "../../src/core/authorization.ts";
import { commitmentsRepoFor } from "../../src/db/repositories/commitments.ts";
import type { OfficialRole } from "../../src/db/repositories/officials.ts";
import { eventRsvps, events } from "../../src/db/schema.ts";
import { recordCommitment, type RecordInput } from "../../src/services/commitments.ts";
import type { Harness } from "../helpers/harness.ts";

/** An instant given as a Bogotá wall-clock time (UTC−5, no daylight saving). */
export const bogota = (date: string, time = "08:00") => Date.parse(`${date}T${time}:00-05:00`);

export const CLI: Actor = { kind: "cli" };

/** A citizen who wrote to the bot and accepted the data notice. */
export async function citizenWithConsent(h: Harness, address: string): Promise<number> {
  await h.say(address, "hola");
  await h.say(address, "1");
  const citizen = h.runtime.app.repos.citizens.findContext("memory", address);
  if (citizen?.consent !== "granted") throw new Error(`no consent for ${address}`);
  return citizen.citizenId;
}

export function addOfficial(h: Harness, address: string, role: OfficialRole, officeKey: string | null): Actor {
  const official = h.runtime.app.repos.officials.add({ name: `Funcionario ${address}`, officeKey, role, channel: "memory", address }, h.clock.nowMs());
  return { kind: "official", officialId: official.id, officeKey, role, active: true };
}

/** A held dialogue space (events table of the events feature) with RSVPs. */
export function addEvent(h: Harness, title: string, rsvps: { citizenId: number; answer: "yes" | "no" }[], districts: string[] = []): number {
  const { db } = h.runtime;
  const nowMs = h.clock.nowMs();
  const event = db
    .insert(events)
    .values({ kind: "public_hearing", title, startsAtMs: nowMs - 3_600_000, endsAtMs: nowMs - 600_000, status: "held", createdBy: "cli", createdAtMs: nowMs, updatedAtMs: nowMs })
    .returning()
    .get();
  for (const r of rsvps) db.insert(eventRsvps).values({ eventId: event.id, citizenId: r.citizenId, answer: r.answer, createdAtMs: nowMs, updatedAtMs: nowMs }).run();
  for (const districtKey of districts) h.runtime.db.$client.prepare("insert into event_districts (event_id, district_key) values (?, ?)").run(event.id, districtKey);
  return event.id;
}

/** Records a commitment as the CLI operator; throws on refusal. */
export function record(h: Harness, input: Partial<RecordInput> & { text: string }) {
  const result = recordCommitment(h.runtime.app, CLI, { officeKey: "infraestructura", dueDate: "2026-06-30", ...input });
  if (!result.ok) throw new Error(result.error);
  return result.commitment;
}

export const repoOf = (h: Harness) => commitmentsRepoFor(h.runtime.db);

/** Texts sent to an address (since the last restart) containing `fragment`. */
export function textsTo(h: Harness, address: string, fragment: string): string[] {
  return h.channel
    .to(address)
    .map((m) => m.text)
    .filter((t) => t.includes(fragment));
}

/** Outbox rows ever queued whose idempotency key starts with `prefix`. */
export function outboxKeys(h: Harness, prefix: string): string[] {
  const rows = h.runtime.db.$client.prepare("select idempotency_key k from outbox where idempotency_key like ? order by id").all(`${prefix}%`) as { k: string }[];
  return rows.map((r) => r.k);
}

/** Moves the clock to a Bogotá time, runs the due jobs and delivers what they queued. */
export async function runAt(h: Harness, date: string, time = "08:00"): Promise<void> {
  h.clock.setMs(bogota(date, time));
  await h.bot.scheduler.tick();
  await h.bot.dispatcher.tick();
}
