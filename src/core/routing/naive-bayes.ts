/**
 * Incremental multinomial Naive Bayes over interned string features, with Laplace smoothing.
 * Adding a document touches only its features' rows and one class total, so a correction is
 * applied at once without retraining. Features unseen in training are ignored when scoring.
 */

/** One multinomial Naive Bayes model over a single kind of feature. */
export interface NaiveBayes {
  /** Counts `features` (deduplicated by the caller or not) for class `classIndex`, times `weight`. */
  add(features: readonly string[], classIndex: number, weight: number): void;
  /**
   * Adds Σ log P(feature | class) × `scale` over the known features to `scores[class]`.
   * Returns how many of `features` were known.
   */
  accumulate(features: readonly string[], scale: number, scores: Float64Array): number;
  /** True if the feature was ever counted. */
  has(feature: string): boolean;
}

/**
 * Creates an empty model for `classCount` classes. `smoothing` is the Laplace pseudo-count added to
 * every feature-class pair (smaller → sharper, more confident scores).
 */
export function createNaiveBayes(classCount: number, smoothing: number): NaiveBayes {
  const rows = new Map<string, Float64Array>();
  const logRows = new Map<string, Float64Array>();
  const classTotals = new Float64Array(classCount);
  const logDenominators = new Float64Array(classCount);
  let denominatorsStale = true;

  function refreshDenominators(): void {
    const vocabularySize = rows.size;
    for (let c = 0; c < classCount; c++) {
      logDenominators[c] = Math.log((classTotals[c] ?? 0) + smoothing * vocabularySize);
    }
    denominatorsStale = false;
  }

  function add(features: readonly string[], classIndex: number, weight: number): void {
    for (const feature of features) {
      let row = rows.get(feature);
      let logRow = logRows.get(feature);
      if (row === undefined || logRow === undefined) {
        row = new Float64Array(classCount);
        logRow = new Float64Array(classCount).fill(Math.log(smoothing));
        rows.set(feature, row);
        logRows.set(feature, logRow);
      }
      row[classIndex] = (row[classIndex] ?? 0) + weight;
      logRow[classIndex] = Math.log((row[classIndex] ?? 0) + smoothing);
      classTotals[classIndex] = (classTotals[classIndex] ?? 0) + weight;
    }
    denominatorsStale = true;
  }

  function accumulate(features: readonly string[], scale: number, scores: Float64Array): number {
    if (denominatorsStale) refreshDenominators();
    let known = 0;
    for (const feature of features) {
      const logRow = logRows.get(feature);
      if (logRow === undefined) continue;
      known++;
      for (let c = 0; c < classCount; c++) {
        scores[c] = (scores[c] ?? 0) + scale * ((logRow[c] ?? 0) - (logDenominators[c] ?? 0));
      }
    }
    return known;
  }

  return { add, accumulate, has: (feature) => rows.has(feature) };
}
