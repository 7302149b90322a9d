/** What the file readers of the channels share: a download's body, bounded in size. */
import type { FileFetchResult } from "./channel.ts";

/**
 * The body of a successful download as a FileFetchResult: refused at once when the declared
 * Content-Length exceeds `maxBytes`, otherwise streamed through a counter that errors (and so
 * aborts the response) past `maxBytes`, for servers that declare no length.
 */
export function boundedBody(
  response: Response,
  maxBytes: number,
  reported: { contentType?: string; sizeBytes?: number } = {},
): FileFetchResult {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const sizeBytes = Number.isFinite(declared) ? declared : reported.sizeBytes;
  if (!response.body || (sizeBytes !== undefined && sizeBytes > maxBytes)) {
    void response.body?.cancel().catch(() => {});
    return response.body
      ? { ok: false, error: "file_too_big", limitBytes: maxBytes, reason: `file of ${sizeBytes} bytes` }
      : { ok: false, error: "channel_unavailable", reason: "download without a body" };
  }
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) controller.error(new Error(`file larger than ${maxBytes} bytes`));
      else controller.enqueue(chunk);
    },
  });
  const type = reported.contentType ?? meaningfulType(response.headers.get("content-type"));
  return {
    ok: true,
    body: response.body.pipeThrough(counter),
    ...(type ? { contentType: type } : {}),
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
  };
}

/** A content type that says something (not the generic octet-stream), without its parameters. */
export function meaningfulType(header: string | null | undefined): string | undefined {
  const type = header?.split(";")[0]?.trim().toLowerCase();
  return type && type !== "application/octet-stream" && type !== "binary/octet-stream" ? type : undefined;
}

/** A network failure's code (ECONNREFUSED, a timeout's name), for logs: never the URL, which may carry a token. */
export function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : ((error as Error).name ?? "Error");
}

/** Longest a whole download may take once its headers came (a slow link, a large file). */
const DOWNLOAD_MAX_MS = 10 * 60_000;

/**
 * A GET whose headers must come within `headersTimeoutMs` and whose whole body within
 * DOWNLOAD_MAX_MS (AbortSignal.timeout alone would cut a large file's body at the headers' limit).
 */
export async function download(
  doFetch: typeof fetch,
  url: string,
  init: { headers?: Record<string, string>; headersTimeoutMs: number },
): Promise<Response> {
  const controller = new AbortController();
  const headersTimer = setTimeout(
    () => controller.abort(new DOMException("timeout", "TimeoutError")),
    init.headersTimeoutMs,
  );
  const bodyTimer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), DOWNLOAD_MAX_MS);
  bodyTimer.unref?.();
  try {
    const response = await doFetch(url, {
      ...(init.headers ? { headers: init.headers } : {}),
      signal: controller.signal,
    });
    return response;
  } catch (error) {
    clearTimeout(bodyTimer);
    throw error;
  } finally {
    clearTimeout(headersTimer);
  }
}
