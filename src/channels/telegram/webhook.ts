/**
 * Webhook mode: the public HTTPS URL Telegram posts updates to, and the local HTTP server behind it
 * (TLS ends at the reverse proxy in front of it). Telegram signs each delivery with the secret
 * token given to setWebhook in the `X-Telegram-Bot-Api-Secret-Token` header; anything else gets 403.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ConfigError } from "../../config/errors.ts";

export interface WebhookOptions {
  /** Public URL registered with Telegram; must be https (Telegram refuses anything else). */
  url: string;
  /** Shared secret Telegram sends back in every delivery; 1-256 of A-Z a-z 0-9 _ -. */
  secretToken: string;
  /**
   * Local port and host the server listens on, behind the TLS reverse proxy. Port 0 = any free
   * port. The host defaults to 127.0.0.1: only the proxy on this machine reaches the server; set
   * TELEGRAM_WEBHOOK_HOST (e.g. 0.0.0.0) when the proxy runs elsewhere (issue 19).
   */
  port: number;
  host?: string;
}

/** Parses and checks the webhook URL; a ConfigError says what is wrong and how to fix it. */
export function validateWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      "telegram_webhook_url",
      `TELEGRAM_WEBHOOK_URL: '${value}' is not a URL. Use the public HTTPS address Telegram should post to, e.g. https://bot.alcaldia.gov.co/telegram/webhook, or unset it to use long polling.`,
    );
  }
  if (url.protocol !== "https:") {
    throw new ConfigError(
      "telegram_webhook_url",
      `TELEGRAM_WEBHOOK_URL must start with https:// (got ${url.protocol}//). Telegram only delivers to HTTPS; put a TLS proxy in front of TELEGRAM_WEBHOOK_PORT, or unset the variable to use long polling.`,
    );
  }
  if (url.hash || url.username || url.password) {
    throw new ConfigError(
      "telegram_webhook_url",
      "TELEGRAM_WEBHOOK_URL must not carry a #fragment or user:password@. Use a plain https://host/path address.",
    );
  }
  if (url.port && !["443", "80", "88", "8443"].includes(url.port)) {
    throw new ConfigError(
      "telegram_webhook_url",
      `TELEGRAM_WEBHOOK_URL uses port ${url.port}; Telegram only posts to ports 443, 80, 88 or 8443.`,
    );
  }
  return url;
}

/** The request path Telegram will post to (what the local server must match). */
export function webhookPath(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/** Where the webhook server listens by default: loopback, for a reverse proxy on the same machine. */
export const DEFAULT_WEBHOOK_HOST = "127.0.0.1";

export interface WebhookServer {
  readonly port: number;
  /** The address the server is bound to. */
  readonly host: string;
  close(): Promise<void>;
}

/** Starts the HTTP server; `handle` answers each request (telegraf's webhook callback). */
export async function startWebhookServer(
  options: Pick<WebhookOptions, "port" | "host">,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (error: unknown) => void,
): Promise<WebhookServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          "telegram_webhook_port",
          `TELEGRAM_WEBHOOK_PORT: cannot listen on port ${options.port} (${error.code ?? error.message}). Choose a free port.`,
        ),
      ),
    );
    server.listen(options.port, options.host ?? DEFAULT_WEBHOOK_HOST, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    host: (server.address() as AddressInfo).address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
