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

/** A refusal carried out of the transaction, so that the form's claim and any partial change roll back. */
class Refusal<E extends string> {
  constructor(readonly result: Extract<WorkResult<E>, { ok: false }>) {}
}

/**
 * Claims the form's key first, then does the work, in one transaction: a second submit of the same
 * form waits for the first on the key (PostgreSQL's unique index; SQLite's single writer) and lands
 * on its result instead of doing the work again. A refusal rolls everything back, the claim too (so
 * the corrected form can be sent with the same key), and is audited on its own.
 */
export async function runFormAction<E extends string>(
  app: AppContext,
  actor: Actor,
  action: string,
  subject: string,
  form: FormContext,
  work: () => WorkResult<E> | Promise<WorkResult<E>>,
): Promise<FormOutcome<E>> {
  const officialId = actor.kind === "official" ? actor.officialId : null;
  try {
    return await app.store.withTransaction(async (): Promise<FormOutcome<E>> => {
      const claimed =
        officialId === null
          ? (await app.repos.staffAudit.form(form.key)) === undefined
          : await app.repos.staffAudit.claimForm({
              key: form.key,
              officialId,
              action,
              redirectTo: form.redirectTo,
              atMs: app.clock.nowMs(),
            });
      const claimedRedirect = form.redirectTo;
      if (!claimed) {
        const seen = await app.repos.staffAudit.form(form.key);
        return { ok: true, duplicate: true, redirectTo: seen?.redirectTo ?? form.redirectTo };
      }
      const result = await work();
      if (!result.ok) throw new Refusal(result);
      // The work may have decided where the browser goes (the record it created, as a new announcement
      // does): duplicates go there too. Otherwise the claim already holds it.
      if (officialId !== null && form.redirectTo !== claimedRedirect)
        await app.repos.staffAudit.setFormRedirect(form.key, form.redirectTo);
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
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const refused = (error as Refusal<E>).result;
    await app.store.withTransaction(() =>
      audit(app, { officialId, action, subject, outcome: "refused", after: { error: refused.error } }),
    );
    return refused;
  }
}
