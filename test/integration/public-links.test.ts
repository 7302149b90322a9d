/** Issue 15: with RINDE_PUBLIC_URL set, the chat links to the public pages; without it, no link. */
import { afterEach, describe, expect, it } from "vitest";
import { recordCommitment, postProgress } from "../../src/services/commitments/commitments.ts";
import { eventCard } from "../../src/services/events/texts.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { makeEvent } from "./events-helpers.ts";
import { sqlRows } from "../helpers/storage.ts";

const URL = "https://rinde.example.gov.co/";
let h: Harness;
afterEach(async () => {
  await h.close();
});

async function infoText(harness: Harness): Promise<string> {
  await harness.say("573001112233", "hola");
  await harness.say("573001112233", "1");
  return (await harness.say("573001112233", "Información sobre la rendición de cuentas")).map((m) => m.text).join("\n");
}

describe("links from the chat to the public pages", () => {
  it("appear in the information text, event cards and commitment notices when RINDE_PUBLIC_URL is set", async () => {
    h = await createHarness({ env: { RINDE_PUBLIC_URL: URL } });
    const info = await infoText(h);
    expect(info).toContain("https://rinde.example.gov.co/\n");
    expect(info).toMatch(/Escriba MENÚ/);
    const app = h.runtime.app;
    const event = await makeEvent(h);
    expect(eventCard(app, event, "es")).toContain(`https://rinde.example.gov.co/eventos/${event.id}`);
    expect(eventCard(app, event, "en")).toContain(`https://rinde.example.gov.co/eventos/${event.id}?lang=en`);
    const c = await recordCommitment(
      app,
      { kind: "cli" },
      { officeKey: "infraestructura", dueDate: "2026-06-30", text: "Arreglar el puente peatonal" },
    );
    if (!c.ok) throw new Error(c.error);
    await app.repos.commitments.follow(
      c.commitment.id,
      (await app.repos.citizens.findContext("memory", "573001112233"))!.citizenId,
      h.clock.nowMs(),
    );
    await postProgress(app, { kind: "cli" }, c.commitment.number, { percent: 50, note: "Mitad de la obra" });
    const payloads = (await sqlRows(
      h.runtime,
      "select payload from outbox where payload like '%Mitad de la obra%'",
    )) as { payload: string }[];
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads[0]!.payload).toContain(`https://rinde.example.gov.co/compromisos/${c.commitment.number}`);
  });

  it("are absent without RINDE_PUBLIC_URL", async () => {
    h = await createHarness();
    const info = await infoText(h);
    expect(info).not.toMatch(/https?:\/\/[^\s]*rinde/);
    expect(info).not.toContain("{{");
    expect(eventCard(h.runtime.app, await makeEvent(h), "es")).not.toContain("/eventos/");
  });
});
