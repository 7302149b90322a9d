/**
 * The router: three multinomial Naive Bayes models (word stems, stem pairs, character n-grams)
 * trained on the profile's offices and the built-in category knowledge, combined log-linearly,
 * turned into confidences with a temperature, shrunk towards uniform when the message has little
 * known vocabulary, and nudged by a memory of corrections.
 */
import { extractFeatures, charNgrams, type TextFeatures } from "./features.ts";
import { BUILT_IN_KNOWLEDGE, NEUTRAL_TEXT, type CategoryKnowledge } from "./knowledge/index.ts";
import { createCorrectionMemory } from "./memory.ts";
import { createLogisticRegression, type LogisticRegression } from "./logistic.ts";
import { createNaiveBayes, type NaiveBayes } from "./naive-bayes.ts";
import { DEFAULT_TUNING, type RouterTuning } from "./tuning.ts";
import type { RouteCandidate, RoutableOffice, Router, TrainingExample } from "./types.ts";
import { createFeatureIndex, type FeatureIndex } from "./vectorize.ts";

/** Thrown for programming errors such as learning towards an office the router does not know. */
export class RoutingError extends Error {
  constructor(
    readonly code: "unknown_office" | "no_offices",
    message: string,
  ) {
    super(message);
    this.name = "RoutingError";
  }
}

interface Models {
  readonly word: NaiveBayes;
  readonly bigram: NaiveBayes;
  readonly char: NaiveBayes;
  readonly index: FeatureIndex;
  readonly logistic: LogisticRegression;
}

function createModels(classCount: number, tuning: RouterTuning): Models {
  return {
    word: createNaiveBayes(classCount, tuning.smoothing),
    bigram: createNaiveBayes(classCount, tuning.smoothing),
    char: createNaiveBayes(classCount, tuning.smoothing),
    index: createFeatureIndex({ word: 1, bigram: tuning.logisticBigramWeight, char: tuning.logisticCharWeight }),
    logistic: createLogisticRegression(classCount, { learningRate: tuning.logisticRate, l2: tuning.logisticL2 }),
  };
}

/** Counts a document in the Naive Bayes models and queues it for the logistic model's fit. */
function train(models: Models, features: TextFeatures, classIndex: number, weight: number): void {
  models.word.add(features.words, classIndex, weight);
  models.bigram.add(features.bigrams, classIndex, weight);
  models.char.add(features.chars, classIndex, weight);
  if (features.words.length > 0) models.logistic.addSample(models.index.vectorize(features, true), classIndex, Math.min(weight, 2));
}

function trainOffices(models: Models, offices: readonly RoutableOffice[], tuning: RouterTuning): void {
  const neutral = extractFeatures(NEUTRAL_TEXT);
  offices.forEach((office, i) => {
    train(models, neutral, i, tuning.neutralWeight);
    train(models, extractFeatures(office.name), i, tuning.profileNameWeight);
    train(models, extractFeatures(office.description), i, tuning.profileDescriptionWeight);
    for (const keyword of office.keywords) train(models, extractFeatures(keyword), i, tuning.profileKeywordWeight);
    for (const example of office.examples) train(models, extractFeatures(example), i, tuning.profileExampleWeight);
  });
}

/** Built-in knowledge of a category is shared by the profile offices mapped onto it. */
function trainKnowledge(
  models: Models,
  offices: readonly RoutableOffice[],
  base: readonly CategoryKnowledge[],
  tuning: RouterTuning,
): void {
  for (const knowledge of base) {
    const targets = offices.flatMap((office, i) => (office.category === knowledge.category ? [i] : []));
    if (targets.length === 0) continue;
    const share = 1 / targets.length;
    const keywordFeatures = knowledge.keywords.map(extractFeatures);
    const exampleFeatures = knowledge.examples.map(extractFeatures);
    for (const i of targets) {
      for (const f of keywordFeatures) train(models, f, i, tuning.knowledgeKeywordWeight * share);
      for (const f of exampleFeatures) train(models, f, i, tuning.knowledgeExampleWeight * share);
    }
  }
}

