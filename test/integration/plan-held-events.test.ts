/**
 * Events recorded after the fact (Rinde installed mid-year, issue 16): `createEvent(…, { held: true })`
 * stores a space that already took place as held, and the plan's indicators count it by kind and
 * by district like any other space held in the period.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, type EventInput } from "../../src/services/events/events.ts";
import { planStatus } from "../../src/services/plan/index.ts";
import { sqlValue } from "../helpers/storage.ts";
import { bogota, CLI, createPlanWorld, HOUR_MS, loadPlanFile, PASTO_PLAN, type PlanWorld } from "./plan-helpers.ts";

describe("an event recorded as already held counts in the plan", () => {
  let world: PlanWorld;
  beforeAll(async () => {
    // Rinde starts in Pasto on 1 July 2022; the plan runs from January.
    world = await createPlanWorld("pasto", "2022-07-01");
    await loadPlanFile(world.runtime, PASTO_PLAN);
  });
  afterAll(async () => await world.close());

  const activity = async (id: string) => {
    const outcome = await planStatus(world.runtime.app, 2022, world.clock.nowMs());
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.status.activities.find((a) => a.id === id)!;
  };
  const held = (date: string, overrides: Partial<EventInput>): EventInput => ({
    kind: "territorial_dialogue",
    title: `Diálogo ${date}`,
    description: "",
    startsAtMs: bogota(date, "09:00"),
    endsAtMs: bogota(date, "09:00") + 2 * HOUR_MS,
    place: "Salón comunal",
    virtualUrl: null,
    officeKey: null,
    districts: [],
    topics: [],
    ...overrides,
  });

  it("counts past spaces recorded in July by kind (2.1) and by district (2.2); plans and sends nothing", async () => {
    expect((await activity("2.1")).value).toBe(0);
    expect((await activity("2.2")).value).toBe(0);
    const app = world.runtime.app;
    for (const [date, input] of [
      ["2022-05-10", { kind: "thematic_dialogue" as const }],
      ["2022-06-14", { kind: "thematic_dialogue" as const }],
      ["2022-03-08", { districts: ["comuna-1", "comuna-2"] }],
      ["2022-04-19", { districts: ["comuna-2"] }],
    ] as const) {
      const created = await createEvent(app, CLI, held(date, input), { held: true });
      expect(created.ok && created.event.status, date).toBe("held");
    }
    // Without `held`, a start in the past is refused as before.
    const refused = await createEvent(app, CLI, held("2022-06-20", {}));
    expect(!refused.ok && refused.error).toMatchObject({ code: "invalid", errors: [{ code: "starts_in_past" }] });
    expect((await activity("2.1")).value).toBe(2);
    const territorial = await activity("2.2");
    expect(territorial.value).toBe(2);
    expect(territorial.districts.find((d) => d.kind === "comuna")).toMatchObject({ reachedNow: 2 });
    expect(Number(await sqlValue(world.runtime, "select count(*) n from jobs where kind = 'event.reminder'"))).toBe(0);
    expect(Number(await sqlValue(world.runtime, "select count(*) n from outbox"))).toBe(0);
  });
});
