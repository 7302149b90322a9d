/**
 * Translations with i18next from `locales/<lang>/translation.json`. Spanish (Colombia, lenguaje
 * claro) is the default and the fallback; English second. Loaded synchronously at start-up.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";
import { PROJECT_ROOT } from "../config/env.ts";

export const DEFAULT_LOCALE = "es";
export type Locale = string;

export interface Translator {
  readonly locales: readonly Locale[];
  /** Text for `key` in `locale` with `vars` interpolated (`{{name}}`). Unknown locales fall back to Spanish. */
  t(locale: Locale, key: string, vars?: Record<string, unknown>): string;
  hasKey(locale: Locale, key: string): boolean;
  /** A comma-separated word list (e.g. a command's words) in every locale, deduplicated. */
  wordsInAllLocales(key: string): string[];
  /** The locale a citizen's choice names, if supported. */
  supports(locale: string): boolean;
}

/**
 * Reads `locales/<lang>/*.json`. Each file owns its top-level sections (translation.json the core
 * ones, telegram.json the Telegram ones, ...); a section defined by two files is an error.
 */
export function loadLocaleResources(dir = join(PROJECT_ROOT, "locales")): Record<Locale, Record<string, unknown>> {
  const resources: Record<Locale, Record<string, unknown>> = {};
  for (const locale of readdirSync(dir).sort()) {
    const merged: Record<string, unknown> = {};
    const owner: Record<string, string> = {};
    for (const file of readdirSync(join(dir, locale)).filter((f) => f.endsWith(".json")).sort()) {
      const sections = JSON.parse(readFileSync(join(dir, locale, file), "utf8")) as Record<string, unknown>;
      for (const [section, value] of Object.entries(sections)) {
        if (owner[section]) throw new Error(`locales/${locale}: section '${section}' is defined in both ${owner[section]} and ${file}`);
        owner[section] = file;
        merged[section] = value;
      }
    }
    resources[locale] = merged;
  }
  return resources;
}

export function createTranslator(resources = loadLocaleResources()): Translator {
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: Object.keys(resources),
    resources: Object.fromEntries(Object.entries(resources).map(([lng, translation]) => [lng, { translation }])),
    // Adapters send plain text (no parse mode), so nothing is HTML-escaped here; see README "Decisions".
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<Locale, TFunction>();
  const tFor = (locale: Locale): TFunction => {
    let t = fixed.get(locale);
    if (!t) {
      t = instance.getFixedT(resources[locale] ? locale : DEFAULT_LOCALE);
      fixed.set(locale, t);
    }
    return t;
  };
  const locales = Object.keys(resources);
  const wordCache = new Map<string, string[]>();
  return {
    locales,
    t: (locale, key, vars) => tFor(locale)(key, vars ?? {}) as string,
    hasKey: (locale, key) => instance.exists(key, { lng: locale, fallbackLng: false }),
    supports: (locale) => locales.includes(locale),
    wordsInAllLocales(key) {
      let words = wordCache.get(key);
      if (!words) {
        words = [...new Set(locales.flatMap((l) => tFor(l)(key).split(",").map((w: string) => w.trim()).filter(Boolean)))];
        wordCache.set(key, words);
      }
      return words;
    },
  };
}
