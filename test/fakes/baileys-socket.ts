/**
 * A fake Baileys socket for tests: the same event emitter shape (`ev.on/off/emit` for
 * `connection.update`, `creds.update`, `messages.upsert`), a captured `sendMessage`, and `logout`
 * / `end` that close the way Baileys does (a `connection.update` with `connection: "close"` and a
 * Boom-shaped error). Helpers build incoming WhatsApp messages.
 */
import { EventEmitter } from "node:events";
import {
  DisconnectReason,
  type AnyMessageContent,
  type AuthenticationState,
  type MiscMessageGenerationOptions,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type {
  WhatsAppSocket,
  WhatsAppSocketEvents,
  WhatsAppSocketFactory,
} from "../../src/channels/whatsapp/socket.ts";

export interface SentWhatsAppMessage {
  jid: string;
  text: string;
  /** The id of the quoted message, if any. */
  quotedId?: string;
  /** The id this send returned (what the outbox stores as channelMessageId). */
  id: string;
  /** When it was sent, on the test's clock. */
  atMs: number;
  /** What the adapter passed to sendMessage (a `document` message: the file, mimetype, fileName, caption). */
  content: AnyMessageContent;
}

/** An error shaped like Baileys' Boom errors (`output.statusCode`). */
export function boomLike(message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, message } } });
}

export interface FakeBaileysSocket extends WhatsAppSocket {
  ev: WhatsAppSocket["ev"] & {
    emit<E extends keyof WhatsAppSocketEvents>(event: E, arg: WhatsAppSocketEvents[E]): boolean;
    listenerCount(event: keyof WhatsAppSocketEvents): number;
  };
  /** The auth state the adapter built this socket with. */
  auth: AuthenticationState;
  sent: SentWhatsAppMessage[];
  pairingCodeRequests: string[];
  ended: boolean;
  loggedOut: boolean;
  /** The next sends throw these errors, in order. */
  failNextSend(...errors: Error[]): void;
  open(): void;
  showQr(qr?: string): void;
  /** Closes as Baileys does for `statusCode` (e.g. DisconnectReason.connectionLost). */
  close(statusCode: number, message?: string): void;
  /** Delivers messages as a `messages.upsert`. */
  receive(messages: WAMessage | WAMessage[], type?: "notify" | "append"): void;
}

export interface FakeSocketFactory {
  factory: WhatsAppSocketFactory;
  sockets: FakeBaileysSocket[];
  /** The socket built last. */
  readonly current: FakeBaileysSocket;
  /** Phone-number JIDs that `onWhatsApp` reports as having no account. */
  notOnWhatsApp: Set<string>;
  /** Every message sent through any of the sockets, in order. */
  sent(): SentWhatsAppMessage[];
}

