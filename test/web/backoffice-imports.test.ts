/**
 * CSV imports and exports of the back-office (issue 14, Encuestas and Compromisos): paper survey
 * forms and commitments uploaded as files (every line's problem shown, nothing stored until the
 * file is clean, Excel's Windows-1252 read right, once per form, audited, CSRF, refused roles), and
 * the commitments' CSV with the CLI's bytes. On SQLite, and on PostgreSQL with RINDE_TEST_DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { postProgress } from "../../src/services/commitments/commitments.ts";
import { runOn } from "../helpers/cli.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";
import { CLI, record } from "../integration/commitments-helpers.ts";
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

const MINUTES =
  "compromiso;dependencia;fecha_limite;comuna\nArreglar el alumbrado del parque;infraestructura;2026-06-30;comuna-1\nJornada de salud en la vereda;Secretaría de Salud;2026-09-15;\n";

describe("back-office: commitments as CSV, out and in", () => {
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

  const count = async () => (await sqlRow(h.runtime, "select count(*) n from commitments"))!.n;
  const send = async (
    client: WebClient,
    files: Record<string, Buffer | string>,
    fields: Record<string, string> = {},
  ) => {
    await client.get("/admin/compromisos/importar");
    return upload(
      h.server,
      client,
      "/admin/compromisos/importar",
      { _idem: client.field("/admin/compromisos/importar", "_idem"), ...fields },
      Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, { name: `${name}.csv`, bytes }])),
    );
  };

  it("downloads the filtered list and its history with the CLI's bytes (`;`, `,`, Spanish and English)", async () => {
    await record(h, { text: "Pavimentar la calle 10; con andenes", officeKey: "infraestructura" });
    const second = await record(h, { text: "=Vacunación casa a casa", officeKey: "salud", dueDate: "2026-05-15" });
    await record(h, { text: "Arreglar el puente", officeKey: "infraestructura", dueDate: "2026-08-01" });
    expect((await postProgress(h.runtime.app, CLI, second.number, { percent: 40, note: "Primera ronda" })).ok).toBe(
      true,
    );
    const list = await carla.get("/admin/compromisos?oficina=infraestructura&estado=pending");
    expect(list.body).toContain('href="/admin/compromisos.csv?oficina=infraestructura&amp;estado=pending"');
    expect(list.body).toContain(
      'href="/admin/compromisos.csv?oficina=infraestructura&amp;estado=pending&amp;separador=coma"',
    );
    expect(list.body).toContain('href="/admin/compromisos/historial.csv?oficina=infraestructura&amp;estado=pending"');
    expect(list.body).toContain('href="/admin/compromisos/importar"');
    const cases: [string, string[]][] = [
      [
        "/admin/compromisos.csv?oficina=infraestructura&estado=pending",
        ["--office", "infraestructura", "--status", "pending"],
      ],
      ["/admin/compromisos.csv?separador=coma", ["--separator", ","]],
      ["/admin/compromisos/historial.csv", ["--history"]],
      [
        "/admin/compromisos/historial.csv?oficina=salud&separador=coma",
        ["--history", "--office", "salud", "--separator", ","],
      ],
    ];
    for (const [url, args] of cases) {
      const web = await carla.get(url);
      expect(web.statusCode, url).toBe(200);
      expect(web.headers["content-type"]).toBe("text/csv; charset=utf-8");
      expect(web.headers["content-disposition"]).toMatch(/^attachment; filename="compromisos/);
      const cli = await runOn(h.runtime, ["commitments", "export", ...args]);
      expect(cli.status).toBe(0);
      expect(web.rawPayload.equals(Buffer.from(cli.stdout, "utf8")), url).toBe(true);
    }
    const filtered = (await carla.get("/admin/compromisos.csv?oficina=infraestructura&estado=pending")).body;
    expect(filtered.startsWith("\uFEFFNúmero;Compromiso;Dependencia;")).toBe(true);
    expect(filtered).toContain('"Pavimentar la calle 10; con andenes"');
    expect(filtered).not.toContain("Vacunación");
    expect((await carla.get("/admin/compromisos.csv?oficina=salud")).body).toContain("'=Vacunación casa a casa");
    await carla.get("/admin/idioma?l=en&volver=/admin/compromisos");
    const english = await carla.get("/admin/compromisos/historial.csv");
    expect(english.body).toBe((await runOn(h.runtime, ["commitments", "export", "--history"], "en")).stdout);
  });

  it("imports a hearing's minutes, says how many, once per form, audited", async () => {
    const page = await carla.get("/admin/compromisos/importar");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    const example = await carla.get("/admin/compromisos/importar/ejemplo.csv");
    expect(example.body.startsWith("\uFEFFcompromiso;dependencia;fecha_limite;comuna;evento\r\n")).toBe(true);
    await carla.get("/admin/compromisos/importar");
    const fields = { _idem: carla.field("/admin/compromisos/importar", "_idem") };
    const files = { archivo: { name: "acta.csv", bytes: MINUTES } };
    const [first, second] = await Promise.all([
      upload(h.server, carla, "/admin/compromisos/importar", fields, files),
      upload(h.server, carla, "/admin/compromisos/importar", fields, files),
    ]);
    expect(first.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await count()).toBe(2);
    const done = await carla.get(first.headers.location as string);
    expect(done.body).toContain("Se importaron 2 compromisos.");
    expect(await sqlRows(h.runtime, "select office_key, district_key from commitments order by number")).toEqual([
      { office_key: "infraestructura", district_key: "comuna-1" },
      { office_key: "salud", district_key: null },
    ]);
    expect(
      await sqlRows(h.runtime, "select subject, outcome, via from staff_audit where action = 'commitment.import'"),
    ).toEqual([{ subject: "commitments", outcome: "ok", via: "web" }]);
    // The example file imports too.
    expect((await send(carla, { archivo: example.rawPayload })).statusCode).toBe(303);
    expect(await count()).toBe(4);
  });

  it("shows every problem of every line of both files and imports nothing; reads Windows-1252", async () => {
    const bad =
      "compromiso;dependencia;fecha_limite;comuna\nArreglar el parque;infraestructur;2026-06-30;comuna-1\n;salud;31/02/2026;\nReparar el andén de la escuela;salud;2026-07-01;comuna-9\n";
    const refused = await send(carla, { archivo: bad });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("No se importó nada");
    expect(refused.body).toContain("<strong>Línea 2</strong>: No existe la dependencia «infraestructur».");
    expect(refused.body).toContain("¿Quiso decir «infraestructura»?");
    expect(refused.body).toContain("<strong>Línea 3</strong>: Escriba el texto del compromiso");
    expect(refused.body).toContain("<strong>Línea 3</strong>: La fecha no es válida.");
    expect(refused.body).toContain("<strong>Línea 4</strong>: No existe la comuna o corregimiento «comuna-9».");
    expect(await count()).toBe(0);
    const history = "numero;fecha;tipo;estado;avance;nota;evidencia;por\n1;ayer;avance;en_curso;150;;;cli\n";
    const badHistory = await send(carla, {
      archivo: `numero;${MINUTES.replace(/\n(.)/g, "\n1;$1")}`,
      historial: history,
    });
    expect(badHistory.statusCode).toBe(422);
    expect(badHistory.body).toContain("<strong>Historial, línea 2</strong>: «ayer» no es una fecha y hora");
    expect(badHistory.body).toContain("<strong>Historial, línea 2</strong>: El avance «150»");
    expect(await count()).toBe(0);

    const latin1 = Buffer.from(
      "compromiso;dependencia;fecha_limite\nAmpliar la señalización;Secretaría de Salud;2026-07-01\n",
      "latin1",
    );
    expect((await send(carla, { archivo: latin1 })).statusCode).toBe(303);
    expect(await sqlRows(h.runtime, "select text, office_key from commitments")).toEqual([
      { text: "Ampliar la señalización", office_key: "salud" },
    ]);
  });

  it("refuses staff who may not record commitments, politely and audited; and a forged CSRF token", async () => {
    const ivan = await h.signIn("ivan@x.co", "ivan-chat");
    expect((await ivan.get("/admin/compromisos")).body).not.toContain('href="/admin/compromisos/importar"');
    const page = await ivan.get("/admin/compromisos/importar");
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain("pueden registrar compromisos. No se cambió nada.");
    await ivan.get("/admin/cuenta");
    const refused = await upload(
      h.server,
      ivan,
      "/admin/compromisos/importar",
      { _idem: "j".repeat(22) },
      { archivo: { name: "acta.csv", bytes: MINUTES } },
    );
    expect(refused.statusCode).toBe(403);
    expect(await count()).toBe(0);
    expect(await sqlRows(h.runtime, "select outcome, via from staff_audit where action = 'commitment.import'")).toEqual(
      [{ outcome: "refused", via: "web" }],
    );
    const forged = await send(carla, { archivo: MINUTES }, { _csrf: "forged" });
    expect(forged.statusCode).toBe(403);
    expect(await count()).toBe(0);
  });
});
