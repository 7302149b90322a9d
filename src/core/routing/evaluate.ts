/**
 * Measures a router against labelled messages. Labels are reference categories, and routed office
 * keys are mapped to their office's category, so one labelled set serves every municipality.
 */
import type { RoutableOffice, Router } from "./types.ts";

/** A labelled message; `office` is a reference category key. */
export interface LabelledMessage {
  id: string;
  text: string;
  office: string;
}

export interface CategoryMetrics {
  category: string;
  /** Correct top-1 predictions of this category / all top-1 predictions of it (NaN if none). */
  precision: number;
  /** Correct top-1 predictions of this category / messages labelled with it (NaN if none). */
  recall: number;
  support: number;
}

export interface RoutingEvaluation {
  total: number;
  top1Accuracy: number;
  top3Accuracy: number;
  perCategory: CategoryMetrics[];
  /** Row and column order of `confusion`: the offices' categories, then any other labelled one. */
  categories: string[];
  /** confusion[actual][predicted] = count of messages. */
  confusion: number[][];
  /** Top-1 misses, for finding missing topics (not for copying their wording). */
  misses: { id: string; expected: string; predicted: string; score: number }[];
  /** Mean top score of correct and of wrong top-1 predictions, to choose a confirm threshold. */
  meanScoreCorrect: number;
  meanScoreWrong: number;
}

const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Routes every message and compares by category. */
export function evaluateRouting(
  router: Router,
  offices: readonly RoutableOffice[],
  set: readonly LabelledMessage[],
): RoutingEvaluation {
  const categoryOf = new Map(offices.map((o) => [o.key, o.category]));
  const categories = [...new Set([...offices.map((o) => o.category), ...set.map((m) => m.office)])];
  const index = new Map(categories.map((c, i) => [c, i]));
  const confusion = categories.map(() => categories.map(() => 0));
  const misses: RoutingEvaluation["misses"] = [];
  const correctScores: number[] = [];
  const wrongScores: number[] = [];
  let top1 = 0;
  let top3 = 0;
  for (const message of set) {
    const candidates = router.route(message.text, 3);
    const predicted = categoryOf.get(candidates[0]?.officeKey ?? "") ?? "none";
    const score = candidates[0]?.score ?? 0;
    if (predicted === message.office) {
      top1++;
      correctScores.push(score);
    } else {
      misses.push({ id: message.id, expected: message.office, predicted, score });
      wrongScores.push(score);
    }
    if (candidates.some((c) => categoryOf.get(c.officeKey) === message.office)) top3++;
    const row = confusion[index.get(message.office) ?? 0];
    const col = index.get(predicted);
    if (row && col !== undefined) row[col] = (row[col] ?? 0) + 1;
  }
  const perCategory = categories.map((category, i) => {
    const truePositives = confusion[i]?.[i] ?? 0;
    const predictedCount = confusion.reduce((sum, row) => sum + (row[i] ?? 0), 0);
    const support = (confusion[i] ?? []).reduce((a, b) => a + b, 0);
    return { category, precision: truePositives / predictedCount, recall: truePositives / support, support };
  });
  const total = set.length;
  return {
    total,
    top1Accuracy: total === 0 ? Number.NaN : top1 / total,
    top3Accuracy: total === 0 ? Number.NaN : top3 / total,
    perCategory,
    categories,
    confusion,
    misses,
    meanScoreCorrect: mean(correctScores),
    meanScoreWrong: mean(wrongScores),
  };
}
