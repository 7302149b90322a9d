/**
 * The flow interpreter: a pure step `(state, event) → { state, outputs, action? }`.
 * It never touches the database or a channel. When it reaches an action step it stops and names
 * the action; the runtime runs it and feeds the result back with `resume`.
 */
import type { ActionStep, InputStep, MenuStep, Step } from "./flow-schema.ts";
import { parseRef, type CompiledFlow, type FlowSet } from "./flow-validate.ts";
import { matchOption, normalizeForMatch, saysPhrase } from "./match.ts";
import { findReference, referenceRequest } from "../core/reference.ts";
import { textLength } from "../core/text-length.ts";

/** A citizen's position. `stepId === IDLE` means no step is waiting for an answer. */
export interface ConversationState {
  flowId: string;
  stepId: string;
  flowVersion: number;
  data: Record<string, unknown>;
}

export const IDLE = "_idle";

export interface EngineOutput {
  text: string;
  /** Option labels in order; the citizen may answer with the number, the label or a close match. */
  options?: string[];
}

export interface Turn {
  state: ConversationState;
  outputs: EngineOutput[];
  /** Set when the state stopped at an action step: run it, then call `resume`. */
  action?: string;
}

/** Turns a locale key plus variables into text, in the citizen's current language. */
export type Render = (key: string, vars: Record<string, unknown>) => string;

export interface MenuOption {
  value: string;
  label: string;
}

/** Upper bound on steps run for one event: a guard against a loop the validator missed. */
const MAX_TRANSITIONS = 64;

