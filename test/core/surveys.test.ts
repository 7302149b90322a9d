import { describe, expect, it } from "vitest";
import {
  deliveryDecision,
  durationMs,
  formatSegment,
  idleFromMs,
  interpretAnswer,
  isOptOut,
  parseSegment,
  validateSurveySet,
  type AnswerWords,
  type SurveyQuestion,
  type SurveyValidationContext,
} from "../../src/core/surveys/index.ts";
import { quietUntilMs } from "../../src/core/quiet-hours.ts";
import { canSendSurveys } from "../../src/core/surveys/authorization.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { FLOWS_DIR } from "../../src/runtime.ts";
import { loadSurveySet } from "../../src/services/surveys/definitions.ts";

const allKeys: SurveyValidationContext = { locales: ["es", "en"], hasKey: () => true };

function survey(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "demo",
    version: 1,
    title: "surveys.demo.title",
    intro: "surveys.demo.intro",
    trigger: { kind: "ad_hoc" },
    questions: [{ id: "q1", type: "scale", text: "surveys.demo.q1" }],
    ...overrides,
  };
}

const problemsOf = (doc: unknown, ctx = allKeys, file = "demo.yaml") => {
  const result = validateSurveySet([{ file, doc }], ctx);
  return result.ok ? [] : result.problems;
};

describe("survey definitions", () => {
  it("loads the shipped definitions against the real locales", () => {
    const translator = createTranslator();
    const surveys = loadSurveySet(`${FLOWS_DIR}/surveys`, {
      locales: translator.locales,
      hasKey: (l, k) => translator.hasKey(l, k),
    });
    expect([...surveys.keys()].sort()).toEqual([
      "answer_clarity",
      "answer_resolved",
      "event_satisfaction",
      "topics_consultation",
    ]);
    expect(surveys.get("answer_resolved")!.trigger).toEqual({ kind: "question_answered", after: { days: 7 } });
    expect(surveys.get("event_satisfaction")!.trigger.kind).toBe("event_ended");
    for (const s of surveys.values()) expect(s.questions.length).toBeLessThanOrEqual(5);
  });

  it("accepts a minimal survey and fills in the defaults", () => {
    const result = validateSurveySet([{ file: "demo.yaml", doc: survey() }], allKeys);
    expect(result.ok).toBe(true);
    const demo = result.ok ? result.surveys.get("demo")! : undefined;
    expect(demo?.expiresAfter).toEqual({ days: 3 });
    expect(demo?.questions[0]).toMatchObject({ optional: false });
  });

  it("refuses more than five questions", () => {
    const questions = Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, type: "yes_no", text: "surveys.demo.q" }));
    expect(problemsOf(survey({ questions }))).toEqual(["demo.yaml › questions: a survey has at most 5 questions"]);
  });

  it("refuses unknown question types, misspelled fields and bad keys", () => {
    expect(problemsOf(survey({ questions: [{ id: "q1", type: "matrix", text: "surveys.demo.q1" }] }))[0]).toMatch(
      /^demo\.yaml › questions › 0 › type: /,
    );
    expect(
      problemsOf(survey({ questions: [{ id: "q1", type: "scale", text: "surveys.demo.q1", optinal: true }] }))[0],
    ).toMatch(/optinal/);
    expect(problemsOf(survey({ title: "Título en español" }))[0]).toMatch(/^demo\.yaml › title: use a locale key/);
    expect(problemsOf(survey({ trigger: { kind: "question_answered" } }))[0]).toMatch(/^demo\.yaml › trigger › after/);
  });

  it("checks option counts and the scale's five labels", () => {
    expect(
      problemsOf(
        survey({
          questions: [
            { id: "q1", type: "choice", text: "surveys.demo.q1", options: [{ id: "a", label: "surveys.demo.a" }] },
          ],
        }),
      )[0],
    ).toMatch(/options/);
    expect(
      problemsOf(
        survey({
          questions: [
            { id: "q1", type: "scale", text: "surveys.demo.q1", labels: ["surveys.demo.a", "surveys.demo.b"] },
          ],
        }),
      )[0],
    ).toMatch(/exactly 5 labels/);
    expect(
      problemsOf(survey({ questions: [{ id: "q1", type: "text", text: "surveys.demo.q1", maxLength: 5000 }] }))[0],
    ).toMatch(/maxLength/);
  });

  it("reports duplicate ids, file names, empty durations and missing locale keys with their place", () => {
    const duplicateQuestions = survey({
      questions: [
        { id: "q1", type: "yes_no", text: "surveys.demo.q1" },
        {
          id: "q1",
          type: "choice",
          text: "surveys.demo.q2",
          options: [
            { id: "a", label: "surveys.demo.a" },
            { id: "a", label: "surveys.demo.b" },
          ],
        },
      ],
    });
    expect(problemsOf(duplicateQuestions)).toEqual([
      "demo.yaml › demo › q1: duplicate question id",
      "demo.yaml › demo › q1 › options.1.id: duplicate option id 'a'",
    ]);
    expect(problemsOf(survey(), allKeys, "other.yaml")).toEqual([
      "other.yaml › demo: the file must be named 'demo.yaml'",
    ]);
    expect(problemsOf(survey({ expiresAfter: { days: 0 } }))).toEqual([
      "demo.yaml › demo › expiresAfter: must be longer than zero",
    ]);
    const missingInEnglish: SurveyValidationContext = {
      locales: ["es", "en"],
      hasKey: (locale, key) => !(locale === "en" && key === "surveys.demo.q1"),
    };
    expect(problemsOf(survey(), missingInEnglish)).toEqual([
      "demo.yaml › demo › q1 › text: locale key 'surveys.demo.q1' missing in 'en'",
    ]);
    const twice = validateSurveySet(
      [
        { file: "demo.yaml", doc: survey() },
        { file: "demo.yaml", doc: survey() },
      ],
      allKeys,
    );
    expect(twice.ok ? [] : twice.problems).toEqual(["demo.yaml › demo: duplicate survey id (also in demo.yaml)"]);
  });

  it("adds up durations in milliseconds", () => {
    expect(durationMs({ days: 1, hours: 2, minutes: 3 })).toBe(((24 + 2) * 60 + 3) * 60_000);
    expect(durationMs({})).toBe(0);
  });
});

