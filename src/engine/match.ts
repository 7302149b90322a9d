/**
 * Matching a citizen's answer to menu options: the number, the option's words, or a close match
 * ("dos", typos, missing accents). Pure.
 */
import { distance } from "fastest-levenshtein";

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Lowercase, accents removed, punctuation and emojis folded to single spaces. */
export function normalizeForMatch(text: string): string {
  return text.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(NOT_WORD, " ").trim();
}

const NUMBER_WORDS: Record<string, number> = {
  uno: 1, un: 1, one: 1, dos: 2, two: 2, tres: 3, three: 3, cuatro: 4, four: 4, cinco: 5, five: 5,
  seis: 6, six: 6, siete: 7, seven: 7, ocho: 8, eight: 8, nueve: 9, nine: 9, diez: 10, ten: 10,
};

/**
 * Index of the option the text chooses, or undefined when none or several fit equally.
 * Accepts "2", "2.", "opcion 2", "dos", the label, a unique prefix of it (3+ letters), or a label
 * within a small edit distance.
 */
export function matchOption(text: string, labels: readonly string[]): number | undefined {
  const input = normalizeForMatch(text);
  if (!input) return undefined;
  const number = /^(?:opcion |option |numero |number )?(\d{1,2})$/.exec(input)?.[1];
  const asNumber = number !== undefined ? Number(number) : NUMBER_WORDS[input];
  if (asNumber !== undefined) return asNumber >= 1 && asNumber <= labels.length ? asNumber - 1 : undefined;

  const normalized = labels.map(normalizedLabel);
  const exact = normalized.indexOf(input);
  if (exact !== -1) return exact;
  if (input.length >= 2) {
    const prefixed = uniqueIndex(normalized, (label) => label.startsWith(input) || label.split(" ").includes(input));
    if (prefixed !== undefined) return prefixed;
  }
  // Too short to be a typo of a label, or far longer than any label (a free-text question).
  if (input.length < 4 || normalized.every((label) => input.length > label.length + 8)) return undefined;
  const tolerance = Math.max(1, Math.floor(input.length / 5));
  let best: number | undefined;
  let bestDistance = Infinity;
  let tie = false;
  normalized.forEach((label, i) => {
    const d = Math.min(distance(input, label), distance(input, label.slice(0, input.length)));
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  });
  return bestDistance <= tolerance && !tie ? best : undefined;
}

const labelCache = new Map<string, string>();

/** Labels repeat on every menu answer: normalize each once. */
function normalizedLabel(label: string): string {
  let value = labelCache.get(label);
  if (value === undefined) {
    value = normalizeForMatch(label);
    if (labelCache.size < 5000) labelCache.set(label, value);
  }
  return value;
}

function uniqueIndex(labels: readonly string[], predicate: (label: string) => boolean): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < labels.length; i++) {
    if (!predicate(labels[i]!)) continue;
    if (found !== undefined) return undefined;
    found = i;
  }
  return found;
}
