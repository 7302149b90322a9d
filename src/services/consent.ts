/**
 * Consent (Ley 1581 de 2012; Decreto 1377 de 2013): each decision is kept as proof with its time,
 * the notice version and the channel. Deleting data anonymizes; the legal record stays.
 */
import { inertUserText } from "../channels/channel.ts";
import type { CitizenContext } from "../db/repositories/citizens.ts";
import type { OutboxPayload, OutboxRow } from "../db/repositories/outbox.ts";
import { DEFAULT_LOCALE } from "../i18n/index.ts";
import type { AppContext } from "./context.ts";
import { noticePayloads } from "./office-notices.ts";
import { eraseSurveyData } from "./surveys.ts";
import { forgetEventData } from "./subscriptions.ts";

export function recordConsent(app: AppContext, citizen: CitizenContext, decision: "granted" | "refused" | "revoked", channel: string): void {
  app.repos.citizens.recordConsent({
    citizenId: citizen.citizenId,
    decision,
    noticeVersion: app.profile.dataNotice.version,
    channel,
    nowMs: app.clock.nowMs(),
  });
  citizen.consent = decision;
  // No more announcements, reminders or event answers once consent is withdrawn (issue 6).
  if (decision === "revoked") forgetEventData(app, citizen.citizenId);
}

/** Erases the citizen's personal data; their questions remain with a placeholder text. */
export function eraseCitizen(app: AppContext, citizenId: number): void {
  forgetEventData(app, citizenId);
  const placeholder = app.translator.t(DEFAULT_LOCALE, "privacy.erased_placeholder");
  // Read before the erasure deletes them: where the citizen was reached and what they wrote.
  const addresses = app.repos.citizens.identities(citizenId).map((i) => ({ channel: i.channel, address: i.address }));
  const own = app.repos.questions.list({ citizenId });
  const writtenTexts = own.flatMap((q) => [q.text, ...app.repos.questions.history(q.id).map((e) => eventText(e.data))]).filter((t): t is string => !!t?.trim());
  app.repos.citizens.erasePersonalData(citizenId, placeholder, app.clock.nowMs());
  // Photos and documents they attached are personal data too (Ley 1581 de 2012).
  app.repos.attachments.deleteForCitizen(citizenId);
  app.repos.commitments.deleteFollowersOf(citizenId);
  scrubOutbox(app, { citizenId, addresses, questionIds: own.map((q) => q.id) }, writtenTexts, placeholder);
  // Free-text survey comments too; numeric answers stay, anonymous, in the aggregates.
  eraseSurveyData(app, citizenId, app.clock.nowMs());
}

function eventText(data: string | null): string | undefined {
  try {
    const text = (JSON.parse(data ?? "{}") as { text?: unknown }).text;
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outbox is a delivery record, not an archive: messages to the citizen lose their text, files
 * and address, and are never sent if still pending; notices about their questions in office chats
 * keep their chat but show the placeholder instead of the citizen's words, and lose their files.
 */
function scrubOutbox(app: AppContext, target: { citizenId: number; addresses: { channel: string; address: string }[]; questionIds: number[] }, writtenTexts: string[], placeholder: string): void {
  const isCitizens = (row: OutboxRow) => row.citizenId === target.citizenId || target.addresses.some((a) => a.channel === row.channel && a.address === row.address);
  const mentions = (text: string) => writtenTexts.some((t) => text.includes(t) || text.includes(inertUserText(t)));
  for (const row of app.repos.outbox.forErasure(target)) {
    const payload = JSON.parse(row.payload) as OutboxPayload;
    if (isCitizens(row)) {
      app.repos.outbox.scrub(row.id, { payload: { text: placeholder }, address: "", withdraw: true });
      continue;
    }
    const { media, document, ...rest } = payload;
    const question = row.questionId === null ? undefined : app.repos.questions.byId(row.questionId);
    let text = payload.text;
    if (question && payload.buttons?.length && !payload.editChannelMessageId) {
      text = noticePayloads(app, question, row.channel)[0]!.text;
    } else if (question && payload.editChannelMessageId) {
      // A closed notice: the rebuilt notice, then its closing line (the last paragraph).
      const line = payload.text.slice(payload.text.lastIndexOf("\n\n") + 2);
      text = `${noticePayloads(app, question, row.channel)[0]!.text}\n\n${line}`;
    } else if (mentions(payload.text)) {
      text = placeholder;
    }
    // A file message without its file says nothing: it is not sent.
    app.repos.outbox.scrub(row.id, { payload: { ...rest, text }, withdraw: media !== undefined || document !== undefined });
  }
}
