/** Writes the back-office audit log (issue 14): every staff action and every sign-in attempt. */
import type { AppContext } from "../context.ts";

export interface AuditEntry {
  /** The official acting; null for a visitor not signed in (a failed sign-in with an unknown e-mail). */
  officialId: number | null;
  /** `noun.verb`, e.g. `auth.sign_in`, `question.answer`. */
  action: string;
  /** What it acted on: a radicado, `official:<id>`, an office key. */
  subject?: string | null;
  outcome: "ok" | "refused" | "failed";
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Appends one entry. Call inside the action's transaction so the log and the change commit together. */
export function audit(app: AppContext, entry: AuditEntry): void {
  app.repos.staffAudit.append({
    atMs: app.clock.nowMs(),
    officialId: entry.officialId,
    action: entry.action,
    subject: entry.subject ?? null,
    outcome: entry.outcome,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
