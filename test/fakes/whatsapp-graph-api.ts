/**
 * A fake Meta Graph API for the WhatsApp Cloud adapter, on 127.0.0.1: `POST /{version}/{phone-id}/messages`
 * (text, interactive, template, document) answers a new wamid, `POST …/media` (multipart) a media
 * id. Every request is recorded; errors in Meta's shape can be queued, for all sends or only those
 * a predicate picks. `GET /{version}/{media-id}` and its download URL serve the files of `media`
 * (a removed id answers as Meta does for expired media: 400, code 100, subcode 33).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface GraphRequest {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** Parsed JSON for /messages; the raw multipart text for /media; empty for a GET. */
  body: Record<string, unknown> | string;
  method?: "GET";
}

export interface SentMessage extends Record<string, unknown> {
  to: string;
  type: string;
  wamid: string;
}

export interface InjectedError {
  httpStatus: number;
  code: number;
  title?: string;
}

export interface FakeGraphApi {
  url: string;
  requests: GraphRequest[];
  /** Messages accepted (answered with a wamid), in order. */
  sent: SentMessage[];
  /** Attempts refused with an injected error, in order. */
  refused: { body: Record<string, unknown>; error: InjectedError }[];
  /** Media uploads accepted: file name, mime type and content. */
  uploads: { id: string; fileName: string | undefined; mimeType: string | undefined; content: string }[];
  /** The next sends matching `when` (all, by default) fail with `error`, in order. */
  failNext(error: InjectedError, when?: (body: Record<string, unknown>) => boolean, times?: number): void;
  to(number: string): SentMessage[];
  /** Files people "sent" (by media id), which GET /{media-id} and its download URL serve. */
  media: Map<string, { mimeType: string; bytes: Buffer }>;
  close(): Promise<void>;
}

export const ERRORS = {
  reengagement: { httpStatus: 400, code: 131047, title: "Re-engagement message" },
  throughput: { httpStatus: 400, code: 130429, title: "Rate limit hit" },
  pairRate: { httpStatus: 400, code: 131056, title: "(Business Account, Consumer Account) pair rate limit hit" },
  undeliverable: { httpStatus: 400, code: 131026, title: "Message Undeliverable" },
  tokenExpired: { httpStatus: 401, code: 190, title: "Error validating access token: Session has expired" },
  accountLocked: { httpStatus: 403, code: 131031, title: "Business Account locked" },
  policyBlock: { httpStatus: 403, code: 368, title: "Temporarily blocked for policies violations" },
  serverError: { httpStatus: 500, code: 131000, title: "Something went wrong" },
} satisfies Record<string, InjectedError>;

