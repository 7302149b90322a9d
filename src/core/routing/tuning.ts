/**
 * Weights and constants of the router. Chosen by cross-validation on the built-in knowledge base
 * (never on the labelled evaluation sets); exposed so experiments can vary them.
 */
export interface RouterTuning {
  /** Laplace pseudo-count per feature and office. */
  smoothing: number;
  /** Multipliers of each model's log-likelihood in the combined score. */
  wordScale: number;
  bigramScale: number;
  charScale: number;
  /** Temperature dividing the Naive Bayes log-likelihoods (higher → flatter confidences). */
  temperature: number;
  /** Mix of the two models' logits. */
  naiveBayesWeight: number;
  logisticWeight: number;
  /** Logistic model: feature weights relative to words, SGD rate, L2 decay, passes. */
  logisticBigramWeight: number;
  logisticCharWeight: number;
  logisticRate: number;
  logisticL2: number;
  logisticEpochs: number;
  /** Cap on a document's weight in the logistic model's SGD (large steps destabilize it). */
  logisticMaxSampleWeight: number;
  /** Gradient steps taken on a learned correction. */
  learnedSteps: number;
  /** Confidence shrinks towards uniform by evidenceBase^(known content words). */
  evidenceBase: number;
  /** Document weights, in units of one example. */
  neutralWeight: number;
  profileNameWeight: number;
  profileDescriptionWeight: number;
  profileKeywordWeight: number;
  profileExampleWeight: number;
  knowledgeKeywordWeight: number;
  knowledgeExampleWeight: number;
  learnedWeight: number;
}

export const DEFAULT_TUNING: RouterTuning = {
  smoothing: 0.1,
  wordScale: 1,
  bigramScale: 0.5,
  charScale: 0.15,
  temperature: 6,
  naiveBayesWeight: 0.5,
  logisticWeight: 2,
  logisticBigramWeight: 1,
  logisticCharWeight: 0.3,
  logisticRate: 2,
  logisticL2: 0.003,
  logisticEpochs: 15,
  logisticMaxSampleWeight: 2,
  learnedSteps: 5,
  evidenceBase: 0.35,
  neutralWeight: 2,
  profileNameWeight: 2,
  profileDescriptionWeight: 1,
  profileKeywordWeight: 1.5,
  profileExampleWeight: 1,
  knowledgeKeywordWeight: 1,
  knowledgeExampleWeight: 1,
  learnedWeight: 4,
};
