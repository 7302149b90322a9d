import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followCommitment } from "../../src/services/commitments/commitments.ts";
import { citizenWithConsent, record } from "../integration/commitments-helpers.ts";
import { seedCitizens } from "../helpers/seed-citizens.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";
import { sqlRow } from "../helpers/storage.ts";

describe("back-office announcements and commitments", () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await createWebHarness();
    await h.addOfficial({
      name: "Carla Comunicaciones",
      role: "communications",
      officeKey: null,
      email: "carla@x.co",
      address: "carla-chat",
    });
    await h.addOfficial({
      name: "Iván Infraestructura",
      role: "official",
      officeKey: "infraestructura",
      email: "ivan@x.co",
      address: "ivan-chat",
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it("composes an announcement, shows its reach and exact text, sends it once, and reports live progress", async () => {
    await seedCitizens(h.runtime, { count: 5, channel: "memory", prefix: "vecino", nowMs: h.clock.nowMs() });
    const carla = await h.signIn("carla@x.co", "carla-chat");
    expect((await carla.get("/admin")).headers.location).toBe("/admin/bandeja");
    expect((await carla.get("/admin/bandeja")).headers.location).toBe("/admin/anuncios");
    await carla.get("/admin/anuncios");
    const confirm = await carla.post("/admin/anuncios/confirmar", {
      evento: "",
      texto: "Jornada de vacunación el sábado en el parque principal",
      segmento: "todos",
    });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain("llegará a 5 personas");
    expect(confirm.body).toContain("Jornada de vacunación el sábado");
    const fields = {
      _idem: carla.field("/admin/anuncios", "_idem"),
      evento: "",
      texto: "Jornada de vacunación el sábado en el parque principal",
      segmento: "todos",
      asistentes_evento: "",
    };
    const sent = await carla.post("/admin/anuncios", fields);
    expect(sent.statusCode).toBe(303);
    const again = await carla.post("/admin/anuncios", fields);
    expect(again.headers.location).toBe(sent.headers.location);
    expect(await sqlRow(h.runtime, "select count(*) n from announcements")).toEqual({ n: 1 });
    const status = await carla.get(sent.headers.location as string);
    expect(status.body).toContain('id="progress"');
    await h.bot.dispatcher.tick();
    const progress = await carla.get(`${sent.headers.location}/progreso`, { "hx-request": "true" });
    expect(progress.body).toMatch(/id="p-sent">5</);
    expect(progress.body).not.toContain("hx-trigger");
    expect(h.channel.to("vecino0").at(-1)?.text).toContain("Jornada de vacunación");
  });

  it("refuses the composer to an official who is not communications", async () => {
    const ivan = await h.signIn("ivan@x.co", "ivan-chat");
    expect((await ivan.get("/admin/anuncios")).statusCode).toBe(403);
    await ivan.get("/admin/cuenta");
    expect(
      (await ivan.post("/admin/anuncios", { _idem: "k".repeat(22), evento: "", texto: "hola", segmento: "todos" }))
        .statusCode,
    ).toBe(403);
    expect(await sqlRow(h.runtime, "select count(*) n from announcements")).toEqual({ n: 0 });
  });

  it("posts commitment progress that reaches a follower; other offices may not", async () => {
    const commitment = await record(h, { text: "Pavimentar la calle 10 del barrio El Prado" });
    const citizenId = await citizenWithConsent(h, "seguidora");
    expect((await followCommitment(h.runtime.app, citizenId, commitment.number)).ok).toBe(true);
    const ivan = await h.signIn("ivan@x.co", "ivan-chat");
    expect((await ivan.get("/admin/compromisos")).body).toContain("Pavimentar la calle 10");
    await ivan.get(`/admin/compromisos/${commitment.number}`);
    const idem = ivan.field(`/admin/compromisos/${commitment.number}/avance`, "_idem");
    const backwards = await ivan.post(`/admin/compromisos/${commitment.number}/avance`, {
      _idem: idem,
      porcentaje: "40",
      nota: "Se contrató la obra",
      evidencia: "ftp://x",
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.body).toContain("https://");
    const ok = await ivan.post(`/admin/compromisos/${commitment.number}/avance`, {
      _idem: idem,
      porcentaje: "40",
      nota: "Se contrató la obra",
      evidencia: "https://alcaldia.gov.co/contrato.pdf",
    });
    expect(ok.statusCode).toBe(303);
    await h.bot.dispatcher.tick();
    expect(h.last("seguidora")).toContain("40");
    expect((await h.runtime.app.repos.commitments.byNumber(commitment.number))!.progress).toBe(40);
    const carla = await h.signIn("carla@x.co", "carla-chat");
    await carla.get(`/admin/compromisos/${commitment.number}`);
    const refused = await carla.post(`/admin/compromisos/${commitment.number}/avance`, {
      _idem: "q".repeat(22),
      porcentaje: "90",
      nota: "No",
    });
    expect(refused.statusCode).toBe(403);
    expect((await h.runtime.app.repos.commitments.byNumber(commitment.number))!.progress).toBe(40);
  });
});
