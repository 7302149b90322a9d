/**
 * Issue 19, point 8: the Telegram webhook server listens on loopback by default (a TLS reverse
 * proxy on the same machine is in front of it), and TELEGRAM_WEBHOOK_HOST changes that.
 */
import { describe, expect, it } from "vitest";
import { telegramOptionsFromEnv } from "../../src/channels/telegram/telegram-channel.ts";
import { startWebhookServer } from "../../src/channels/telegram/webhook.ts";
import { loadEnv } from "../../src/config/env.ts";
import { createTranslator } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/logger.ts";

const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
const URL = "https://bot.alcaldia.test/telegram/hook";
const deps = { translator: createTranslator(), logger: silentLogger, nowMs: () => 0 };

describe("webhook listening address", () => {
  it("defaults to 127.0.0.1 from the environment, and TELEGRAM_WEBHOOK_HOST overrides it", () => {
    const defaults = telegramOptionsFromEnv(loadEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: URL }), deps);
    expect(defaults?.webhook?.host).toBe("127.0.0.1");
    const everywhere = telegramOptionsFromEnv(
      loadEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: URL, TELEGRAM_WEBHOOK_HOST: "0.0.0.0" }),
      deps,
    );
    expect(everywhere?.webhook?.host).toBe("0.0.0.0");
  });

  it("without TELEGRAM_WEBHOOK_SECRET every process derives the same secret from the token, and another token gives another", () => {
    const secretOf = (env: Record<string, string>) =>
      telegramOptionsFromEnv(loadEnv({ TELEGRAM_WEBHOOK_URL: URL, ...env }), deps)?.webhook?.secretToken;
    const derived = secretOf({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(derived).toMatch(/^[0-9a-f]{64}$/);
    expect(secretOf({ TELEGRAM_BOT_TOKEN: TOKEN })).toBe(derived);
    expect(derived).not.toContain(TOKEN.split(":")[1]);
    expect(secretOf({ TELEGRAM_BOT_TOKEN: "654321:ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu" })).not.toBe(derived);
    expect(secretOf({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: "configured_1" })).toBe("configured_1");
  });

  it("a server started without a host is bound to loopback only", async () => {
    const server = await startWebhookServer(
      { port: 0 },
      async (_req, res) => void res.end(),
      () => {},
    );
    try {
      expect(server.host).toBe("127.0.0.1");
    } finally {
      await server.close();
    }
  });
});
