/**
 * Consent (Ley 1581 de 2012; Decreto 1377 de 2013): each decision is kept as proof with its time,
 * the notice version and the channel. Deleting data anonymizes; the legal record stays.
 */
import { inertUserText } from "../../channels/channel.ts";
import { requestWalTruncate } from "../../db/client.ts";
import { DEDUP_WINDOW_MS } from "../../db/repositories/inbound.ts";
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { OutboxPayload, OutboxRow } from "../../db/repositories/outbox.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import type { AppContext } from "../context.ts";
import { enqueueAbout } from "../sent-messages.ts";
import { noticePayloads } from "../questions/office-notices.ts";
import { eraseSurveyData } from "../surveys/conversation.ts";
import { forgetEventData } from "../events/subscriptions.ts";

export async function recordConsent(
  app: AppContext,
  citizen: CitizenContext,
  decision: "granted" | "refused" | "revoked",
  channel: string,
): Promise<void> {
  await app.repos.citizens.recordConsent({
    citizenId: citizen.citizenId,
    decision,
    noticeVersion: app.profile.dataNotice.version,
    channel,
    nowMs: app.clock.nowMs(),
  });
  citizen.consent = decision;
  // No more announcements, reminders or event answers once consent is withdrawn (issue 6).
  if (decision === "revoked") await forgetEventData(app, citizen.citizenId);
}

/**
 * Erases the citizen's personal data; their questions remain with a placeholder text.
 *
 * What stays, and why: the question (reference, office, dates, history) and the official's answer
 * are the entity's record of a derecho de petición (Ley 1755 de 2015) and public documents it must
 * keep under its retention tables (Ley 594 de 2000, art. 11 and 24); deletion does not apply where
 * a legal duty to keep the data exists (Ley 1581 de 2012, art. 8 e and 15; Decreto 1377 de 2013,
 * art. 9 and 11). So the answer text stays, but every literal trace of the citizen in it (their
 * chat address or phone, their own words) is replaced by the placeholder. The privacy texts say so.
 */
export async function eraseCitizen(app: AppContext, citizenId: number): Promise<void> {
  await forgetEventData(app, citizenId);
  const placeholder = app.translator.t(DEFAULT_LOCALE, "privacy.erased_placeholder");
  // Read before the erasure deletes them: where the citizen was reached and what they wrote.
  const addresses = (await app.repos.citizens.identities(citizenId)).map((i) => ({
    channel: i.channel,
    address: i.address,
  }));
  const own = await app.repos.questions.list({ citizenId });
  const writtenTexts: string[] = [];
  for (const q of own) {
    for (const text of [q.text, ...(await app.repos.questions.history(q.id)).map((e) => eventText(e.data))])
      if (text?.trim()) writtenTexts.push(text);
  }
  await redactAnswers(
    app,
    own,
    [...addresses.map((a) => a.address), ...addresses.map((a) => a.address.replace(/@.*$/, "")), ...writtenTexts],
    placeholder,
  );
  await app.repos.citizens.erasePersonalData(citizenId, placeholder, app.clock.nowMs());
  // Inbound log: rows beyond the deduplication window go; newer ones lose the tie to the citizen.
  await app.repos.inbound.forgetCitizen(citizenId, app.clock.nowMs() - DEDUP_WINDOW_MS);
  for (const a of addresses) await app.repos.channelWindows.forget(a.channel, a.address);
  // Photos, documents and places they attached are personal data too (Ley 1581 de 2012).
  await app.repos.attachments.deleteForCitizen(citizenId);
  await app.repos.commitments.deleteFollowersOf(citizenId);
  await scrubOutbox(app, { citizenId, addresses, questionIds: own.map((q) => q.id) }, writtenTexts, placeholder);
  // Free-text survey comments too; numeric answers stay, anonymous, in the aggregates.
  await eraseSurveyData(app, citizenId, app.clock.nowMs());
  // The WAL file still holds the old pages: empty it at the next checkpoint.
  if (app.db) requestWalTruncate(app.db);
}

