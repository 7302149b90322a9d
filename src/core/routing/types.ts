/** Public types of the routing module. */

/** An office as the router sees it: the profile's dependencia mapped onto a reference category. */
export interface RoutableOffice {
  /** The profile's office key; routes name it. */
  key: string;
  /** One of the 14 reference keys of ../shared/routing/offices.yaml. */
  category: string;
  name: string;
  description: string;
  keywords: readonly string[];
  examples: readonly string[];
}

/**
 * One suggested office. `score` is in [0, 1]; across all offices scores sum to 1, so a clear
 * message gives a high top score and an ambiguous or meaningless one gives low, flat scores.
 */
export interface RouteCandidate {
  officeKey: string;
  score: number;
}

/** A labelled message, such as an official's reassignment of a question. */
export interface TrainingExample {
  text: string;
  officeKey: string;
}

/** Routes citizens' messages to offices. Not thread-safe across workers; cheap to call. */
export interface Router {
  /**
   * Best offices for a text, sorted by score descending, at most `limit` (default 3). Empty text or
   * pure garbage gives every office the same low score (1 / number of offices).
   */
  route(text: string, limit?: number): RouteCandidate[];
  /**
   * Adds a correction and applies it at once (incremental counts, no rebuild): the same or a
   * similar text routes to `example.officeKey` afterwards. Throws RoutingError("unknown_office")
   * for a key that is not one of the router's offices.
   */
  learn(example: TrainingExample): void;
}
