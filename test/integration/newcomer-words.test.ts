/**
 * Issue 18, points 12 and 14: what the citizen reads to find their way. Topics are plain subjects
 * (routing still goes to offices); laws are cited only in staff texts and the "por qué" detail;
 * AYUDA lists every global word; menu 7 says what rendición de cuentas is in this municipality.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../../src/config/env.ts";
import { loadProfile } from "../../src/config/profile.ts";
import { STOP_WORDS } from "../../src/core/events.ts";
import { createTranslator, loadLocaleResources } from "../../src/i18n/index.ts";
import { createHarness, type Harness } from "../helpers/harness.ts";
import { consentingCitizen, makeEvent } from "./events-helpers.ts";

const resources = loadLocaleResources();
const translator = createTranslator(resources);
const plain = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toUpperCase();
const flatKeys = (node: unknown, prefix = ""): string[] =>
  Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    v && typeof v === "object" ? flatKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe("AYUDA", () => {
  const commands = (
    parseYaml(readFileSync(join(PROJECT_ROOT, "flows/commands.yaml"), "utf8")) as {
      commands: { id: string; words: string }[];
    }
  ).commands;

  it.each(translator.locales)(
    "lists every global word of flows/commands.yaml and the stop word, one line each (%s)",
    (locale) => {
      const help = plain(translator.t(locale, "help.text"));
      const lines = help.split("\n").filter((l) => l.startsWith("• "));
      for (const command of commands) {
        const words = translator
          .t(locale, command.words)
          .split(",")
          .map((w) => plain(w.trim()));
        const line = lines.find((l) => words.some((w) => l.startsWith(`• ${w}:`)));
        expect(line, `${locale}: no line for '${command.id}' (${words.join(", ")})`).toBeDefined();
      }
      const stop = locale === "es" ? "SALIR" : "STOP";
      expect(STOP_WORDS.map((w) => w.toUpperCase())).toContain(stop);
      expect(lines.some((l) => l.startsWith(`• ${stop}:`))).toBe(true);
    },
  );

  it("answers 'ayuda' with that list in the chat", async () => {
    h = await createHarness();
    await consentingCitizen(h, "ana");
    const [help] = await h.say("ana", "ayuda");
    for (const word of ["EVENTOS", "COMPROMISOS", "SALIR", "NO MÁS ENCUESTAS", "MENÚ", "CANCELAR", "POR QUÉ"])
      expect(help?.text).toContain(`• ${word}:`);
  });
});

describe("menu 7: rendición de cuentas here", () => {
  it("names the municipality's hearings, where reports are published and the next events", async () => {
    h = await createHarness({ profile: "bucaramanga" });
    const profile = h.runtime.app.profile;
    await makeEvent(h, { officeKey: "planeacion", districts: ["comuna-1"] });
    await consentingCitizen(h, "ana");
    const [info] = await h.say("ana", "7");
    expect(info?.text).toContain("En Bucaramanga:");
    expect(info?.text).toContain(profile.accountability!.reportsUrl);
    expect(info?.text).toContain(profile.accountability!.hearings);
    expect(info?.text).toContain("• Audiencia pública de rendición de cuentas 2026 — martes 10 de marzo de 2026");
  });

  it("says when no event is scheduled", async () => {
    h = await createHarness();
    await consentingCitizen(h, "ana");
    const [info] = await h.say("ana", "7");
    expect(info?.text).toContain("Por ahora no hay eventos programados");
    expect(info?.text).toContain("https://www.villaesperanza-ejemplo.gov.co/transparencia");
  });

  it("every municipal profile says where its reports are published", () => {
    for (const id of ["default", "bucaramanga", "pasto", "ibague", "cartagena"]) {
      expect(loadProfile(join(PROJECT_ROOT, `src/config/profiles/${id}.yaml`)).accountability?.reportsUrl, id).toMatch(
        /^https:\/\//,
      );
    }
  });
});

describe("topics in plain words", () => {
  it("offers subjects, not office names, and still files with the office", async () => {
    h = await createHarness();
    await consentingCitizen(h, "ana");
    await h.say("ana", "1");
    await h.say("ana", "Quiero saber algo sobre un tema que no sé a quién preguntar, gracias");
    let options = h.channel.to("ana").at(-1)?.options ?? [];
    if (h.last("ana").includes("¿Es correcto?")) {
      options = (await h.say("ana", "2")).at(-1)?.options ?? [];
    }
    const all = (await h.say("ana", String(options.length))).at(-1)!;
    expect(all.options).toContain("contratos y licitaciones");
    expect(all.options).toContain("vías y obras");
    expect(all.options!.some((o) => o.startsWith("Secretaría"))).toBe(false);
    await h.say("ana", String(all.options!.indexOf("contratos y licitaciones") + 1));
    const receipt = (await h.say("ana", "1")).at(-1)?.text ?? "";
    expect(receipt).toContain("Dependencia: Secretaría Jurídica y de Contratación");
    expect((await h.runtime.app.repos.questions.list())[0]?.officeKey).toBe("contratacion");
  });

  it("proposes an office by its subject and names who handles it", async () => {
    h = await createHarness();
    await consentingCitizen(h, "ana");
    await h.say("ana", "Hay un hueco muy grande en la vía principal del barrio El Prado desde hace meses");
    expect(h.last("ana")).toContain(
      "Creemos que su pregunta es sobre: vías y obras.\nLa atiende: Secretaría de Infraestructura.",
    );
  });

  it("gives every office of every profile a subject, distinct within the profile, in every language", () => {
    for (const id of ["default", "bucaramanga", "pasto", "ibague", "cartagena"]) {
      const profile = loadProfile(join(PROJECT_ROOT, `src/config/profiles/${id}.yaml`));
      for (const locale of translator.locales) {
        const subjects = profile.offices.map((o) => {
          expect(translator.hasKey(locale, `subjects.${o.key}`), `${id} ${locale} subjects.${o.key}`).toBe(true);
          return translator.t(locale, `subjects.${o.key}`);
        });
        const repeated = subjects.filter((s, i) => subjects.indexOf(s) !== i);
        expect(repeated, `${id} ${locale}: two offices with the same subject`).toEqual([]);
      }
    }
  });
});

describe("law citations", () => {
  /** Texts officials read (staff chats, CLI, notices to offices): they keep their citations. */
  const STAFF = [
    /^staff\./,
    /^staff_buttons\./,
    /^event_wizard\./,
    /^deadlines\.(reminder|escalation|digest|staff|errors)/,
    /^notify\.official_/,
    /^announce\.progress_/,
    /^telegram\.group_commands/,
    /^whatsapp\./,
    /^console\./,
    /^erased_citizen\./,
    /^report\./,
    /^web\./,
    /^web_chat\./,
    /^cli\./,
    /^plan\./,
  ];
  /** Where citizens read the law on purpose: the "por qué" detail, the full data notice, the public web pages. */
  const DETAIL = ["newcomer.why", "consent.notice_text", "newcomer.consent.full_notice"];
  const WEB = /^publico\./;
  const CITATION = /\b(Ley|Law|Decreto|Decree)\s+\d|\bart(ículo|icle|\.)\s*\d/i;

  it("stay out of every citizen text but the 'por qué' detail", () => {
    const cited: string[] = [];
    for (const locale of translator.locales) {
      for (const key of flatKeys(resources[locale])) {
        if (STAFF.some((p) => p.test(key)) || DETAIL.includes(key) || WEB.test(key)) continue;
        const text = translator.t(locale, key);
        if (CITATION.test(text)) cited.push(`${locale} ${key}: ${text.slice(0, 100)}`);
      }
    }
    expect(cited).toEqual([]);
  });

  it("'por qué' shows the laws behind the deadlines and rights", async () => {
    h = await createHarness();
    await consentingCitizen(h, "ana");
    const [why] = await h.say("ana", "por qué");
    expect(why?.text).toContain("Ley 1755 de 2015");
    expect(why?.text).toContain("Ley 1757 de 2015");
    expect(why?.text).toContain("Ley 1581 de 2012");
    expect(why?.text).toContain("15 días hábiles para una petición");
  });
});
