/**
 * Interns features into dense ids shared by both models, one id space for the three kinds of
 * feature, and turns a message's features into an L2-normalized sparse vector.
 */
import type { TextFeatures } from "./features.ts";
import type { SparseVector } from "./logistic.ts";

/** Kinds of feature; the index into per-kind weights and statistics. */
export const WORD = 0;
export const BIGRAM = 1;
export const CHAR = 2;
export const FEATURE_KINDS = 3;

export interface Vocabulary {
  /** Id of a feature of `kind`; -1 if unseen and `grow` is false. */
  id(kind: number, key: string, grow: boolean): number;
  /** Kind of each id, indexed by id. */
  readonly kinds: () => Uint8Array;
  /** Number of ids of each kind. */
  readonly sizes: Int32Array;
  /** Total number of ids. */
  size(): number;
}

export function createVocabulary(): Vocabulary {
  const maps = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  const sizes = new Int32Array(FEATURE_KINDS);
  let kinds = new Uint8Array(4096);
  let size = 0;

  function id(kind: number, key: string, grow: boolean): number {
    const map = maps[kind] as Map<string, number>;
    const existing = map.get(key);
    if (existing !== undefined) return existing;
    if (!grow) return -1;
    if (size === kinds.length) {
      const grown = new Uint8Array(kinds.length * 2);
      grown.set(kinds);
      kinds = grown;
    }
    kinds[size] = kind;
    sizes[kind] = (sizes[kind] as number) + 1;
    map.set(key, size);
    return size++;
  }

  return { id, kinds: () => kinds, sizes, size: () => size };
}

/**
 * Encodes features as ids with L2-normalized values, each kind weighted by `kindWeights`.
 * With `grow` false, unseen features are left out (they carry no learned evidence).
 */
export function encode(
  vocabulary: Vocabulary,
  features: TextFeatures,
  kindWeights: readonly number[],
  grow: boolean,
): SparseVector {
  const capacity = features.words.length + features.bigrams.length + features.chars.length;
  const ids = new Int32Array(capacity);
  const values = new Float64Array(capacity);
  let n = 0;
  let squares = 0;
  const lists = [features.words, features.bigrams, features.chars];
  for (let kind = 0; kind < FEATURE_KINDS; kind++) {
    const weight = kindWeights[kind] as number;
    for (const key of lists[kind] as readonly string[]) {
      const id = vocabulary.id(kind, key, grow);
      if (id < 0) continue;
      ids[n] = id;
      values[n] = weight;
      n++;
      squares += weight * weight;
    }
  }
  const norm = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  for (let k = 0; k < n; k++) values[k] = (values[k] as number) * norm;
  return { ids: ids.subarray(0, n), values: values.subarray(0, n) };
}
