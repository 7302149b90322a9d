/**
 * The text model behind the router: a Naive Bayes model and a logistic regression over the same
 * interned features, a speller over the same vocabulary, and their combination into per-office
 * confidences. Training and scoring only; knowledge sources are fed in by router.ts.
 */
import { extractFeatures, type TextFeatures } from "./features.ts";
import { createLogisticRegression, type LogisticRegression, type SparseVector } from "./logistic.ts";
import { createNaiveBayes, type NaiveBayes } from "./naive-bayes.ts";
import { createSpeller, type Speller } from "./speller.ts";
import type { Term } from "./tokens.ts";
import type { RouterTuning } from "./tuning.ts";
import { CHAR, WORD, createVocabulary, encode } from "./vocabulary.ts";

/** A labelled document, encoded once, ready to be counted for one or more offices. */
export interface EncodedDocument {
  readonly features: TextFeatures;
  readonly vector: SparseVector;
}

export interface TextModel {
  /** Encodes a training text, growing the vocabulary. */
  encodeForTraining(text: string): EncodedDocument;
  /** Counts a document for `classIndex` with `weight` (in units of one example). */
  train(document: EncodedDocument, classIndex: number, weight: number): void;
  /** Fits the logistic model on every document trained so far. */
  fit(): void;
  /** Applies a correction at once: heavy counts plus a few gradient steps. */
  learn(document: EncodedDocument, classIndex: number): void;
  /** Writes per-class probabilities of `text` into `out`; returns the features it used. */
  score(text: string, out: Float64Array): TextFeatures;
}

export function createTextModel(classCount: number, tuning: RouterTuning): TextModel {
  const vocabulary = createVocabulary();
  const naiveBayes: NaiveBayes = createNaiveBayes(vocabulary, classCount, tuning.smoothing);
  const logistic: LogisticRegression = createLogisticRegression(classCount, {
    learningRate: tuning.logisticRate,
    l2: tuning.logisticL2,
  });
  const speller: Speller = createSpeller();
  const logisticKindWeights = [1, tuning.logisticBigramWeight, tuning.logisticCharWeight];
  const nbScale = tuning.naiveBayesWeight / tuning.temperature;
  const naiveBayesKindScales = [tuning.wordScale * nbScale, tuning.bigramScale * nbScale, tuning.charScale * nbScale];
  const logits = new Float64Array(classCount);
  const repair = (term: Term): Term => (vocabulary.id(WORD, term.stem, false) >= 0 ? term : speller.correct(term));

  function encodeForTraining(text: string): EncodedDocument {
    const features = extractFeatures(text);
    for (const term of features.terms) speller.add(term);
    return { features, vector: encode(vocabulary, features, logisticKindWeights, true) };
  }

  function train(document: EncodedDocument, classIndex: number, weight: number): void {
    naiveBayes.add(document.vector.ids, classIndex, weight);
    if (document.features.words.length > 0)
      logistic.addSample(document.vector, classIndex, Math.min(weight, tuning.logisticMaxSampleWeight));
  }

  function learn(document: EncodedDocument, classIndex: number): void {
    naiveBayes.add(document.vector.ids, classIndex, tuning.learnedWeight);
    logistic.update(document.vector, classIndex, 1, tuning.learnedSteps);
  }

  /** Content words the model has seen, directly or through most of their character n-grams. */
  function knownTermCount(features: TextFeatures): number {
    let known = 0;
    for (const term of features.terms) {
      if (vocabulary.id(WORD, term.stem, false) >= 0) {
        known++;
        continue;
      }
      let seen = 0;
      for (const gram of term.grams) if (vocabulary.id(CHAR, gram, false) >= 0) seen++;
      if (seen >= 0.6 * term.grams.length) known += 0.5;
    }
    return known;
  }

  function score(text: string, out: Float64Array): TextFeatures {
    const features = extractFeatures(text, repair);
    const known = knownTermCount(features);
    if (known === 0) {
      out.fill(1 / classCount);
      return features;
    }
    const vector = encode(vocabulary, features, logisticKindWeights, false);
    out.fill(0);
    naiveBayes.accumulate(vector.ids, naiveBayesKindScales, out);
    logistic.logits(vector, logits);
    for (let c = 0; c < classCount; c++) out[c] = (out[c] as number) + tuning.logisticWeight * (logits[c] as number);
    softmaxInPlace(out);
    // Few known words → little evidence: shrink towards uniform so garbage never looks certain.
    const evidence = 1 - Math.pow(tuning.evidenceBase, known);
    for (let c = 0; c < classCount; c++) out[c] = evidence * (out[c] as number) + (1 - evidence) / classCount;
    return features;
  }

  return { encodeForTraining, train, fit: () => logistic.fit(tuning.logisticEpochs), learn, score };
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp((scores[c] as number) - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) / sum;
}
