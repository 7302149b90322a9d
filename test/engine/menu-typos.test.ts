/**
 * Issue 18.6: the menu matcher measured on how citizens really type (test/fixtures/menu-typos.ts).
 * Each text is resolved the way a message at the main menu is: a stop word, then a global word,
 * then the main menu's options; anything else is a question. Prints hit and false-positive rates.
 */
import { describe, expect, it } from "vitest";
import { stopWordOf } from "../../src/core/events.ts";
import { createEngine } from "../../src/engine/engine.ts";
import type { MenuStep } from "../../src/engine/flow-schema.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { loadFlows } from "../../src/runtime-conversation.ts";
import { MENU_TYPOS, ORDINARY_QUESTIONS } from "../fixtures/menu-typos.ts";

const translator = createTranslator();
const flowSet = loadFlows(translator);
const engine = createEngine(flowSet);
const render = (key: string, vars: Record<string, unknown>) => translator.t("es", key, vars);
const words = (key: string) => translator.wordsInAllLocales(key);
const mainMenu = flowSet.flows.get("main")!.steps.get("menu") as MenuStep;

/** Where a text typed at the main menu leads: a step reference, `unsubscribe`, or `question`. */
function resolve(text: string): string {
  if (stopWordOf(text)) return "unsubscribe";
  const command = engine.commandFor(text, words);
  if (command) return command;
  const index = engine.optionAt("main.menu", text, render);
  if (index !== undefined) return mainMenu.options![index]!.next;
  return engine.commandFor(text, words, { fuzzy: true }) ?? "question";
}

describe("menu matcher on realistic misspellings", () => {
  const hits = MENU_TYPOS.filter(([text, target]) => resolve(text) === target);
  const falsePositives = ORDINARY_QUESTIONS.filter((text) => resolve(text) !== "question");
  const rate = (n: number, d: number) => `${n}/${d} (${((100 * n) / d).toFixed(1)} %)`;
  console.info(
    `menu typos: hit rate ${rate(hits.length, MENU_TYPOS.length)}; ordinary questions taken as a menu option or command: ${rate(falsePositives.length, ORDINARY_QUESTIONS.length)}`,
  );

  it("has 100+ misspellings covering every main-menu option and global word", () => {
    expect(MENU_TYPOS.length).toBeGreaterThanOrEqual(100);
    const targets = new Set(MENU_TYPOS.map(([, target]) => target));
    for (const option of mainMenu.options!) expect(targets, option.next).toContain(option.next);
  });

  it("understands at least 95 % of them", () => {
    const misses = MENU_TYPOS.filter(([text, target]) => resolve(text) !== target).map(
      ([text, target]) => `${text} → ${resolve(text)} (want ${target})`,
    );
    expect(misses.length, misses.join("\n")).toBeLessThanOrEqual(Math.floor(MENU_TYPOS.length * 0.05));
  });

  it("never takes an ordinary question for a menu option or a command", () => {
    expect(falsePositives.map((t) => `${t} → ${resolve(t)}`)).toEqual([]);
  });
});