const words: AnswerWords = {
  yes: ["sí", "si", "yes"],
  no: ["no"],
  skip: ["omitir", "skip"],
  optOut: ["no más encuestas", "no more surveys"],
};
const scale: SurveyQuestion = { id: "s", type: "scale", text: "k.s", optional: false };
const yesNo: SurveyQuestion = { id: "y", type: "yes_no", text: "k.y", optional: true };
const choice: SurveyQuestion = {
  id: "c",
  type: "choice",
  text: "k.c",
  optional: false,
  options: [
    { id: "salud", label: "k.salud" },
    { id: "obras", label: "k.obras" },
  ],
};
const text: SurveyQuestion = { id: "t", type: "text", text: "k.t", optional: true, maxLength: 10 };

describe("reading answers", () => {
  it("reads a 1–5 scale by number or label and refuses the rest", () => {
    expect(interpretAnswer(scale, "4", words)).toEqual({ kind: "value", value: "4" });
    expect(
      interpretAnswer(scale, " muy CLARA ", words, [["Nada clara"], [], [], [], ["Muy clara", "Very clear"]]),
    ).toEqual({ kind: "value", value: "5" });
    expect(interpretAnswer(scale, "7", words)).toEqual({ kind: "invalid", problem: "not_an_option" });
    expect(interpretAnswer(scale, "bien", words)).toEqual({ kind: "invalid", problem: "not_an_option" });
  });

  it("reads yes/no words in any language, 1/0, and skips optional questions", () => {
    expect(interpretAnswer(yesNo, "Sí", words)).toEqual({ kind: "value", value: "yes" });
    expect(interpretAnswer(yesNo, "YES", words)).toEqual({ kind: "value", value: "yes" });
    expect(interpretAnswer(yesNo, "0", words)).toEqual({ kind: "value", value: "no" });
    expect(interpretAnswer(yesNo, "", words)).toEqual({ kind: "skip" });
    expect(interpretAnswer(yesNo, "_skip", words)).toEqual({ kind: "skip" });
    expect(interpretAnswer(yesNo, "Omitir", words)).toEqual({ kind: "skip" });
  });

  it("does not let a required question be skipped", () => {
    expect(interpretAnswer(scale, "omitir", words)).toEqual({ kind: "invalid", problem: "required" });
    expect(interpretAnswer(choice, "  ", words)).toEqual({ kind: "invalid", problem: "required" });
  });

  it("reads a choice by id, number or label", () => {
    const labels = [
      ["Salud", "Health"],
      ["Obras y vías", "Public works"],
    ];
    expect(interpretAnswer(choice, "obras", words, labels)).toEqual({ kind: "value", value: "obras" });
    expect(interpretAnswer(choice, "1", words, labels)).toEqual({ kind: "value", value: "salud" });
    expect(interpretAnswer(choice, "obras y vias", words, labels)).toEqual({ kind: "value", value: "obras" });
    expect(interpretAnswer(choice, "health", words, labels)).toEqual({ kind: "value", value: "salud" });
    expect(interpretAnswer(choice, "3", words, labels)).toEqual({ kind: "invalid", problem: "not_an_option" });
  });

  it("keeps free text trimmed, within its length", () => {
    expect(interpretAnswer(text, "  corto  ", words)).toEqual({ kind: "value", value: "corto" });
    expect(interpretAnswer(text, "demasiado largo", words)).toEqual({ kind: "invalid", problem: "too_long" });
  });

  it("recognises the opt-out phrase without accents or case", () => {
    expect(isOptOut("No mas encuestas!", words)).toBe(true);
    expect(isOptOut("no", words)).toBe(false);
  });
});

