/**
 * Memory of corrections: when a new message shares most of its content words with a corrected one,
 * the corrected office gets a share of the confidence in proportion to the overlap. This makes a
 * single correction decisive for near-repeats while leaving unrelated messages untouched.
 */

/** Set cosine above which a remembered correction starts to count. */
const MIN_SIMILARITY = 0.4;
/** Largest share of confidence a remembered correction can claim. */
const MAX_SHARE = 0.9;

export interface CorrectionMemory {
  add(words: readonly string[], classIndex: number): void;
  /** Moves confidence in `probabilities` towards the office of the most similar correction. */
  blend(words: readonly string[], probabilities: Float64Array): void;
}

export function createCorrectionMemory(classCount: number): CorrectionMemory {
  const sizes: number[] = [];
  const classes: number[] = [];
  const postings = new Map<string, number[]>();

  function add(words: readonly string[], classIndex: number): void {
    if (words.length === 0) return;
    const id = sizes.length;
    sizes.push(words.length);
    classes.push(classIndex);
    for (const word of words) {
      const list = postings.get(word);
      if (list === undefined) postings.set(word, [id]);
      else list.push(id);
    }
  }

  function bestMatch(words: readonly string[]): { id: number; similarity: number } | undefined {
    const overlaps = new Map<number, number>();
    for (const word of words) {
      for (const id of postings.get(word) ?? []) overlaps.set(id, (overlaps.get(id) ?? 0) + 1);
    }
    let best: { id: number; similarity: number } | undefined;
    for (const [id, overlap] of overlaps) {
      const similarity = overlap / Math.sqrt(words.length * (sizes[id] ?? 1));
      if (best === undefined || similarity > best.similarity || (similarity === best.similarity && id > best.id)) {
        best = { id, similarity };
      }
    }
    return best;
  }

  function blend(words: readonly string[], probabilities: Float64Array): void {
    if (sizes.length === 0 || words.length === 0) return;
    const match = bestMatch(words);
    if (match === undefined || match.similarity < MIN_SIMILARITY) return;
    const share = MAX_SHARE * Math.min(1, (match.similarity - MIN_SIMILARITY) / (1 - MIN_SIMILARITY));
    const target = classes[match.id] ?? 0;
    for (let c = 0; c < classCount; c++) probabilities[c] = (1 - share) * (probabilities[c] ?? 0);
    probabilities[target] = (probabilities[target] ?? 0) + share;
  }

  return { add, blend };
}
