/**
 * The WhatsApp channel over a Baileys socket (an unofficial WhatsApp Web client; see README
 * "WhatsApp" for the risks). It owns the connection lifecycle (pairing, reconnecting with backoff,
 * re-pairing after a logout), turns `messages.upsert` into InboundMessages and sends text with
 * numbered options, and the bot's own files (an event's .ics) as documents. Pacing is the
 * dispatcher's: `capabilities` carry a slow global rate with jitter.
 */
import {
  DisconnectReason,
  isPnUser,
  jidDecode,
  type AuthenticationState,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type { Logger } from "pino";
import {
  renderNumberedOptions,
  type Channel,
  type ChannelCapabilities,
  type ConnectionInfo,
  type InboundMessage,
  type OutboundMessage,
  type SendResult,
} from "../channel.ts";
import { toInboundMessage } from "./normalize.ts";
import type { PairingEvent } from "./pairing.ts";
import { classifySendError, RETRY_DISCONNECTED_MS, RETRY_LOGGED_OUT_MS } from "./send-errors.ts";
import type { WhatsAppSocket, WhatsAppSocketEvents, WhatsAppSocketFactory } from "./socket.ts";

export type WhatsAppConnectionState = "connecting" | "pairing" | "open" | "reconnecting" | "logged_out" | "stopped";

/** One loaded WhatsApp session: the state a socket is built with, and how its credentials are saved. */
export interface WhatsAppAuthSession {
  /** Pass to Baileys' socket as `auth`; Baileys mutates `creds` in place. */
  state: AuthenticationState;
  /** Writes the current `state.creds`; resolves once they are stored. */
  saveCreds(): Promise<void>;
}

/**
 * Where the auth state lives: the database of the process (SQLite: src/db/repositories/whatsapp-auth.ts;
 * PostgreSQL: src/db/postgres/repositories/whatsapp-auth.ts). Asynchronous, as a server database is;
 * the channel awaits every call, in order, and logs a failure instead of throwing into Baileys.
 */
export interface WhatsAppAuthStore {
  /** The stored state, or fresh credentials for a new pairing. */
  load(): Promise<WhatsAppAuthSession>;
  /** Deletes the stored credentials and keys. */
  clear(): Promise<void>;
}

/** Timers for reconnecting, injectable so tests fire them by hand. */
export interface ReconnectTimers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export interface WhatsAppChannelOptions {
  socketFactory: WhatsAppSocketFactory;
  auth: WhatsAppAuthStore;
  nowMs: () => number;
  logger: Logger;
  /** Sends per minute over all chats (WHATSAPP_RATE_PER_MINUTE). */
  ratePerMinute: number;
  /** Up to this many extra milliseconds, at random, between two sends (WHATSAPP_SEND_JITTER_MS). */
  sendJitterMs: number;
  /** The bot's number, digits with country code: pair with a code instead of a QR. */
  pairingPhone?: string;
  onPairing?: (event: PairingEvent) => void;
  /**
   * Connection state changes, for `rinde status` and the back-office. `detail` never holds personal
   * data; `info` carries the bot's own number once linked, and the error behind a close.
   */
  onState?: (state: WhatsAppConnectionState, detail: string | null, info?: ConnectionInfo) => void;
  timers?: ReconnectTimers;
  /** First reconnect delay and cap, doubled per consecutive failure. */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  random?: () => number;
  /**
   * Asked every `unlinkCheckMs` while the connection is open (on `timers`): resolves true when an
   * administrator asked to unlink this number (from the back-office, maybe in another process) and
   * this call took the request, which is then gone for every other caller. The adapter logs out
   * (Baileys `logout()`); the loggedOut close clears the session and starts a new pairing.
   */
  takeUnlinkRequest?: () => Promise<boolean>;
  /** Default 3 s: the back-office page shows the new QR a few seconds after the request. */
  unlinkCheckMs?: number;
}

export interface WhatsAppChannel extends Channel {
  /**
   * Resolves when every inbound message received so far has been handled, the auth state writes
   * asked for so far (saved credentials, a cleared session) are done, a connection being set up
   * (the session loaded, the socket built) is in place, and an unlink check under way is done.
   */
  idle(): Promise<void>;
  readonly state: WhatsAppConnectionState;
}

/** WhatsApp accepts up to 65,536 characters; stay a little under. */
const MAX_TEXT_LENGTH = 65_000;
/** Longest caption sent under a file (WhatsApp's Business API limit; WhatsApp Web shows longer ones folded). */
export const MAX_CAPTION_LENGTH = 1_024;
/** Recent inbound group messages and sent messages kept to quote (after a restart, sends go unquoted). */
const QUOTE_CACHE_SIZE = 500;
/** How long Baileys keeps a QR (its `qrTimeout` defaults, src/Socket/socket.ts): the first, then each next one. */
export const FIRST_QR_VALID_MS = 60_000;
export const NEXT_QR_VALID_MS = 20_000;
const defaultTimers: ReconnectTimers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function createWhatsAppChannel(options: WhatsAppChannelOptions): WhatsAppChannel {
  const { logger, auth: store } = options;
  const timers = options.timers ?? defaultTimers;
  const random = options.random ?? Math.random;
  const initialDelayMs = options.reconnectInitialDelayMs ?? 2_000;
  const maxDelayMs = options.reconnectMaxDelayMs ?? 5 * 60_000;
  const capabilities: ChannelCapabilities = {
    nativeOptions: false,
    maxTextLength: MAX_TEXT_LENGTH,
    ratePerSecond: options.ratePerMinute / 60,
    ratePerChatPerSecond: 0,
    sendJitterMs: options.sendJitterMs,
  };
  let onInbound: ((message: InboundMessage) => Promise<void>) | undefined;
  let socket: WhatsAppSocket | undefined;
  let detach: (() => void) | undefined;
  let state: WhatsAppConnectionState = "stopped";
  let stopped = true;
  let failures = 0;
  let reconnectTimer: unknown;
  let unlinkTimer: unknown;
  /** A request taken but not yet carried out (the socket closed meanwhile): done at the next open. */
  let unlinkTaken = false;
  const unlinkCheckMs = options.unlinkCheckMs ?? 3_000;
  /** The unlink check under way, for idle(). */
  let unlinkChecking: Promise<void> | undefined;
  let inboundChain: Promise<void> = Promise.resolve();
  /** Auth store writes, one after another in the order asked: a save never lands after the clear that follows it. */
  let authChain: Promise<void> = Promise.resolve();
  /** The connection being set up (loading the session), if any. */
  let connecting: Promise<void> = Promise.resolve();
  /** Bumped by start and stop: a session load that finishes after a stop builds no socket. */
  let generation = 0;
  /** Whether authChain and connecting have settled (idle() then waits only for inbound messages). */
  let authSettled = true;
  let connectSettled = true;
  const quotable = new Map<string, WAMessage>();
  const sentMessages = new Map<string, WAMessage>();
  /** Texts sent ahead of a file that then failed (key → the text's first id): a retry sends only the file. */
  const sentBeforeFile = new Map<string, string | undefined>();
  /** Addresses known to be on WhatsApp (they wrote, or were checked), so sends skip the check. */
  const knownOnWhatsApp = new Set<string>();

  function report(next: WhatsAppConnectionState, detail: string | null = null, info?: ConnectionInfo): void {
    state = next;
    options.onState?.(next, detail, info);
  }

  /**
   * Runs an auth store write after the ones asked before it. A failure is logged under `event` and
   * does not stop later writes; the returned promise never rejects.
   */
  function queueAuth(event: string, work: () => Promise<void>): Promise<void> {
    const queued: Promise<void> = authChain
      .then(work)
      .catch((error: unknown) => {
        logger.error({ err: { message: (error as Error).message, code: (error as { code?: string }).code } }, event);
      })
      .finally(() => {
        if (authChain === queued) authSettled = true;
      });
    authChain = queued;
    authSettled = false;
    return queued;
  }

  /** Loads the session (after pending auth writes) and builds a socket over it, unless stopped meanwhile. */
  async function connect(): Promise<void> {
    const mine = generation;
    connectSettled = false;
    try {
      await authChain;
      const auth = await store.load();
      if (stopped || mine !== generation) return;
      open(auth);
    } finally {
      if (mine === generation) connectSettled = true;
    }
  }

  /** Builds a socket over a loaded session and listens to it. */
  function open(auth: WhatsAppAuthSession): void {
    const current = options.socketFactory(auth.state);
    const showPairing = pairingPrompter(current, auth.state);
    const handlers: { [E in keyof WhatsAppSocketEvents]: (arg: WhatsAppSocketEvents[E]) => void } = {
      "creds.update": (update) => {
        Object.assign(auth.state.creds, update);
        // Baileys' emitter is the boundary here: a failed save is logged, and the next creds.update
        // writes the whole creds again. Each save writes the creds as they are when it runs.
        void queueAuth("whatsapp.creds_save_failed", () => auth.saveCreds());
      },
      "connection.update": (update) => {
        if (update.qr) showPairing(update.qr);
        if (update.connection === "open") {
          failures = 0;
          const number = auth.state.creds.me?.id ? jidDecode(auth.state.creds.me.id)?.user : undefined;
          report("open", null, number ? { account: `+${number}` } : undefined);
          logger.info("whatsapp.open");
          if (unlinkTaken) void checkUnlink(current);
          else armUnlinkCheck(current);
        }
        if (update.connection === "close") onClose(current, update.lastDisconnect?.error);
      },
      "messages.upsert": ({ messages, type }) => {
        for (const message of messages) receive(message, type);
      },
    };
    const events = Object.keys(handlers) as (keyof WhatsAppSocketEvents)[];
    for (const event of events) current.ev.on(event, handlers[event] as never);
    detach = () => {
      for (const event of events) current.ev.off(event, handlers[event] as never);
    };
    socket = current;
    if (state !== "reconnecting") report("connecting");
  }

  /**
   * Connects after `delayMs` (a reconnection). A session that cannot be loaded (the database is
   * unreachable) is logged and retried with the same backoff as a closed connection.
   */
  function scheduleConnect(delayMs: number): void {
    reconnectTimer = timers.set(() => {
      reconnectTimer = undefined;
      if (stopped) return;
      connecting = connect().catch((error: unknown) => {
        logger.error(
          { err: { message: (error as Error).message, code: (error as { code?: string }).code } },
          "whatsapp.session_load_failed",
        );
        if (stopped) return;
        const retryMs = backoffDelayMs(failures++);
        report("reconnecting", `session not loaded; retry in ${retryMs} ms`);
        scheduleConnect(retryMs);
      });
    }, delayMs);
  }

  /** Shows each new QR, or (with a phone number configured and not yet paired) asks once for a pairing code. */
  function pairingPrompter(current: WhatsAppSocket, auth: AuthenticationState): (qr: string) => void {
    let codeRequested = false;
    let shown = 0;
    return (qr) => {
      if (state !== "pairing") report("pairing");
      if (options.pairingPhone === undefined || auth.creds.me) {
        options.onPairing?.({ kind: "qr", qr, validForMs: shown++ === 0 ? FIRST_QR_VALID_MS : NEXT_QR_VALID_MS });
        return;
      }
      if (codeRequested) return;
      codeRequested = true;
      current.requestPairingCode(options.pairingPhone).then(
        (code) => options.onPairing?.({ kind: "code", code }),
        (error: unknown) =>
          logger.error({ err: { message: (error as Error).message } }, "whatsapp.pairing_code_failed"),
      );
    };
  }

  /** Looks for an unlink request after `unlinkCheckMs`, while `current` is the open socket. */
  function armUnlinkCheck(current: WhatsAppSocket): void {
    if (!options.takeUnlinkRequest || unlinkTimer !== undefined) return;
    unlinkTimer = timers.set(() => {
      unlinkTimer = undefined;
      const checking = checkUnlink(current).finally(() => {
        if (unlinkChecking === checking) unlinkChecking = undefined;
      });
      unlinkChecking = checking;
    }, unlinkCheckMs);
  }

  function disarmUnlinkCheck(): void {
    if (unlinkTimer !== undefined) timers.clear(unlinkTimer);
    unlinkTimer = undefined;
  }

  /**
   * Takes a pending unlink request and logs out. The loggedOut close that follows clears the
   * session. A request taken while the socket closes stays taken here and is carried out at the next
   * open of the same session (a logout from the phone meanwhile drops it: nothing is left to unlink).
   */
  async function checkUnlink(current: WhatsAppSocket): Promise<void> {
    if (stopped || socket !== current || state !== "open") return;
    try {
      unlinkTaken ||= await options.takeUnlinkRequest!();
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, "whatsapp.unlink_check_failed");
    }
    if (stopped || socket !== current || state !== "open") return;
    if (!unlinkTaken) return armUnlinkCheck(current);
    logger.warn("whatsapp.unlink_requested");
    try {
      await current.logout();
    } catch (error) {
      // Still open (WhatsApp did not answer): try again at the next check; closed: at the next open.
      logger.error({ err: { message: (error as Error).message } }, "whatsapp.unlink_failed");
      armUnlinkCheck(current);
    }
  }

  function onClose(closed: WhatsAppSocket, error: Error | undefined): void {
    if (closed !== socket) return;
    disarmUnlinkCheck();
    detach?.();
    socket = undefined;
    if (stopped) return;
    const code = (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
    // WhatsApp asks for a restart right after pairing: not an error to show.
    const cause =
      code === DisconnectReason.restartRequired
        ? undefined
        : { error: `${code ?? "no code"}: ${(error?.message ?? "closed").slice(0, 200)}` };
    if (code === DisconnectReason.loggedOut) {
      // Unlinked from the phone (or the session was rejected): the stored keys are useless now. The
      // next connection loads after the delete; if it fails, that connection is refused as logged
      // out again and deletes again.
      void queueAuth("whatsapp.session_clear_failed", () => store.clear());
      unlinkTaken = false;
      quotable.clear();
      sentMessages.clear();
      report("logged_out", "logged out: pair again", cause);
      logger.warn("whatsapp.logged_out");
      options.onPairing?.({ kind: "logged_out" });
    }
    // WhatsApp asks for a restart right after pairing: reconnect at once, it is not a failure.
    const delayMs = code === DisconnectReason.restartRequired ? 0 : backoffDelayMs(failures++);
    if (code !== DisconnectReason.loggedOut)
      report("reconnecting", `closed (${code ?? "no code"}); retry in ${delayMs} ms`, cause);
    logger.info({ code, delayMs }, "whatsapp.closed");
    scheduleConnect(delayMs);
  }

  /** Exponential backoff with ±20 % jitter, so many bots restarting together do not reconnect in step. */
  function backoffDelayMs(failure: number): number {
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failure, 20));
    return Math.round(base * (0.8 + 0.4 * random()));
  }

  function receive(message: WAMessage, type: WhatsAppSocketEvents["messages.upsert"]["type"]): void {
    const inbound = toInboundMessage(message, type, options.nowMs());
    if (!inbound || !onInbound) return;
    if (inbound.chatKind === "group") remember(message);
    else knownOnWhatsApp.add(inbound.address);
    const deliver = onInbound;
    inboundChain = inboundChain
      .then(() => deliver(inbound))
      .catch((error: unknown) =>
        logger.error({ err: { message: (error as Error).message }, channel: "whatsapp" }, "whatsapp.inbound_failed"),
      );
  }

  function remember(message: WAMessage, cache = quotable): void {
    cache.set(message.key.id!, message);
    if (cache.size > QUOTE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }

  /**
   * What to send for `message`. WhatsApp has no lasting edits (15 minutes at most), so an edit is a
   * new message: when the original is still known and the new text extends it (a notice closed with
   * a status line), only the addition is sent, quoting the original.
   */
  function outgoing(message: OutboundMessage): { text: string; quoted?: WAMessage } {
    const text = renderNumberedOptions(message.text, message.options);
    const original = message.editChannelMessageId ? sentMessages.get(message.editChannelMessageId) : undefined;
    const originalText = original?.message?.conversation ?? original?.message?.extendedTextMessage?.text;
    if (original && originalText && text.startsWith(originalText) && text.length > originalText.length) {
      return { text: text.slice(originalText.length).trim(), quoted: original };
    }
    const quoted = message.replyToChannelMessageId ? quotable.get(message.replyToChannelMessageId) : undefined;
    return quoted ? { text, quoted } : { text };
  }

  /** Sends to a phone-number JID only after WhatsApp confirms it has an account (checked once per address). */
  async function checkOnWhatsApp(current: WhatsAppSocket, address: string): Promise<SendResult | undefined> {
    if (!isPnUser(address) || knownOnWhatsApp.has(address)) return undefined;
    const found = await current.onWhatsApp(address);
    if (found && !found.some((r) => r.exists))
      return { ok: false, kind: "permanent", reason: "whatsapp: not on WhatsApp", unreachable: true };
    knownOnWhatsApp.add(address);
    return undefined;
  }

  /** Sends text in parts; returns the first part's id (it carries the radicado an official quotes). */
  async function sendText(
    current: WhatsAppSocket,
    address: string,
    text: string,
    quoted: WAMessage | undefined,
  ): Promise<string | undefined> {
    let firstId: string | undefined;
    for (const [i, chunk] of splitText(text, MAX_TEXT_LENGTH).entries()) {
      const sent = await current.sendMessage(address, { text: chunk }, i === 0 && quoted ? { quoted } : undefined);
      if (sent?.key.id) remember(sent, sentMessages);
      firstId ??= sent?.key.id ?? undefined;
    }
    return firstId;
  }

  /**
   * Sends a file made by the bot as a WhatsApp document, with the text as its caption when it fits
   * (MAX_CAPTION_LENGTH); a longer text goes first and the file right after it. The id returned is
   * the first message's, as for text. A text already sent before a failed file is not sent again.
   */
  async function sendDocument(
    current: WhatsAppSocket,
    message: OutboundMessage,
    text: string,
    quoted: WAMessage | undefined,
  ): Promise<string | undefined> {
    const { fileName, mimeType, content } = message.document!;
    const file = { document: Buffer.from(content, "utf8"), mimetype: mimeType, fileName };
    if (text.length <= MAX_CAPTION_LENGTH) {
      const sent = await current.sendMessage(
        message.address,
        { ...file, ...(text.trim() ? { caption: text } : {}) },
        quoted ? { quoted } : undefined,
      );
      if (sent?.key.id) remember(sent, sentMessages);
      return sent?.key.id ?? undefined;
    }
    const key = `${message.address}\u0000${fileName}\u0000${text}`;
    const textId = sentBeforeFile.has(key)
      ? sentBeforeFile.get(key)
      : await sendText(current, message.address, text, quoted);
    sentBeforeFile.set(key, textId);
    if (sentBeforeFile.size > QUOTE_CACHE_SIZE) sentBeforeFile.delete(sentBeforeFile.keys().next().value!);
    await current.sendMessage(message.address, file);
    sentBeforeFile.delete(key);
    return textId;
  }

  /**
   * Sends text with numbered options, and a file made by the bot (`document`) as a WhatsApp
   * document. WhatsApp has no reliable buttons, so `buttons` are dropped (the text stands alone) and
   * `forceReply` is ignored; `media` is not sent (a WhatsApp file reference does not exist), only
   * its caption text.
   */
  async function send(message: OutboundMessage): Promise<SendResult> {
    const current = socket;
    if (!current || state !== "open") {
      const loggedOut = state === "logged_out" || state === "pairing";
      return {
        ok: false,
        kind: "retry",
        retryAfterMs: loggedOut ? RETRY_LOGGED_OUT_MS : RETRY_DISCONNECTED_MS,
        reason: `whatsapp: not connected (${state})`,
      };
    }
    try {
      const unreachable = await checkOnWhatsApp(current, message.address);
      if (unreachable) return unreachable;
      const { text, quoted } = outgoing(message);
      const id = message.document
        ? await sendDocument(current, message, text, quoted)
        : await sendText(current, message.address, text, quoted);
      return { ok: true, channelMessageId: id };
    } catch (error) {
      return classifySendError(error);
    }
  }

  return {
    id: "whatsapp",
    capabilities,
    get state() {
      return state;
    },
    async start(handler) {
      onInbound = handler;
      stopped = false;
      generation++;
      // A session that cannot be loaded at start fails the start (the bot does not run half-configured).
      const first = connect();
      connecting = first.catch(() => {});
      await first;
    },
    send,
    idle() {
      if (authSettled && connectSettled && !unlinkChecking) return inboundChain;
      return (async () => {
        await unlinkChecking;
        await connecting;
        await inboundChain;
        await authChain;
      })();
    },
    async stop() {
      stopped = true;
      generation++;
      if (reconnectTimer !== undefined) timers.clear(reconnectTimer);
      reconnectTimer = undefined;
      disarmUnlinkCheck();
      const current = socket;
      detach?.();
      socket = undefined;
      await current?.end(undefined);
      await inboundChain;
      // The last credentials Baileys reported are stored before the database closes.
      await authChain;
      report("stopped");
    },
  };
}

/** Splits text into parts of at most `max` characters, at a paragraph or line break when possible. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"));
    const at = cut > max / 2 ? cut : max;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  parts.push(rest);
  return parts;
}
