import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRow, sqlRows } from "../helpers/storage.ts";

const ANA = "ana";

describe("consent, privacy and restarts", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("keeps a refusal as proof, files nothing, and still gives general information", async () => {
    await h.say(ANA, "hola");
    const refused = await h.say(ANA, "no autorizo");
    expect(refused.at(-1)?.text).toContain("No guardaremos sus datos");
    expect(await sqlRows(h.runtime, "select decision, notice_version, channel from consents")).toEqual([
      { decision: "refused", notice_version: "2026-01", channel: "memory" },
    ]);
    await h.say(ANA, "menu");
    const info = await h.say(ANA, "Información sobre la rendición de cuentas");
    expect(info.at(-1)?.text).toContain("rendición de cuentas");
    // Asking without consent leads back to the notice; the typed question is not filed and waits
    // only in the conversation while the citizen decides (issue 18, point 4).
    await h.say(ANA, "menu");
    const ask = await h.say(ANA, "Necesito saber por qué no han recogido la basura en mi barrio");
    expect(ask.at(-1)?.text).toContain("¿Nos autoriza");
    expect(await sqlRow(h.runtime, "select count(*) n from questions")).toEqual({ n: 0 });
    // Granting afterwards offers to file what was typed.
    const granted = await h.say(ANA, "1");
    expect(granted.at(-1)?.text).toContain("¿Quiere que registremos lo que escribió?");
    expect(granted.at(-1)?.text).toContain("la basura en mi barrio");
    expect(await sqlRows(h.runtime, "select decision from consents order by id")).toEqual([
      { decision: "refused" },
      { decision: "granted" },
    ]);
  });

  it("revokes consent with a record, and blocks new questions afterwards", async () => {
    await fileQuestion(h, ANA);
    await h.say(ANA, "privacidad");
    await h.say(ANA, "2");
    const revoked = await h.say(ANA, "1");
    expect(revoked.at(-1)?.text).toContain("Retiramos su autorización");
    expect(
      ((await sqlRows(h.runtime, "select decision from consents order by id")) as { decision: string }[]).map(
        (r) => r.decision,
      ),
    ).toEqual(["granted", "revoked"]);
    await h.say(ANA, "menu");
    const ask = await h.say(ANA, "1");
    expect(ask.at(-1)?.text).toContain("¿Nos autoriza");
  });

  it("deletes the citizen's data but keeps the question anonymized as the legal record", async () => {
    const ref = await fileQuestion(h, ANA);
    await h.say(ANA, "privacidad");
    await h.say(ANA, "3");
    const deleted = await h.say(ANA, "1");
    expect(deleted.at(-1)?.text).toContain("Borramos sus datos");
    expect(await sqlRow(h.runtime, "select count(*) n from channel_identities")).toEqual({ n: 0 });
    expect(await sqlRow(h.runtime, "select count(*) n from conversations")).toEqual({ n: 0 });
    const q = (await sqlRow(h.runtime, "select reference, text, status from questions")) as {
      reference: string;
      text: string;
    };
    expect(q.reference).toBe(ref);
    expect(q.text).not.toContain("hueco");
    expect(await sqlRow(h.runtime, "select count(*) n from consents")).toEqual({ n: 1 });
    // Writing again starts from scratch, as a new citizen.
    const again = await h.say(ANA, "hola");
    expect(again.at(-1)?.text).toContain("¿Nos autoriza");
    expect(await sqlRow(h.runtime, "select count(*) n from citizens")).toEqual({ n: 2 });
  });

  it("processes a duplicate inbound message once", async () => {
    await h.say(ANA, "hola", { channelMessageId: "dup-1" });
    const sent = h.channel.sent.length;
    const again = await h.say(ANA, "hola", { channelMessageId: "dup-1" });
    expect(again).toEqual([]);
    expect(h.channel.sent.length).toBe(sent);
    expect(await sqlRow(h.runtime, "select count(*) n from inbound_messages")).toEqual({ n: 1 });
  });

  it("resumes a conversation after a restart in the middle of asking", async () => {
    await h.say(ANA, "hola");
    await h.say(ANA, "1");
    await h.say(ANA, "Los semáforos de la avenida principal llevan una semana apagados y hay accidentes");
    expect(h.last(ANA)).toContain("¿Es correcto?");
    await h.reopen();
    await h.say(ANA, "1");
    const receipt = await h.say(ANA, "1");
    expect(receipt.at(-1)?.text).toMatch(/RC-2026-000001/);
  });

  it("delivers replies queued before a crash after the restart, exactly once", async () => {
    await h.say(ANA, "hola");
    h.channel.failNext({ ok: false, kind: "retry", retryAfterMs: 60_000, reason: "network down" });
    await h.say(ANA, "1"); // the reply fails and waits
    const pending = await sqlRow(h.runtime, "select count(*) n from outbox where status = 'pending'");
    expect(pending).toEqual({ n: 1 });
    await h.reopen();
    h.clock.advanceMs(120_000);
    await h.bot.dispatcher.tick();
    await h.bot.dispatcher.tick();
    expect(h.channel.to(ANA).filter((m) => m.text.includes("Guardamos su autorización"))).toHaveLength(1);
  });

  it("switches language and keeps it", async () => {
    await h.say(ANA, "hola");
    await h.say(ANA, "1");
    await h.say(ANA, "idioma");
    const changed = await h.say(ANA, "English");
    expect(changed.at(-1)?.text).toContain("we will write to you in English");
    const menu = await h.say(ANA, "menu");
    expect(menu.at(-1)?.options?.[0]).toBe("Ask a question or make a request");
    await h.reopen();
    const help = await h.say(ANA, "help");
    expect(help.at(-1)?.text).toContain("You can type these words at any time");
  });

  it("takes the citizen's language from the channel on first contact", async () => {
    const [notice] = await h.say("john", "hi", { languageHint: "en-US" });
    expect(notice?.text).toContain("Do you authorize");
  });
});

