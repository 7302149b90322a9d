/**
 * WhatsApp Cloud end to end: the real runtime (temp SQLite, injected clock) and bot, the real Cloud
 * adapter behind its window policy sending to the fake Graph API, and the real webhook plugin on a
 * bare Fastify on 127.0.0.1 receiving signed posts — or, with `web: true`, the whole web server
 * as `npm start` wires it (src/main.ts `startWeb`, back-office and public site included).
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import type { WhatsAppCloudChannel } from "../../src/channels/whatsapp-cloud/cloud-channel.ts";
import { registerWhatsAppCloudWebhook } from "../../src/channels/whatsapp-cloud/webhook.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createManualClock } from "../../src/core/clock.ts";
import { createBot, createWhatsAppCloud, startWeb, type Bot } from "../../src/main.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { createFakeGraphApi, type FakeGraphApi, type SentMessage } from "../fakes/whatsapp-graph-api.ts";
import { MONDAY_10AM_BOGOTA_MS } from "../helpers/harness.ts";
import { freePort } from "../web/browser.ts";
import { storageEnv } from "../helpers/storage.ts";

export const PHONE_NUMBER_ID = "106540352242922";
export const APP_SECRET = "test-app-secret-0123456789";
export const VERIFY_TOKEN = "verify-token-rinde";

export interface CloudHarness {
  fake: FakeGraphApi;
  runtime: Runtime;
  bot: Bot;
  cloud: WhatsAppCloudChannel;
  clock: ReturnType<typeof createManualClock>;
  server: FastifyInstance;
  url: string;
  logs: { level: number; msg: string }[];
  /** Posts a webhook body (signed unless `signature` is given) and waits until it is handled. */
  post(body: unknown, signature?: string): Promise<Response>;
  /** A text from `from` (digits); resolves to the messages the fake got meanwhile. */
  text(from: string, body: string, extra?: Record<string, unknown>): Promise<SentMessage[]>;
  /** Presses reply button / list row `id` under message `wamid`. */
  press(from: string, wamid: string, id: string, list?: boolean): Promise<SentMessage[]>;
  /** Sends message statuses. */
  status(wamid: string, status: string, errorCode?: number): Promise<void>;
  /** Moves the clock and runs the dispatcher until nothing more is due. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const sign = (raw: string, secret = APP_SECRET) =>
  `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

export function envelope(value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA_ID",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "5760000000", phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export async function createCloudHarness(
  options: { profile?: string; web?: boolean; env?: Record<string, string> } = {},
): Promise<CloudHarness> {
  const dir = mkdtempSync(join(tmpdir(), "rinde-wacloud-"));
  const fake = await createFakeGraphApi();
  const clock = createManualClock(MONDAY_10AM_BOGOTA_MS);
  const port = options.web ? await freePort() : 0;
  const env = loadEnv({
    ...storageEnv(join(dir, "rinde.db")),
    RINDE_WEB_HOST: "127.0.0.1",
    RINDE_WEB_PORT: String(port),
    RINDE_PROFILE: options.profile ?? "default",
    WHATSAPP_ENABLED: "1",
    WHATSAPP_MODE: "cloud",
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_ACCESS_TOKEN: "EAAG-test-token-0123456789",
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_GRAPH_URL: fake.url,
    ...options.env,
  });
  const logs: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  const runtime = await createRuntime({ env, clock, logger });
  const { channel, cloud } = await createWhatsAppCloud(runtime);
  const bot = createBot(runtime, [channel], { pollIntervalMs: 5, workerId: "test-wacloud" });
  await bot.start();
  let server: FastifyInstance;
  let url: string;
  if (options.web) {
    // An administrator exists, so start-up prints no setup link.
    await runtime.app.repos.officials.add({ name: "Admin", officeKey: null, role: "admin" }, clock.nowMs());
    server = await startWeb(runtime, bot, cloud);
    url = `http://127.0.0.1:${port}`;
  } else {
    server = Fastify();
    registerWhatsAppCloudWebhook(server, {
      receive: cloud.receive,
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      logger,
    });
    url = await server.listen({ port: 0, host: "127.0.0.1" });
  }
  let counter = 0;

  const harness: CloudHarness = {
    fake,
    runtime,
    bot,
    cloud,
    clock,
    server,
    url,
    logs,
    async post(body, signature) {
      const raw = JSON.stringify(body);
      const response = await fetch(`${url}/webhooks/whatsapp`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signature ?? sign(raw) },
        body: raw,
      });
      await cloud.idle();
      await bot.dispatcher.tick();
      return response;
    },
    async text(from, body, extra = {}) {
      const before = fake.sent.length;
      await harness.post(
        envelope({
          contacts: [{ profile: { name: "Ana" }, wa_id: from }],
          messages: [
            {
              from,
              id: `wamid.IN${++counter}`,
              timestamp: String(Math.floor(clock.nowMs() / 1000)),
              type: "text",
              text: { body },
              ...extra,
            },
          ],
        }),
      );
      await harness.advance(0);
      return fake.sent.slice(before);
    },
    async press(from, wamid, id, list = false) {
      const before = fake.sent.length;
      const reply = list
        ? { type: "list_reply", list_reply: { id, title: "x" } }
        : { type: "button_reply", button_reply: { id, title: "x" } };
      await harness.post(
        envelope({
          messages: [
            {
              from,
              id: `wamid.IN${++counter}`,
              timestamp: String(Math.floor(clock.nowMs() / 1000)),
              type: "interactive",
              context: { from: "5760000000", id: wamid },
              interactive: reply,
            },
          ],
        }),
      );
      await harness.advance(0);
      return fake.sent.slice(before);
    },
    async status(wamid, status, errorCode) {
      const errors = errorCode ? { errors: [{ code: errorCode, title: "error" }] } : {};
      await harness.post(
        envelope({
          statuses: [
            {
              id: wamid,
              status,
              timestamp: String(Math.floor(clock.nowMs() / 1000)),
              recipient_id: "573001112233",
              ...errors,
            },
          ],
        }),
      );
    },
    async advance(ms) {
      // Past the pair rate between citizen turns, then until nothing more is sent.
      clock.advanceMs(ms + 7_000);
      for (let i = 0; i < 20; i++) if ((await bot.dispatcher.tick()) === 0) break;
    },
    async close() {
      await server.close();
      await bot.stop();
      await runtime.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export { bodyOf, textOf, type GraphBody } from "../fakes/whatsapp-graph-api.ts";
