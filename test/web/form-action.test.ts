/**
 * One back-office action per form (src/services/backoffice/form-action.ts), on both engines: two
 * submits of one form at the same time do the work once (the second waits on the form's key and
 * lands on the first's result), and a refusal keeps nothing — not the work's partial change, not
 * the key, so the corrected form goes through — while the refusal itself is audited.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFormAction } from "../../src/services/backoffice/form-action.ts";
import { sqlRows } from "../helpers/storage.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

describe("a back-office form action", () => {
  let h: WebHarness;
  let officialId: number;
  beforeEach(async () => {
    h = await createWebHarness();
    officialId = await h.addOfficial({ name: "Ana", role: "official", officeKey: "hacienda", email: "ana@x.co" });
  });
  afterEach(async () => {
    await h.close();
  });

  const actor = () => ({
    kind: "official" as const,
    officialId,
    officeKey: "hacienda",
    role: "official" as const,
    active: true,
  });
  const audits = async () =>
    await sqlRows<{ outcome: string }>(
      h.runtime,
      "select outcome from staff_audit where action = 'test.form' order by id",
    );

  it("does the work once when the same form arrives twice at the same time", async () => {
    const { app } = h.runtime;
    let runs = 0;
    const submit = () =>
      runFormAction(app, actor(), "test.form", "x", { key: "form-twice", redirectTo: "/admin" }, async () => {
        runs++;
        const count = Number((await app.repos.appState.get("test.count")) ?? "0");
        // A pause inside the work: the other submit gets every chance to run beside it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await app.repos.appState.set("test.count", String(count + 1), app.clock.nowMs());
        return { ok: true };
      });
    const outcomes = await Promise.all([submit(), submit()]);
    expect(runs).toBe(1);
    expect(await app.repos.appState.get("test.count")).toBe("1");
    expect(outcomes.map((o) => o.ok && o.duplicate).sort()).toEqual([false, true]);
    expect(await audits()).toEqual([{ outcome: "ok" }]);
  });

  it("keeps nothing of a refused action, audits the refusal, and lets the corrected form through with the same key", async () => {
    const { app } = h.runtime;
    const form = { key: "form-fixed", redirectTo: "/admin" };
    const refused = await runFormAction(app, actor(), "test.form", "x", form, async () => {
      await app.repos.appState.set("test.partial", "half", app.clock.nowMs());
      return { ok: false, error: "bad_field" };
    });
    expect(refused).toEqual({ ok: false, error: "bad_field" });
    expect(await app.repos.appState.get("test.partial")).toBeUndefined();
    expect(await app.repos.staffAudit.form(form.key)).toBeUndefined();
    const accepted = await runFormAction(app, actor(), "test.form", "x", form, () => ({ ok: true }));
    expect(accepted).toEqual({ ok: true, duplicate: false, redirectTo: "/admin" });
    expect(await audits()).toEqual([{ outcome: "refused" }, { outcome: "ok" }]);
  });

  it("sends a second submit where the work decided the browser goes (the record it created)", async () => {
    const { app } = h.runtime;
    const submit = () => {
      const form = { key: "form-created", redirectTo: "/admin/anuncios" };
      return runFormAction(app, actor(), "test.form", "x", form, () => {
        form.redirectTo = "/admin/anuncios/7";
        return { ok: true };
      });
    };
    expect(await submit()).toEqual({ ok: true, duplicate: false, redirectTo: "/admin/anuncios/7" });
    expect(await submit()).toEqual({ ok: true, duplicate: true, redirectTo: "/admin/anuncios/7" });
    // A form whose work keeps the address: the claim holds it.
    const plain = { key: "form-plain", redirectTo: "/admin/preguntas" };
    await runFormAction(app, actor(), "test.form", "y", plain, () => ({ ok: true }));
    expect(await runFormAction(app, actor(), "test.form", "y", plain, () => ({ ok: true }))).toEqual({
      ok: true,
      duplicate: true,
      redirectTo: "/admin/preguntas",
    });
  });
});
