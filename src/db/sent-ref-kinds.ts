/**
 * What a sent message can be about (the `sent_refs` table of both schemas, src/db/schema.ts):
 * shared by the SQLite and PostgreSQL schemas so their row types stay equal.
 */
export const SENT_REF_KINDS = [
  /** The new-question notice in an office chat, with its action buttons (closed by an edit later). */
  "question_notice",
  /** A file the citizen attached, sent after the notice. */
  "question_file",
  /** News about a question for its office (the citizen sent the information asked for). */
  "question_update",
  /** An edit of a notice (closed, or rewritten after an erasure): the same channel message. */
  "notice_edit",
  /** A bot reply in an office chat about a question (a prompt after a notice's button). */
  "staff_reply",
  /** A message to the citizen about their question (answer, extension, withdrawal…). */
  "citizen_notice",
  /** An office's request for more information, which the citizen may answer by replying to it. */
  "info_request",
  /** A citizen's turn with numbered options: its buttons count while it is the current menu. */
  "menu",
  /** A survey's first message to one invited citizen. */
  "survey_start",
] as const;
export type SentRefKind = (typeof SENT_REF_KINDS)[number];

/** What an official's reply to a staff prompt does. */
export interface StaffPromptRef {
  kind: "answer" | "request_info" | "reassign" | "extend";
  officeKey?: string;
}