const bogota = (date: string, time: string) => Date.parse(`${date}T${time}:00-05:00`);

describe("when a survey may be delivered", () => {
  const rule = { idleSteps: ["_idle", "main.menu"], settleMs: 2 * 60_000, idleAfterMs: 30 * 60_000 };
  const at = bogota("2026-03-02", "10:00");

  it("waits a short settle at the menu, and longer anywhere else", () => {
    expect(idleFromMs(undefined, rule)).toBe(0);
    expect(idleFromMs({ flowId: "main", stepId: "menu", updatedAtMs: at }, rule)).toBe(at + 2 * 60_000);
    expect(idleFromMs({ flowId: "survey", stepId: "_idle", updatedAtMs: at }, rule)).toBe(at + 2 * 60_000);
    expect(idleFromMs({ flowId: "ask", stepId: "prompt", updatedAtMs: at }, rule)).toBe(at + 30 * 60_000);
  });

  it("knows quiet hours across midnight", () => {
    const quiet = { start: "21:00", end: "07:00" };
    expect(quietUntilMs(bogota("2026-03-02", "20:59"), quiet, "America/Bogota")).toBeUndefined();
    expect(quietUntilMs(bogota("2026-03-02", "22:30"), quiet, "America/Bogota")).toBe(bogota("2026-03-03", "07:00"));
    expect(quietUntilMs(bogota("2026-03-03", "06:00"), quiet, "America/Bogota")).toBe(bogota("2026-03-03", "07:00"));
    expect(quietUntilMs(bogota("2026-03-03", "07:00"), quiet, "America/Bogota")).toBeUndefined();
    expect(quietUntilMs(bogota("2026-03-03", "13:30"), { start: "13:00", end: "14:00" }, "America/Bogota")).toBe(
      bogota("2026-03-03", "14:00"),
    );
    expect(quietUntilMs(at, { start: "00:00", end: "00:00" }, "America/Bogota")).toBeUndefined();
  });

  it("delivers, waits (capped by the recheck and the expiry) or expires", () => {
    const base = { nowMs: at, expiresAtMs: at + 3_600_000, recheckMs: 300_000 };
    expect(deliveryDecision({ ...base, idleFromMs: at })).toEqual({ kind: "deliver" });
    expect(deliveryDecision({ ...base, idleFromMs: at + 60_000 })).toEqual({ kind: "wait", untilMs: at + 60_000 });
    expect(deliveryDecision({ ...base, idleFromMs: at + 1_800_000 })).toEqual({ kind: "wait", untilMs: at + 300_000 });
    expect(deliveryDecision({ ...base, idleFromMs: 0, quietUntilMs: at + 7_200_000 })).toEqual({
      kind: "wait",
      untilMs: at + 3_600_000,
    });
    expect(deliveryDecision({ ...base, nowMs: at + 3_600_000, idleFromMs: 0 })).toEqual({ kind: "expire" });
  });
});

describe("segments and permissions", () => {
  it("parses the segment syntax and spells it back", () => {
    const cases: [string, string][] = [
      ["everyone", "everyone"],
      ["ALL", "everyone"],
      ["topic:salud,movilidad", "topic:salud,movilidad"],
      ["district:comuna-1", "district:comuna-1"],
      ["event:12", "event:12"],
      ["office:salud", "office:salud"],
      ["channel:telegram", "channel:telegram"],
    ];
    for (const [spec, canonical] of cases) {
      const parsed = parseSegment(spec);
      expect(parsed.ok && formatSegment(parsed.segment), spec).toBe(canonical);
    }
    for (const bad of ["", "nobody", "event:abc", "office:a,b", "topic:", "topic:Salud!"])
      expect(parseSegment(bad).ok, bad).toBe(false);
  });

  it("lets admins and communications send, heads only for their office", () => {
    const official = (
      role: "official" | "head" | "communications" | "admin" | "internal_control",
      officeKey: string | null = "salud",
    ) => ({ kind: "official" as const, officialId: 1, officeKey, role, active: true });
    expect(canSendSurveys({ kind: "cli" })).toBe(true);
    expect(canSendSurveys(official("communications"))).toBe(true);
    expect(canSendSurveys(official("head"), "salud")).toBe(true);
    expect(canSendSurveys(official("head"), "movilidad")).toBe(false);
    expect(canSendSurveys(official("head"))).toBe(false);
    expect(canSendSurveys(official("official"), "salud")).toBe(false);
    expect(canSendSurveys({ ...official("admin"), active: false })).toBe(false);
  });
});
