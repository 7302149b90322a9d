/**
 * Files people sent us on the WhatsApp Cloud API, by media id: GET /{media-id} with the access
 * token gives a short-lived URL and the type, and the URL is downloaded with the token too (Meta,
 * "Media" reference). Received media ids expire (30 days). Used by the adapter to pass a citizen's
 * file on to an office (`rehost`) and by the back-office to show it (`createCloudMediaFiles`),
 * built from configuration so any process can serve files.
 */
import type { ChannelFiles } from "../channel.ts";
import { boundedBody, download, meaningfulType, networkCode } from "../file-body.ts";
import { graphErrorOf, isTokenError, type GraphError } from "./send-errors.ts";

export interface CloudMediaOptions {
  /** https://graph.facebook.com, or a fake in tests (WHATSAPP_GRAPH_URL). */
  graphUrl: string;
  apiVersion: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** Longest wait for the media's URL and for the download's headers. Default 30 s. */
  requestTimeoutMs?: number;
}

/** Why a media file could not be opened: no answer, Meta's refusal, or no URL in the answer. */
export type MediaFailure =
  { kind: "network"; code: string } | { kind: "graph"; error: GraphError } | { kind: "no_url" };

type OpenedMedia =
  { ok: true; response: Response; mimeType: string | undefined } | { ok: false; failure: MediaFailure };

interface CloudMedia {
  /** The file's download, its headers received (the body not yet read), with the type Meta reports. */
  open(mediaId: string): Promise<OpenedMedia>;
}

export function createCloudMedia(options: CloudMediaOptions): CloudMedia {
  const doFetch = options.fetch ?? fetch;
  const headersTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const headers = { authorization: `Bearer ${options.accessToken}` };

  async function get(url: string): Promise<{ ok: true; response: Response } | { ok: false; failure: MediaFailure }> {
    let response: Response;
    try {
      response = await download(doFetch, url, { headers, headersTimeoutMs });
    } catch (error) {
      return { ok: false, failure: { kind: "network", code: networkCode(error) } };
    }
    if (response.ok) return { ok: true, response };
    const body: unknown = await response.json().catch(() => ({}));
    return { ok: false, failure: { kind: "graph", error: graphErrorOf(response.status, body) } };
  }

  return {
    async open(mediaId) {
      const info = await get(
        `${options.graphUrl.replace(/\/+$/, "")}/${options.apiVersion}/${encodeURIComponent(mediaId)}`,
      );
      if (!info.ok) return info;
      const { url, mime_type: mimeType } = (await info.response.json().catch(() => ({}))) as {
        url?: unknown;
        mime_type?: unknown;
      };
      if (typeof url !== "string" || !url) return { ok: false, failure: { kind: "no_url" } };
      const file = await get(url);
      if (!file.ok) return file;
      return { ok: true, response: file.response, mimeType: typeof mimeType === "string" ? mimeType : undefined };
    },
  };
}

/**
 * Meta no longer has the file: the id is unknown or expired (Graph error 100 "Object … does not
 * exist", subcode 33; HTTP 404 on the id or on its expired URL), or it answered without a URL.
 */
function isMediaGone(failure: MediaFailure): boolean {
  if (failure.kind === "no_url") return true;
  if (failure.kind !== "graph") return false;
  const { error } = failure;
  return !isTokenError(error) && (error.code === 100 || error.subcode === 33 || error.httpStatus === 404);
}

/** The back-office's reader of WhatsApp Cloud files (see ChannelFiles). */
export function createCloudMediaFiles(options: CloudMediaOptions): ChannelFiles {
  const media = createCloudMedia(options);
  return {
    channel: "whatsapp",
    async fetchFile(mediaId, { maxBytes }) {
      const opened = await media.open(mediaId);
      if (opened.ok) {
        const type = meaningfulType(opened.mimeType);
        return boundedBody(opened.response, maxBytes, type ? { contentType: type } : {});
      }
      const { failure } = opened;
      const reason =
        failure.kind === "network"
          ? `whatsapp media network error (${failure.code})`
          : failure.kind === "no_url"
            ? "whatsapp media without a download url"
            : // Codes only: Meta's message may quote the media id, which must not reach the logs.
              `whatsapp media ${failure.error.code ?? "-"}/${failure.error.subcode ?? "-"} http ${failure.error.httpStatus}`;
      return { ok: false, error: isMediaGone(failure) ? "file_gone" : "channel_unavailable", reason };
    },
  };
}
