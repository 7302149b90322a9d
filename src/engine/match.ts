/**
 * Matching a citizen's answer to menu options and command words: the number, the option's words,
 * or a close match ("dos", typos, missing accents, swapped letters, extra polite words). Pure.
 *
 * Issue 18.6 measured the old matcher (whole-label edit distance) on 136 realistic misspellings:
 * 53 % understood. This one compares words: every meaningful word the citizen typed must match a
 * word of one option (exactly, as a prefix, or within a few typos for its length), and the option
 * matched best wins only if no other is as good. A question typed at the menu keeps words no
 * option has, so it stays a question (test/engine/menu-typos.test.ts prints both rates).
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Lowercase, accents removed, punctuation and emojis folded to single spaces. */
export function normalizeForMatch(text: string): string {
  return text.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(NOT_WORD, " ").trim();
}

const NUMBER_WORDS: Record<string, number> = {
  uno: 1,
  un: 1,
  one: 1,
  dos: 2,
  two: 2,
  tres: 3,
  three: 3,
  cuatro: 4,
  four: 4,
  cinco: 5,
  five: 5,
  seis: 6,
  six: 6,
  siete: 7,
  seven: 7,
  ocho: 8,
  eight: 8,
  nueve: 9,
  nine: 9,
  diez: 10,
  ten: 10,
};

/**
 * Words that carry no choice ("quiero ver mis …", "por favor"): ignored on both sides. Kept short on
 * purpose: a word here can never make a question look like an option, but can never tell options apart.
 */
const FILLER = new Set(
  (
    "a al ante con de del el la las lo los mi mis me que un una unas unos y o e en para por favor porfa pls quiero quisiera " +
    "necesito deseo ver puedo como sobre su sus the my to i want please see of and"
  ).split(" "),
);

/** Content words of a normalized text. */
function contentWords(normalized: string): string[] {
  return normalized.split(" ").filter((w) => w && !FILLER.has(w));
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("esatdo" → 1). */
function typoDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]!.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]!.push(d);
    }
  }
  return rows[a.length]![b.length]!;
}

/** Typos tolerated in a typed word of this length: none under 4 letters, 1 up to 5, 2 from 6. */
function tolerance(length: number): number {
  return length < 4 ? 0 : length < 6 ? 1 : 2;
}

/** How well a typed word matches an option's word: 1 exact, less for a prefix or typos, 0 none. */
function wordSimilarity(typed: string, word: string): number {
  if (typed === word) return 1;
  if (typed.length >= 4 && word.startsWith(typed)) return 0.9;
  const limit = tolerance(Math.min(typed.length, word.length + 1));
  if (limit === 0) return 0;
  const d = typoDistance(typed, word, limit);
  return d <= limit ? 1 - d / Math.max(typed.length, word.length) : 0;
}

/**
 * How well `typed` (content words) matches one phrase: 0 unless every typed word matches some word
 * of the phrase; otherwise the mean similarity, with a small bonus for covering more of the phrase.
 */
function phraseScore(typed: readonly string[], phrase: readonly string[]): number {
  if (typed.length === 0 || phrase.length === 0) return 0;
  let total = 0;
  const covered = new Set<number>();
  for (const word of typed) {
    let best = 0;
    let bestAt = -1;
    phrase.forEach((candidate, i) => {
      const similarity = wordSimilarity(word, candidate);
      if (similarity > best) [best, bestAt] = [similarity, i];
    });
    if (best === 0) return 0;
    total += best;
    covered.add(bestAt);
  }
  return total / typed.length + 0.05 * (covered.size / phrase.length);
}

/** A menu option's ways of being said: its label and, optionally, other phrases. */
export interface OptionPhrases {
  label: string;
  words?: readonly string[];
}

/**
 * Index of the option the text chooses, or undefined when none or several fit equally.
 * Accepts "2", "2.", "opcion 2", "dos", the label or one of the option's phrases, a unique prefix of
 * a label (2+ letters), or words that all match one option's words despite typos.
 */
