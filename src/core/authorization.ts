/**
 * Who may do what. Checked in domain services (DESIGN.md invariant 8), never in adapters or flows.
 */

export type Role = "official" | "head" | "communications" | "internal_control" | "admin";

/** The party acting on a question: the CLI operator (server access), an official, or the system. */
export type Actor =
  | { kind: "cli" }
  | { kind: "system" }
  | { kind: "official"; officialId: number; officeKey: string | null; role: Role; active: boolean };

/** The actor an official's record acts as (its office, role and whether it is still active). */
export function officialActor(official: { id: number; officeKey: string | null; role: Role; active: boolean }): Actor {
  return {
    kind: "official",
    officialId: official.id,
    officeKey: official.officeKey,
    role: official.role,
    active: official.active,
  };
}

/**
 * `note`: an internal note (never sent to the citizen); `assign`: to an official of the office;
 * `transfer`: to another entity (traslado, Ley 1755 de 2015 art. 21), as answering or reassigning.
 */
export type QuestionAction = "answer" | "reassign" | "request_info" | "view" | "note" | "assign" | "transfer";

/** Whether `actor` may take `action` on a question assigned to `officeKey`. */
export function canActOnQuestion(actor: Actor, action: QuestionAction, officeKey: string): boolean {
  switch (actor.kind) {
    case "cli":
    case "system":
      return true;
    case "official":
      if (!actor.active) return false;
      if (actor.role === "admin") return true;
      if (actor.role === "internal_control") return action === "view";
      if (actor.role === "communications") return false;
      return actor.officeKey === officeKey;
  }
}

/** How an actor is written in a question's history. */
export function actorLabel(actor: Actor): string {
  return actor.kind === "official" ? `official:${actor.officialId}` : actor.kind;
}

/**
 * Whether `actor` may see an office's back-office inbox: the office's own officials and head,
 * internal control and admins (every office). Communications works on events, not questions.
 */
export function canViewOffice(actor: Actor, officeKey: string): boolean {
  if (actor.kind !== "official") return true;
  if (!actor.active) return false;
  if (actor.role === "admin" || actor.role === "internal_control") return true;
  if (actor.role === "communications") return false;
  return actor.officeKey === officeKey;
}

/** The back-office audit log: internal control and admins (issue 14). */
export function canReadAudit(actor: Actor): boolean {
  return actor.kind !== "official" || (actor.active && (actor.role === "admin" || actor.role === "internal_control"));
}

/** Offices, officials, roles and sign-in rules: admins only. */
export function canManageStaff(actor: Actor): boolean {
  return actor.kind !== "official" || (actor.active && actor.role === "admin");
}

/**
 * Whether `actor` may bind a group chat to `officeKey`, given the office the group is bound to now
 * (if any). Heads bind groups to their own office; a group another office already uses carries that
 * office's citizens' questions, so only an admin may move it (issue 19).
 */
export function canBindGroup(
  actor: Actor,
  officeKey: string,
  currentOfficeKey: string | undefined,
): "allowed" | "not_head" | "owned_by_other" {
  if (actor.kind === "cli" || actor.kind === "system") return "allowed";
  if (!actor.active) return "not_head";
  if (actor.role === "admin") return "allowed";
  if (actor.role !== "head" || actor.officeKey !== officeKey) return "not_head";
  return currentOfficeKey !== undefined && currentOfficeKey !== officeKey ? "owned_by_other" : "allowed";
}

/** What part of the institution a report covers for an actor: every office, one office, or nothing. */
export type ReportScope = { all: true } | { all: false; officeKey: string } | null;

/**
 * The management report ("Informes", issue 14): internal control and admins see every office, a
 * head their own office; other roles do not read it.
 */
export function reportScope(actor: Actor): ReportScope {
  if (actor.kind !== "official") return { all: true };
  if (!actor.active) return null;
  if (actor.role === "admin" || actor.role === "internal_control") return { all: true };
  if (actor.role === "head" && actor.officeKey) return { all: false, officeKey: actor.officeKey };
  return null;
}

/** Survey results for staff ("Encuestas"): as the report, and communications (event surveys) every office. */
export function surveyResultsScope(actor: Actor): ReportScope {
  if (actor.kind === "official" && actor.active && actor.role === "communications") return { all: true };
  return reportScope(actor);
}

/** An office's answer templates: written by its head (and admins); every official of the office uses them. */
export function canManageAnswerTemplates(actor: Actor, officeKey: string): boolean {
  if (actor.kind !== "official") return true;
  if (!actor.active) return false;
  return actor.role === "admin" || (actor.role === "head" && actor.officeKey === officeKey);
}

/** With `answerApproval` in the profile, an official's answer is a proposal their head approves. */
export function answerNeedsApproval(actor: Actor, approvalRequired: boolean): boolean {
  return approvalRequired && actor.kind === "official" && actor.role === "official";
}

/** Who approves (or returns) a proposed answer: the office's head and admins. */
export function canApproveAnswer(actor: Actor, officeKey: string): boolean {
  if (actor.kind !== "official") return true;
  if (!actor.active) return false;
  return actor.role === "admin" || (actor.role === "head" && actor.officeKey === officeKey);
}
