/**
 * Who may do what with the accountability plan. Same shape as commitments
 * (src/core/commitments.ts): the CLI operator and the system may do everything.
 */
import type { Actor } from "../authorization.ts";

export type PlanAction = "load" | "progress" | "publish_answers" | "view";

/**
 * - load: admin, or the head of the plan leader's office (the planning office keeps the plan);
 * - progress: the activity's responsible offices (officials and heads) and admin, like commitments;
 * - publish_answers: communications, admin, or the event's office (officials and heads);
 * - view: everyone.
 */
export function canActOnPlan(
  actor: Actor,
  action: PlanAction,
  input: { officeKeys: readonly string[]; leaderOffice?: string | null },
): boolean {
  if (action === "view") return true;
  if (actor.kind !== "official") return true;
  if (!actor.active) return false;
  if (actor.role === "admin") return true;
  const ownOffice = actor.officeKey !== null && input.officeKeys.includes(actor.officeKey);
  switch (action) {
    case "load":
      return actor.role === "head" && actor.officeKey !== null && actor.officeKey === input.leaderOffice;
    case "progress":
      return (actor.role === "official" || actor.role === "head") && ownOffice;
    case "publish_answers":
      return actor.role === "communications" || ((actor.role === "official" || actor.role === "head") && ownOffice);
  }
}
