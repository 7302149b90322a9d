/**
 * The WhatsApp channel over Meta's Cloud API (issue 17): sends with plain `fetch` to the Graph API
 * and receives through the webhook (webhook.ts hands each verified body to `receive`). Thin, as
 * DESIGN.md asks: the 24-hour window and opt-in rules live in src/delivery/whatsapp-window*.ts,
 * retries and pacing in the dispatcher. An expired or revoked token is reported once (log and
 * channel state) and sending pauses, instead of failing every row or crash-looping.
 */
import type { Logger } from "pino";
import type {
  Channel,
  ChannelCapabilities,
  InboundHandler,
  InboundMessage,
  MessageOrigin,
  OutboundMessage,
  SendResult,
} from "../channel.ts";
import { parseWebhook, PERSON_SUFFIX, type DeliveryStatusUpdate } from "./normalize.ts";
import { MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, renderMessage, type GraphMessage } from "./render.ts";
import { createCloudMedia, type MediaFailure } from "./media.ts";
import { classifyGraphError, graphErrorOf, isAccountFault, isTokenError, type GraphError } from "./send-errors.ts";

export type WhatsAppCloudState = "open" | "token_expired" | "account_blocked" | "stopped";

export interface WhatsAppCloudOptions {
  /** https://graph.facebook.com, or a fake in tests (WHATSAPP_GRAPH_URL). */
  graphUrl: string;
  /** e.g. "v21.0". */
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  /** Messages per second for the number (Meta's default throughput is 80). */
  ratePerSecond: number;
  /** Sends in a burst to one person before the pair rate (one per 6 s) applies. */
  pairBurst?: number;
  logger: Logger;
  nowMs: () => number;
  /** The list button's label ("Ver opciones"), from locales. */
  labels: { listButton: string };
  onState?: (state: WhatsAppCloudState, detail: string | null) => void;
  /** A delivery status webhook (sent, delivered, read, failed). */
  onStatus?: (update: DeliveryStatusUpdate) => void | Promise<void>;
  /** A person wrote at `atMs` (opens their 24-hour window). Called before the message is handled. */
  onInboundSeen?: (address: string, atMs: number) => void | Promise<void>;
  fetch?: typeof fetch;
  /** Longest wait for one Graph API call. Default 30 s. */
  requestTimeoutMs?: number;
}

export interface WhatsAppCloudChannel extends Channel {
  /**
   * Handles one verified webhook body: statuses recorded, messages handed to the bot in order.
   * Resolves once all of it is stored (before the replies are sent); rejects when some of it was
   * not, so the webhook can ask Meta to deliver it again.
   */
  receive(body: unknown): Promise<void>;
  /** Resolves when every webhook body received so far has been handled and its replies had their round. */
  idle(): Promise<void>;
  readonly state: WhatsAppCloudState;
}

/** After a token or account fault, sends wait this long before trying the API again (one call, not a loop). */
export const TOKEN_PAUSE_MS = 10 * 60_000;

/** What the log (once) and the channel state say about each fault that pauses sending. */
const FAULTS = {
  token_expired: [
    "whatsapp_cloud.token_invalid: the access token expired or was revoked. Create a permanent system-user token (README, WhatsApp Cloud API) and restart; sending is paused until then",
    "token expired or revoked",
  ],
  account_blocked: [
    "whatsapp_cloud.account_blocked: Meta refuses every message of this WhatsApp account (blocked for policy, locked, payment, display name or registration; see the code in Meta's error codes). Fix it in WhatsApp Manager; sending is paused and tried again every 10 minutes",
    "WhatsApp account blocked, locked or without payment at Meta",
  ],
} as const;
/** Meta's pair rate: one message every 6 seconds to the same person, after a short burst. */
export const PAIR_INTERVAL_MS = 6_000;