export function matchOption(text: string, options: readonly (string | OptionPhrases)[]): number | undefined {
  const input = normalizeForMatch(text);
  if (!input) return undefined;
  const number = /^(?:opcion |option |numero |number )?(\d{1,2})$/.exec(input)?.[1];
  const asNumber = number !== undefined ? Number(number) : NUMBER_WORDS[input];
  if (asNumber !== undefined) return asNumber >= 1 && asNumber <= options.length ? asNumber - 1 : undefined;

  const phrases = options.map((o) =>
    (typeof o === "string" ? [o] : [o.label, ...(o.words ?? [])]).map(normalizedPhrase),
  );
  const exact = uniqueIndex(phrases, (list) => list.some((p) => p.text === input));
  if (exact !== undefined) return exact;
  if (input.length >= 2) {
    const labels = phrases.map((list) => list[0]!.text);
    const prefixed = uniqueIndex(labels, (label) => label.startsWith(input) || label.split(" ").includes(input));
    if (prefixed !== undefined) return prefixed;
  }
  return bestByWords(
    contentWords(input),
    phrases.map((list) => list.map((p) => p.words)),
  );
}

/** The option whose phrases match the typed words best, if it beats every other option. */
function bestByWords(
  typed: readonly string[],
  options: readonly (readonly (readonly string[])[])[],
): number | undefined {
  // A long message is a question, however many of its words an option shares.
  if (typed.length === 0 || typed.length > 6) return undefined;
  let best: number | undefined;
  let bestScore = 0;
  let secondScore = 0;
  options.forEach((phrases, i) => {
    const score = Math.max(...phrases.map((p) => phraseScore(typed, p)));
    if (score > bestScore) [best, secondScore, bestScore] = [i, bestScore, score];
    else if (score > secondScore) secondScore = score;
  });
  // Clear winners only: a tie (e.g. "pregunta" fits three options) is not a choice.
  return bestScore >= 0.6 && bestScore - secondScore >= 0.02 ? best : undefined;
}

/**
 * Whether `text` says one of `phrases` (a command's words) despite typos: every content word of the
 * text matches a word of the phrase and every content word of the phrase is matched, so "ayda" is
 * AYUDA but "ayuda para damnificados" is not. Stricter than options: commands act from anywhere.
 */
export function saysPhrase(text: string, phrases: readonly string[]): boolean {
  const typed = typedWords(text);
  if (typed.length === 0 || typed.length > 4) return false;
  return phrases.some((phrase) => {
    const words = normalizedPhrase(phrase).words;
    return (
      words.length > 0 &&
      typed.every((t) => words.some((w) => wordSimilarity(t, w) > 0)) &&
      words.every((w) => typed.some((t) => wordSimilarity(t, w) > 0))
    );
  });
}

/** The last text `saysPhrase` read, normalized: a message is checked against every command in turn. */
let lastTyped: { text: string; words: string[] } | undefined;

function typedWords(text: string): string[] {
  if (lastTyped?.text !== text) lastTyped = { text, words: contentWords(normalizeForMatch(text)) };
  return lastTyped.words;
}

interface NormalizedPhrase {
  text: string;
  words: string[];
}

const phraseCache = new Map<string, NormalizedPhrase>();

/** Labels repeat on every menu answer: normalize each once. */
function normalizedPhrase(phrase: string): NormalizedPhrase {
  let value = phraseCache.get(phrase);
  if (value === undefined) {
    const text = normalizeForMatch(phrase);
    value = { text, words: contentWords(text) };
    if (phraseCache.size < 5000) phraseCache.set(phrase, value);
  }
  return value;
}

function uniqueIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < items.length; i++) {
    if (!predicate(items[i]!)) continue;
    if (found !== undefined) return undefined;
    found = i;
  }
  return found;
}
