import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileQuestion } from "../helpers/harness.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { sqlRow } from "../helpers/storage.ts";

describe("back-office administration, deadlines and audit log", () => {
  let h: WebHarness;
  let admin: WebClient;
  let anaId: number;
  beforeEach(async () => {
    h = await createWebHarness();
    await h.addOfficial({
      name: "Laura Admin",
      role: "admin",
      officeKey: null,
      email: "laura@x.co",
      address: "laura-chat",
    });
    anaId = await h.addOfficial({
      name: "Ana",
      role: "official",
      officeKey: "salud",
      email: "ana@x.co",
      address: "ana-chat",
    });
    admin = await h.signIn("laura@x.co", "laura-chat");
  });
  afterEach(async () => {
    await h.close();
  });

  it("invites an official with a one-time chat code that links their chat", async () => {
    await admin.get("/admin/administracion");
    const response = await admin.post("/admin/administracion/invitar", {
      _idem: admin.field("/admin/administracion/invitar", "_idem"),
      nombre: "Pedro Nuevo",
      rol: "official",
      oficina: "salud",
    });
    expect(response.headers.location).toBe("/admin/administracion?hecho=invitar");
    const page = await admin.get("/admin/administracion");
    const code = /\/vincular ([A-Z0-9]{8})/.exec(page.body)![1]!;
    await h.say("pedro-chat", `/vincular ${code}`);
    expect((await h.runtime.app.repos.officials.findByAddress("memory", "pedro-chat"))?.name).toBe("Pedro Nuevo");
  });

  it("changes a role (ending the official's sessions) and deactivates, audited before → after", async () => {
    const ana = await h.signIn("ana@x.co", "ana-chat");
    await admin.get("/admin/administracion");
    const update = await admin.post(`/admin/administracion/funcionarios/${anaId}`, {
      _idem: admin.field(`/admin/administracion/funcionarios/${anaId}`, "_idem"),
      rol: "head",
      oficina: "salud",
      correo: "ana.perez@x.co",
      exige_clave: "1",
    });
    expect(update.statusCode).toBe(303);
    const row = (await h.runtime.app.repos.officials.get(anaId))!;
    expect([row.role, row.email, row.passwordRequired]).toEqual(["head", "ana.perez@x.co", true]);
    expect((await ana.get("/admin/bandeja")).statusCode).toBe(303);
    const entry = (await sqlRow<{ before: string; after: string }>(
      h.runtime,
      "select cast(before as text) as before, cast(after as text) as after from staff_audit where action = 'official.update'",
    ))!; // JSON text on both engines (jsonb on PostgreSQL)
    expect(JSON.parse(entry.before)).toMatchObject({ role: "official", email: "ana@x.co" });
    expect(JSON.parse(entry.after)).toMatchObject({ role: "head", email: "ana.perez@x.co", passwordRequired: true });
    await admin.get("/admin/administracion");
    await admin.post(`/admin/administracion/funcionarios/${anaId}/desactivar`, {
      _idem: admin.field(`/admin/administracion/funcionarios/${anaId}/desactivar`, "_idem"),
    });
    expect((await h.runtime.app.repos.officials.get(anaId))!.active).toBe(false);
    // A deactivated official cannot get a sign-in link.
    const audit = await admin.get("/admin/registro");
    expect(audit.body).toContain("official.deactivate");
    expect(audit.body).toContain("Laura Admin");
  });

  it("keeps administration and the audit log from officials, and nothing changes", async () => {
    const ana = await h.signIn("ana@x.co", "ana-chat");
    expect((await ana.get("/admin/administracion")).statusCode).toBe(403);
    expect((await ana.get("/admin/registro")).statusCode).toBe(403);
    await ana.get("/admin/cuenta");
    const forged = await ana.post(`/admin/administracion/funcionarios/${anaId}`, {
      _idem: "z".repeat(22),
      rol: "admin",
      oficina: "",
      correo: "ana@x.co",
    });
    expect(forged.statusCode).toBe(403);
    expect((await h.runtime.app.repos.officials.get(anaId))!.role).toBe("official");
  });

  it("refuses to remove the last administrator", async () => {
    const laura = (await h.runtime.app.repos.staffAuth.officialByEmail("laura@x.co"))!;
    await admin.get("/admin/administracion");
    const response = await admin.post(`/admin/administracion/funcionarios/${laura.id}/desactivar`, {
      _idem: admin.field(`/admin/administracion/funcionarios/${laura.id}/desactivar`, "_idem"),
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("al menos otra persona");
    expect((await h.runtime.app.repos.officials.get(laura.id))!.active).toBe(true);
  });

  it("shows overdue and due-soon questions per office with drill-down links", async () => {
    const reference = await fileQuestion(h, "ciudadano");
    const question = (await h.runtime.app.repos.questions.byReference(reference))!;
    h.clock.advanceMs(40 * 24 * 3_600_000);
    const control = await h.signIn("laura@x.co", "laura-chat");
    const page = await control.get("/admin/vencimientos");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/admin/bandeja?oficina=${question.officeKey}&amp;vista=vencidas`);
    expect(page.body).toContain(reference);
    expect(page.body).toMatch(/Vencida hace \d+ días hábiles/);
  });
});
