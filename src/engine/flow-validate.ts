/**
 * Whole-set checks that shapes cannot express: duplicate ids, unknown step references, unreachable
 * steps, loops that never wait for the citizen, unknown actions and results, and locale keys missing
 * in any language. Each problem is reported as `file › flow › step › field: problem`.
 */
import type { CommandsFile, Flow, Step } from "./flow-schema.ts";

export interface FlowSource {
  file: string;
  flow: Flow;
}

export interface ValidationContext {
  /** Action name → the results it may return. */
  actions: Readonly<Record<string, readonly string[]>>;
  /** Locales and a lookup telling whether a key exists in that locale. */
  locales: readonly string[];
  hasKey(locale: string, key: string): boolean;
}

export interface CompiledFlow {
  id: string;
  version: number;
  start: string;
  file: string;
  steps: ReadonlyMap<string, Step>;
}

export interface FlowSet {
  flows: ReadonlyMap<string, CompiledFlow>;
  commands: CommandsFile;
}

interface Ref {
  flowId: string;
  stepId: string;
}

/** Resolves `step` or `flow.step` relative to `fromFlow`. */
export function parseRef(ref: string, fromFlow: string): Ref {
  const dot = ref.indexOf(".");
  return dot === -1 ? { flowId: fromFlow, stepId: ref } : { flowId: ref.slice(0, dot), stepId: ref.slice(dot + 1) };
}

/** Every outgoing reference of a step, with the field it came from. */
function stepRefs(step: Step): { field: string; ref: string }[] {
  switch (step.type) {
    case "message":
      return step.next ? [{ field: "next", ref: step.next }] : [];
    case "input":
      return [{ field: "next", ref: step.next }];
    case "action":
      return Object.entries(step.on).map(([result, ref]) => ({ field: `on.${result}`, ref }));
    case "menu": {
      const refs = (step.options ?? []).map((o, i) => ({ field: `options.${i}.next`, ref: o.next }));
      if (step.next) refs.push({ field: "next", ref: step.next });
      if (step.fallback) refs.push({ field: "fallback.next", ref: step.fallback.next });
      if (step.reference) refs.push({ field: "reference.next", ref: step.reference.next });
      return refs;
    }
  }
}

function stepTextKeys(step: Step): { field: string; key: string }[] {
  if (step.type === "action") return [];
  const keys = [{ field: "text", key: step.text }];
  if ((step.type === "menu" || step.type === "input") && step.invalid)
    keys.push({ field: "invalid", key: step.invalid });
  if (step.type === "menu") {
    (step.options ?? []).forEach((o, i) => {
      keys.push({ field: `options.${i}.label`, key: o.label });
      if (o.words) keys.push({ field: `options.${i}.words`, key: o.words });
    });
  }
  return keys;
}

/** Compiles and checks a set of flows. Returns the set, or the list of problems. */
export function validateFlowSet(
  sources: readonly FlowSource[],
  commands: { file: string; value: CommandsFile },
  ctx: ValidationContext,
): { ok: true; flowSet: FlowSet } | { ok: false; problems: string[] } {
  const { flows, problems } = compileFlows(sources);
  const resolves = (ref: string, fromFlow: string) => {
    const { flowId, stepId } = parseRef(ref, fromFlow);
    return flows.get(flowId)?.steps.has(stepId) ?? false;
  };
  const keyProblems = (where: string, key: string) =>
    ctx.locales
      .filter((locale) => !ctx.hasKey(locale, key))
      .map((locale) => `${where}: locale key '${key}' missing in '${locale}'`);

  for (const flow of flows.values()) {
    for (const step of flow.steps.values()) {
      const where = `${flow.file} › ${flow.id} › ${step.id}`;
      for (const { field, ref } of stepRefs(step)) {
        if (!resolves(ref, flow.id)) problems.push(`${where} › ${field}: unknown step '${ref}'`);
      }
      for (const { field, key } of stepTextKeys(step)) problems.push(...keyProblems(`${where} › ${field}`, key));
      problems.push(...checkStepShape(step, where, ctx));
    }
  }
  problems.push(...checkCommands(commands, resolves, keyProblems));

  if (problems.length === 0) {
    problems.push(...findUnreachable(flows, commands.value), ...findLoopsWithoutInput(flows));
  }
  return problems.length ? { ok: false, problems } : { ok: true, flowSet: { flows, commands: commands.value } };
}

/** Indexes flows and their steps by id; duplicate ids and unknown start steps are problems. */
function compileFlows(sources: readonly FlowSource[]): { flows: Map<string, CompiledFlow>; problems: string[] } {
  const problems: string[] = [];
  const flows = new Map<string, CompiledFlow>();
  for (const { file, flow } of sources) {
    const existing = flows.get(flow.id);
    if (existing) {
      problems.push(`${file} › ${flow.id}: duplicate flow id (also in ${existing.file})`);
      continue;
    }
    const steps = new Map<string, Step>();
    for (const step of flow.steps) {
      if (steps.has(step.id)) problems.push(`${file} › ${flow.id} › ${step.id}: duplicate step id`);
      steps.set(step.id, step);
    }
    if (!steps.has(flow.start)) problems.push(`${file} › ${flow.id} › start: unknown step '${flow.start}'`);
    flows.set(flow.id, { id: flow.id, version: flow.version, start: flow.start, file, steps });
  }
  return { flows, problems };
}

