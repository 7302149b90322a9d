/**
 * The slice of a Baileys socket the WhatsApp adapter uses, so tests inject a fake with the same
 * events (`connection.update`, `creds.update`, `messages.upsert`) and the real one is built by
 * `createBaileysSocketFactory`.
 */
import makeWASocket, {
  Browsers,
  makeCacheableSignalKeyStore,
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  type MiscMessageGenerationOptions,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type { Logger } from "pino";
import { createBaileysLogger } from "./baileys-logger.ts";

/** The Baileys events the adapter listens to, typed as Baileys types them. */
export type WhatsAppSocketEvents = Pick<BaileysEventMap, "connection.update" | "creds.update" | "messages.upsert">;

export interface WhatsAppSocketEmitter {
  on<E extends keyof WhatsAppSocketEvents>(event: E, listener: (arg: WhatsAppSocketEvents[E]) => void): void;
  off<E extends keyof WhatsAppSocketEvents>(event: E, listener: (arg: WhatsAppSocketEvents[E]) => void): void;
}

export interface WhatsAppSocket {
  ev: WhatsAppSocketEmitter;
  /** Resolves to the sent message (its `key.id` is the id replies quote). Throws Baileys' Boom errors. */
  sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined>;
  /** Asks WhatsApp for an 8-character code the owner types on the phone instead of scanning a QR. */
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Which of these phone numbers (digits or JIDs) have a WhatsApp account. */
  onWhatsApp(...phoneNumbers: string[]): Promise<{ jid: string; exists: boolean }[] | undefined>;
  /** Unlinks this device from the phone, then closes (a `loggedOut` close). */
  logout(message?: string): Promise<void>;
  /** Closes the connection; Baileys then emits `connection.update` with `connection: "close"`. */
  end(error: Error | undefined): void | Promise<void>;
}

/** Builds a socket over an auth state; called again for every reconnection. */
export type WhatsAppSocketFactory = (auth: AuthenticationState) => WhatsAppSocket;

/**
 * The real socket. No full history sync and no online presence: the bot reads only new messages
 * (history arrives as `append` upserts, which the adapter ignores) and should not look like a person
 * sitting at WhatsApp Web. The default small history sync stays on: Baileys 7 needs it for the
 * LID ↔ phone-number mappings. Baileys' own logs go to `logger`, at warn or quieter, through
 * {@link createBaileysLogger}, which drops the JIDs and message keys Baileys attaches.
 */
export function createBaileysSocketFactory(options: {
  logger: Logger;
  waWebSocketUrl?: string;
}): WhatsAppSocketFactory {
  const level = options.logger.levelVal > 40 ? options.logger.level : "warn";
  const logger = createBaileysLogger(options.logger.child({ module: "baileys" }, { level }));
  return (auth) =>
    makeWASocket({
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
      logger,
      browser: Browsers.ubuntu("Rinde"),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
    });
}
