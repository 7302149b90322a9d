/**
 * CSV imports and exports of the back-office (issue 14, Encuestas and Compromisos): paper survey
 * forms and commitments uploaded as files (every line's problem shown, nothing stored until the
 * file is clean, Excel's Windows-1252 read right, once per form, audited, CSRF, refused roles), and
 * the commitments' CSV with the CLI's bytes. On SQLite, and on PostgreSQL with RINDE_TEST_DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlRow, sqlRows } from "../helpers/storage.ts";
import { upload } from "./upload-client.ts";
import type { WebClient } from "./web-client.ts";
import { createWebHarness, type WebHarness } from "./web-harness.ts";

const FORMS = "overall;information;answered;heard_from;improve\n5;4;sí;Por este chat;Más tiempo\n3;3;no;2;\n4;5;1;;\n";

describe("back-office: paper survey forms from a CSV file", () => {
  let h: WebHarness;
  let carla: WebClient;
  beforeEach(async () => {
    h = await createWebHarness();
    await h.addOfficial({
      name: "Carla",
      role: "communications",
      officeKey: null,
      email: "carla@x.co",
      address: "carla-chat",
    });
    await h.addOfficial({
      name: "Iván",
      role: "official",
      officeKey: "infraestructura",
      email: "ivan@x.co",
      address: "ivan-chat",
    });
    carla = await h.signIn("carla@x.co", "carla-chat");
  });
  afterEach(async () => {
    await h.close();
  });

  const responses = async () =>
    (await sqlRow(h.runtime, "select count(*) n from survey_responses where source = 'paper'"))!.n;
  const send = async (client: WebClient, csv: Buffer | string, fields: Record<string, string> = {}) => {
    await client.get("/admin/encuestas/importar");
    return upload(
      h.server,
      client,
      "/admin/encuestas/importar",
      {
        _idem: client.field("/admin/encuestas/importar", "_idem"),
        destino: "encuesta:event_satisfaction",
        evento: "",
        oficina: "salud",
        etiqueta: "Audiencia, mesa 2",
        ...fields,
      },
      { archivo: { name: "formularios.csv", bytes: csv } },
    );
  };

  it("imports a good file, says how many, links to the results, and audits it as the back-office", async () => {
    const surveys = await carla.get("/admin/encuestas");
    expect(surveys.body).toContain('href="/admin/encuestas/importar"');
    const page = await carla.get("/admin/encuestas/importar");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('type="file"');
    expect(page.body).toContain("<code>heard_from</code>");
    const example = await carla.get("/admin/encuestas/importar/ejemplo.csv?encuesta=event_satisfaction");
    expect(example.headers["content-type"]).toContain("text/csv");
    expect(example.body.startsWith("\uFEFFoverall;information;answered;heard_from;improve\r\n")).toBe(true);

    const sent = await send(carla, FORMS);
    expect(sent.statusCode).toBe(303);
    const done = await carla.get(sent.headers.location as string);
    expect(done.body).toContain("Se importaron 3 formularios en la corrida #");
    expect(done.body).toContain('href="/admin/encuestas?encuesta=event_satisfaction"');
    expect(await responses()).toBe(3);
    const [run] = await sqlRows(h.runtime, "select id, trigger, office_key, label from survey_runs");
    expect(run).toMatchObject({ trigger: "paper", office_key: "salud", label: "Audiencia, mesa 2" });
    const audit = await sqlRows(
      h.runtime,
      "select action, subject, outcome, via from staff_audit where action = 'survey.import'",
    );
    expect(audit).toEqual([
      { action: "survey.import", subject: "survey:event_satisfaction", outcome: "ok", via: "web" },
    ]);
    // The example file itself imports cleanly, here into the run just made.
    const added = await send(carla, example.rawPayload, { destino: `corrida:${String(run!.id)}` });
    expect(added.headers.location).toContain(`corrida=${String(run!.id)}`);
    expect(await responses()).toBe(5);
    expect(await sqlRow(h.runtime, "select count(*) n from survey_runs")).toEqual({ n: 1 });
  });

  it("shows every bad line in Spanish and imports nothing", async () => {
    const bad = "overall;information;answered;heard_from\n9;4;sí;1\n3;3;no;2\n4;;quizás;7\n";
    const refused = await send(carla, bad);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("4 problemas en el archivo. No se importó nada");
    expect(refused.body).toContain("<strong>Línea 2</strong>: Columna «overall»: «9» no es un número de 1 a 5.");
    expect(refused.body).toContain("<strong>Línea 4</strong>: Columna «information»: la respuesta es obligatoria");
    expect(refused.body).toContain("<strong>Línea 4</strong>: Columna «answered»: «quizás» no es sí o no");
    expect(refused.body).toContain("Columna «heard_from»: «7» no es una de las opciones");
    expect(await responses()).toBe(0);
    expect(await sqlRow(h.runtime, "select count(*) n from survey_runs")).toEqual({ n: 0 });
    // The choices stay as they were sent.
    expect(refused.body).toContain('value="encuesta:event_satisfaction" selected');
    // A missing file is said beside the field.
    await carla.get("/admin/encuestas/importar");
    const noFile = await upload(
      h.server,
      carla,
      "/admin/encuestas/importar",
      { _idem: carla.field("/admin/encuestas/importar", "_idem"), destino: "encuesta:event_satisfaction" },
      {},
    );
    expect(noFile.statusCode).toBe(422);
    expect(noFile.body).toContain("Elija el archivo CSV.");
  });

  it("reads a file Excel saved in Windows-1252 (tildes and eñes)", async () => {
    const latin1 = Buffer.from(
      "overall;information;answered;heard_from;improve\n5;4;Sí;Radio o televisión;Más señalización\n",
      "latin1",
    );
    expect(latin1.includes(Buffer.from("í", "utf8"))).toBe(false);
    expect((await send(carla, latin1)).statusCode).toBe(303);
    const answers = await sqlRows(h.runtime, "select question_key, value from survey_answers order by question_key");
    expect(answers).toEqual([
      { question_key: "answered", value: "yes" },
      { question_key: "heard_from", value: "radio_tv" },
      { question_key: "improve", value: "Más señalización" },
      { question_key: "information", value: "4" },
      { question_key: "overall", value: "5" },
    ]);
  });

  it("runs a form once on a double submit; the same file again later is refused", async () => {
    await carla.get("/admin/encuestas/importar");
    const fields = {
      _idem: carla.field("/admin/encuestas/importar", "_idem"),
      destino: "encuesta:event_satisfaction",
      oficina: "salud",
    };
    const file = { archivo: { name: "f.csv", bytes: FORMS } };
    const [first, second] = await Promise.all([
      upload(h.server, carla, "/admin/encuestas/importar", fields, file),
      upload(h.server, carla, "/admin/encuestas/importar", fields, file),
    ]);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await responses()).toBe(3);
    const again = await send(carla, FORMS);
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain("Este archivo ya se había importado (corrida #");
    expect(await responses()).toBe(3);
  });

  it("refuses a role that may not import, politely, audited, nothing stored; and a forged CSRF token", async () => {
    const ivan = await h.signIn("ivan@x.co", "ivan-chat");
    expect((await ivan.get("/admin/encuestas")).body).not.toContain("/admin/encuestas/importar");
    const page = await ivan.get("/admin/encuestas/importar");
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain("Solo la administración, comunicaciones o el jefe de la dependencia");
    await ivan.get("/admin/cuenta");
    const refused = await upload(
      h.server,
      ivan,
      "/admin/encuestas/importar",
      { _idem: "i".repeat(22), destino: "encuesta:event_satisfaction", oficina: "infraestructura" },
      { archivo: { name: "f.csv", bytes: FORMS } },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain("No se cambió nada");
    expect(await responses()).toBe(0);
    expect(await sqlRows(h.runtime, "select outcome, via from staff_audit where action = 'survey.import'")).toEqual([
      { outcome: "refused", via: "web" },
    ]);

    const forged = await send(carla, FORMS, { _csrf: "forged" });
    expect(forged.statusCode).toBe(403);
    expect(await responses()).toBe(0);
  });
});
