/**
 * A citizen's photo or document, opened from the back-office's question page: read back through
 * the channel that keeps it (src/channels/file-readers.ts), for staff who may see the question
 * (the question page's rule), each official's views recorded in the audit log. What the browser
 * may show in the page (images of a few safe types) is decided here; anything else is downloaded.
 */
import { canActOnQuestion, type Actor } from "../../core/authorization.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { parseReference } from "../../core/reference.ts";
import type { ChannelFiles, FileFetchError } from "../../channels/channel.ts";
import type { AttachmentRow } from "../../db/repositories/attachments.ts";
import type { AppContext } from "../context.ts";
import { audit, auditOfficialId } from "./audit.ts";

/** The largest file the back-office passes on (Telegram's own limit for bots is 20 MB). */
export const MAX_FILE_VIEW_BYTES = 25 * 1024 * 1024;

/** Types shown in the page (as an image); every other file is downloaded, never rendered (no HTML, no SVG). */
export const INLINE_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp"]);

/** Types never sent under their own name, even as a download: a browser could run them if it ignored the disposition. */
const ACTIVE_TYPE = /html|xml|svg|javascript|ecmascript|^multipart\//;

/** The kept-file readers by channel id. */
export type FileReaders = ReadonlyMap<string, ChannelFiles>;

export const fileReadersOf = (readers: readonly ChannelFiles[]): FileReaders =>
  new Map(readers.map((reader) => [reader.channel, reader]));

/** Whether the page links to an attachment's file: a file (not a place) of a channel whose files can be read here. */
export const canOpenFile = (readers: FileReaders, attachment: AttachmentRow): boolean =>
  attachment.kind !== "location" && readers.has(attachment.channel);

/** Whether the page shows an attachment as an image: a file of a type shown inline, or a photo of no stated type (Telegram's are JPEG). */
export const showsAsImage = (attachment: AttachmentRow): boolean => {
  const type = normalType(attachment.mimeType);
  return type ? INLINE_TYPES.has(type) : attachment.kind === "photo";
};

export interface AttachmentFile {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  disposition: "inline" | "attachment";
  /** A name for the saved file: the citizen's, or the radicado and the attachment's number. */
  fileName: string;
  sizeBytes?: number;
}

export type AttachmentFileError = "question_not_found" | "not_allowed" | "attachment_not_found" | FileFetchError;

export type AttachmentFileOutcome =
  | { ok: true; file: AttachmentFile }
  | {
      ok: false;
      error: AttachmentFileError;
      /** The channel that failed to give the file (for the message and the log). */
      channel?: string;
      limitMb?: number;
      /** The channel's words, for the log (no token, no personal data). */
      reason?: string;
    };

const VIEW = "question.attachment_view";

export async function openAttachmentFile(
  app: AppContext,
  actor: Actor,
  readers: FileReaders,
  referenceInput: string,
  attachmentId: number,
): Promise<AttachmentFileOutcome> {
  const reference = parseReference(referenceInput);
  const question = reference ? await app.repos.questions.byReference(reference) : undefined;
  if (!question) return { ok: false, error: "question_not_found" };
  if (!canActOnQuestion(actor, "view", question.officeKey)) {
    await audit(app, {
      officialId: auditOfficialId(actor),
      action: VIEW,
      subject: question.reference,
      outcome: "refused",
      after: { attachmentId, error: "not_allowed" },
    });
    return { ok: false, error: "not_allowed" };
  }
  const attachment = (await app.repos.attachments.forQuestion(question.id)).find((a) => a.id === attachmentId);
  const reader = attachment && canOpenFile(readers, attachment) ? readers.get(attachment.channel) : undefined;
  if (!attachment || !reader) return { ok: false, error: "attachment_not_found" };
  const fetched = await reader.fetchFile(attachment.fileRef, { maxBytes: MAX_FILE_VIEW_BYTES });
  if (!fetched.ok)
    return {
      ok: false,
      error: fetched.error,
      channel: attachment.channel,
      reason: fetched.reason,
      ...(fetched.limitBytes ? { limitMb: Math.floor(fetched.limitBytes / (1024 * 1024)) } : {}),
    };
  try {
    await auditView(app, actor, question.reference, attachment);
  } catch (error) {
    void fetched.body.cancel().catch(() => {});
    throw error;
  }
  const type = contentTypeOf(fetched.contentType, attachment);
  const inline = INLINE_TYPES.has(type);
  return {
    ok: true,
    file: {
      body: fetched.body,
      contentType: inline || !ACTIVE_TYPE.test(type) ? type : "application/octet-stream",
      disposition: inline ? "inline" : "attachment",
      fileName: attachment.fileName?.trim() || `${question.reference}-adjunto-${attachment.id}${extensionOf(type)}`,
      ...(fetched.sizeBytes !== undefined ? { sizeBytes: fetched.sizeBytes } : {}),
    },
  };
}

/**
 * One audit entry per official, attachment and day (Bogotá): the page shows photos as thumbnails,
 * so every visit would otherwise record a view. Claimed atomically, like the pairing QR's view.
 */
async function auditView(app: AppContext, actor: Actor, reference: string, attachment: AttachmentRow): Promise<void> {
  const officialId = auditOfficialId(actor);
  if (officialId === null) return;
  const nowMs = app.clock.nowMs();
  const day = toLocalDate(new Date(nowMs), app.profile.timezone);
  await app.store.withTransaction(async () => {
    const first = await app.repos.staffAudit.claimForm({
      key: `seen:${officialId}:attachment:${attachment.id}:${day}`,
      officialId,
      action: VIEW,
      redirectTo: `/admin/preguntas/${reference}`,
      atMs: nowMs,
    });
    if (first)
      await audit(app, {
        officialId,
        action: VIEW,
        subject: reference,
        outcome: "ok",
        after: { attachmentId: attachment.id, kind: attachment.kind, channel: attachment.channel },
      });
  });
}

/** The type the channel reports, else the one stored with the attachment; a Telegram photo without either is a JPEG. */
function contentTypeOf(reported: string | undefined, attachment: AttachmentRow): string {
  return (
    normalType(reported) ??
    normalType(attachment.mimeType) ??
    (attachment.kind === "photo" && attachment.channel === "telegram" ? "image/jpeg" : "application/octet-stream")
  );
}

/** A well-formed `type/subtype` in lower case, without parameters; undefined otherwise. */
function normalType(type: string | null | undefined): string | undefined {
  const bare = type?.split(";")[0]?.trim().toLowerCase();
  return bare && /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(bare) ? bare : undefined;
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/webp": ".webp",
  "application/pdf": ".pdf",
};
const extensionOf = (type: string) => EXTENSIONS[type] ?? "";
