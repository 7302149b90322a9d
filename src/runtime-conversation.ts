/**
 * The conversation half of the runtime: the flows (validated against the actions and every
 * locale), the flow engine and the inbound handler. src/runtime.ts loads this module with
 * `import()`, and not at all for a `rinde` command (`conversation: false`): no command talks with
 * citizens, and these modules bring every conversation action with its libraries (ics, yup), a
 * quarter of a command's start-up (issue 12, point 7).
 */
import { FLOWS_DIR } from "./config/env.ts";
import { createEngine, type Engine } from "./engine/engine.ts";
import { loadFlowSet } from "./engine/flow-load.ts";
import type { FlowSet } from "./engine/flow-validate.ts";
import type { Translator } from "./i18n/index.ts";
import { ACTION_RESULTS } from "./services/conversation/actions.ts";
import { createInboundHandler, type InboundHandler } from "./services/conversation/inbound.ts";

/** Loads and validates the flows against the actions and every locale. */
export function loadFlows(translator: Translator, dir = FLOWS_DIR): FlowSet {
  return loadFlowSet(dir, {
    actions: ACTION_RESULTS,
    locales: translator.locales,
    hasKey: (locale, key) => translator.hasKey(locale, key),
  });
}

/** The engine over the flows in `dir`, loaded and validated now. */
export function createFlowEngine(translator: Translator, dir: string): Engine {
  return createEngine(loadFlows(translator, dir));
}

export { createInboundHandler, type InboundHandler };