/** Number of content words the models have seen, directly or through most of their n-grams. */
function knownTermCount(models: Models, features: TextFeatures): number {
  let known = 0;
  const grams = new Set<string>();
  for (const term of features.terms) {
    if (models.word.has(term.stem)) {
      known++;
      continue;
    }
    grams.clear();
    charNgrams(term.surface, grams);
    let seen = 0;
    for (const gram of grams) if (models.char.has(gram)) seen++;
    if (seen >= 0.6 * grams.size) known += 0.5;
  }
  return known;
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp((scores[c] ?? 0) - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] ?? 0) / sum;
}

/**
 * Builds a router for a municipality's offices. `learned` corrections are replayed on top of the
 * built-in knowledge; those naming an office no longer in the profile are skipped, since profiles
 * change. `knowledge` replaces the built-in knowledge base (for experiments and tests); `tuning`
 * overrides some weights. Throws RoutingError("no_offices") for an empty office list.
 */
export function createRouter(input: {
  offices: readonly RoutableOffice[];
  learned?: readonly TrainingExample[];
  knowledge?: readonly CategoryKnowledge[];
  tuning?: Partial<RouterTuning>;
}): Router {
  const { offices } = input;
  if (offices.length === 0) throw new RoutingError("no_offices", "createRouter needs at least one office.");
  const tuning: RouterTuning = { ...DEFAULT_TUNING, ...input.tuning };
  const classCount = offices.length;
  const models = createModels(classCount, tuning);
  const indexByKey = new Map(offices.map((office, i) => [office.key, i]));
  const memory = createCorrectionMemory(classCount);
  trainOffices(models, offices, tuning);
  trainKnowledge(models, offices, input.knowledge ?? BUILT_IN_KNOWLEDGE, tuning);
  models.logistic.fit(tuning.logisticEpochs);
  const logits = new Float64Array(classCount);

  function absorb(example: TrainingExample, classIndex: number): void {
    const features = extractFeatures(example.text);
    models.word.add(features.words, classIndex, tuning.learnedWeight);
    models.bigram.add(features.bigrams, classIndex, tuning.learnedWeight);
    models.char.add(features.chars, classIndex, tuning.learnedWeight);
    models.logistic.update(models.index.vectorize(features, true), classIndex, 1, tuning.learnedSteps);
    memory.add(features.words, classIndex);
  }

  for (const example of input.learned ?? []) {
    const classIndex = indexByKey.get(example.officeKey);
    if (classIndex !== undefined) absorb(example, classIndex);
  }

  function probabilities(text: string): Float64Array {
    const scores = new Float64Array(classCount);
    const features = extractFeatures(text);
    const known = knownTermCount(models, features);
    if (known === 0) return scores.fill(1 / classCount);
    const nbScale = tuning.naiveBayesWeight / tuning.temperature;
    models.word.accumulate(features.words, tuning.wordScale * nbScale, scores);
    models.bigram.accumulate(features.bigrams, tuning.bigramScale * nbScale, scores);
    models.char.accumulate(features.chars, tuning.charScale * nbScale, scores);
    models.logistic.logits(models.index.vectorize(features, false), logits);
    for (let c = 0; c < classCount; c++) scores[c] = (scores[c] ?? 0) + tuning.logisticWeight * (logits[c] ?? 0);
    softmaxInPlace(scores);
    const evidence = 1 - Math.pow(tuning.evidenceBase, known);
    for (let c = 0; c < classCount; c++) scores[c] = evidence * (scores[c] ?? 0) + (1 - evidence) / classCount;
    memory.blend(features.words, scores);
    return scores;
  }

  return {
    route(text: string, limit = 3): RouteCandidate[] {
      const p = probabilities(text);
      const order = offices.map((_, i) => i).sort((a, b) => (p[b] ?? 0) - (p[a] ?? 0) || a - b);
      return order.slice(0, Math.max(0, limit)).map((i) => ({ officeKey: offices[i]!.key, score: p[i] ?? 0 }));
    },
    learn(example: TrainingExample): void {
      const classIndex = indexByKey.get(example.officeKey);
      if (classIndex === undefined) {
        throw new RoutingError("unknown_office", `Cannot learn towards unknown office '${example.officeKey}'; use a key of the profile's offices.`);
      }
      absorb(example, classIndex);
    },
  };
}
