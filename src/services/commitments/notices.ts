/**
 * Telling people about commitments, always through the outbox: the followers (each in their own
 * language, on the channel where they can be reached, only with consent and not deleted) and the
 * responsible office (its bound group chats and linked officials, in Spanish).
 *
 * A notice to followers is delivered at once, or — when it happens in the profile's quiet hours —
 * by a `commitment.notify` job when they end. Outbox keys name the update and the citizen, so a
 * retried job or a replanned notice is sent once.
 */
import { truncateText } from "../../core/text-length.ts";
import { quietUntilMs } from "../../core/quiet-hours.ts";
import { formatLongDate, toLocalDate } from "../../core/calendar/index.ts";
import type { CommitmentRow, CommitmentUpdateRow } from "../../db/repositories/commitments.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, render, type AppContext } from "../context.ts";
import { publicLinkLine } from "../transparency/links.ts";
import { officeTargets, sendToTargets } from "../staff/office-targets.ts";
import { mapInOrder } from "../../core/in-order.ts";

export const COMMITMENT_JOB_KINDS = {
  /** Daily, at office opening on business days: overdue flags and reminders. Payload {@link SweepPayload}. */
  sweep: "commitment.sweep",
  /** Monthly digest to followers. Payload {@link DigestPayload}. */
  digest: "commitment.digest",
  /** A notice held back by quiet hours. Payload {@link CommitmentNotice}. */
  notify: "commitment.notify",
} as const;

export interface SweepPayload {
  date: string;
}
export interface DigestPayload {
  month: string;
}

/** What followers hear about: one history entry, or the commitments an event's attendees now follow. */
export type CommitmentNotice =
  | { kind: "update"; updateId: number }
  | { kind: "welcome"; eventId: number; commitmentIds: number[]; citizenIds: number[] };

/** Longest commitment text quoted in a chat notice, in characters. */
const QUOTE_LENGTH = 160;

export function quote(text: string, max = QUOTE_LENGTH): string {
  return truncateText(text.replace(/\s+/g, " ").trim(), max);
}

export function statusText(app: AppContext, locale: string, status: string): string {
  return app.translator.t(locale, `commitments.status.${status}`);
}

export async function eventLabel(app: AppContext, locale: string, eventId: number): Promise<string | undefined> {
  const event = await app.repos.commitments.event(eventId);
  if (!event) return undefined;
  const date = toLocalDate(new Date(event.startsAtMs), app.profile.timezone);
  return render(app, locale, "commitments.event_label", {
    title: event.title,
    dateText: formatLongDate(date, locale === "en" ? "en" : "es"),
  });
}

/** Queues `text` to a citizen on their most recent reachable channel; false if there is none. */
export async function sendToCitizen(
  app: AppContext,
  citizenId: number,
  idempotencyKey: string,
  text: string,
  nowMs: number,
): Promise<boolean> {
  const identity = (await app.repos.citizens.identities(citizenId)).find((i) => i.unreachableAtMs === null);
  if (!identity) return false;
  // Bulk priority: a fan-out to many followers must not hold back replies to people chatting now.
  await app.repos.outbox.enqueue(
    { idempotencyKey, channel: identity.channel, address: identity.address, citizenId, priority: 1, payload: { text } },
    nowMs,
  );
  return true;
}

function noticeKey(notice: CommitmentNotice): string {
  return notice.kind === "update"
    ? `cm:notify:u${notice.updateId}`
    : `cm:notify:welcome:c${Math.min(...notice.commitmentIds)}`;
}

/** Delivers a notice now, or plans it for the end of quiet hours. Call inside the change's transaction. */
export async function announce(app: AppContext, notice: CommitmentNotice, nowMs: number): Promise<void> {
  const quietEnd = quietUntilMs(nowMs, app.profile.quietHours, app.profile.timezone);
  if (quietEnd === undefined) {
    await deliverNotice(app, notice, nowMs);
    return;
  }
  await app.repos.jobs.plan(
    { key: noticeKey(notice), kind: COMMITMENT_JOB_KINDS.notify, runAtMs: quietEnd, payload: { ...notice } },
    nowMs,
  );
}

