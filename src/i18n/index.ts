/**
 * Translations from `locales/<lang>/*.json`, loaded with i18next. Spanish (Colombia, lenguaje
 * claro) is the default and the fallback; English second. Loaded synchronously at start-up.
 *
 * Hot path: plain `{{var}}` texts (nearly all of them) are compiled once into templates and rendered
 * without i18next, whose `t()` copies ~40 options per call and cost ~45 µs each (about a third of
 * the time of an inbound message in `npm run bench`). Texts using anything else i18next offers
 * (formats, plurals, nesting with options) go through i18next unchanged.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";
import { PROJECT_ROOT } from "../config/env.ts";

export const DEFAULT_LOCALE = "es";
export type Locale = string;

export interface Translator {
  readonly locales: readonly Locale[];
  /**
   * Text for `key` in `locale` with `vars` interpolated (`{{name}}`), looking up `defaults` for
   * variables `vars` lacks. Unknown locales and missing keys fall back to Spanish, then to the key.
   */
  t(locale: Locale, key: string, vars?: Record<string, unknown>, defaults?: Record<string, unknown>): string;
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
    for (const file of readdirSync(join(dir, locale))
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const sections = JSON.parse(readFileSync(join(dir, locale, file), "utf8")) as Record<string, unknown>;
      for (const [section, value] of Object.entries(sections)) {
        if (owner[section])
          throw new Error(`locales/${locale}: section '${section}' is defined in both ${owner[section]} and ${file}`);
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
  // Each locale's texts compiled on first use: a CLI command shows a few dozen of ~6,000 texts.
  const compiled = new Map<Locale, CompiledLocale>();
  const compiledFor = (locale: Locale): CompiledLocale => {
    let table = compiled.get(locale);
    if (!table) {
      table = compileLocale(resources[locale]!);
      compiled.set(locale, table);
    }
    return table;
  };
  const render = (
    locale: Locale,
    key: string,
    vars: Record<string, unknown> | undefined,
    defaults: Record<string, unknown> | undefined,
  ): string => {
    const table = compiledFor(Object.hasOwn(resources, locale) ? locale : DEFAULT_LOCALE);
    const template = table.has(key) ? table.get(key) : compiledFor(DEFAULT_LOCALE).get(key);
    if (template === undefined) return key;
    if (template === null) return tFor(locale)(key, defaults ? { ...defaults, ...vars } : (vars ?? {})) as string;
    return fillTemplate(template, vars, defaults);
  };
  const locales = Object.keys(resources);
  const wordCache = new Map<string, string[]>();
  return {
    locales,
    t: render,
    hasKey: (locale, key) => instance.exists(key, { lng: locale, fallbackLng: false }),
    supports: (locale) => locales.includes(locale),
    wordsInAllLocales(key) {
      let words = wordCache.get(key);
      if (!words) {
        words = [
          ...new Set(
            locales.flatMap((l) =>
              tFor(l)(key)
                .split(",")
                .map((w: string) => w.trim())
                .filter(Boolean),
            ),
          ),
        ];
        wordCache.set(key, words);
      }
      return words;
    },
  };
}

/** A compiled text: literal parts interleaved with variable names (odd indexes). */
type Template = readonly string[];

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const SIMPLE_NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const NESTING = /\$t\(([^(),]+)\)/g;

/** A locale's texts by key, each compiled when first asked for (then kept). */
interface CompiledLocale {
  has(key: string): boolean;
  /** The text's template; null: "let i18next render it"; undefined: no such text. */
  get(key: string): Template | null | undefined;
}

/**
 * A locale's texts, compiled on demand. `$t(key)` without options is inlined; a text whose
 * placeholders are not plain names (formats, unescaped `-`, nesting with options) maps to null,
 * meaning "let i18next render it".
 */
function compileLocale(resources: Record<string, unknown>): CompiledLocale {
  const flat = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (value && typeof value === "object") walk(value, `${prefix}${key}.`);
      else if (typeof value === "string") flat.set(`${prefix}${key}`, value);
    }
  };
  walk(resources, "");
  const inline = (text: string, depth: number): string | null => {
    if (depth > 5) return null;
    let failed = false;
    const out = text.replace(NESTING, (_m, key: string) => {
      const nested = flat.get(key.trim());
      const resolved = nested === undefined ? null : inline(nested, depth + 1);
      if (resolved === null) failed = true;
      return resolved ?? "";
    });
    return failed || out.includes("$t(") ? null : out;
  };
  const result = new Map<string, Template | null>();
  return {
    has: (key) => flat.has(key),
    get(key) {
      let template = result.get(key);
      if (template === undefined) {
        const raw = flat.get(key);
        if (raw === undefined) return undefined;
        const text = inline(raw, 0);
        template = text === null ? null : compileText(text);
        result.set(key, template);
      }
      return template;
    },
  };
}

function compileText(text: string): Template | null {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = SIMPLE_NAME.exec(match[1]!)?.[1];
    if (!name) return null;
    parts.push(text.slice(last, match.index), name);
    last = match.index! + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** Same output as i18next for plain names: missing → the placeholder kept, null → "", else String(value). */
function fillTemplate(
  template: Template,
  vars: Record<string, unknown> | undefined,
  defaults: Record<string, unknown> | undefined,
): string {
  if (template.length === 1) return template[0]!;
  let out = template[0]!;
  for (let i = 1; i < template.length; i += 2) {
    const name = template[i]!;
    const value = vars && name in vars ? vars[name] : defaults?.[name];
    out += value === undefined ? `{{${name}}}` : value === null ? "" : String(value);
    out += template[i + 1]!;
  }
  return out;
}
