/**
 * Incremental multinomial Naive Bayes over interned feature ids, one multinomial per kind of
 * feature (words, stem pairs, character n-grams), with Laplace smoothing. Adding a document touches
 * only its features' rows and its class totals, so a correction applies at once without
 * retraining. Features unseen in training have no id and are ignored when scoring.
 */
import { FEATURE_KINDS, type Vocabulary } from "./vocabulary.ts";

export interface NaiveBayes {
  /** Counts the features `ids` (deduplicated) for class `classIndex`, times `weight`. */
  add(ids: Int32Array, classIndex: number, weight: number): void;
  /** Adds Σ log P(feature | class) × kindScales[kind of feature] to `scores[class]`. */
  accumulate(ids: Int32Array, kindScales: readonly number[], scores: Float64Array): void;
}

/** `smoothing` is the pseudo-count added to every feature-class pair (smaller → sharper). */
export function createNaiveBayes(vocabulary: Vocabulary, classCount: number, smoothing: number): NaiveBayes {
  let counts = new Float64Array(4096 * classCount);
  let logCounts = new Float64Array(4096 * classCount).fill(Math.log(smoothing));
  const classTotals = new Float64Array(FEATURE_KINDS * classCount);
  const logDenominators = new Float64Array(FEATURE_KINDS * classCount);
  let stale = true;

  function ensureCapacity(): void {
    const needed = vocabulary.size() * classCount;
    if (needed <= counts.length) return;
    let length = counts.length;
    while (length < needed) length *= 2;
    const grownCounts = new Float64Array(length);
    grownCounts.set(counts);
    const grownLogs = new Float64Array(length).fill(Math.log(smoothing));
    grownLogs.set(logCounts);
    counts = grownCounts;
    logCounts = grownLogs;
  }

  function refreshDenominators(): void {
    for (let kind = 0; kind < FEATURE_KINDS; kind++) {
      const vocabularySize = vocabulary.sizes[kind] as number;
      for (let c = 0; c < classCount; c++) {
        const k = kind * classCount + c;
        logDenominators[k] = Math.log((classTotals[k] as number) + smoothing * vocabularySize);
      }
    }
    stale = false;
  }

  function add(ids: Int32Array, classIndex: number, weight: number): void {
    ensureCapacity();
    const kinds = vocabulary.kinds();
    for (const id of ids) {
      const k = id * classCount + classIndex;
      counts[k] = (counts[k] as number) + weight;
      logCounts[k] = Math.log((counts[k] as number) + smoothing);
      const t = (kinds[id] as number) * classCount + classIndex;
      classTotals[t] = (classTotals[t] as number) + weight;
    }
    stale = true;
  }

  function accumulate(ids: Int32Array, kindScales: readonly number[], scores: Float64Array): void {
    if (stale) refreshDenominators();
    const kinds = vocabulary.kinds();
    const logs = logCounts;
    for (const id of ids) {
      const base = id * classCount;
      if (base >= logs.length) continue;
      const kind = kinds[id] as number;
      const scale = kindScales[kind] as number;
      const denominators = kind * classCount;
      for (let c = 0; c < classCount; c++) {
        scores[c] =
          (scores[c] as number) + scale * ((logs[base + c] as number) - (logDenominators[denominators + c] as number));
      }
    }
  }

  return { add, accumulate };
}
