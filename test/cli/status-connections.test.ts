/**
 * QA: `rinde status` printed `cli.connection_states.token_expired` and an English detail when the
 * WhatsApp Cloud API token expired or the account was blocked. Every state an adapter reports has
 * a text, and these faults' details are in the operator's language with Meta's code.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOn } from "../helpers/cli.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => await h.close());

describe("rinde status: channel connections", () => {
  it("names an expired token and a blocked account in Spanish, English with --lang en", async () => {
    const { channelState } = h.runtime.app.repos;
    const now = h.runtime.app.clock.nowMs();
    await channelState.set(
      "whatsapp",
      { state: "token_expired", detail: "token expired or revoked (190); sending paused" },
      now,
    );
    const es = (await runOn(h.runtime, ["status"])).stdout;
    expect(es).not.toContain("cli.");
    expect(es).toMatch(/whatsapp\s+token vencido/);
    expect(es).toContain("Meta código 190: renueve el token; envío en pausa");
    expect(es).not.toContain("sending paused");
    const en = (await runOn(h.runtime, ["status"], "en")).stdout;
    expect(en).toMatch(/whatsapp\s+token expired/);
    expect(en).toContain("Meta code 190: renew the token; sending paused");

    await channelState.set(
      "whatsapp",
      {
        state: "account_blocked",
        detail: "WhatsApp account blocked, locked or without payment at Meta (131031); sending paused",
      },
      now + 1,
    );
    const blocked = (await runOn(h.runtime, ["status"])).stdout;
    expect(blocked).not.toContain("cli.");
    expect(blocked).toMatch(/whatsapp\s+cuenta bloqueada/);
    expect(blocked).toContain("Meta código 131031: revise la cuenta; envío en pausa");
  });
});