export function createFakeSocketFactory(options: { nowMs: () => number; pairingCode?: string }): FakeSocketFactory {
  const sockets: FakeBaileysSocket[] = [];
  const notOnWhatsApp = new Set<string>();
  let sendCounter = 0;

  function build(auth: AuthenticationState): FakeBaileysSocket {
    const emitter = new EventEmitter();
    const failures: Error[] = [];
    const emit = <E extends keyof WhatsAppSocketEvents>(event: E, arg: WhatsAppSocketEvents[E]) =>
      emitter.emit(event, arg);
    const socket: FakeBaileysSocket = {
      auth,
      sent: [],
      pairingCodeRequests: [],
      ended: false,
      loggedOut: false,
      ev: {
        on: (event, listener) => void emitter.on(event, listener),
        off: (event, listener) => void emitter.off(event, listener),
        emit,
        listenerCount: (event) => emitter.listenerCount(event),
      },
      async sendMessage(
        jid: string,
        content: AnyMessageContent,
        sendOptions?: MiscMessageGenerationOptions,
      ): Promise<WAMessage | undefined> {
        const failure = failures.shift();
        if (failure) throw failure;
        if (socket.ended) throw boomLike("Connection Closed", DisconnectReason.connectionClosed);
        // `text` is a text message's body, or a file's caption.
        const body = "text" in content ? content.text : "caption" in content ? content.caption : undefined;
        const text = typeof body === "string" ? body : "";
        const id = `3EB0FAKE${String(++sendCounter).padStart(6, "0")}`;
        const quotedId = sendOptions?.quoted?.key.id ?? undefined;
        const record: SentWhatsAppMessage = {
          jid,
          text,
          id,
          atMs: options.nowMs(),
          content,
          ...(quotedId ? { quotedId } : {}),
        };
        socket.sent.push(record);
        return { key: { remoteJid: jid, fromMe: true, id }, message: { conversation: text } };
      },
      async requestPairingCode(phoneNumber: string) {
        socket.pairingCodeRequests.push(phoneNumber);
        return options.pairingCode ?? "ABCD1234";
      },
      async onWhatsApp(...jids: string[]) {
        return jids.filter((jid) => !notOnWhatsApp.has(jid)).map((jid) => ({ jid, exists: true }));
      },
      async logout() {
        socket.loggedOut = true;
        void socket.end(boomLike("Intentional Logout", DisconnectReason.loggedOut));
      },
      end(error: Error | undefined) {
        if (socket.ended) return;
        socket.ended = true;
        emit("connection.update", {
          connection: "close",
          lastDisconnect: {
            error: error ?? boomLike("Connection Closed", DisconnectReason.connectionClosed),
            date: new Date(options.nowMs()),
          },
        });
      },
      failNextSend: (...errors) => failures.push(...errors),
      open: () => emit("connection.update", { connection: "open" }),
      showQr: (qr = `2@fake-qr-${sockets.length}`) => emit("connection.update", { qr }),
      close(statusCode, message = "Connection Closed") {
        socket.ended = true;
        emit("connection.update", {
          connection: "close",
          lastDisconnect: { error: boomLike(message, statusCode), date: new Date(options.nowMs()) },
        });
      },
      receive(messages, type = "notify") {
        emit("messages.upsert", { messages: Array.isArray(messages) ? messages : [messages], type });
      },
    };
    return socket;
  }

  return {
    factory: (auth) => {
      const socket = build(auth);
      sockets.push(socket);
      return socket;
    },
    sockets,
    get current() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error("No socket yet: start the WhatsApp channel first.");
      return socket;
    },
    notOnWhatsApp,
    sent: () => sockets.flatMap((s) => s.sent).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

let messageCounter = 0;

export interface IncomingInput {
  /** The chat: a person's JID (private) or a group JID (`…@g.us`). */
  chat: string;
  /** The author inside a group. */
  sender?: string;
  /** The other form of the chat's or author's JID (Baileys 7 `remoteJidAlt` / `participantAlt`). */
  alt?: string;
  text?: string;
  /** The id of the message this one quotes. */
  quotedId?: string;
  image?: { caption?: string };
  fromMe?: boolean;
  id?: string;
}

/** A WhatsApp message as Baileys delivers it in `messages.upsert`. */
export function incoming(input: IncomingInput): WAMessage {
  const id = input.id ?? `IN${String(++messageCounter).padStart(8, "0")}`;
  const isGroup = input.chat.endsWith("@g.us");
  const key = {
    remoteJid: input.chat,
    fromMe: input.fromMe ?? false,
    id,
    ...(isGroup
      ? { participant: input.sender, ...(input.alt ? { participantAlt: input.alt } : {}) }
      : input.alt
        ? { remoteJidAlt: input.alt }
        : {}),
  };
  const contextInfo = input.quotedId
    ? { stanzaId: input.quotedId, participant: "573000000000@s.whatsapp.net" }
    : undefined;
  let message: WAMessage["message"];
  if (input.image) message = { imageMessage: { caption: input.image.caption, mimetype: "image/jpeg", contextInfo } };
  else if (contextInfo) message = { extendedTextMessage: { text: input.text, contextInfo } };
  else message = { conversation: input.text };
  return { key, message, messageTimestamp: 1_772_463_600, pushName: "Test" };
}
