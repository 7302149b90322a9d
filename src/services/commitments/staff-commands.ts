/**
 * Commitment commands in officials' chats (parsed in src/core/staff-commands.ts): record a
 * commitment, post progress, cancel with a reason, list the office's open commitments. Replies are
 * in Spanish, like every staff message; the rules are the registry's (src/services/commitments/commitments.ts).
 */
import type { Actor } from "../../core/authorization.ts";
import type { CommitmentStaffCommand } from "../../core/commitment-commands.ts";
import { OPEN_COMMITMENT_STATUSES, type CommitmentError } from "../../core/commitments.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, type AppContext, staffText } from "../context.ts";
import { quote, statusText } from "./notices.ts";
import { auditedCancelCommitment, auditedPostProgress, auditedRecordCommitment } from "../staff/audited-actions.ts";

/** Open commitments listed by `/compromisos`. */
const LIST_MAX_ITEMS = 20;

const t = staffText;

export function commitmentErrorText(app: AppContext, error: CommitmentError | "missing_consent"): string {
  return t(app, `commitments.errors.${error}`);
}

/**
 * The reply to a commitment command. `officeKey` is the office of the chat (a bound group) or of
 * the official; a new commitment without an office names that one.
 */
export async function commitmentStaffReply(
  app: AppContext,
  actor: Actor,
  command: CommitmentStaffCommand,
  officeKey: string | null,
): Promise<string> {
  switch (command.kind) {
    case "commitment_add": {
      const office = command.officeKey ?? officeKey;
      if (!office) return t(app, "commitments.staff.no_office");
      const result = await auditedRecordCommitment(app, actor, "chat", {
        text: command.text,
        officeKey: office,
        dueDate: command.dueDate,
        districtKey: command.districtKey ?? null,
        eventId: command.eventId ?? null,
      });
      if (!result.ok) return commitmentErrorText(app, result.error);
      const c = result.commitment;
      const recorded = t(app, "commitments.staff.recorded", {
        number: c.number,
        officeName: officeName(app, c.officeKey),
        dueDateText: dueDateText(c.dueDate, DEFAULT_LOCALE),
      });
      if (c.eventId === null) return recorded;
      return `${recorded} ${t(app, "commitments.staff.recorded_event_followers", { followers: (await app.repos.commitments.recipients(c.id)).length })}`;
    }
    case "commitment_progress": {
      const result = await auditedPostProgress(app, actor, "chat", command.number, {
        percent: command.percent,
        note: command.note,
        evidenceUrl: command.evidenceUrl ?? null,
      });
      if (!result.ok) return commitmentErrorText(app, result.error);
      const c = result.commitment;
      return t(app, "commitments.staff.progress_posted", {
        number: c.number,
        percent: c.progress,
        statusText: statusText(app, DEFAULT_LOCALE, c.status),
        followers: (await app.repos.commitments.recipients(c.id)).length,
      });
    }
    case "commitment_cancel": {
      const result = await auditedCancelCommitment(app, actor, "chat", command.number, command.reason);
      if (!result.ok) return commitmentErrorText(app, result.error);
      return t(app, "commitments.staff.cancelled", {
        number: result.commitment.number,
        followers: (await app.repos.commitments.recipients(result.commitment.id)).length,
      });
    }
    case "commitment_list":
      return await openList(app, officeKey);
  }
}

async function openList(app: AppContext, officeKey: string | null): Promise<string> {
  if (!officeKey) return t(app, "commitments.staff.no_office");
  const open = await app.repos.commitments.list(
    { officeKey, statuses: OPEN_COMMITMENT_STATUSES },
    { limit: LIST_MAX_ITEMS, offset: 0 },
  );
  if (open.length === 0) return t(app, "commitments.staff.list_none", { officeName: officeName(app, officeKey) });
  const lines = open.map((c) =>
    t(app, "commitments.staff.list_item", {
      number: c.number,
      text: quote(c.text, 80),
      percent: c.progress,
      statusText: statusText(app, DEFAULT_LOCALE, c.status),
      dueDateText: dueDateText(c.dueDate, DEFAULT_LOCALE),
    }),
  );
  return `${t(app, "commitments.staff.list_title", { officeName: officeName(app, officeKey) })}\n${lines.join("\n")}`;
}
