/**
 * Routing of citizens' messages to the alcaldía's offices (secretarías). Pure: no I/O, no clock.
 *
 * @example
 * const router = createRouter({ offices: profile.offices });
 * const [best] = router.route("hay un hueco enorme en la via");
 * if (best && best.score >= profile.routing.confirmThreshold) assign(best.officeKey);
 */
export type { RoutableOffice, RouteCandidate, Router, TrainingExample } from "./types.ts";
export { createRouter, RoutingError } from "./router.ts";
export { normalizeText } from "./normalize.ts";
export { DEFAULT_TUNING, type RouterTuning } from "./tuning.ts";
export { BUILT_IN_KNOWLEDGE, type CategoryKnowledge } from "./knowledge/index.ts";
export { evaluateRouting, type RoutingEvaluation, type LabelledMessage } from "./evaluate.ts";
