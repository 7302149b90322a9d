import { describe, expect, it } from "vitest";
import { createTranslator, loadLocaleResources } from "../../src/i18n/index.ts";

function flatten(value: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child && typeof child === "object") for (const [k, v] of flatten(child, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, String(child));
  }
  return out;
}

const resources = loadLocaleResources();
const locales = Object.keys(resources);
const flat = Object.fromEntries(locales.map((l) => [l, flatten(resources[l])]));
const variables = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("locales", () => {
  it("ships Spanish first and English second", () => {
    expect(locales).toEqual(["en", "es"]);
  });

  it.each(locales)("'%s' has every key of every other locale", (locale) => {
    for (const other of locales) {
      const missing = [...flat[other]!.keys()].filter((k) => !flat[locale]!.has(k));
      expect(missing, `missing in ${locale} (present in ${other})`).toEqual([]);
    }
  });

  it("uses the same variables in every language", () => {
    for (const [key, text] of flat.es!) {
      expect(variables(flat.en!.get(key) ?? ""), key).toEqual(variables(text));
    }
  });

  it("has no empty texts", () => {
    for (const locale of locales)
      for (const [key, text] of flat[locale]!) expect(text.trim(), `${locale}:${key}`).not.toBe("");
  });

  it("interpolates without HTML escaping and falls back to Spanish for unknown locales", () => {
    const t = createTranslator(resources);
    expect(t.t("es", "status.not_found", { reference: "<RC>" })).toContain("<RC>");
    expect(t.t("fr", "main.option_ask")).toBe(t.t("es", "main.option_ask"));
    expect(t.wordsInAllLocales("commands.menu")).toEqual(expect.arrayContaining(["menú", "menu", "home"]));
  });
});

describe("compiled templates", () => {
  it("render every text exactly as i18next does, with, without and with missing variables", async () => {
    const { default: i18next } = await import("i18next");
    const reference = i18next.createInstance();
    await reference.init({
      initAsync: false,
      lng: "es",
      fallbackLng: "es",
      resources: Object.fromEntries(locales.map((l) => [l, { translation: resources[l]! }])),
      interpolation: { escapeValue: false },
    });
    const t = createTranslator(resources);
    for (const locale of locales) {
      for (const [key, text] of flat[locale]!) {
        const names = variables(text);
        const full = Object.fromEntries(names.map((n, i) => [n, i % 2 ? i : `<${n}>`]));
        const partial = Object.fromEntries(names.slice(1).map((n) => [n, null]));
        for (const vars of [full, partial, {}]) {
          expect(t.t(locale, key, vars), `${locale}:${key}`).toBe(reference.getFixedT(locale)(key, vars));
        }
      }
    }
  });

  it("takes variables from the defaults when the call lacks them", () => {
    const t = createTranslator(resources);
    expect(t.t("es", "ask.greet", {}, { entity: "Alcaldía de Prueba" })).toBe(
      "¡Hola! Soy el asistente de la Alcaldía de Prueba.",
    );
    expect(t.t("es", "ask.greet", { entity: "X" }, { entity: "Y" })).toContain("de la X.");
    expect(t.t("es", "no.such.key")).toBe("no.such.key");
  });
});