describe("bad input", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await h.say(ANA, "hola");
    await h.say(ANA, "1");
  });
  afterEach(async () => {
    await h.close();
  });

  const state = async () => await sqlRow(h.runtime, "select flow_id, step_id, data from conversations");

  it("answers empty, whitespace and control-character messages politely without moving", async () => {
    const before = await state();
    for (const text of ["", "   \n\t ", "\u0000\u0007\u200b"]) {
      const [reply] = await h.say(ANA, text);
      expect(reply?.text).toContain("llegó vacío");
    }
    expect(await state()).toEqual(before);
  });

  it("refuses messages over the limit without storing them", async () => {
    const huge = "a".repeat(50_000);
    const [reply] = await h.say(ANA, huge);
    expect(reply?.text).toContain("Su mensaje tiene 50000 caracteres y el máximo es 3000");
    expect(JSON.stringify(await state())).not.toContain("aaaa");
  });

  it("says what it accepts when it gets media without text", async () => {
    const [reply] = await h.say(ANA, "", { text: undefined, media: { kind: "sticker", fileRef: "x" } });
    expect(reply?.text).toContain("solo puedo leer mensajes de texto");
  });

  it("explains unknown commands and garbage menu answers", async () => {
    const [unknown] = await h.say(ANA, "/borrartodo");
    expect(unknown?.text).toContain("No conozco el comando");
    await h.say(ANA, "menu");
    const [garbage] = await h.say(ANA, "99");
    expect(garbage?.text).toContain("No entendí");
    expect(garbage?.options?.length).toBe(9);
  });

  it("stores SQL- and markup-looking text literally and harmlessly", async () => {
    const evil = "'); DROP TABLE questions; -- <b>hola</b> [link](http://x.co) *negrita* calle";
    await h.say(ANA, "1");
    await h.say(ANA, evil);
    await h.say(ANA, "1");
    await h.say(ANA, "1");
    const row = (await sqlRow(h.runtime, "select text from questions")) as { text: string };
    expect(row.text).toBe(evil);
  });

  it("recognizes commands in any case, with accents or a slash", async () => {
    for (const word of ["MENÚ", "/menu", "Menu", "inicio"]) {
      const [reply] = await h.say(ANA, word);
      expect(reply?.text).toContain("¿Qué quiere hacer?");
    }
  });

  it("accepts option words and close matches as well as numbers", async () => {
    await h.say(ANA, "menu");
    const [status] = await h.say(ANA, "consultar el estdo de mi pregunta");
    expect(status?.text).toContain("Escriba el número de radicado");
    await h.say(ANA, "cancelar");
    const [mine] = await h.say(ANA, "ver mis preguntas");
    expect(mine?.text).toContain("Todavía no tiene preguntas");
  });
});
