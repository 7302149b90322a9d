/**
 * The commitments registry: recording what was promised in a dialogue space, posting progress
 * (only the responsible office), cancelling with a reason, and citizens following them. Every
 * change is one transaction with its history entry and the notices to followers, so nothing is
 * announced that is not stored. Errors are values that map to `commitments.errors.<error>`.
 */
import { actorLabel, type Actor } from "../../core/authorization.ts";
import { toLocalDate, type LocalDate } from "../../core/calendar/index.ts";
import {
  applyCancel,
  applyProgress,
  buildReport,
  type Report,
  canActOnCommitment,
  checkDueDate,
  checkEvidenceUrl,
  checkText,
  type CommitmentAction,
  type CommitmentError,
} from "../../core/commitments.ts";
import type { CommitmentRow, CommitmentUpdateRow } from "../../db/repositories/commitments.ts";
import type { AppContext } from "../context.ts";
import { announce } from "./notices.ts";

export type CommitmentOutcome<T> = ({ ok: true } & T) | { ok: false; error: CommitmentError };

export interface RecordInput {
  text: string;
  officeKey: string;
  dueDate: string;
  districtKey?: string | null;
  eventId?: number | null;
}

export function todayOf(app: AppContext, nowMs = app.clock.nowMs()): LocalDate {
  return toLocalDate(new Date(nowMs), app.profile.timezone);
}

/**
 * Checks what a new commitment refers to: its text, an active office, a profile district, an
 * existing event, and a due date on or after `madeOn`. Shared by the chat, the CLI and the import.
 */
export async function checkRecordInput(
  app: AppContext,
  input: RecordInput,
  madeOn: LocalDate,
): Promise<CommitmentError | undefined> {
  return (await checkRecordInputAll(app, input, madeOn))[0];
}

/** Every problem of {@link checkRecordInput}, not only the first (an import reports them all per line). */
export async function checkRecordInputAll(
  app: AppContext,
  input: RecordInput,
  madeOn: LocalDate,
): Promise<CommitmentError[]> {
  const errors = [
    checkText(input.text),
    (await app.repos.offices.get(input.officeKey))?.active ? undefined : "unknown_office",
    input.districtKey && !app.profile.districts.some((d) => d.key === input.districtKey)
      ? "unknown_district"
      : undefined,
    input.eventId != null && !(await app.repos.commitments.event(input.eventId)) ? "unknown_event" : undefined,
    checkDueDate(input.dueDate, madeOn),
  ];
  return errors.filter((e): e is CommitmentError => e !== undefined);
}

/**
 * Records a commitment (communications, the office's head, admin, the CLI operator). Citizens who
 * RSVP'd "yes" to its event follow it from now on and are told so once.
 */
export async function recordCommitment(
  app: AppContext,
  actor: Actor,
  input: RecordInput,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow }>> {
  if (!canActOnCommitment(actor, "record", input.officeKey)) return { ok: false, error: "not_allowed" };
  return await app.store.withTransaction(async () => {
    const nowMs = app.clock.nowMs();
    const error = await checkRecordInput(app, input, todayOf(app, nowMs));
    if (error) return { ok: false, error };
    const repo = app.repos.commitments;
    const commitment = await repo.insert({
      number: await repo.nextNumber(),
      text: input.text.trim(),
      officeKey: input.officeKey,
      districtKey: input.districtKey || null,
      eventId: input.eventId ?? null,
      dueDate: input.dueDate,
      status: "pending",
      progress: 0,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    });
    await repo.addUpdate({
      commitmentId: commitment.id,
      kind: "created",
      status: "pending",
      percent: 0,
      actor: actorLabel(actor),
      atMs: nowMs,
    });
    await followFromEvent(app, [commitment], nowMs);
    return { ok: true, commitment };
  });
}

/** Makes the RSVP'd attendees of each commitment's event follow it, with one welcome per event. */
export async function followFromEvent(
  app: AppContext,
  commitments: readonly CommitmentRow[],
  nowMs: number,
): Promise<void> {
  const repo = app.repos.commitments;
  const byEvent = new Map<number, { commitmentIds: number[]; citizenIds: Set<number> }>();
  for (const c of commitments) {
    if (c.eventId === null) continue;
    const batch = byEvent.get(c.eventId) ?? { commitmentIds: [], citizenIds: new Set<number>() };
    batch.commitmentIds.push(c.id);
    for (const citizenId of await repo.followFromEvent(c.id, c.eventId, nowMs)) batch.citizenIds.add(citizenId);
    byEvent.set(c.eventId, batch);
  }
  for (const [eventId, batch] of byEvent) {
    if (batch.citizenIds.size > 0)
      await announce(
        app,
        { kind: "welcome", eventId, commitmentIds: batch.commitmentIds, citizenIds: [...batch.citizenIds] },
        nowMs,
      );
  }
}

/** Loads a commitment by its public number and checks the actor's right. */
async function loadForAction(
  app: AppContext,
  actor: Actor,
  number: number,
  action: CommitmentAction,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow }>> {
  const commitment = await app.repos.commitments.byNumber(number);
  if (!commitment) return { ok: false, error: "commitment_not_found" };
  if (!canActOnCommitment(actor, action, commitment.officeKey)) return { ok: false, error: "not_allowed" };
  return { ok: true, commitment };
}

