/**
 * Reads back files citizens sent on Telegram (their file_id), for the back-office: `getFile`, then
 * the download at `{apiRoot}/file/bot<token>/<file_path>`, with plain `fetch` and the token from
 * configuration, so any process serves them, whether or not it holds the bot's polling. The token
 * is in both URLs: they are never logged, returned or shown, and the bytes are streamed through our
 * server instead of sending a browser there.
 */
import type { ChannelFiles, FileFetchResult } from "../channel.ts";
import { boundedBody, download, networkCode } from "../file-body.ts";

/** Bots may download files up to 20 MB (Bot API, getFile). */
const TELEGRAM_DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;
const DEFAULT_TELEGRAM_API_ROOT = "https://api.telegram.org";

export interface TelegramFilesOptions {
  token: string;
  /** TELEGRAM_API_ROOT (a self-hosted Bot API server, or a test fake); api.telegram.org by default. */
  apiRoot?: string;
  fetch?: typeof fetch;
  /** Longest wait for getFile and for the download's headers. Default 30 s. */
  requestTimeoutMs?: number;
}

/** Telegram photos are JPEG; other files' types follow their path's extension. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  pdf: "application/pdf",
};

export function createTelegramFiles(options: TelegramFilesOptions): ChannelFiles {
  const doFetch = options.fetch ?? fetch;
  const root = (options.apiRoot ?? DEFAULT_TELEGRAM_API_ROOT).replace(/\/+$/, "");
  const timeoutMs = options.requestTimeoutMs ?? 30_000;

  async function getFile(fileId: string): Promise<{ ok: true; path: string; size?: number } | FileFetchResult> {
    let response: Response;
    try {
      response = await doFetch(`${root}/bot${options.token}/getFile`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ file_id: fileId }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return {
        ok: false,
        error: "channel_unavailable",
        reason: `telegram getFile network error (${networkCode(error)})`,
      };
    }
    const body = (await response.json().catch(() => ({}))) as {
      ok?: boolean;
      result?: { file_path?: string; file_size?: number };
      error_code?: number;
      description?: string;
    };
    if (body.ok && body.result?.file_path)
      return { ok: true, path: body.result.file_path, size: body.result.file_size };
    const description = typeof body.description === "string" ? body.description.slice(0, 200) : "";
    if (/file is too big/i.test(description))
      return { ok: false, error: "file_too_big", limitBytes: TELEGRAM_DOWNLOAD_MAX_BYTES, reason: description };
    if (response.status === 400)
      return { ok: false, error: "file_gone", reason: `telegram getFile 400 ${description}`.trim() };
    // 401/404: a wrong or revoked token (Telegram answers 404 to an unknown bot); 5xx, 429: Telegram is not answering.
    return {
      ok: false,
      error: "channel_unavailable",
      reason: `telegram getFile ${response.status} ${description}`.trim(),
    };
  }

  return {
    channel: "telegram",
    async fetchFile(fileId, { maxBytes }) {
      const file = await getFile(fileId);
      if (!("path" in file)) return file;
      const limit = Math.min(maxBytes, TELEGRAM_DOWNLOAD_MAX_BYTES);
      if (file.size !== undefined && file.size > limit)
        return { ok: false, error: "file_too_big", limitBytes: limit, reason: `file of ${file.size} bytes` };
      let response: Response;
      try {
        const path = file.path.split("/").map(encodeURIComponent).join("/");
        response = await download(doFetch, `${root}/file/bot${options.token}/${path}`, { headersTimeoutMs: timeoutMs });
      } catch (error) {
        return {
          ok: false,
          error: "channel_unavailable",
          reason: `telegram download network error (${networkCode(error)})`,
        };
      }
      if (!response.ok) {
        void response.body?.cancel().catch(() => {});
        return response.status === 404
          ? { ok: false, error: "file_gone", reason: "telegram download 404" }
          : { ok: false, error: "channel_unavailable", reason: `telegram download ${response.status}` };
      }
      const extension = /\.([a-z0-9]+)$/i.exec(file.path)?.[1]?.toLowerCase() ?? "";
      const contentType = TYPES_BY_EXTENSION[extension];
      return boundedBody(response, limit, {
        ...(contentType ? { contentType } : {}),
        ...(file.size !== undefined ? { sizeBytes: file.size } : {}),
      });
    },
  };
}
