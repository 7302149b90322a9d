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
  /** Where the action came from; the back-office when not said. */
  via?: AuditVia;
}

export type AuditVia = "web" | "chat" | "cli";

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
    via: entry.via ?? "web",
  });
}

/** The official behind an actor, for the log (null for the server operator of the CLI and the system). */
export const auditOfficialId = (actor: Actor): number | null => (actor.kind === "official" ? actor.officialId : null);

type Result = { ok: true } | { ok: false; error: unknown };

export interface AuditedChange<R extends Result> {
  actor: Actor;
  via: AuditVia;
  action: string;
  subject: string | null;
  /** The state before, read inside the transaction (undefined when there is nothing to read). */
  before?: () => Promise<Record<string, unknown> | null | undefined>;
  /** The state after a change that went through. */
  after: (result: Extract<R, { ok: true }>) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;
}

/**
 * Runs a staff action from a chat or the CLI in one transaction with its audit entry (who, what,
 * before → after, or the refusal and why), as the back-office does for its forms (issue 14).
 * A refusal is recorded and returned as it is; an exception rolls both back.
 */
export async function audited<R extends Result>(
  app: AppContext,
  change: AuditedChange<R>,
  run: () => Promise<R>,
): Promise<R> {
  return await app.store.withTransaction(async () => {
    const before = change.before ? ((await change.before()) ?? null) : null;
    const result = await run();
    const common = {
      officialId: auditOfficialId(change.actor),
      action: change.action,
      subject: change.subject,
      via: change.via,
    };
    if (!result.ok) await audit(app, { ...common, outcome: "refused", after: { error: errorCode(result.error) } });
    else
      await audit(app, {
        ...common,
        outcome: "ok",
        before,
        after: await change.after(result as Extract<R, { ok: true }>),
      });
    return result;
  });
}

/** A service's error value as a code: a string, or an object's `code` (events, announcements). */
function errorCode(error: unknown): string {
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null && "code" in error) return String((error as { code: unknown }).code);
  return "refused";
}

export const AUDIT_PAGE_SIZE = 50;

/** The audit log for internal control and admins, newest first, paged by id. */
export async function auditLog(
  app: AppContext,
  actor: Actor,
  filter: { beforeId?: number; action?: string; via?: AuditVia },
) {
  if (!canReadAudit(actor)) return { ok: false as const, error: "not_allowed" as const };
  const rows = await app.repos.staffAudit.page({ ...filter, limit: AUDIT_PAGE_SIZE + 1 });
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  return { ok: true as const, entries, nextBeforeId: rows.length > AUDIT_PAGE_SIZE ? entries.at(-1)!.id : null };
}
