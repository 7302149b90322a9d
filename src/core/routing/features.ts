/**
 * Features of a message for the three Naive Bayes models: folded word stems, pairs of consecutive
 * stems (so "pico y placa" or "uso del suelo" count as one idea), and character n-grams of each
 * folded word (so "licensia", "liscencia" and "licencia" still share most of their evidence).
 */
import { type Term, terms } from "./tokens.ts";

/** Deduplicated features of one text, by kind, and how many content words it had. */
export interface TextFeatures {
  readonly words: readonly string[];
  readonly bigrams: readonly string[];
  readonly chars: readonly string[];
  /** The content words, in order, for coverage checks. */
  readonly terms: readonly Term[];
}

const CHAR_NGRAM_SIZES = [3, 4] as const;

/** Character n-grams of `<word>`, appended to `out` (duplicates are skipped by the caller's set). */
export function charNgrams(surface: string, out: Set<string>): void {
  const padded = `<${surface}>`;
  for (const size of CHAR_NGRAM_SIZES) {
    for (let i = 0; i + size <= padded.length; i++) out.add(padded.slice(i, i + size));
  }
}

/** Extracts the deduplicated features of a raw message. */
export function extractFeatures(text: string): TextFeatures {
  const words = new Set<string>();
  const bigrams = new Set<string>();
  const chars = new Set<string>();
  const content = terms(text);
  let previous: string | undefined;
  for (const term of content) {
    words.add(term.stem);
    if (previous !== undefined && previous !== term.stem) bigrams.add(`${previous}_${term.stem}`);
    previous = term.stem;
    charNgrams(term.surface, chars);
  }
  return { words: [...words], bigrams: [...bigrams], chars: [...chars], terms: content };
}