export class EngineError extends Error {
  constructor(
    readonly code: "unknown_step" | "too_many_transitions" | "not_at_action" | "bad_options",
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export function createEngine(flowSet: FlowSet) {
  const commandWords = new Map<string, string>();

  function stepOf(flowId: string, stepId: string): { flow: CompiledFlow; step: Step } {
    const flow = flowSet.flows.get(flowId);
    const step = flow?.steps.get(stepId);
    if (!flow || !step) throw new EngineError("unknown_step", `Unknown step '${flowId}.${stepId}'`);
    return { flow, step };
  }

  /** Moves to `ref` and runs steps until one waits for input or names an action. */
  function enter(
    ref: string,
    from: ConversationState,
    render: Render,
    outputs: EngineOutput[],
    budget = MAX_TRANSITIONS,
  ): Turn {
    const { flowId, stepId } = parseRef(ref, from.flowId);
    const { flow, step } = stepOf(flowId, stepId);
    const state: ConversationState = { flowId, stepId, flowVersion: flow.version, data: from.data };
    if (budget <= 0)
      throw new EngineError(
        "too_many_transitions",
        `More than ${MAX_TRANSITIONS} steps without input at '${flowId}.${stepId}'`,
      );
    switch (step.type) {
      case "message":
        outputs.push({ text: render(step.text, state.data) });
        if (step.next) return enter(step.next, state, render, outputs, budget - 1);
        return { state: { ...state, stepId: IDLE }, outputs };
      case "input":
        outputs.push({ text: render(step.text, state.data) });
        return { state, outputs };
      case "menu":
        outputs.push({
          text: render(step.text, state.data),
          options: menuOptions(step, state, render).map((o) => o.label),
        });
        return { state, outputs };
      case "action":
        return { state, outputs, action: step.action };
    }
  }

  function menuOptions(step: MenuStep, state: ConversationState, render: Render): MenuOption[] {
    if (step.options)
      return step.options.map((o, i) => ({ value: o.value ?? String(i + 1), label: render(o.label, state.data) }));
    const raw = state.data[step.optionsFrom!];
    if (!Array.isArray(raw))
      throw new EngineError(
        "bad_options",
        `Variable '${step.optionsFrom}' holds no options at '${state.flowId}.${state.stepId}'`,
      );
    return raw as MenuOption[];
  }

  /** The option of a menu step `text` chooses, if any (number, label, or close match). */
  function chooseOption(step: MenuStep, state: ConversationState, text: string, render: Render): number | undefined {
    const options = menuOptions(step, state, render);
    const words = (i: number) => {
      const key = step.options?.[i]?.words;
      return key
        ? render(key, state.data)
            .split(",")
            .map((w) => w.trim())
            .filter(Boolean)
        : undefined;
    };
    return matchOption(
      text,
      options.map((o, i) => ({ label: o.label, words: words(i) })),
    );
  }

  function onMenu(step: MenuStep, state: ConversationState, text: string, render: Render): Turn {
    const reference = step.reference ? referenceRequest(text) : undefined;
    if (step.reference && reference)
      return enter(
        step.reference.next,
        { ...state, data: { ...state.data, [step.reference.save]: reference } },
        render,
        [],
      );
    const options = menuOptions(step, state, render);
    const index = chooseOption(step, state, text, render);
    const outputs: EngineOutput[] = [];
    if (index === undefined) {
      // A number that names no option is a wrong choice, not free text.
      if (step.fallback && !/^\s*\d{1,3}\s*$/.test(text)) {
        return enter(
          step.fallback.next,
          { ...state, data: { ...state.data, [step.fallback.save]: text } },
          render,
          outputs,
        );
      }
      outputs.push({
        text: render(step.invalid ?? "engine.not_understood", state.data),
        options: options.map((o) => o.label),
      });
      return { state, outputs };
    }
    const chosen = options[index]!;
    const data = step.save ? { ...state.data, [step.save]: chosen.value } : state.data;
    const next = step.options ? step.options[index]!.next : step.next!;
    return enter(next, { ...state, data }, render, outputs);
  }

  function onInput(step: InputStep, state: ConversationState, text: string, render: Render): Turn {
    // The invalid text may state the step's limits ({{minLength}}, {{maxLength}}) and the length sent.
    const limits = { minLength: step.validate.minLength, maxLength: step.validate.maxLength, length: textLength(text) };
    if (!isValidInput(step, text))
      return { state, outputs: [{ text: render(step.invalid, { ...state.data, ...limits }) }] };
    return enter(step.next, { ...state, data: { ...state.data, [step.save]: text } }, render, []);
  }

  return {
    /** Where a citizen without a conversation starts, and where idle input goes. */
    entry: flowSet.commands.entry,
    idle: flowSet.commands.idle,

    /** Starts at `ref` (`flow.step`), keeping `data`. */
    start(ref: string, data: Record<string, unknown>, render: Render): Turn {
      return enter(ref, { flowId: "", stepId: IDLE, flowVersion: 0, data }, render, []);
    },

    /**
     * The global command a text triggers: exactly one of the command words, or with `fuzzy` the
     * words of one command despite typos ("ayda", "consultar estdo"; see match.ts `saysPhrase`).
     */
    commandFor(
      text: string,
      wordsOf: (key: string) => string[],
      options: { fuzzy?: boolean } = {},
    ): string | undefined {
      if (options.fuzzy) {
        const typed = text.replace(/^\//, "");
        if (typed.length > 40) return undefined;
        const hits = new Set(
          flowSet.commands.commands.filter((cmd) => saysPhrase(typed, wordsOf(cmd.words))).map((cmd) => cmd.next),
        );
        return hits.size === 1 ? [...hits][0] : undefined;
      }
      const normalized = normalizeForMatch(text.replace(/^\//, ""));
      if (!normalized || normalized.length > 20) return undefined;
      for (const cmd of flowSet.commands.commands) {
        const cacheKey = `${cmd.id}:${normalized}`;
        let hit = commandWords.get(cacheKey);
        if (hit === undefined) {
          hit = wordsOf(cmd.words).some((w) => normalizeForMatch(w.replace(/^\//, "")) === normalized) ? cmd.next : "";
          if (commandWords.size < 10_000) commandWords.set(cacheKey, hit);
        }
        if (hit) return hit;
      }
      return undefined;
    },

    /** Handles the citizen's text at the current step (idle input goes to the `idle` step). */
    input(state: ConversationState, text: string, render: Render): Turn {
      let current = state;
      if (state.stepId === IDLE || !flowSet.flows.get(state.flowId)?.steps.has(state.stepId)) {
        const idle = parseRef(flowSet.commands.idle, "");
        current = { ...state, flowId: idle.flowId, stepId: idle.stepId };
      }
      const { step } = stepOf(current.flowId, current.stepId);
      switch (step.type) {
        case "menu":
          return onMenu(step, current, text, render);
        case "input":
          return onInput(step, current, text, render);
        default:
          // A state saved at a message or action step (e.g. a crash between steps): run it again.
          return enter(`${current.flowId}.${current.stepId}`, current, render, []);
      }
    },

    /** Continues after the action named by the last turn returned `result`, merging `data`. */
    resume(state: ConversationState, result: string, data: Record<string, unknown>, render: Render): Turn {
      const { step } = stepOf(state.flowId, state.stepId);
      if (step.type !== "action")
        throw new EngineError("not_at_action", `'${state.flowId}.${state.stepId}' is not an action step`);
      const next = (step as ActionStep).on[result] ?? step.on.default;
      if (!next) throw new EngineError("unknown_step", `Action '${step.action}' returned unhandled result '${result}'`);
      return enter(next, { ...state, data: { ...state.data, ...data } }, render, []);
    },

    /**
     * Whether the step the state waits on (idle: the idle menu) understands `text` itself, so a
     * near-command must not take it: an option of its menu, a radicado the menu takes (`reference`),
     * or a radicado at an input step with the `reference` pattern ("estado RC-2026-000001").
     */
    understands(state: ConversationState, text: string, render: Render): boolean {
      const at =
        state.stepId === IDLE || !flowSet.flows.get(state.flowId)?.steps.has(state.stepId)
          ? parseRef(flowSet.commands.idle, "")
          : state;
      const step = flowSet.flows.get(at.flowId)?.steps.get(at.stepId);
      if (step?.type === "input") return step.validate.pattern === "reference" && findReference(text) !== undefined;
      if (step?.type !== "menu") return false;
      if (step.reference && referenceRequest(text)) return true;
      return chooseOption(step, { ...state, flowId: at.flowId, stepId: at.stepId }, text, render) !== undefined;
    },

    /** The option index `text` chooses at the menu step `ref` (`flow.step`), or undefined (free text or no match). */
    optionAt(ref: string, text: string, render: Render): number | undefined {
      const { flowId, stepId } = parseRef(ref, "");
      const { flow, step } = stepOf(flowId, stepId);
      if (step.type !== "menu") throw new EngineError("unknown_step", `'${ref}' is not a menu step`);
      return chooseOption(step, { flowId, stepId, flowVersion: flow.version, data: {} }, text, render);
    },

    /** Whether the step a state is at exists in the loaded flows (false after a flow was edited). */
    isKnown(state: ConversationState): boolean {
      return state.stepId === IDLE || (flowSet.flows.get(state.flowId)?.steps.has(state.stepId) ?? false);
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;

function isValidInput(step: InputStep, text: string): boolean {
  const { minLength, maxLength, pattern } = step.validate;
  const length = textLength(text);
  if (minLength !== undefined && length < minLength) return false;
  if (maxLength !== undefined && length > maxLength) return false;
  if (pattern === "reference" && findReference(text) === undefined) return false;
  if (pattern === "digits" && !/^\d+$/.test(text.trim())) return false;
  return true;
}
