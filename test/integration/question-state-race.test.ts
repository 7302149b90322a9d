/**
 * Two changes of one question at once (questionForUpdate in src/services/questions/questions.ts):
 * two officials answering, or an official answering from the chat while the head reassigns from
 * the back-office, each in its own transaction. On PostgreSQL (READ COMMITTED, two pooled
 * connections) both used to read the question open, pass their checks and write: the second
 * answer overwrote the first, or an answered question was moved and announced to another office,
 * with two history entries and two notices. Now the question's row is locked before it is
 * checked, so the second waits for the first and is refused. On SQLite the transactions run one
 * after the other and the same holds.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/authorization.ts";
import { answerQuestion, reassignQuestion } from "../../src/services/questions/questions.ts";
import { createHarness, fileQuestion, type Harness } from "../helpers/harness.ts";
import { sqlRows } from "../helpers/storage.ts";
import { addOfficial } from "./deadlines-helpers.ts";

const CITIZEN = "ana";
const ANSWERS = ["La cuadrilla repara la vía el lunes.", "La vía quedó incluida en el plan de bacheo de marzo."];

describe("two changes of one question at once", () => {
  let h: Harness;
  let official: Actor;
  let head: Actor;
  beforeEach(async () => {
    h = await createHarness();
    const actor = async (address: string, role: "official" | "head"): Promise<Actor> => ({
      kind: "official",
      officialId: await addOfficial(h, address, role, "infraestructura"),
      officeKey: "infraestructura",
      role,
      active: true,
    });
    official = await actor("func", "official");
    head = await actor("jefe", "head");
  });
  afterEach(async () => {
    await h.close();
  });

  const questionOf = async (reference: string) => (await h.runtime.app.repos.questions.byReference(reference))!;
  const historyKinds = async (reference: string) =>
    (await h.runtime.app.repos.questions.history((await questionOf(reference)).id)).map((e) => e.kind);
  /** The idempotency keys of what was queued for the citizen about the question (not for the offices). */
  const citizenNotices = async (reference: string) =>
    (
      await sqlRows<{ k: string }>(
        h.runtime,
        "select idempotency_key k from outbox where question_id = ? and citizen_id is not null order by id",
        [(await questionOf(reference)).id],
      )
    ).map((r) => r.k);

  it("two answers: one is recorded and sent, the other is refused as already answered", async () => {
    const reference = await fileQuestion(h, CITIZEN);
    const { id } = await questionOf(reference);
    const outcomes = await Promise.all([
      answerQuestion(h.runtime.app, official, reference, ANSWERS[0]!),
      answerQuestion(h.runtime.app, head, reference, ANSWERS[1]!),
    ]);
    const winner = outcomes.findIndex((o) => o.ok);
    expect(winner).not.toBe(-1);
    expect(outcomes[1 - winner]).toEqual({ ok: false, error: "already_closed" });
    const question = await questionOf(reference);
    expect([question.status, question.answerText]).toEqual(["answered", ANSWERS[winner]]);
    expect((await historyKinds(reference)).filter((k) => k === "answered")).toHaveLength(1);
    expect(await citizenNotices(reference)).toEqual([`q:${id}:answer`]);
    await h.bot.dispatcher.tick();
    const answers = h.channel.to(CITIZEN).filter((m) => ANSWERS.some((a) => m.text.includes(a)));
    expect(answers.map((m) => m.text.includes(ANSWERS[winner]!))).toEqual([true]);
  });

  it("an answer and a reassignment: the first to lock the question wins and the other is refused", async () => {
    const reference = await fileQuestion(h, CITIZEN);
    const { id } = await questionOf(reference);
    const [answered, reassigned] = await Promise.all([
      answerQuestion(h.runtime.app, official, reference, ANSWERS[0]!),
      reassignQuestion(h.runtime.app, head, reference, "salud", "Es un tema del puesto de salud del barrio"),
    ]);
    const question = await questionOf(reference);
    const kinds = (await historyKinds(reference)).filter((k) => k === "answered" || k === "reassigned");
    if (answered.ok) {
      // Answered first: a closed question is not moved, and neither the citizen nor salud hear of it.
      expect(reassigned).toEqual({ ok: false, error: "already_closed" });
      expect([question.status, question.officeKey]).toEqual(["answered", "infraestructura"]);
      expect(kinds).toEqual(["answered"]);
      expect(await citizenNotices(reference)).toEqual([`q:${id}:answer`]);
    } else {
      // Reassigned first: the question is salud's now, which the infraestructura official may not answer.
      expect(answered).toEqual({ ok: false, error: "not_allowed" });
      expect(reassigned.ok).toBe(true);
      expect([question.status, question.officeKey]).toEqual(["open", "salud"]);
      expect(kinds).toEqual(["reassigned"]);
      expect(await citizenNotices(reference)).toEqual([expect.stringMatching(new RegExp(`^q:${id}:reassigned-`))]);
    }
  });
});
