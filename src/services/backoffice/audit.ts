/** Writes the back-office audit log (issue 14): every staff action and every sign-in attempt. */
import { canReadAudit, type Actor } from "../../core/authorization.ts";
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
export async function audit(app: AppContext, entry: AuditEntry): Promise<void> {
  await app.repos.staffAudit.append({
        atMs: app.clock.nowMs(),
        officialId: entry.officialId,
        action: entry.action,
        subject: entry.subject ?? null,
        outcome: entry.outcome,
        before: entry.before ?? null,
        after: entry.after ?? null,
      });
}

export const AUDIT_PAGE_SIZE = 50;

/** The audit log for internal control and admins, newest first, paged by id. */
export async function auditLog(app: AppContext, actor: Actor, filter: { beforeId?: number; action?: string }) {
  if (!canReadAudit(actor)) return { ok: false as const, error: "not_allowed" as const };
  const rows = await app.repos.staffAudit.page({ ...filter, limit: AUDIT_PAGE_SIZE + 1 });
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  return { ok: true as const, entries, nextBeforeId: rows.length > AUDIT_PAGE_SIZE ? entries.at(-1)!.id : null };
}