/** Writes the outbox rows of a notice; returns how many followers it reached. */
export async function deliverNotice(app: AppContext, notice: CommitmentNotice, nowMs: number): Promise<number> {
  return notice.kind === "update"
    ? await deliverUpdate(app, notice.updateId, nowMs)
    : await deliverWelcome(app, notice, nowMs);
}

async function deliverUpdate(app: AppContext, updateId: number, nowMs: number): Promise<number> {
  const repo = app.repos.commitments;
  const update = await repo.updateById(updateId);
  const commitment = update ? await repo.byId(update.commitmentId) : undefined;
  if (!update || !commitment || update.kind === "created") return 0;
  // Attendees who answered the RSVP after the commitment was recorded follow it too.
  if (commitment.eventId !== null) await repo.followFromEvent(commitment.id, commitment.eventId, nowMs);
  let reached = 0;
  for (const r of await repo.recipients(commitment.id)) {
    if (
      await sendToCitizen(
        app,
        r.citizenId,
        `cm:u${update.id}:cit${r.citizenId}`,
        updateText(app, r.locale, commitment, update),
        nowMs,
      )
    )
      reached++;
  }
  return reached;
}

/** The followers' message about one history entry, in `locale`. */
export function updateText(
  app: AppContext,
  locale: string,
  commitment: CommitmentRow,
  update: CommitmentUpdateRow,
): string {
  const kind = update.kind === "progress" && update.status === "done" ? "done" : update.kind;
  const evidenceLine = update.evidenceUrl
    ? render(app, locale, "commitments.notify.evidence_line", { url: update.evidenceUrl })
    : "";
  const body = render(app, locale, `commitments.notify.${kind}`, {
    number: commitment.number,
    text: quote(commitment.text),
    officeName: officeName(app, commitment.officeKey),
    percent: update.percent,
    note: update.note ?? "",
    evidenceLine,
    dueDateText: dueDateText(commitment.dueDate, locale),
  });
  return `${body}\n\n${render(app, locale, "commitments.notify.footer")}${publicLinkLine(app, locale, "commitment", `/compromisos/${commitment.number}`)}`;
}

async function deliverWelcome(
  app: AppContext,
  notice: Extract<CommitmentNotice, { kind: "welcome" }>,
  nowMs: number,
): Promise<number> {
  const repo = app.repos.commitments;
  const commitments = (await mapInOrder(notice.commitmentIds, async (id) => await repo.byId(id))).filter(
    (c): c is CommitmentRow => c !== undefined,
  );
  if (commitments.length === 0) return 0;
  const wanted = new Set(notice.citizenIds);
  const numbers = commitments.map((c) => c.number).join(", ");
  let reached = 0;
  for (const r of await repo.recipients(commitments[0]!.id)) {
    if (!wanted.has(r.citizenId)) continue;
    const text =
      render(app, r.locale, "commitments.notify.welcome", {
        eventName: (await eventLabel(app, r.locale, notice.eventId)) ?? "",
        total: commitments.length,
        numbers,
      }) + publicLinkLine(app, r.locale, "event", `/eventos/${notice.eventId}`);
    if (await sendToCitizen(app, r.citizenId, `cm:welcome:c${commitments[0]!.id}:cit${r.citizenId}`, text, nowMs))
      reached++;
  }
  return reached;
}

// ── the responsible office ─────────────────────────────────────────────────────────────────────

/** Queues an office message (`commitments.office.<kind>`) keyed `<keyPrefix>:<target>`; returns how many were queued. */
export async function notifyOffice(
  app: AppContext,
  commitment: CommitmentRow,
  keyPrefix: string,
  kind: "reminder" | "overdue",
  vars: Record<string, unknown>,
  nowMs: number,
): Promise<number> {
  const text = render(app, DEFAULT_LOCALE, `commitments.office.${kind}`, {
    number: commitment.number,
    text: quote(commitment.text),
    officeName: officeName(app, commitment.officeKey),
    dueDateText: dueDateText(commitment.dueDate, DEFAULT_LOCALE),
    percent: commitment.progress,
    ...vars,
  });
  return await sendToTargets(app, await officeTargets(app, commitment.officeKey), keyPrefix, text, nowMs);
}
