/** Posts a `multipart/form-data` form with files through the signed-in client's cookies, as a browser's file input does. */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { WebClient } from "./web-client.ts";

export interface UploadFile {
  name: string;
  bytes: Buffer | string;
  type?: string;
}

export async function upload(
  server: FastifyInstance,
  client: WebClient,
  url: string,
  fields: Record<string, string>,
  files: Record<string, UploadFile>,
): Promise<LightMyRequestResponse> {
  const boundary = `----rinde${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const all = { _csrf: fields._csrf ?? client.csrf(), ...fields };
  for (const [name, value] of Object.entries(all))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const [name, file] of Object.entries(files)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? "text/csv"}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.bytes) ? file.bytes : Buffer.from(file.bytes, "utf8"),
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const response = await server.inject({
    method: "POST",
    url,
    payload: Buffer.concat(parts),
    headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}` },
  });
  if (response.headers["content-type"]?.toString().startsWith("text/html")) client.lastHtml = response.body;
  return response;
}
