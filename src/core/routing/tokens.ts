/**
 * From normalized text to the terms the classifier counts: content words (stopwords, greetings and
 * letter boilerplate dropped), a light Spanish stem, and a phonetic fold so that the spellings
 * citizens mix up (b/v, s/c/z, ll/y, silent h, qu/k) meet on one form.
 */
import { looksEnglish, translateWord } from "./english.ts";
import { PHRASES, SLANG, STOPWORDS } from "./lexicon.ts";
import { normalizeText } from "./normalize.ts";

/** Suffixes tried longest first; a stem keeps at least `MIN_STEM_LENGTH` letters. */
const SUFFIXES: readonly string[] = [
  "amientos",
  "imientos",
  "aciones",
  "iciones",
  "uciones",
  "amiento",
  "imiento",
  "idades",
  "adoras",
  "adores",
  "ancias",
  "encias",
  "logias",
  "mente",
  "acion",
  "icion",
  "ucion",
  "adora",
  "ador",
  "ancia",
  "encia",
  "logia",
  "idad",
  "ables",
  "ibles",
  "able",
  "ible",
  "istas",
  "ista",
  "ismos",
  "ismo",
  "osos",
  "osas",
  "ivos",
  "ivas",
  "ando",
  "iendo",
  "aron",
  "ieron",
  "abamos",
  "aban",
  "aba",
  "ados",
  "adas",
  "idos",
  "idas",
  "ado",
  "ada",
  "ido",
  "ida",
  "oso",
  "osa",
  "ivo",
  "iva",
  "ar",
  "er",
  "ir",
  "es",
  "as",
  "os",
  "an",
  "en",
  "a",
  "e",
  "o",
  "s",
];
const MIN_STEM_LENGTH = 3;

/** Light Spanish stemmer: strips one inflectional or derivational suffix, keeping ≥ 3 letters. */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM_LENGTH) {
      return word.slice(0, word.length - suffix.length);
    }
  }
  return word;
}

const FOLD_RULES: readonly (readonly [RegExp, string])[] = [
  [/ch/g, "\u0001"],
  [/qu(?=[ei])/g, "k"],
  [/c(?=[ei])/g, "s"],
  [/c/g, "k"],
  [/q/g, "k"],
  [/z/g, "s"],
  [/v/g, "b"],
  [/w/g, "u"],
  [/ll/g, "y"],
  [/h/g, ""],
  [/g(?=[ei])/g, "j"],
  [/gu(?=[ei])/g, "g"],
  [/n(?=[pb])/g, "m"],
  // "rr" stays: "caro" and "carro", "pero" and "perro" are different words.
  [/([a-qs-z])\1+/g, "$1"],
  [/\u0001/g, "ch"],
];

/** Phonetic fold of a lowercase ASCII word: "vacuna" and "bacuna", "licencia" and "lisensia" meet. */
export function fold(word: string): string {
  let out = word;
  for (const [pattern, replacement] of FOLD_RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * One content word of a message: its folded stem (for word features), folded surface form, and
 * the character n-grams of the surface form (for typo-tolerant features).
 */
export interface Term {
  readonly stem: string;
  readonly surface: string;
  readonly grams: readonly string[];
}

const CHAR_NGRAM_SIZES = [3, 4] as const;

/** Distinct character n-grams of `<surface>`. */
export function charNgrams(surface: string): string[] {
  const padded = `<${surface}>`;
  const grams = new Set<string>();
  for (const size of CHAR_NGRAM_SIZES) {
    for (let i = 0; i + size <= padded.length; i++) grams.add(padded.slice(i, i + size));
  }
  return [...grams];
}

const DIGITS_ONLY = /^\d+$/;

/** True for words that carry no routing signal: stopwords, single letters, bare numbers. */
export function isStopword(word: string): boolean {
  return word.length < 2 || STOPWORDS.has(word) || DIGITS_ONLY.test(word);
}

const PHRASE_PATTERN = new RegExp(`\\b(?:${[...PHRASES.keys()].join("|")})\\b`, "g");

function joinPhrases(normalized: string): string {
  return normalized.replace(PHRASE_PATTERN, (phrase) => PHRASES.get(phrase) ?? phrase);
}

/** Memo of word → term: folding runs a dozen regular expressions, and vocabulary repeats a lot. */
const termMemo = new Map<string, Term>();
const TERM_MEMO_MAX_ENTRIES = 50_000;

function termOf(word: string): Term {
  let term = termMemo.get(word);
  if (term === undefined) {
    const surface = fold(word);
    term = { stem: fold(stem(word)), surface, grams: charNgrams(surface) };
    if (termMemo.size >= TERM_MEMO_MAX_ENTRIES) termMemo.clear();
    termMemo.set(word, term);
  }
  return term;
}

/**
 * Content terms of a raw message, in order: normalized, fixed expressions joined, slang replaced,
 * English translated word by word when the message reads as English, stopwords dropped.
 */
export function terms(text: string): Term[] {
  const out: Term[] = [];
  const words = joinPhrases(normalizeText(text)).split(" ");
  const english = looksEnglish(words);
  for (const raw of words) {
    const word = SLANG.get(raw) ?? raw;
    if (!english) {
      if (!isStopword(word)) out.push(termOf(word));
      continue;
    }
    for (const translated of translateWord(word)) if (!isStopword(translated)) out.push(termOf(translated));
  }
  return out;
}