/** The commands file: entry and idle steps exist, command ids are unique, targets and words exist. */
function checkCommands(
  commands: { file: string; value: CommandsFile },
  resolves: (ref: string, fromFlow: string) => boolean,
  keyProblems: (where: string, key: string) => string[],
): string[] {
  const problems: string[] = [];
  const cmdFile = commands.file;
  for (const [field, ref] of [
    ["entry", commands.value.entry],
    ["idle", commands.value.idle],
  ] as const) {
    if (!ref.includes(".") || !resolves(ref, ""))
      problems.push(`${cmdFile} › ${field}: unknown step '${ref}' (use 'flow.step')`);
  }
  const commandIds = new Set<string>();
  for (const cmd of commands.value.commands) {
    if (commandIds.has(cmd.id)) problems.push(`${cmdFile} › commands › ${cmd.id}: duplicate command id`);
    commandIds.add(cmd.id);
    if (!cmd.next.includes(".") || !resolves(cmd.next, ""))
      problems.push(`${cmdFile} › commands › ${cmd.id} › next: unknown step '${cmd.next}' (use 'flow.step')`);
    problems.push(...keyProblems(`${cmdFile} › commands › ${cmd.id} › words`, cmd.words));
  }
  return problems;
}

function checkStepShape(step: Step, where: string, ctx: ValidationContext): string[] {
  const problems: string[] = [];
  if (step.type === "menu") {
    if (!step.options === !step.optionsFrom)
      problems.push(`${where}: a menu needs exactly one of 'options' or 'optionsFrom'`);
    if (step.optionsFrom && !step.next) problems.push(`${where} › next: a menu with 'optionsFrom' needs 'next'`);
    if (step.options && step.next)
      problems.push(`${where} › next: a menu with fixed 'options' takes 'next' from each option`);
  }
  if (step.type === "input") {
    const { minLength, maxLength } = step.validate;
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      problems.push(`${where} › validate: minLength is greater than maxLength`);
    }
  }
  if (step.type === "action") {
    const results = ctx.actions[step.action];
    if (!results) {
      problems.push(`${where} › action: unknown action '${step.action}'`);
      return problems;
    }
    for (const result of Object.keys(step.on)) {
      if (result !== "default" && !results.includes(result)) {
        problems.push(
          `${where} › on.${result}: action '${step.action}' never returns '${result}' (it returns ${results.join(", ")})`,
        );
      }
    }
    if (!("default" in step.on)) {
      const missing = results.filter((r) => !(r in step.on));
      if (missing.length)
        problems.push(`${where} › on: results not handled: ${missing.join(", ")} (add them or 'default')`);
    }
  }
  return problems;
}

function findUnreachable(flows: ReadonlyMap<string, CompiledFlow>, commands: CommandsFile): string[] {
  const seen = new Set<string>();
  const queue: Ref[] = [];
  const push = (ref: string, fromFlow: string) => {
    const r = parseRef(ref, fromFlow);
    const k = `${r.flowId}.${r.stepId}`;
    if (!seen.has(k)) {
      seen.add(k);
      queue.push(r);
    }
  };
  push(commands.entry, "");
  push(commands.idle, "");
  for (const cmd of commands.commands) push(cmd.next, "");
  for (const flow of flows.values()) push(`${flow.id}.${flow.start}`, "");
  while (queue.length) {
    const { flowId, stepId } = queue.pop()!;
    const step = flows.get(flowId)?.steps.get(stepId);
    if (step) for (const { ref } of stepRefs(step)) push(ref, flowId);
  }
  const problems: string[] = [];
  for (const flow of flows.values()) {
    for (const stepId of flow.steps.keys()) {
      if (!seen.has(`${flow.id}.${stepId}`)) problems.push(`${flow.file} › ${flow.id} › ${stepId}: unreachable step`);
    }
  }
  return problems;
}

/** Message and action steps run without waiting; a cycle made only of them would never stop. */
function findLoopsWithoutInput(flows: ReadonlyMap<string, CompiledFlow>): string[] {
  const state = new Map<string, "visiting" | "done">();
  const problems: string[] = [];
  const visit = (flowId: string, stepId: string, path: string[]): void => {
    const k = `${flowId}.${stepId}`;
    const step = flows.get(flowId)?.steps.get(stepId);
    if (!step || step.type === "menu" || step.type === "input") return;
    if (state.get(k) === "done") return;
    if (state.get(k) === "visiting") {
      problems.push(
        `${flows.get(flowId)!.file} › ${flowId} › ${stepId}: loop without waiting for the citizen (${[...path, k].join(" → ")})`,
      );
      return;
    }
    state.set(k, "visiting");
    for (const { ref } of stepRefs(step)) {
      const r = parseRef(ref, flowId);
      visit(r.flowId, r.stepId, [...path, k]);
    }
    state.set(k, "done");
  };
  for (const flow of flows.values()) for (const stepId of flow.steps.keys()) visit(flow.id, stepId, []);
  return problems;
}
