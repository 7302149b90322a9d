/**
 * "Al menos 3 informes de respuestas" (Pasto 2022, activity 3.4) counts the same thing everywhere:
 * the plan's `answer_reports` value and its evidence, the public-pages publication log and the
 * events' public pages. On the seeded Pasto year (test/integration/plan-helpers.ts): reports for
 * three events, one of them published twice (a corrected version), so four publications.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planStatus } from "../../src/services/plan/index.ts";
import { registerPublicSite } from "../../src/web/public/plugin.ts";
import { createPlanWorld, loadPlanFile, PASTO_PLAN, seedPastoYear, type PlanWorld } from "./plan-helpers.ts";

let world: PlanWorld;
let server: FastifyInstance;
beforeAll(async () => {
  world = await createPlanWorld("pasto", "2022-01-03");
  await loadPlanFile(world.runtime, PASTO_PLAN);
  await seedPastoYear(world);
  server = Fastify();
  await registerPublicSite(server, { app: world.runtime.app });
  await server.ready();
}, 120_000);
afterAll(async () => {
  await server.close();
  await world.close();
});

describe("answer reports", () => {
  it("count one per event in the plan, its evidence, the publication log and the public event pages", async () => {
    const app = world.runtime.app;
    const status = await planStatus(app, 2022, world.clock.nowMs());
    if (!status.ok) throw new Error(status.error);
    const activity = status.status.activities.find((a) => a.id === "3.4")!;
    const evidence = activity.evidence.filter((e) => e.kind === "answer_report");
    expect(activity.value).toBe(3);
    expect(evidence).toHaveLength(3);

    const events = await app.repos.events.list({ limit: 500 });
    const logged = new Map<number, { url: string }[]>();
    for (const e of events) {
      const entries = await app.repos.transparency.changes("answer_report", String(e.id));
      if (entries.length)
        logged.set(
          e.id,
          entries.map((c) => JSON.parse(c.after) as { url: string }),
        );
    }
    expect([...logged.values()].map((v) => v.length).sort()).toEqual([1, 1, 2]);
    expect(new Set(evidence.map((e) => e.kind === "answer_report" && e.eventId))).toEqual(new Set(logged.keys()));

    // Each event's public page links its latest report; no other event page shows one.
    const shown: number[] = [];
    for (const e of events) {
      const page = (await server.inject({ method: "GET", url: `/eventos/${e.id}` })).body;
      if (!page.includes("Informe de respuestas a las preguntas")) continue;
      shown.push(e.id);
      const latest = logged.get(e.id)!.at(-1)!.url;
      expect(page).toContain(`href="${latest}"`);
      expect(evidence.find((x) => x.kind === "answer_report" && x.eventId === e.id)).toMatchObject({ url: latest });
    }
    expect(shown.sort()).toEqual([...logged.keys()].sort());
  });
});
