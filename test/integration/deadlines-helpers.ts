/** Shared pieces of the deadline tests: Bogotá times, officials, running due jobs, counting alerts. */
import type { OfficialRole } from "../../src/db/repositories/officials.ts";
import type { Harness } from "../helpers/harness.ts";

export { bogota, captureStdout, outboxKeys, runAt, textsTo } from "../helpers/scenario.ts";

export async function addOfficial(
  h: Harness,
  address: string,
  role: OfficialRole,
  officeKey: string | null,
): Promise<number> {
  return (
    await h.runtime.app.repos.officials.add(
      { name: `Funcionario ${address}`, officeKey, role, channel: "memory", address },
      h.clock.nowMs(),
    )
  ).id;
}

/** The usual cast: an official and the head of infraestructura, internal control, and the head of salud. */
export async function addStaff(h: Harness): Promise<void> {
  await addOfficial(h, "func", "official", "infraestructura");
  await addOfficial(h, "jefe", "head", "infraestructura");
  await addOfficial(h, "control", "internal_control", null);
  await addOfficial(h, "jefe-salud", "head", "salud");
}
