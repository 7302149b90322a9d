import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.ts";
import { createRuntime } from "../../src/runtime.ts";
import { reassignQuestion } from "../../src/services/questions/questions.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { sharedRouterFactory } from "../helpers/shared-router.ts";
import { sqlRow, storageEnv } from "../helpers/storage.ts";

const TEXT = "Quiero saber qué pasa con el kiosco vive digital del parque lineal, lleva meses cerrado";

describe("routing dialogue and learning", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const proposal = async (address: string, text: string) => {
    await h.say(address, "hola");
    await h.say(address, "1");
    return (await h.say(address, text)).at(-1)!;
  };

  it("offers the closest topics as a menu when unsure, and files nothing before a choice", async () => {
    const reply = await proposal("ana", "me pueden colaborar con una inquietud");
    expect(reply.text).toContain("¿De qué tema es su pregunta?");
    expect(reply.options?.length).toBe(4); // three closest offices + "all topics"
    expect(await sqlRow(h.runtime, "select count(*) n from questions")).toEqual({ n: 0 });
  });

  it("proposes the office when confident and asks the citizen to confirm", async () => {
    const reply = await proposal("ana", "Me pusieron un comparendo por pico y placa y quiero saber cómo pagarlo");
    expect(reply.text).toContain(
      "Creemos que su pregunta es sobre: tránsito, multas y transporte.\nLa atiende: Secretaría de Tránsito",
    );
    expect(reply.options).toEqual(["Sí, es correcto", "No, elegir otro tema", "Cancelar"]);
  });

  it("learns from a reassignment made in another process, without a restart", async () => {
    const first = (await h.runtime.app.router()).route(TEXT, 1)[0]!;
    const target = first.officeKey === "cultura" ? "desarrollo_economico" : "cultura";
    await proposal("ana", TEXT);
    await h.say("ana", "1");
    const receipt = await h.say("ana", "1");
    const reference = /RC-\d{4}-\d{6}/.exec(receipt.at(-1)!.text)![0];

    // The CLI is another process on the same database file.
    const cli = await createRuntime({
      routerFactory: sharedRouterFactory,
      env: loadEnv({ ...storageEnv(h.dbPath), RINDE_PROFILE: "default" }),
      clock: h.clock,
    });
    expect(
      (
        await reassignQuestion(
          cli.app,
          { kind: "cli" },
          reference,
          target,
          "Los kioscos son del programa de cultura digital",
        )
      ).ok,
    ).toBe(true);
    await cli.close();

    const second = await proposal("beto", TEXT);
    const targetName = h.runtime.app.profile.offices.find((o) => o.key === target)!.name;
    expect(second.text).toContain(targetName);
    // A restart keeps the correction (it is rebuilt from the question history).
    await h.reopen();
    expect((await h.runtime.app.router()).route(TEXT, 1)[0]!.officeKey).toBe(target);
  });
});
