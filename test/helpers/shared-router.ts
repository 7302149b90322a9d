/**
 * One trained routing model per test process and profile, instead of one per runtime: training
 * takes about half a second (several seconds on a busy machine), and most integration tests build
 * a runtime or two per test without testing routing. The shared model is only read; the first
 * `learn()` of a runtime gives that runtime its own model, trained from scratch with the same
 * input, so a test that teaches the router never changes what another test sees.
 */
import { createRouter } from "../../src/core/routing/index.ts";
import type { Router } from "../../src/core/routing/types.ts";
import type { RouterFactory } from "../../src/services/context.ts";

const trained = new Map<string, Router>();

export const sharedRouterFactory: RouterFactory = (input) => {
  const key = JSON.stringify(input);
  let shared = trained.get(key);
  if (!shared) {
    shared = createRouter(input);
    trained.set(key, shared);
  }
  let own: Router | undefined;
  return {
    route: (text, limit) => (own ?? shared).route(text, limit),
    learn(example) {
      own ??= createRouter(input);
      own.learn(example);
    },
  };
};
