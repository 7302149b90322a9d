/**
 * One survey run per occurrence even when two triggers race (createRun in
 * src/services/surveys/surveys.ts): the answer's own trigger and a second start of the same
 * question's surveys, in two transactions at once. On PostgreSQL both saw no run and both inserted,
 * and the loser failed on the trigger key; now the loser returns the winner's run.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/services/questions/questions.ts";
import { startAnswerSurveys } from "../../src/services/surveys/surveys.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";

describe("answer surveys started twice at once", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("make one run per survey and question, and neither start fails", async () => {
    const { app } = h.runtime;
    const reference = await fileQuestion(h, "ana");
    expect((await answerQuestion(app, { kind: "cli" }, reference, "Ya quedó arreglado.")).ok).toBe(true);
    const questionId = (await app.repos.questions.byReference(reference))!.id;
    const before = (await app.repos.surveys.listRuns({})).length;
    const start = () => app.store.withTransaction(() => startAnswerSurveys(h.runtime, questionId, h.clock.nowMs()));
    await Promise.all([start(), start(), start()]);
    const runs = await app.repos.surveys.listRuns({});
    const keys = runs.map((run) => run.triggerKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(runs.filter((run) => run.questionId === questionId).length).toBeGreaterThan(0);
    expect(runs.length).toBeGreaterThanOrEqual(before);
  });
});
