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

/**
 * Extracts the deduplicated features of a raw message. `repair` may replace a content word before
 * its features are taken (the router uses it to fix typos against its vocabulary).
 */
export function extractFeatures(text: string, repair?: (term: Term) => Term): TextFeatures {
  const words = new Set<string>();
  const bigrams = new Set<string>();
  const chars = new Set<string>();
  const content = repair === undefined ? terms(text) : terms(text).map(repair);
  let previous: string | undefined;
  for (const term of content) {
    words.add(term.stem);
    if (previous !== undefined && previous !== term.stem) bigrams.add(`${previous}_${term.stem}`);
    previous = term.stem;
    for (const gram of term.grams) chars.add(gram);
  }
  return { words: [...words], bigrams: [...bigrams], chars: [...chars], terms: content };
}