export async function createFakeGraphApi(): Promise<FakeGraphApi> {
  const failures: { error: InjectedError; when: (body: Record<string, unknown>) => boolean }[] = [];
  let counter = 0;
  let url = "";
  const fake: Omit<FakeGraphApi, "url" | "close"> = {
    requests: [],
    sent: [],
    refused: [],
    uploads: [],
    failNext(error, when = () => true, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ error, when });
    },
    to: (number) => fake.sent.filter((m) => m.to === number),
    media: new Map(),
  };

  const server: Server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const path = request.url ?? "";
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.method === "GET") {
        fake.requests.push({
          path,
          method: "GET",
          authorization: request.headers.authorization,
          contentType: undefined,
          body: "",
        });
        return serveMedia(path, reply, (status, type, bytes) => {
          response.writeHead(status, { "content-type": type });
          response.end(bytes);
        });
      }
      if (request.method !== "POST") return reply(405, { error: { code: 100, message: "Unsupported method" } });
      if (/^\/v\d+\.\d+\/\d+\/media$/.test(path)) {
        fake.requests.push({
          path,
          authorization: request.headers.authorization,
          contentType: request.headers["content-type"],
          body: raw,
        });
        const id = `media.${++counter}`;
        fake.uploads.push({ id, ...multipartFile(raw) });
        return reply(200, { id });
      }
      if (!/^\/v\d+\.\d+\/\d+\/messages$/.test(path))
        return reply(404, { error: { code: 100, message: "Unknown path" } });
      const body = JSON.parse(raw) as Record<string, unknown>;
      fake.requests.push({
        path,
        authorization: request.headers.authorization,
        contentType: request.headers["content-type"],
        body,
      });
      const failure = failures.findIndex((f) => f.when(body));
      if (failure >= 0) {
        const { error } = failures.splice(failure, 1)[0]!;
        fake.refused.push({ body, error });
        return reply(error.httpStatus, {
          error: {
            message: `(#${error.code}) ${error.title ?? "error"}`,
            type: "OAuthException",
            code: error.code,
            error_data: { messaging_product: "whatsapp", details: error.title },
            fbtrace_id: "fake",
          },
        });
      }
      const wamid = `wamid.FAKE${String(++counter).padStart(6, "0")}`;
      fake.sent.push({ ...(body as { to: string; type: string }), wamid });
      return reply(200, {
        messaging_product: "whatsapp",
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: wamid }],
      });
    });
  });
  /** GET /{version}/{media-id} → its URL; GET /download/{media-id} → its bytes (with the token). */
  function serveMedia(
    path: string,
    reply: (status: number, body: unknown) => void,
    raw: (status: number, type: string, bytes: Buffer) => void,
  ): void {
    const info = /^\/v\d+\.\d+\/([^/]+)$/.exec(path);
    const file = /^\/download\/([^/]+)$/.exec(path);
    const media = fake.media.get(decodeURIComponent((info ?? file)?.[1] ?? ""));
    if (!media)
      return reply(400, {
        error: {
          message: `Unsupported get request. Object with ID '${(info ?? file)?.[1] ?? ""}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          type: "GraphMethodException",
          code: 100,
          error_subcode: 33,
          fbtrace_id: "fake",
        },
      });
    if (info)
      return reply(200, {
        messaging_product: "whatsapp",
        url: `${url}/download/${encodeURIComponent(info[1]!)}`,
        mime_type: media.mimeType,
        id: info[1],
      });
    return raw(200, media.mimeType, media.bytes);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    ...fake,
    get requests() {
      return fake.requests;
    },
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as FakeGraphApi;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The `file` part of a multipart body (enough for the text files the bot uploads). */
function multipartFile(raw: string): { fileName: string | undefined; mimeType: string | undefined; content: string } {
  const part = raw.split(/\r\n--/).find((p) => /name="file"/.test(p)) ?? "";
  const [head = "", ...rest] = part.split("\r\n\r\n");
  return {
    fileName: /filename="([^"]*)"/.exec(head)?.[1],
    mimeType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1],
    content: rest.join("\r\n\r\n"),
  };
}

/** The parts of a Graph API message body the tests read. */
export interface GraphBody {
  type: string;
  text?: { body: string };
  interactive?: {
    type: string;
    body: { text: string };
    action: {
      buttons?: { reply: { id: string; title: string } }[];
      button?: string;
      sections?: { rows: { id: string; title: string; description?: string }[] }[];
    };
  };
  template?: { name: string; components?: { parameters: { text: string }[] }[] };
  document?: { caption?: string };
}

export const bodyOf = (message: unknown): GraphBody => message as GraphBody;

/** The visible text of a sent message, whatever its type. */
export function textOf(message: SentMessage | GraphBody | undefined): string {
  if (!message) return "";
  const m = bodyOf(message);
  if (m.type === "text") return m.text?.body ?? "";
  if (m.type === "interactive") return m.interactive?.body.text ?? "";
  if (m.type === "template") return (m.template?.components?.[0]?.parameters ?? []).map((p) => p.text).join(" | ");
  if (m.type === "document") return m.document?.caption ?? "";
  return "";
}