export interface ProgressInput {
  percent: number;
  note: string;
  evidenceUrl?: string | null;
}

/**
 * The responsible office reports progress: percentage (0–100, never lower than before), a note and
 * optionally an evidence link. 100 % completes the commitment. Followers are told.
 */
export async function postProgress(
  app: AppContext,
  actor: Actor,
  number: number,
  input: ProgressInput,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow; update: CommitmentUpdateRow }>> {
  const evidenceUrl = input.evidenceUrl?.trim() || null;
  if (evidenceUrl) {
    const urlError = checkEvidenceUrl(evidenceUrl);
    if (urlError) return { ok: false, error: urlError };
  }
  return await app.store.withTransaction(async () => {
    const loaded = await loadForAction(app, actor, number, "progress");
    if (!loaded.ok) return loaded;
    const { commitment } = loaded;
    const next = applyProgress(commitment, input.percent, input.note);
    if (!next.ok) return next;
    const nowMs = app.clock.nowMs();
    return {
      ok: true,
      ...(await change(
        app,
        actor,
        commitment,
        { kind: "progress", status: next.status, percent: next.progress, note: input.note.trim(), evidenceUrl },
        nowMs,
      )),
    };
  });
}

/** Cancels an open commitment with a reason that followers are told. */
export async function cancelCommitment(
  app: AppContext,
  actor: Actor,
  number: number,
  reason: string,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow; update: CommitmentUpdateRow }>> {
  return await app.store.withTransaction(async () => {
    const loaded = await loadForAction(app, actor, number, "cancel");
    if (!loaded.ok) return loaded;
    const { commitment } = loaded;
    const next = applyCancel(commitment, reason);
    if (!next.ok) return next;
    return {
      ok: true,
      ...(await change(
        app,
        actor,
        commitment,
        { kind: "cancelled", status: "cancelled", percent: next.progress, note: reason.trim(), evidenceUrl: null },
        app.clock.nowMs(),
      )),
    };
  });
}

interface Change {
  kind: "progress" | "overdue" | "cancelled";
  status: CommitmentRow["status"];
  percent: number;
  note: string | null;
  evidenceUrl: string | null;
}

/** Applies a change: the row, its history entry and the notice to followers. Inside a transaction. */
export async function change(
  app: AppContext,
  actor: Actor,
  commitment: CommitmentRow,
  next: Change,
  nowMs: number,
): Promise<{ commitment: CommitmentRow; update: CommitmentUpdateRow }> {
  const repo = app.repos.commitments;
  const doneAtMs = next.status === "done" && commitment.status !== "done" ? nowMs : commitment.doneAtMs;
  await repo.update(commitment.id, {
    status: next.status,
    progress: next.percent,
    doneAtMs,
    updatedAtMs: nowMs,
    ...(next.kind === "cancelled" ? { statusReason: next.note } : {}),
  });
  const update = await repo.addUpdate({ commitmentId: commitment.id, ...next, actor: actorLabel(actor), atMs: nowMs });
  await announce(app, { kind: "update", updateId: update.id }, nowMs);
  return { commitment: (await repo.byId(commitment.id))!, update };
}

/** A commitment with its history (public: commitments are the entity's record). */
export async function showCommitment(
  app: AppContext,
  number: number,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow; history: CommitmentUpdateRow[] }>> {
  const commitment = await app.repos.commitments.byNumber(number);
  if (!commitment) return { ok: false, error: "commitment_not_found" };
  return { ok: true, commitment, history: await app.repos.commitments.history(commitment.id) };
}

/** A citizen follows a commitment (needs consent: following keeps their chat id for notices). */
export async function followCommitment(
  app: AppContext,
  citizenId: number,
  number: number,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow }> | { ok: false; error: "missing_consent" }> {
  if ((await app.repos.citizens.get(citizenId))?.consent !== "granted") return { ok: false, error: "missing_consent" };
  const commitment = await app.repos.commitments.byNumber(number);
  if (!commitment) return { ok: false, error: "commitment_not_found" };
  await app.repos.commitments.follow(commitment.id, citizenId, app.clock.nowMs());
  return { ok: true, commitment };
}

export async function unfollowCommitment(
  app: AppContext,
  citizenId: number,
  number: number,
): Promise<CommitmentOutcome<{ commitment: CommitmentRow }>> {
  const commitment = await app.repos.commitments.byNumber(number);
  if (!commitment) return { ok: false, error: "commitment_not_found" };
  await app.repos.commitments.unfollow(commitment.id, citizenId, app.clock.nowMs());
  return { ok: true, commitment };
}

/** The state of all commitments today, for `rinde commitments report`. */
export async function commitmentReport(app: AppContext, nowMs = app.clock.nowMs()): Promise<Report> {
  const items = (await app.repos.commitments.list()).map((c) => ({
    number: c.number,
    officeKey: c.officeKey,
    status: c.status,
    dueDate: c.dueDate,
    progress: c.progress,
    doneOn: c.doneAtMs === null ? null : todayOf(app, c.doneAtMs),
  }));
  return buildReport(items, todayOf(app, nowMs));
}