export function createWhatsAppCloudChannel(options: WhatsAppCloudOptions): WhatsAppCloudChannel {
  const { logger } = options;
  const doFetch = options.fetch ?? fetch;
  const cloudMedia = createCloudMedia(options);
  const base = `${options.graphUrl.replace(/\/+$/, "")}/${options.apiVersion}/${options.phoneNumberId}`;
  const capabilities: ChannelCapabilities = {
    nativeOptions: true,
    maxTextLength: MAX_TEXT_LENGTH,
    ratePerSecond: options.ratePerSecond,
    ratePerChatPerSecond: 1000 / PAIR_INTERVAL_MS,
    ratePerChatBurst: options.pairBurst ?? 6,
  };
  let onInbound: InboundHandler | undefined;
  /** Messages stored whose replies are still being sent (see `handOver`). */
  const replying = new Set<Promise<void>>();
  let state: WhatsAppCloudState = "stopped";
  let chain: Promise<void> = Promise.resolve();
  /** Texts sent ahead of a file that then failed (outbox id → the text's id): a retry sends only the file. */
  const sentBeforeFile = new Map<number, string | undefined>();

  function report(next: WhatsAppCloudState, detail: string | null): void {
    if (next === state) return;
    state = next;
    options.onState?.(next, detail);
  }

  type CallResult =
    { ok: true; body: Record<string, unknown> } | { ok: false; result: Exclude<SendResult, { ok: true }> };

  async function call(path: string, init: { json?: unknown; form?: FormData }): Promise<CallResult> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.accessToken}`,
          ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.form,
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
      });
    } catch (error) {
      // Refused before anything was written: the message surely did not go. Otherwise (a reset, a
      // timeout) Meta may have accepted it: the dispatcher then repeats only what must arrive (issue 19).
      const code = ((error as { cause?: { code?: string } }).cause ?? {}).code;
      const ambiguous = code !== "ECONNREFUSED" && code !== "ENOTFOUND" && code !== "EAI_AGAIN";
      return {
        ok: false,
        result: {
          ok: false,
          kind: "retry",
          retryAfterMs: 0,
          reason: `network error (${code ?? (error as Error).name})`,
          ...(ambiguous ? { ambiguous } : {}),
        },
      };
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) {
      if (state !== "open") report("open", null);
      return { ok: true, body };
    }
    return { ok: false, result: failureOf(graphErrorOf(response.status, body)) };
  }

  /** A refused call's SendResult; a fault of the token or the whole account pauses the channel. */
  function failureOf(error: GraphError): Exclude<SendResult, { ok: true }> {
    if (isTokenError(error)) return channelFault("token_expired", error);
    if (isAccountFault(error)) return channelFault("account_blocked", error);
    return classifyGraphError(error);
  }

  function channelFault(
    fault: "token_expired" | "account_blocked",
    error: GraphError,
  ): Exclude<SendResult, { ok: true }> {
    const code = error.code ?? error.httpStatus;
    if (state !== fault) {
      // Once: every later failure while paused is the same fault.
      const [event, detail] = FAULTS[fault];
      logger.error({ code, phoneNumberId: options.phoneNumberId }, event);
      report(fault, `${detail} (${code}); sending paused`);
    }
    return {
      ok: false,
      kind: "retry",
      retryAfterMs: TOKEN_PAUSE_MS,
      reason: fault === "token_expired" ? "whatsapp token expired or revoked" : `whatsapp ${code} account blocked`,
      scope: "channel",
    };
  }

  async function sendOne(
    to: string,
    body: GraphMessage,
  ): Promise<{ ok: true; id: string | undefined } | { ok: false; result: Exclude<SendResult, { ok: true }> }> {
    const answer = await call("/messages", {
      json: { messaging_product: "whatsapp", recipient_type: "individual", to, ...body },
    });
    if (!answer.ok) return answer;
    const id = (answer.body.messages as { id?: string }[] | undefined)?.[0]?.id;
    return { ok: true, id };
  }

  async function sendParts(to: string, parts: readonly GraphMessage[]): Promise<SendResult> {
    let firstId: string | undefined;
    for (const part of parts) {
      const sent = await sendOne(to, part);
      if (!sent.ok) return sent.result;
      firstId ??= sent.id;
    }
    return { ok: true, ...(firstId ? { channelMessageId: firstId } : {}) };
  }

  async function uploadDocument(
    document: NonNullable<OutboundMessage["document"]>,
  ): Promise<{ ok: true; id: string } | { ok: false; result: Exclude<SendResult, { ok: true }> }> {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", document.mimeType);
    form.set("file", new Blob([document.content], { type: document.mimeType }), document.fileName);
    const answer = await call("/media", { form });
    if (!answer.ok) return answer;
    const id = answer.body.id;
    if (typeof id !== "string")
      return {
        ok: false,
        result: { ok: false, kind: "retry", retryAfterMs: 0, reason: "whatsapp media upload returned no id" },
      };
    return { ok: true, id };
  }

  async function sendDocument(
    to: string,
    message: OutboundMessage,
    origin: MessageOrigin | undefined,
  ): Promise<SendResult> {
    const document = message.document!;
    const captioned = [...message.text].length <= MAX_CAPTION_LENGTH;
    let textId: string | undefined;
    if (!captioned) {
      if (origin && sentBeforeFile.has(origin.outboxId)) textId = sentBeforeFile.get(origin.outboxId);
      else {
        const text = await sendParts(
          to,
          renderMessage({ address: message.address, text: message.text }, options.labels),
        );
        if (!text.ok) return text;
        textId = text.channelMessageId;
        if (origin) sentBeforeFile.set(origin.outboxId, textId);
      }
    }
    const uploaded = await uploadDocument(document);
    if (!uploaded.ok) return uploaded.result;
    const file = await sendOne(to, {
      type: "document",
      document: {
        id: uploaded.id,
        filename: document.fileName,
        ...(captioned && message.text ? { caption: message.text } : {}),
      },
    });
    if (!file.ok) return file.result;
    if (origin) sentBeforeFile.delete(origin.outboxId);
    const id = textId ?? file.id;
    return { ok: true, ...(id ? { channelMessageId: id } : {}) };
  }

  /**
   * The text, then the place as a location message (a pin with its name and address, Meta's
   * "Location messages"); the text's id is returned. A retry after the text went out sends only the pin.
   */
  async function sendLocation(
    to: string,
    message: OutboundMessage,
    origin: MessageOrigin | undefined,
  ): Promise<SendResult> {
    const { latitude, longitude, name, address } = message.location!;
    let textId: string | undefined;
    if (origin && sentBeforeFile.has(origin.outboxId)) textId = sentBeforeFile.get(origin.outboxId);
    else if (message.text.trim()) {
      const text = await sendParts(to, renderMessage(message, options.labels));
      if (!text.ok) return text;
      textId = text.channelMessageId;
      if (origin) sentBeforeFile.set(origin.outboxId, textId);
    }
    const pin = await sendOne(to, {
      type: "location",
      location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) },
    });
    if (!pin.ok) return pin.result;
    if (origin) sentBeforeFile.delete(origin.outboxId);
    const id = textId ?? pin.id;
    return { ok: true, ...(id ? { channelMessageId: id } : {}) };
  }

  /**
   * A file a person sent us (its media id, kept as the attachment's reference), uploaded again so
   * it can be sent on: received media ids are for downloading (media.ts), not for sending.
   */
  async function rehost(
    mediaId: string,
    fileName: string | undefined,
  ): Promise<{ ok: true; id: string } | { ok: false; result: Exclude<SendResult, { ok: true }> }> {
    const file = await cloudMedia.open(mediaId);
    if (!file.ok) return { ok: false, result: mediaFailureResult(file.failure) };
    const type = file.mimeType ?? file.response.headers.get("content-type") ?? "application/octet-stream";
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", type);
    form.set("file", new Blob([await file.response.arrayBuffer()], { type }), fileName ?? "archivo");
    const answer = await call("/media", { form });
    if (!answer.ok) return answer;
    return typeof answer.body.id === "string"
      ? { ok: true, id: answer.body.id }
      : {
          ok: false,
          result: { ok: false, kind: "retry", retryAfterMs: 0, reason: "whatsapp media upload returned no id" },
        };
  }

  function mediaFailureResult(failure: MediaFailure): Exclude<SendResult, { ok: true }> {
    if (failure.kind === "graph") return failureOf(failure.error);
    if (failure.kind === "network")
      return { ok: false, kind: "retry", retryAfterMs: 0, reason: `network error (${failure.code})` };
    return {
      ok: false,
      kind: "permanent",
      reason: "whatsapp media has no download url (expired?)",
      unreachable: false,
    };
  }

  async function sendMedia(to: string, message: OutboundMessage): Promise<SendResult> {
    const media = message.media!;
    const caption = [...message.text].length <= MAX_CAPTION_LENGTH ? message.text : undefined;
    const type = media.kind === "photo" ? "image" : "document";
    const uploaded = await rehost(media.fileRef, media.fileName);
    if (!uploaded.ok) return uploaded.result;
    const file = {
      id: uploaded.id,
      ...(caption ? { caption } : {}),
      ...(type === "document" && media.fileName ? { filename: media.fileName } : {}),
    };
    const sent = await sendParts(to, [{ type, [type]: file }]);
    if (!sent.ok || caption !== undefined || !message.text) return sent;
    return sendParts(to, renderMessage({ address: message.address, text: message.text }, options.labels));
  }

  async function send(message: OutboundMessage, origin?: MessageOrigin): Promise<SendResult> {
    const to = recipientOf(message.address);
    if (!to)
      return {
        ok: false,
        kind: "permanent",
        reason: "whatsapp cloud sends only to a person's number (no groups)",
        unreachable: false,
      };
    if (message.template) return sendParts(to, renderMessage(message, options.labels));
    if (message.document) return sendDocument(to, message, origin);
    if (message.media) return sendMedia(to, message);
    if (message.location) return sendLocation(to, message, origin);
    return sendParts(to, renderMessage(message, options.labels));
  }

  /**
   * Hands one message to the bot; resolves to whether it was stored, as soon as its transaction
   * ends. The sending of its replies goes on in the background (awaited by `idle`).
   */
  function handOver(handler: InboundHandler, message: InboundMessage): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const handling = handler(message, resolve).then(
        () => resolve(true),
        () => resolve(false),
      );
      replying.add(handling);
      void handling.finally(() => replying.delete(handling));
    });
  }

  /** Statuses recorded and messages stored, in order; throws when any of them was not stored. */
  async function handle(body: unknown): Promise<void> {
    const content = parseWebhook(body, options.phoneNumberId, options.nowMs());
    for (const status of content.statuses) await options.onStatus?.(status);
    let notStored = 0;
    for (const message of content.messages) {
      await options.onInboundSeen?.(message.address, message.receivedAtMs);
      if (!onInbound) throw new Error("whatsapp cloud channel not started");
      if (!(await handOver(onInbound, message))) notStored++;
    }
    if (notStored > 0) throw new Error(`${notStored} message(s) not stored`);
  }

  return {
    id: "whatsapp",
    capabilities,
    get state() {
      return state;
    },
    async start(handler) {
      onInbound = handler;
      report("open", null);
    },
    send,
    receive(body) {
      const run = chain.then(() => handle(body));
      // The webhook answers 500 to a body not wholly stored, so Meta delivers it again (messages are
      // deduplicated by wamid, statuses never go backwards); the next body goes on meanwhile.
      chain = run.catch((error: unknown) =>
        logger.error(
          { err: { message: (error as Error).message, code: (error as { code?: string }).code } },
          "whatsapp_cloud.webhook_failed",
        ),
      );
      return run;
    },
    async idle() {
      await chain;
      await Promise.all(replying);
    },
    async stop() {
      await chain;
      await Promise.all(replying);
      onInbound = undefined;
      report("stopped", null);
    },
  };
}

/** The Cloud API's `to`: the digits of a person's JID (or bare digits); undefined for groups and LIDs. */
export function recipientOf(address: string): string | undefined {
  const digits = address.endsWith(PERSON_SUFFIX) ? address.slice(0, -PERSON_SUFFIX.length) : address;
  return /^\d{6,20}$/.test(digits) ? digits : undefined;
}