/** The official's answers keep their text, without the citizen's identifiers or words (see eraseCitizen). */
async function redactAnswers(
  app: AppContext,
  questions: readonly { id: number; answerText: string | null }[],
  traces: readonly string[],
  placeholder: string,
): Promise<void> {
  const needles = [...new Set(traces.map((t) => t.trim()).filter((t) => t.length >= 6))].sort(
    (a, b) => b.length - a.length,
  );
  for (const question of questions) {
    if (!question.answerText) continue;
    const redacted = needles.reduce((text, needle) => text.split(needle).join(placeholder), question.answerText);
    if (redacted !== question.answerText)
      await app.repos.questions.update(question.id, { answerText: redacted, updatedAtMs: app.clock.nowMs() });
  }
}

/** Channels whose sent messages can be edited afterwards (a notice in an office group is rewritten). */
const CHANNELS_EDITING_MESSAGES: ReadonlySet<string> = new Set(["telegram"]);

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
 * keep their chat but show the placeholder instead of the citizen's words, and lose their files and
 * shared locations (whose text is the place itself).
 */
async function scrubOutbox(
  app: AppContext,
  target: { citizenId: number; addresses: { channel: string; address: string }[]; questionIds: number[] },
  writtenTexts: string[],
  placeholder: string,
): Promise<void> {
  const isCitizens = (row: OutboxRow) =>
    row.citizenId === target.citizenId ||
    target.addresses.some((a) => a.channel === row.channel && a.address === row.address);
  const mentions = (text: string) => writtenTexts.some((t) => text.includes(t) || text.includes(inertUserText(t)));
  for (const row of await app.repos.outbox.forErasure(target)) {
    const payload = JSON.parse(row.payload) as OutboxPayload;
    if (isCitizens(row)) {
      await app.repos.outbox.scrub(row.id, { payload: { text: placeholder }, address: "", withdraw: true });
      continue;
    }
    const { media, document, location, ...rest } = payload;
    const question = row.questionId === null ? undefined : await app.repos.questions.byId(row.questionId);
    let text = payload.text;
    if (question && payload.buttons?.length && !payload.editChannelMessageId) {
      text = (await noticePayloads(app, question, row.channel))[0]!.text;
    } else if (question && payload.editChannelMessageId) {
      // A closed notice: the rebuilt notice, then its closing line (the last paragraph).
      const line = payload.text.slice(payload.text.lastIndexOf("\n\n") + 2);
      text = `${(await noticePayloads(app, question, row.channel))[0]!.text}\n\n${line}`;
    } else if (location !== undefined || mentions(payload.text)) {
      text = placeholder;
    }
    // A file or location message without its file or place says nothing: it is not sent.
    await app.repos.outbox.scrub(row.id, {
      payload: { ...rest, text },
      withdraw: media !== undefined || document !== undefined || location !== undefined,
    });
    // Already delivered to an office chat: the chat still shows the citizen's words; rewrite it there.
    if (
      row.status === "sent" &&
      row.channelMessageId &&
      text !== payload.text &&
      CHANNELS_EDITING_MESSAGES.has(row.channel)
    ) {
      const target = payload.editChannelMessageId ?? row.channelMessageId;
      const open =
        question !== undefined &&
        (question.status === "open" || question.status === "info_requested") &&
        !payload.editChannelMessageId;
      await enqueueAbout(
        app,
        {
          idempotencyKey: `erased:${row.id}`,
          channel: row.channel,
          address: row.address,
          payload: { text, editChannelMessageId: target, ...(open && rest.buttons ? { buttons: rest.buttons } : {}) },
          questionId: row.questionId,
        },
        row.questionId === null ? undefined : { kind: "notice_edit", questionId: row.questionId },
        app.clock.nowMs(),
      );
    }
  }
}
