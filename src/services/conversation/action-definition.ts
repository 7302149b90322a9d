/**
 * What a flow action is: its context (the citizen and where they wrote), what it returns, and the
 * results it declares so the flow validator can check every one is handled (src/services/conversation/actions.ts
 * lists them by name).
 */
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { AppContext } from "../context.ts";

export interface ActionContext {
  app: AppContext;
  citizen: CitizenContext;
  channel: string;
  address: string;
  data: Readonly<Record<string, unknown>>;
}

export interface ActionOutcome {
  result: string;
  /** Variables merged into the conversation; `null` removes one. */
  data?: Record<string, unknown>;
  /** Drop every variable before merging `data`. */
  clearData?: boolean;
  /** The citizen's data was erased: do not save the conversation again. */
  erased?: boolean;
}

export interface ActionDefinition {
  results: readonly string[];
  run(ctx: ActionContext): ActionOutcome | Promise<ActionOutcome>;
}
