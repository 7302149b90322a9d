/**
 * The WhatsApp Cloud webhook as a Fastify plugin (`/webhooks/whatsapp`, issue 17). GET answers
 * Meta's verification (hub.mode=subscribe, hub.verify_token, echo hub.challenge). POST is accepted
 * only with a valid `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret,
 * compared in constant time), handed to the channel, which records statuses and stores each message
 * through the bot's inbox (deduplicated there by wamid), and answered 200 once all of it is stored —
 * before the replies are sent, so within milliseconds — or 500 when it could not be, so that Meta
 * delivers it again (nothing is acknowledged and then lost in a crash). The raw body
 * is kept by a content-type parser registered in this plugin's own scope, so the rest of the
 * server keeps its parsers.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { Logger } from "pino";

export interface WhatsAppCloudWebhookDeps {
  /** The channel's `receive` (cloud-channel.ts): resolves once the body is stored, rejects if it was not. */
  receive: (body: unknown) => Promise<void>;
  appSecret: string;
  verifyToken: string;
  logger: Logger;
  /** Default /webhooks/whatsapp. */
  path?: string;
  /** Largest body accepted, in bytes. Default 3 MiB: Meta's webhook payloads can reach 3 MB (it batches updates). */
  bodyLimitBytes?: number;
}

export const WHATSAPP_WEBHOOK_PATH = "/webhooks/whatsapp";

/** Whether `signatureHeader` ("sha256=<hex>") is the HMAC-SHA256 of `rawBody` under `appSecret`. */
export function isValidSignature(rawBody: Buffer, signatureHeader: unknown, appSecret: string): boolean {
  if (typeof signatureHeader !== "string" || !signatureHeader.startsWith("sha256=")) return false;
  const given = Buffer.from(signatureHeader.slice("sha256=".length), "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Registers the webhook routes on `fastify` (in an encapsulated scope). */
export function registerWhatsAppCloudWebhook(fastify: FastifyInstance, deps: WhatsAppCloudWebhookDeps): void {
  void fastify.register(whatsAppCloudWebhookPlugin(deps));
}

export function whatsAppCloudWebhookPlugin(deps: WhatsAppCloudWebhookDeps): FastifyPluginAsync {
  const path = deps.path ?? WHATSAPP_WEBHOOK_PATH;
  return async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: deps.bodyLimitBytes ?? 3 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );

    scope.get(path, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const token = Buffer.from(query["hub.verify_token"] ?? "");
      const expected = Buffer.from(deps.verifyToken);
      const tokenOk = token.length === expected.length && timingSafeEqual(token, expected);
      if (query["hub.mode"] !== "subscribe" || !tokenOk || !query["hub.challenge"]) {
        deps.logger.warn("whatsapp_cloud.verification_refused");
        return reply.code(403).type("text/plain").send("forbidden");
      }
      return reply.code(200).type("text/plain").send(query["hub.challenge"]);
    });

    scope.post(path, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!isValidSignature(raw, request.headers["x-hub-signature-256"], deps.appSecret)) {
        deps.logger.warn({ bytes: raw.length }, "whatsapp_cloud.bad_signature");
        return reply.code(401).type("text/plain").send("invalid signature");
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return reply.code(400).type("text/plain").send("invalid JSON");
      }
      // Acknowledged only once stored (one short transaction per message; the replies are sent
      // after): a crash before the 200 makes Meta deliver the body again, deduplicated by wamid.
      try {
        await deps.receive(body);
      } catch {
        // Logged by the channel, without personal data.
        return reply.code(500).type("text/plain").send("not stored; deliver again");
      }
      return reply.code(200).type("text/plain").send("ok");
    });
  };
}
