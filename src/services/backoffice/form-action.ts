/**
 * One back-office action: run once per form key (a double submit lands on the same result),
 * audited whether done or refused, in one transaction with the change itself.
 */
import type { Actor } from "../../core/authorization.ts";
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

export type FormOutcome<E extends string> =
  { ok: true; duplicate: boolean; redirectTo: string } | { ok: false; error: E; limitDate?: string; dueDate?: string };

export async function runFormAction<E extends string>(
  app: AppContext,
  actor: Actor,
  action: string,
  subject: string,
  form: FormContext,
  work: () => WorkResult<E> | Promise<WorkResult<E>>,
): Promise<FormOutcome<E>> {
  const officialId = actor.kind === "official" ? actor.officialId : null;
  return await app.store.withTransaction(async (): Promise<FormOutcome<E>> => {
    const seen = await app.repos.staffAudit.form(form.key);
    if (seen) return { ok: true, duplicate: true, redirectTo: seen.redirectTo };
    const result = await work();
    if (!result.ok) {
      await audit(app, { officialId, action, subject, outcome: "refused", after: { error: result.error } });
      return result;
    }
    if (officialId !== null)
      await app.repos.staffAudit.claimForm({
        key: form.key,
        officialId,
        action,
        redirectTo: form.redirectTo,
        atMs: app.clock.nowMs(),
      });
    await audit(app, {
      officialId,
      action,
      subject,
      outcome: "ok",
      before: result.before ?? null,
      after: result.after ?? null,
    });
    return { ok: true, duplicate: false, redirectTo: form.redirectTo };
  });
}
