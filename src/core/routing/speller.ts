/**
 * Typo repair against the words the router was trained on: an unknown word of five or more letters
 * is replaced by the most frequent known word one edit away (a letter missing, extra, swapped for
 * another, or two letters transposed), found with a symmetric-delete index as in SymSpell.
 * Works on folded surface forms, so spelling confusions the fold already merges cost nothing.
 */

import type { Term } from "./tokens.ts";

const MIN_LENGTH = 5;

export interface Speller {
  /** Counts a known word. */
  add(term: Term): void;
  /** The known word `term` most likely stands for: itself if known or unrepairable. */
  correct(term: Term): Term;
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export function createSpeller(): Speller {
  const counts = new Map<string, number>();
  const terms = new Map<string, Term>();
  /** Deletion variant → known words it comes from. */
  const variants = new Map<string, string[]>();

  function add(term: Term): void {
    const word = term.surface;
    const count = counts.get(word);
    counts.set(word, (count ?? 0) + 1);
    if (count !== undefined) return;
    terms.set(word, term);
    if (word.length < MIN_LENGTH) return;
    for (const variant of deletions(word)) {
      const list = variants.get(variant);
      if (list === undefined) variants.set(variant, [word]);
      else if (!list.includes(word)) list.push(word);
    }
  }

  function correct(term: Term): Term {
    const word = term.surface;
    if (word.length < MIN_LENGTH || counts.has(word)) return term;
    let best = word;
    let bestCount = 0;
    const consider = (candidate: string): void => {
      const count = counts.get(candidate) ?? 0;
      if (count > bestCount || (count === bestCount && count > 0 && candidate < best)) {
        best = candidate;
        bestCount = count;
      }
    };
    for (const candidate of variants.get(word) ?? []) consider(candidate);
    for (const variant of deletions(word)) {
      consider(variant);
      for (const candidate of variants.get(variant) ?? []) consider(candidate);
    }
    return terms.get(best) ?? term;
  }

  return { add, correct };
}
