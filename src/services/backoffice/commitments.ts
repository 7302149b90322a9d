/**
 * Compromisos in the back-office (issue 14): the registry with status, progress, evidence and
 * overdue flags, and progress posts by the responsible office through the commitments service
 * (followers are told through the outbox).
 */
import type { Actor } from "../../core/authorization.ts";
import {
  canActOnCommitment,
  COMMITMENT_STATUSES,
  type CommitmentError,
  type CommitmentStatus,
} from "../../core/commitments.ts";
import type { AppContext } from "../context.ts";
import { officeName } from "../context.ts";
import { postProgress, showCommitment } from "../commitments/commitments.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";

export async function commitmentsList(
  app: AppContext,
  actor: Actor,
  filter: { officeKey?: string; status?: CommitmentStatus },
) {
  if (actor.kind === "official" && !actor.active) return { ok: false as const, error: "not_allowed" as const };
  const rows = await app.repos.commitments.list(
    { officeKey: filter.officeKey, statuses: filter.status ? [filter.status] : undefined },
    { limit: 200, offset: 0 },
  );
  return {
    ok: true as const,
    statuses: COMMITMENT_STATUSES,
    offices: (await app.repos.offices.list()).filter((o) => o.active).map((o) => ({ key: o.key, name: o.name })),
    commitments: rows.map((c) => ({ ...c, officeName: officeName(app, c.officeKey) })),
  };
}

export async function commitmentDetail(app: AppContext, actor: Actor, number: number) {
  if (actor.kind === "official" && !actor.active) return { ok: false as const, error: "not_allowed" as const };
  const shown = await showCommitment(app, number);
  if (!shown.ok) return shown;
  const open = shown.commitment.status !== "done" && shown.commitment.status !== "cancelled";
  return {
    ok: true as const,
    commitment: shown.commitment,
    history: shown.history,
    officeName: officeName(app, shown.commitment.officeKey),
    mayPost: open && canActOnCommitment(actor, "progress", shown.commitment.officeKey),
  };
}

export async function webCommitmentProgress(
  app: AppContext,
  actor: Actor,
  number: number,
  input: { percent: number; note: string; evidenceUrl: string | null },
  form: FormContext,
): Promise<FormOutcome<CommitmentError>> {
  return await runFormAction(app, actor, "commitment.progress", `commitment:${number}`, form, async () => {
    const before = await app.repos.commitments.byNumber(number);
    const result = await postProgress(app, actor, number, input);
    if (!result.ok) return result;
    return {
      ok: true,
      before: before ? { status: before.status, progress: before.progress } : null,
      after: { status: result.commitment.status, progress: result.commitment.progress, evidenceUrl: input.evidenceUrl },
    };
  });
}
