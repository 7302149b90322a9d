/**
 * Who may send surveys and import paper forms: the CLI operator, administrators and
 * communications; an office head only for their own office. Anyone active may read results.
 */
import type { Actor } from "../authorization.ts";

export function canSendSurveys(actor: Actor, officeKey?: string | null): boolean {
  if (actor.kind !== "official") return true;
  if (!actor.active) return false;
  if (actor.role === "admin" || actor.role === "communications") return true;
  return actor.role === "head" && officeKey !== undefined && officeKey !== null && actor.officeKey === officeKey;
}

export function canReadSurveyResults(actor: Actor): boolean {
  return actor.kind !== "official" || actor.active;
}
