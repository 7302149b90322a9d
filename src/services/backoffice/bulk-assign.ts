/**
 * Bulk assign (issue 14): several questions of an office assigned to one of its officials in one
 * form action — all or nothing, audited once with every question's assignee before → after, and
 * each question's history noting the assignment.
 */
import { isClosedStatus } from "../../core/deadlines.ts";
import { actorLabel, canActOnQuestion, type Actor } from "../../core/authorization.ts";
import { parseReference } from "../../core/reference.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import type { AppContext } from "../context.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

export const MAX_BULK_QUESTIONS = 100;

export type BulkAssignError =
  "not_allowed" | "none_selected" | "too_many" | "unknown_official" | "question_not_found" | "already_closed";

/** The officials an actor may assign an office's questions to (empty when the actor may not assign there). */
export async function assignableOfficials(app: AppContext, actor: Actor, officeKey: string): Promise<OfficialRow[]> {
  if (!canActOnQuestion(actor, "assign", officeKey)) return [];
  return (await app.repos.officials.list({ officeKey })).filter((o) => o.role === "official" || o.role === "head");
}

async function selectedQuestions(
  app: AppContext,
  actor: Actor,
  officeKey: string,
  references: readonly string[],
): Promise<{ ok: true; questions: QuestionRow[] } | { ok: false; error: BulkAssignError }> {
  const questions: QuestionRow[] = [];
  for (const input of new Set(references)) {
    const reference = parseReference(input);
    const question = reference ? await app.repos.questions.byReference(reference) : undefined;
    if (!question || question.officeKey !== officeKey) return { ok: false, error: "question_not_found" };
    if (!canActOnQuestion(actor, "assign", question.officeKey)) return { ok: false, error: "not_allowed" };
    if (isClosedStatus(question.status)) return { ok: false, error: "already_closed" };
    questions.push(question);
  }
  return { ok: true, questions };
}

/** Assigns the selected questions of `officeKey` to `officialId` (null: unassigns them). */
export async function bulkAssign(
  app: AppContext,
  actor: Actor,
  input: { officeKey: string; references: readonly string[]; officialId: number | null },
  form: FormContext,
): Promise<FormOutcome<BulkAssignError>> {
  return await runFormAction<BulkAssignError>(app, actor, "question.bulk_assign", input.officeKey, form, async () => {
    if (!canActOnQuestion(actor, "assign", input.officeKey)) return { ok: false, error: "not_allowed" };
    if (input.references.length === 0) return { ok: false, error: "none_selected" };
    if (input.references.length > MAX_BULK_QUESTIONS) return { ok: false, error: "too_many" };
    if (input.officialId !== null) {
      const assignee = await app.repos.officials.get(input.officialId);
      if (!assignee?.active || assignee.officeKey !== input.officeKey) return { ok: false, error: "unknown_official" };
    }
    // Every question is checked before any is changed: nothing half-assigned.
    const selected = await selectedQuestions(app, actor, input.officeKey, input.references);
    if (!selected.ok) return selected;
    const nowMs = app.clock.nowMs();
    for (const question of selected.questions) {
      await app.repos.inbox.assign(question.id, input.officialId, nowMs);
      await app.repos.questions.addEvent(question.id, "assigned", actorLabel(actor), nowMs, {
        to: input.officialId,
        bulk: true,
      });
    }
    return {
      ok: true,
      before: { assignedTo: Object.fromEntries(selected.questions.map((q) => [q.reference, q.assignedTo])) },
      after: { assignedTo: input.officialId, questions: selected.questions.map((q) => q.reference) },
    };
  });
}
