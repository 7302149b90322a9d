/**
 * A citizen's photo or document from the question page, streamed through this server from the
 * channel that keeps it (never a redirect: a Telegram file URL carries the bot token). The service
 * decides who may see it and how it is shown; this sets the headers and streams.
 */
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { FastifyInstance } from "fastify";
import {
  openAttachmentFile,
  type AttachmentFileError,
  type AttachmentFileOutcome,
} from "../../services/backoffice/attachment-file.ts";
import { localeOf, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const STATUS: Record<AttachmentFileError, number> = {
  question_not_found: 404,
  attachment_not_found: 404,
  not_allowed: 403,
  file_gone: 410,
  file_too_big: 422,
  channel_unavailable: 502,
};

export function registerAttachmentFileRoutes(admin: FastifyInstance, deps: WebDeps): void {
  admin.get<{ Params: { ref: string; id: string } }>("/preguntas/:ref/adjuntos/:id", async (request, reply) => {
    const staff = staffOf(request);
    const id = /^\d{1,9}$/.test(request.params.id) ? Number(request.params.id) : undefined;
    const result: AttachmentFileOutcome =
      id === undefined
        ? { ok: false, error: "attachment_not_found" }
        : await openAttachmentFile(deps.app, staff.actor, deps.fileReaders, request.params.ref, id);
    if (!result.ok) {
      // The channel's code and words only: no radicado, no file reference, no token.
      if (result.reason)
        request.log.warn(
          { channel: result.channel, error: result.error, reason: result.reason },
          "backoffice.file_failed",
        );
      const channel = result.channel ? deps.translator.t(localeOf(request), `web.channels.${result.channel}`) : "";
      return sendPage(
        request,
        reply,
        deps,
        "error",
        { title: "errors.title", message: `errors.${result.error}`, vars: { channel, limitMb: result.limitMb ?? 0 } },
        STATUS[result.error],
      );
    }
    const { file } = result;
    reply
      .type(file.contentType)
      .header("content-disposition", contentDisposition(file.disposition, file.fileName))
      .header("cache-control", "private, no-store")
      .header("x-content-type-options", "nosniff")
      // Opened on its own, the file is a document of this origin: it may run nothing and load nothing.
      // The browser's own image viewer styles itself inline (Chromium logs a CSP error without it).
      .header("content-security-policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    // No Content-Length from the channel's: fetch decompresses a gzip download, whose declared length is the compressed one.
    const body = Readable.fromWeb(file.body as NodeReadableStream<Uint8Array>);
    body.on("error", (error) => request.log.warn({ err: { message: error.message } }, "backoffice.file_stream_failed"));
    return reply.send(body);
  });
}

/** `attachment` or `inline` with the name twice: plain ASCII for old clients, and UTF-8 (RFC 6266, RFC 5987). */
function contentDisposition(disposition: "inline" | "attachment", fileName: string): string {
  const clean = fileName.replace(/[\u0000-\u001f\u007f"\\/]/g, "_").slice(0, 150) || "archivo";
  const ascii = clean
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "_");
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}

const encodeRfc5987 = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
