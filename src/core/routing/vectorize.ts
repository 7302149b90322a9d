/**
 * Interns features into dense ids and turns a message's features into an L2-normalized sparse
 * vector for the logistic model, each kind of feature with its own weight.
 */
import type { TextFeatures } from "./features.ts";
import type { SparseVector } from "./logistic.ts";

/** Relative weights of each kind of feature before normalization. */
export interface FeatureWeights {
  word: number;
  bigram: number;
  char: number;
}

export interface FeatureIndex {
  /** Vector of `features`; with `grow` false, features never seen before are left out. */
  vectorize(features: TextFeatures, grow: boolean): SparseVector;
}

export function createFeatureIndex(weights: FeatureWeights): FeatureIndex {
  const ids = new Map<string, number>();

  function idOf(key: string, grow: boolean): number {
    let id = ids.get(key);
    if (id === undefined && grow) {
      id = ids.size;
      ids.set(key, id);
    }
    return id ?? -1;
  }

  function vectorize(features: TextFeatures, grow: boolean): SparseVector {
    const size = features.words.length + features.bigrams.length + features.chars.length;
    const outIds = new Int32Array(size);
    const outValues = new Float64Array(size);
    let n = 0;
    let squares = 0;
    const push = (key: string, value: number): void => {
      const id = idOf(key, grow);
      if (id < 0 || value === 0) return;
      outIds[n] = id;
      outValues[n] = value;
      n++;
      squares += value * value;
    };
    for (const f of features.words) push(`w${f}`, weights.word);
    for (const f of features.bigrams) push(`b${f}`, weights.bigram);
    for (const f of features.chars) push(`c${f}`, weights.char);
    const norm = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let k = 0; k < n; k++) outValues[k] = (outValues[k] ?? 0) * norm;
    return { ids: outIds.subarray(0, n), values: outValues.subarray(0, n) };
  }

  return { vectorize };
}
