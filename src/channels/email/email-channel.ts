/**
 * Staff e-mail (issue 14): an outbound-only channel over SMTP (nodemailer, `RINDE_SMTP_URL`), so
 * officials without a group chat still get new questions, reminders, escalations and digests. Like
 * every channel it only sends what the outbox holds; the address is the official's e-mail.
 * Failures are classified as SMTP says: 4xx and network errors retry, 5xx are permanent.
 */
import nodemailer from "nodemailer";
import type { Channel, OutboundMessage, SendResult } from "../channel.ts";
import { renderNumberedOptions } from "../channel.ts";

export interface EmailChannelOptions {
  /** smtp://user:pass@host:port or smtps://… */
  smtpUrl: string;
  /** The sender, e.g. "Rinde <rinde@alcaldia.gov.co>". */
  from: string;
  /** The subject line for a message (the first line of the text, by default). */
  subjectOf?: (message: OutboundMessage) => string;
  /** Messages per second to the SMTP server (default 5). */
  ratePerSecond?: number;
}

const RETRY_MS = 60_000;

function defaultSubject(message: OutboundMessage): string {
  const first = message.text.split("\n").find((line) => line.trim()) ?? "Rinde";
  return first.length > 120 ? `${first.slice(0, 117)}…` : first;
}

/** Maps a nodemailer error to the dispatcher's outcome. */
export function classifySmtpError(error: {
  responseCode?: number;
  code?: string;
  message?: string;
}): Exclude<SendResult, { ok: true }> {
  const reason = `smtp ${error.responseCode ?? error.code ?? "error"}`;
  if (error.responseCode !== undefined && error.responseCode >= 500) {
    // 550/551/553: the mailbox does not exist or is refused: the address is unreachable.
    return { ok: false, kind: "permanent", reason, unreachable: [550, 551, 553].includes(error.responseCode) };
  }
  return {
    ok: false,
    kind: "retry",
    retryAfterMs: RETRY_MS,
    reason,
    scope: error.responseCode === undefined ? "channel" : "chat",
  };
}

export function createEmailChannel(options: EmailChannelOptions): Channel {
  const transport = nodemailer.createTransport(options.smtpUrl);
  const subjectOf = options.subjectOf ?? defaultSubject;
  return {
    id: "email",
    capabilities: {
      nativeOptions: false,
      maxTextLength: 100_000,
      ratePerSecond: options.ratePerSecond ?? 5,
      ratePerChatPerSecond: 0,
    },
    async start() {
      // Outbound only: replies to these e-mails are not read.
    },
    async send(message): Promise<SendResult> {
      // A chat notice is edited when the question is closed; a sent e-mail cannot be: nothing to send.
      if (message.editChannelMessageId) return { ok: true };
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.address,
          subject: subjectOf(message),
          text: renderNumberedOptions(message.text, message.options),
          attachments: message.document
            ? [
                {
                  filename: message.document.fileName,
                  content: message.document.content,
                  contentType: message.document.mimeType,
                },
              ]
            : undefined,
        });
        return { ok: true, channelMessageId: info.messageId };
      } catch (error) {
        return classifySmtpError(error as { responseCode?: number; code?: string });
      }
    },
    async stop() {
      transport.close();
    },
  };
}
