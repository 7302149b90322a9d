import { describe, expect, it } from "vitest";
import { createEngine, IDLE } from "../../src/engine/engine.ts";
import type { Flow } from "../../src/engine/flow-schema.ts";
import { validateFlowSet } from "../../src/engine/flow-validate.ts";
import { matchOption } from "../../src/engine/match.ts";

const flow: Flow = {
  id: "demo",
  version: 3,
  start: "menu",
  steps: [
    {
      id: "menu",
      type: "menu",
      text: "t.menu",
      options: [
        { label: "t.ask", next: "ask" },
        { label: "t.bye", next: "bye" },
      ],
      fallback: { save: "free", next: "check" },
    },
    {
      id: "ask",
      type: "input",
      text: "t.ask_prompt",
      save: "name",
      validate: { minLength: 2, maxLength: 5 },
      invalid: "t.invalid",
      next: "check",
    },
    { id: "check", type: "action", action: "demo.check", on: { good: "bye", default: "menu" } },
    { id: "bye", type: "message", text: "t.bye_text" },
  ],
};

const keys = new Set(["t.menu", "t.ask", "t.bye", "t.ask_prompt", "t.invalid", "t.bye_text", "c.words"]);
const result = validateFlowSet(
  [{ file: "demo.yaml", flow }],
  {
    file: "commands.yaml",
    value: { entry: "demo.menu", idle: "demo.menu", commands: [{ id: "menu", words: "c.words", next: "demo.menu" }] },
  },
  { actions: { "demo.check": ["good", "bad"] }, locales: ["es"], hasKey: (_l, k) => keys.has(k) },
);
if (!result.ok) throw new Error(result.problems.join("\n"));
const engine = createEngine(result.flowSet);
const render = (key: string, vars: Record<string, unknown>) => `${key}${vars.name ? `:${String(vars.name)}` : ""}`;

describe("engine", () => {
  it("starts at a menu and renders its options", () => {
    const turn = engine.start("demo.menu", {}, render);
    expect(turn.outputs).toEqual([{ text: "t.menu", options: ["t.ask", "t.bye"] }]);
    expect(turn.state).toMatchObject({ flowId: "demo", stepId: "menu", flowVersion: 3 });
  });

  it("validates free text and stays on the step when invalid", () => {
    const atAsk = engine.input(engine.start("demo.menu", {}, render).state, "1", render);
    expect(atAsk.state.stepId).toBe("ask");
    const tooLong = engine.input(atAsk.state, "abcdefgh", render);
    expect(tooLong.outputs).toEqual([{ text: "t.invalid" }]);
    expect(tooLong.state.stepId).toBe("ask");
    const ok = engine.input(atAsk.state, "Ana", render);
    expect(ok.action).toBe("demo.check");
    expect(ok.state.data).toEqual({ name: "Ana" });
  });

  it("branches on the action's result, with a default", () => {
    const atAction = engine.input(
      engine.input(engine.start("demo.menu", {}, render).state, "1", render).state,
      "Ana",
      render,
    );
    const good = engine.resume(atAction.state, "good", {}, render);
    expect(good.outputs).toEqual([{ text: "t.bye_text:Ana" }]);
    expect(good.state.stepId).toBe(IDLE);
    const bad = engine.resume(atAction.state, "bad", { extra: 1 }, render);
    expect(bad.state).toMatchObject({ stepId: "menu", data: { name: "Ana", extra: 1 } });
  });

  it("sends unmatched free text to the fallback, but not an out-of-range number", () => {
    const start = engine.start("demo.menu", {}, render).state;
    const free = engine.input(start, "algo que no es opción", render);
    expect(free.action).toBe("demo.check");
    expect(free.state.data).toEqual({ free: "algo que no es opción" });
    const wrong = engine.input(start, "7", render);
    expect(wrong.outputs[0]?.text).toBe("engine.not_understood");
    expect(wrong.state.stepId).toBe("menu");
  });

  it("treats idle input as input at the idle step", () => {
    const turn = engine.input({ flowId: "demo", stepId: IDLE, flowVersion: 3, data: {} }, "2", render);
    expect(turn.outputs).toEqual([{ text: "t.bye_text" }]);
  });

  it("finds global commands in any case and with a slash", () => {
    const words = () => ["menú", "inicio"];
    expect(engine.commandFor("MENU", words)).toBe("demo.menu");
    expect(engine.commandFor("/Inicio", words)).toBe("demo.menu");
    expect(engine.commandFor("el menú de hoy", words)).toBeUndefined();
  });

  it("knows when a saved step no longer exists", () => {
    expect(engine.isKnown({ flowId: "demo", stepId: "gone", flowVersion: 2, data: {} })).toBe(false);
    expect(engine.isKnown({ flowId: "demo", stepId: "menu", flowVersion: 2, data: {} })).toBe(true);
  });
});

describe("matchOption", () => {
  const labels = ["Hacer una pregunta", "Consultar el estado", "Ver mis preguntas"];
  it.each([
    ["2", 1],
    ["2.", 1],
    ["opción 3", 2],
    ["dos", 1],
    ["HACER UNA PREGUNTA", 0],
    ["consultar", 1],
    ["consultr el estado", 1],
    ["ver mis preguntaz", 2],
  ])("'%s' → option %i", (input, expected) => {
    expect(matchOption(input, labels)).toBe(expected);
  });
  it.each(["4", "0", "", "xyz", "zzzz zzzz"])("'%s' matches nothing (or is ambiguous)", (input) => {
    expect(matchOption(input, labels)).toBeUndefined();
  });
});
