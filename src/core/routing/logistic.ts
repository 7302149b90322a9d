/**
 * Multinomial logistic regression (softmax) over sparse, L2-normalized feature vectors, trained by
 * stochastic gradient descent with L2 decay. Discriminative, so a decisive word ("predial") keeps
 * its weight even when a message also mentions a common topic ("adultos mayores").
 * Corrections are applied by a few gradient steps on the new example, not by retraining.
 */

/** A sparse vector: parallel feature ids and values. */
export interface SparseVector {
  readonly ids: Int32Array;
  readonly values: Float64Array;
}

interface Sample {
  readonly vector: SparseVector;
  readonly classIndex: number;
  readonly weight: number;
}

export interface LogisticRegression {
  /** Adds a training sample; call `fit` afterwards. */
  addSample(vector: SparseVector, classIndex: number, weight: number): void;
  /** Runs `epochs` passes of SGD over every sample added so far, in a fixed pseudo-random order. */
  fit(epochs: number): void;
  /** Nudges the model towards `classIndex` for `vector` with up to `steps` gradient steps. */
  update(vector: SparseVector, classIndex: number, weight: number, steps: number): void;
  /** Writes the raw class scores (logits) for `vector` into `out`. */
  logits(vector: SparseVector, out: Float64Array): void;
}

/** Options: `learningRate` of plain SGD and per-sample `l2` shrinkage of the touched weights. */
export function createLogisticRegression(
  classCount: number,
  options: { learningRate: number; l2: number },
): LogisticRegression {
  let weights = new Float64Array(1024 * classCount);
  const samples: Sample[] = [];
  /** Scratch: logits, then probabilities, then rate × gradient per class. */
  const gradient = new Float64Array(classCount);

  function ensureCapacity(vector: SparseVector): void {
    let maxId = -1;
    for (const id of vector.ids) if (id > maxId) maxId = id;
    const needed = (maxId + 1) * classCount;
    if (needed <= weights.length) return;
    let size = weights.length;
    while (size < needed) size *= 2;
    const grown = new Float64Array(size);
    grown.set(weights);
    weights = grown;
  }

  function logits(vector: SparseVector, out: Float64Array): void {
    out.fill(0);
    const { ids, values } = vector;
    const w = weights;
    for (let k = 0; k < ids.length; k++) {
      const base = (ids[k] as number) * classCount;
      if (base >= w.length) continue;
      const value = values[k] as number;
      for (let c = 0; c < classCount; c++) out[c] = (out[c] as number) + value * (w[base + c] as number);
    }
  }

  function step(vector: SparseVector, classIndex: number, rate: number): void {
    logits(vector, gradient);
    let max = -Infinity;
    for (const z of gradient) if (z > max) max = z;
    let sum = 0;
    for (let c = 0; c < classCount; c++) {
      const e = Math.exp((gradient[c] as number) - max);
      gradient[c] = e;
      sum += e;
    }
    for (let c = 0; c < classCount; c++)
      gradient[c] = (rate * (gradient[c] as number)) / sum - (c === classIndex ? rate : 0);
    const shrink = 1 - rate * options.l2;
    const { ids, values } = vector;
    const w = weights;
    for (let k = 0; k < ids.length; k++) {
      const base = (ids[k] as number) * classCount;
      const value = values[k] as number;
      for (let c = 0; c < classCount; c++) {
        w[base + c] = (w[base + c] as number) * shrink - (gradient[c] as number) * value;
      }
    }
  }

  function fit(epochs: number): void {
    const order = samples.map((_, i) => i);
    let seed = 12345;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      const rate = options.learningRate / (1 + epoch / 4);
      for (const i of order) {
        const sample = samples[i];
        if (sample) step(sample.vector, sample.classIndex, rate * sample.weight);
      }
    }
  }

  return {
    addSample(vector, classIndex, weight) {
      ensureCapacity(vector);
      samples.push({ vector, classIndex, weight });
    },
    fit,
    update(vector, classIndex, weight, steps) {
      ensureCapacity(vector);
      samples.push({ vector, classIndex, weight });
      for (let s = 0; s < steps; s++) step(vector, classIndex, options.learningRate * weight);
    },
    logits,
  };
}
