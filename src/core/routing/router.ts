/**
 * The router: a text model (Naive Bayes + logistic regression over stems, stem pairs and character
 * n-grams) trained on the profile's offices and on the built-in knowledge of their categories,
 * plus a memory of officials' corrections.
 */
import { BUILT_IN_KNOWLEDGE, NEUTRAL_TEXT, type CategoryKnowledge } from "./knowledge/index.ts";
import { createCorrectionMemory } from "./memory.ts";
import { createTextModel, type TextModel } from "./model.ts";
import { DEFAULT_TUNING, type RouterTuning } from "./tuning.ts";
import type { RouteCandidate, RoutableOffice, Router, TrainingExample } from "./types.ts";

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

function trainOffices(model: TextModel, offices: readonly RoutableOffice[], tuning: RouterTuning): void {
  // Letter formulas and family words are counted once per office, so they point nowhere.
  const neutral = model.encodeForTraining(NEUTRAL_TEXT);
  offices.forEach((office, i) => {
    model.train(neutral, i, tuning.neutralWeight);
    model.train(model.encodeForTraining(office.name), i, tuning.profileNameWeight);
    model.train(model.encodeForTraining(office.description), i, tuning.profileDescriptionWeight);
    for (const keyword of office.keywords)
      model.train(model.encodeForTraining(keyword), i, tuning.profileKeywordWeight);
    for (const example of office.examples)
      model.train(model.encodeForTraining(example), i, tuning.profileExampleWeight);
  });
}

/**
 * Built-in knowledge of a category goes to the profile offices mapped onto it, shared equally when
 * there are several; a category with no office in the profile is left out.
 */
function trainKnowledge(
  model: TextModel,
  offices: readonly RoutableOffice[],
  base: readonly CategoryKnowledge[],
  tuning: RouterTuning,
): void {
  for (const knowledge of base) {
    const targets = offices.flatMap((office, i) => (office.category === knowledge.category ? [i] : []));
    if (targets.length === 0) continue;
    const share = 1 / targets.length;
    const keywords = knowledge.keywords.map((text) => model.encodeForTraining(text));
    const examples = knowledge.examples.map((text) => model.encodeForTraining(text));
    for (const i of targets) {
      for (const document of keywords) model.train(document, i, tuning.knowledgeKeywordWeight * share);
      for (const document of examples) model.train(document, i, tuning.knowledgeExampleWeight * share);
    }
  }
}

/**
 * Builds a router for a municipality's offices (≈0.3–0.6 s: it trains on a few thousand texts).
 * `learned` corrections are replayed on top; those naming an office no longer in the profile are
 * skipped, since profiles change. `knowledge` replaces the built-in knowledge base (experiments,
 * tests); `tuning` overrides weights. Throws RoutingError("no_offices") for an empty office list.
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
  const model = createTextModel(offices.length, tuning);
  const memory = createCorrectionMemory(offices.length);
  const indexByKey = new Map(offices.map((office, i) => [office.key, i]));
  trainOffices(model, offices, tuning);
  trainKnowledge(model, offices, input.knowledge ?? BUILT_IN_KNOWLEDGE, tuning);
  model.fit();

  function absorb(example: TrainingExample, classIndex: number): void {
    const document = model.encodeForTraining(example.text);
    model.learn(document, classIndex);
    memory.add(document.features.words, classIndex);
  }
  for (const example of input.learned ?? []) {
    const classIndex = indexByKey.get(example.officeKey);
    if (classIndex !== undefined) absorb(example, classIndex);
  }

  const order = offices.map((_, i) => i);
  return {
    route(text: string, limit = 3): RouteCandidate[] {
      const p = new Float64Array(offices.length);
      const features = model.score(text, p);
      memory.blend(features.words, p);
      order.sort((a, b) => (p[b] as number) - (p[a] as number) || a - b);
      return order.slice(0, Math.max(0, limit)).map((i) => ({ officeKey: offices[i]!.key, score: p[i] as number }));
    },
    learn(example: TrainingExample): void {
      const classIndex = indexByKey.get(example.officeKey);
      if (classIndex === undefined) {
        const hint = "use the key of one of the profile's offices";
        throw new RoutingError(
          "unknown_office",
          `Cannot learn towards unknown office '${example.officeKey}': ${hint}.`,
        );
      }
      absorb(example, classIndex);
    },
  };
}
