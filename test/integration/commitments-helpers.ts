/** Shared pieces of the commitments tests: citizens with consent, events with RSVPs, officials, notices. */
import type { Actor } from "../../src/core/authorization.ts";
import type { OfficialRole } from "../../src/db/repositories/officials.ts";
import { recordCommitment, type RecordInput } from "../../src/services/commitments/commitments.ts";
import type { Harness } from "../helpers/harness.ts";
import { sqlRows } from "../helpers/storage.ts";

export { bogota, outboxKeys, runAt, textsTo } from "../helpers/scenario.ts";

export const CLI: Actor = { kind: "cli" };

/** A citizen who wrote to the bot and accepted the data notice. */
export async function citizenWithConsent(h: Harness, address: string): Promise<number> {
  await h.say(address, "hola");
  await h.say(address, "1");
  const citizen = await h.runtime.app.repos.citizens.findContext("memory", address);
  if (citizen?.consent !== "granted") throw new Error(`no consent for ${address}`);
  return citizen.citizenId;
}

export async function addOfficial(
  h: Harness,
  address: string,
  role: OfficialRole,
  officeKey: string | null,
): Promise<Actor> {
  const official = await h.runtime.app.repos.officials.add(
    { name: `Funcionario ${address}`, officeKey, role, channel: "memory", address },
    h.clock.nowMs(),
  );
  return { kind: "official", officialId: official.id, officeKey, role, active: true };
}

/** A held dialogue space (events table of the events feature) with RSVPs. */
export async function addEvent(
  h: Harness,
  title: string,
  rsvps: { citizenId: number; answer: "yes" | "no" }[],
  districts: string[] = [],
): Promise<number> {
  const nowMs = h.clock.nowMs();
  const event = await h.runtime.app.repos.events.insert(
    {
      kind: "public_hearing",
      title,
      startsAtMs: nowMs - 3_600_000,
      endsAtMs: nowMs - 600_000,
      officeKey: null,
      status: "held",
      createdBy: "cli",
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    },
    districts,
    [],
  );
  for (const r of rsvps)
    await sqlRows(
      h.runtime,
      "insert into event_rsvps (event_id, citizen_id, answer, created_at_ms, updated_at_ms) values (?, ?, ?, ?, ?)",
      [event.id, r.citizenId, r.answer, nowMs, nowMs],
    );
  return event.id;
}

/** Records a commitment as the CLI operator; throws on refusal. */
export async function record(h: Harness, input: Partial<RecordInput> & { text: string }) {
  const result = await recordCommitment(h.runtime.app, CLI, {
    officeKey: "infraestructura",
    dueDate: "2026-06-30",
    ...input,
  });
  if (!result.ok) throw new Error(result.error);
  return result.commitment;
}

export const repoOf = (h: Harness) => h.runtime.app.repos.commitments;
