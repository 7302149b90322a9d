/**
 * One back-office action: run once per form key (a double submit lands on the same result),
 * audited whether done or refused, in one transaction with the change itself.
 */
import type { Actor } from "../../core/authorization.ts";
import { inTransaction } from "../../db/client.ts";
import type { AppContext } from "../context.ts";
import { audit } from "./audit.ts";

export interface FormContext {
  /** The idempotency key rendered in the form. */
  key: string;
  /** Where the browser goes after the action. */
  redirectTo: string;
}

export type WorkResult<E extends string> =
  | { ok: true; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null }
  | { ok: false; error: E; limitDate?: string; dueDate?: string };

export type FormOutcome<E extends string> = { ok: true; duplicate: boolean; redirectTo: string } | { ok: false; error: E; limitDate?: string; dueDate?: string };

export function runFormAction<E extends string>(app: AppContext, actor: Actor, action: string, subject: string, form: FormContext, work: () => WorkResult<E>): FormOutcome<E> {
  const officialId = actor.kind === "official" ? actor.officialId : null;
  return inTransaction(app.db, (): FormOutcome<E> => {
    const seen = app.repos.staffAudit.form(form.key);
    if (seen) return { ok: true, duplicate: true, redirectTo: seen.redirectTo };
    const result = work();
    if (!result.ok) {
      audit(app, { officialId, action, subject, outcome: "refused", after: { error: result.error } });
      return result;
    }
    if (officialId !== null) app.repos.staffAudit.claimForm({ key: form.key, officialId, action, redirectTo: form.redirectTo, atMs: app.clock.nowMs() });
    audit(app, { officialId, action, subject, outcome: "ok", before: result.before ?? null, after: result.after ?? null });
    return { ok: true, duplicate: false, redirectTo: form.redirectTo };
  });
}
