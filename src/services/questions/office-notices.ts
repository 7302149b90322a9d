/**
 * Question notices in office chats (a bound group, or an official's private chat): the notice text
 * with the citizen's words made inert, the action buttons (answer, ask for information, reassign),
 * one message per attached file or shared location, and the edit that closes a notice once the
 * question is answered or moved. Everything goes through the outbox; adapters without buttons or edits degrade.
 */
import { citizenErased } from "../privacy/erased-questions.ts";
import { inertUserText } from "../../channels/channel.ts";
import { formatStaffButtonAction, MAX_BUTTON_ACTION_BYTES } from "../../core/staff-commands.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { coordinatesText, mapUrl, parseGeoRef } from "../../core/geo.ts";
import type { AttachmentRow } from "../../db/repositories/attachments.ts";
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, requestTypeText, type AppContext, staffText } from "../context.ts";
import { enqueueAbout } from "../sent-messages.ts";

const t = staffText;

/**
 * Action buttons under a notice: answer, ask for information, reassign, extend the term (prórroga).
 * Each carries a short channel-neutral action (see staff-commands).
 */
export function noticeButtons(app: AppContext, questionId: number): NonNullable<OutboxPayload["buttons"]> {
  return [
    { label: t(app, "staff_buttons.answer"), action: formatStaffButtonAction({ kind: "answer", questionId }) },
    {
      label: t(app, "staff_buttons.request_info"),
      action: formatStaffButtonAction({ kind: "request_info", questionId }),
    },
    { label: t(app, "staff_buttons.reassign"), action: formatStaffButtonAction({ kind: "reassign", questionId }) },
    { label: t(app, "staff_buttons.extend"), action: formatStaffButtonAction({ kind: "extend", questionId }) },
  ];
}

/**
 * The messages announcing `question` to one office chat on `channel`: the notice (with buttons),
 * then, in the order the citizen sent them, each file attached on that same channel (file
 * references only work there) and each shared location (coordinates work everywhere).
 */
export async function noticePayloads(
  app: AppContext,
  question: QuestionRow,
  channel: string,
): Promise<OutboxPayload[]> {
  const attachments = await app.repos.attachments.forQuestion(question.id);
  let text = t(app, "notify.official_new_question", {
    reference: question.reference,
    officeName: officeName(app, question.officeKey),
    requestTypeText: requestTypeText(app, question.requestType),
    dueDateText: dueDateText(question.dueDate, DEFAULT_LOCALE),
    text: inertUserText(question.text),
  });
  if (attachments.length > 0) text += `\n\n${t(app, "staff_buttons.attachments_line", { count: attachments.length })}`;
  if (await citizenErased(app, question)) text += `\n\n${t(app, "erased_citizen.notice_line")}`;
  const sendable = attachments.filter((a) => (a.kind === "location" ? parseGeoRef(a.fileRef) : a.channel === channel));
  const position = (i: number) => ({ reference: question.reference, index: i + 1, count: sendable.length });
  return [
    { text, buttons: noticeButtons(app, question.id) },
    ...sendable.map((a, i): OutboxPayload =>
      a.kind === "location"
        ? locationPayload(app, a, position(i))
        : {
            text: t(app, "staff_buttons.attachment_caption", position(i)),
            media: { kind: a.kind, fileRef: a.fileRef, ...(a.fileName ? { fileName: a.fileName } : {}) },
          },
    ),
  ];
}

/**
 * A shared location for officials: a text line with the coordinates, the place and an OpenStreetMap
 * link (what channels without location messages show), and the pin itself where the channel has one.
 */
function locationPayload(
  app: AppContext,
  attachment: AttachmentRow,
  position: { reference: string; index: number; count: number },
): OutboxPayload {
  const at = parseGeoRef(attachment.fileRef)!;
  const place = [attachment.placeName, attachment.placeAddress].filter(Boolean).join(", ");
  return {
    text: t(app, "staff_buttons.location_caption", {
      ...position,
      coordinates: coordinatesText(at),
      // The place's name comes from the citizen's phone: inert, like their words.
      placeNote: place ? ` (${inertUserText(place)})` : "",
      mapUrl: mapUrl(at),
    }),
    location: {
      ...at,
      ...(attachment.placeName ? { name: attachment.placeName } : {}),
      ...(attachment.placeAddress ? { address: attachment.placeAddress } : {}),
    },
  };
}

/** The status line that closes a notice: answered or moved, by whom and when. */
export async function closingLine(
  app: AppContext,
  input:
    { kind: "answered" } | { kind: "reassigned"; toOfficeKey: string } | { kind: "transferred"; entityName: string },
  officialId: number | null,
): Promise<string> {
  const official = officialId === null ? undefined : await app.repos.officials.get(officialId);
  const name = official?.name ?? t(app, "staff_buttons.operator");
  const dateText = dueDateText(toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone), DEFAULT_LOCALE);
  switch (input.kind) {
    case "answered":
      return t(app, "staff_buttons.closed_answered", { name, dateText });
    case "reassigned":
      return t(app, "staff_buttons.closed_reassigned", {
        name,
        dateText,
        officeName: officeName(app, input.toOfficeKey),
      });
    case "transferred":
      return t(app, "staff_buttons.closed_transferred", { name, dateText, toEntity: input.entityName });
  }
}

/**
 * Edits every notice about the question that was already sent with buttons: adds `line` and
 * removes the buttons. Each notice is closed once (the idempotency key names it); a notice not
 * yet sent cannot be edited and keeps its buttons, which then answer "already closed".
 */
export async function closeNotices(app: AppContext, questionId: number, line: string): Promise<void> {
  const nowMs = app.clock.nowMs();
  const question = await app.repos.questions.byId(questionId);
  if (!question) return;
  for (const row of await app.repos.sentRefs.sentNotices(questionId)) {
    // Rebuilt from the question as it is now, never copied from the old message: the citizen may
    // have erased their data since (Ley 1581 de 2012), and the old text must not be sent again.
    const text = `${(await noticePayloads(app, question, row.channel))[0]!.text}\n\n${line}`;
    await enqueueAbout(
      app,
      {
        idempotencyKey: `q:${questionId}:notice-closed:${row.outboxId}`,
        channel: row.channel,
        address: row.address,
        payload: { text, editChannelMessageId: row.channelMessageId },
        questionId,
      },
      { kind: "notice_edit", questionId },
      nowMs,
    );
  }
}

/** Whether a button action fits every channel's limit (Telegram: 64 bytes of callback data). */
export function fitsButton(action: string): boolean {
  return Buffer.byteLength(action) <= MAX_BUTTON_ACTION_BYTES;
}
