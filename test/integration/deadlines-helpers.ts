/** Shared pieces of the deadline tests: Bogotá times, officials, running due jobs, counting alerts. */
import type { OfficialRole } from "../../src/db/repositories/officials.ts";
import type { Harness } from "../helpers/harness.ts";

export { bogota, captureStdout, outboxKeys, runAt, textsTo } from "../helpers/scenario.ts";

export function addOfficial(h: Harness, address: string, role: OfficialRole, officeKey: string | null): number {
  return h.runtime.app.repos.officials.add({ name: `Funcionario ${address}`, officeKey, role, channel: "memory", address }, h.clock.nowMs()).id;
}

/** The usual cast: an official and the head of infraestructura, internal control, and the head of salud. */
export function addStaff(h: Harness): void {
  addOfficial(h, "func", "official", "infraestructura");
  addOfficial(h, "jefe", "head", "infraestructura");
  addOfficial(h, "control", "internal_control", null);
  addOfficial(h, "jefe-salud", "head", "salud");
}
