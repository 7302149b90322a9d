/**
 * A fake Telegram Bot API server for tests (DESIGN.md "Testing": fake the world at its edges).
 *
 * The real telegraf talks to it over HTTP on 127.0.0.1:
 *
 *   const fake = await createFakeTelegramApi();
 *   const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
 *
 * It mirrors what telegraf 4.16 sends: `POST {apiRoot}/bot<token>/<method>` with a JSON body, or
 * multipart/form-data when a file is uploaded (`{ source }`/`{ url }`), and downloads from
 * `{apiRoot}/file/bot<token>/<file_path>`. Replies follow Telegram: `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }` with the HTTP status equal to error_code.
 * An outage answers 502 with an HTML body (as Telegram's nginx does) or drops the connection.
 *
 * Update queue semantics are Telegram's: an update stays pending until a getUpdates call passes an
 * `offset` greater than its update_id. One exception, for simulating duplicates: an update pushed
 * again with an update_id that was already used is delivered at least once even if its id is
 * below the current offset.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomBytes } from "node:crypto";
import type { BotCommand, Chat, File, Message, MessageEntity, Update, User } from "telegraf/types";

// ───────────────────────────── public types ─────────────────────────────

export interface FakeTelegramApiOptions {
  /** Accepted bot token; any other token gets 401 Unauthorized. The bot id is its prefix. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** First update_id handed out by pushUpdate. Default 1. */
  firstUpdateId?: number;
  /** Epoch ms; drives message dates, outage deadlines and rate limits. Default Date.now. */
  now?: () => number;
  /** When true, sending to a chat the fake has never seen → 400 "Bad Request: chat not found". */
  strictChats?: boolean;
  /** Enforce Telegram's flood limits with 429s (off by default). `true` = DESIGN.md figures. */
  rateLimits?: boolean | Partial<RateLimits>;
}

export interface RateLimits {
  perChatPerSecond: number;
  perGroupPerMinute: number;
  globalPerSecond: number;
}

export interface UploadedFile {
  field: string;
  filename: string;
  contentType?: string;
  size: number;
  content: Buffer;
}

export interface RecordedCall {
  /** 0-based position in the call log. */
  seq: number;
  method: string;
  /** Body params; multipart/urlencoded strings are coerced (chat_id → number, reply_markup → object). */
  params: Record<string, unknown>;
  files: UploadedFile[];
  encoding: "json" | "multipart" | "urlencoded" | "query" | "webhook_reply";
  atMs: number;
  /** Undefined while a long poll is still pending. */
  outcome?: CallOutcome;
}

export type CallOutcome =
  | { ok: true; result: unknown }
  | { ok: false; errorCode: number; description: string; retryAfterSeconds?: number }
  | { ok: false; dropped: true };

export interface FaultSpec {
  /** 400, 403, 429, 500, 502 … (HTTP status and error_code). */
  errorCode: number;
  /** Defaults: 400 "Bad Request", 403 "Forbidden: bot was blocked by the user", 429 "Too Many Requests: retry after N", 5xx standard text. */
  description?: string;
  /** For 429: `parameters.retry_after`. Default 1. */
  retryAfterSeconds?: number;
  /** Only calls whose chat_id equals this are affected. */
  chatId?: number | string;
  /** How many matching calls fail. Default 1. */
  times?: number;
  /** Destroy the socket instead of answering (the client sees a network error). */
  dropConnection?: boolean;
  /** Perform the call (the message is delivered), then destroy the socket instead of answering. */
  dropAfterDelivery?: boolean;
}

export interface OutageSpec {
  /** Outage lasts this long from now. */
  durationMs?: number;
  /** Outage lasts until this epoch ms (per `options.now`). */
  untilMs?: number;
  /** Outage ends after this many failed requests. */
  count?: number;
  /** "bad_gateway" (default): HTTP 502 with an HTML body; "drop_connection": socket destroyed. */
  mode?: "bad_gateway" | "drop_connection";
}

export interface WebhookDelivery {
  status: number;
  /** The webhook reply (`{ method, ...params }`) if the bot answered through it; it was executed. */
  webhookReply?: Record<string, unknown>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An update before pushUpdate gives it an update_id. */
export type UpdateDraft<U extends Update = Update> = DistributiveOmit<U, "update_id"> & { update_id?: number };

export interface SenderOptions {
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

type TextUpdate = Update.MessageUpdate<Message.TextMessage>;

/**
 * Builders of realistic updates. They allocate message ids from the same per-chat counter as the
 * bot's own messages and make chats, users, files and callback query ids known to the fake.
 * Push the result with `pushUpdate` (polling) or `deliverToWebhook`.
 */
export interface UpdateBuilders {
  /** A leading `/command` gets its bot_command entity, as Telegram adds it. */
  privateText(
    fromUserId: number,
    text: string,
    opts?: SenderOptions & { replyToMessageId?: number },
  ): UpdateDraft<TextUpdate>;
  groupText(
    chatId: number,
    fromUserId: number,
    text: string,
    opts?: SenderOptions & { replyToMessageId?: number; chatTitle?: string },
  ): UpdateDraft<TextUpdate>;
  /** `/start <payload>` (deep link) with its bot_command entity. */
  startCommand(fromUserId: number, payload?: string, opts?: SenderOptions): UpdateDraft<TextUpdate>;
  callbackQuery(
    fromUserId: number,
    chatId: number,
    messageId: number,
    data: string,
  ): UpdateDraft<Update.CallbackQueryUpdate>;
  privatePhoto(
    fromUserId: number,
    opts?: SenderOptions & { caption?: string; content?: Buffer },
  ): UpdateDraft<Update.MessageUpdate<Message.PhotoMessage>>;
  privateDocument(
    fromUserId: number,
    opts?: SenderOptions & { fileName?: string; mimeType?: string; caption?: string; content?: Buffer },
  ): UpdateDraft<Update.MessageUpdate<Message.DocumentMessage>>;
  privateSticker(
    fromUserId: number,
    opts?: SenderOptions & { emoji?: string },
  ): UpdateDraft<Update.MessageUpdate<Message.StickerMessage>>;
  privateVoice(
    fromUserId: number,
    opts?: SenderOptions & { durationSeconds?: number; content?: Buffer },
  ): UpdateDraft<Update.MessageUpdate<Message.VoiceMessage>>;
  privateLocation(
    fromUserId: number,
    latitude: number,
    longitude: number,
    opts?: SenderOptions,
  ): UpdateDraft<Update.MessageUpdate<Message.LocationMessage>>;
  privateContact(
    fromUserId: number,
    phoneNumber: string,
    opts?: SenderOptions,
  ): UpdateDraft<Update.MessageUpdate<Message.ContactMessage>>;
  /** The user blocked ("kicked") or unblocked ("member") the bot; pushing it sets the blocked state. */
  myChatMember(fromUserId: number, status: "kicked" | "member"): UpdateDraft<Update.MyChatMemberUpdate>;
}

export interface FakeTelegramApi extends UpdateBuilders {
  /** `http://127.0.0.1:<port>`, for `new Telegraf(token, { telegram: { apiRoot } })`. */
  readonly apiRoot: string;
  readonly token: string;
  readonly botInfo: User;
  /** Answers pending long polls with `[]`, rejects pending waitForCall, closes every socket. */
  close(): Promise<void>;

  /** Queues an update (update_id assigned unless given; a reused id simulates a duplicate). */
  pushUpdate<U extends Update>(draft: UpdateDraft<U>): U;
  /** Updates not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Update[];
  /** POSTs an update to a webhook as Telegram does; executes a webhook reply if the bot sends one. */
  deliverToWebhook(url: string, update: UpdateDraft, secretToken?: string): Promise<WebhookDelivery>;

  /** Every call in arrival order, optionally only one method (case-insensitive). */
  calls(method?: string): RecordedCall[];
  /** Resolves with the first call (already recorded or future) matching; rejects after timeoutMs listing the calls seen. */
  waitForCall(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Messages the bot sent successfully (current content after edits), optionally for one chat. */
  sentMessages(chatId?: number | string): Message[];

  /** The next matching call(s) to `method` ("*" = any) fail as specified. */
  failNext(method: string, fault: FaultSpec): void;
  /** Every request fails until the outage ends; pending long polls are cut too. No spec = until endOutage(). */
  outage(spec?: OutageSpec): void;
  endOutage(): void;
  /** Delay before every request is processed. */
  setLatencyMs(latencyMs: number): void;
  /** Sends to this chat answer 403 "Forbidden: bot was blocked by the user". */
  setBlocked(chatId: number, blocked?: boolean): void;
  /** Makes a file_id known (for sendPhoto/sendDocument by id, getFile and downloads). */
  registerFile(content?: Buffer, fileName?: string): File;
}

// ───────────────────────────── errors and replies ─────────────────────────────

class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}
const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

type Reply = { kind: "ok"; result: unknown } | { kind: "error"; error: ApiError; html?: boolean } | { kind: "drop" };

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden: bot was blocked by the user",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  if (reply.kind === "drop") {
    res.socket?.destroy();
    return;
  }
  if (reply.kind === "ok") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result: reply.result }));
    return;
  }
  const { errorCode, description, retryAfterSeconds } = reply.error;
  if (reply.html) {
    res.writeHead(errorCode, { "content-type": "text/html" });
    res.end(
      `<html><head><title>${errorCode} ${description}</title></head><body><center><h1>${errorCode} ${description}</h1></center><hr><center>nginx</center></body></html>`,
    );
    return;
  }
  const body = {
    ok: false,
    error_code: errorCode,
    description,
    ...(retryAfterSeconds === undefined ? {} : { parameters: { retry_after: retryAfterSeconds } }),
  };
  res.writeHead(errorCode, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function toOutcome(reply: Reply): CallOutcome {
  if (reply.kind === "ok") return { ok: true, result: reply.result };
  if (reply.kind === "drop") return { ok: false, dropped: true };
  const { errorCode, description, retryAfterSeconds } = reply.error;
  return retryAfterSeconds === undefined
    ? { ok: false, errorCode, description }
    : { ok: false, errorCode, description, retryAfterSeconds };
}

// ───────────────────────────── request parsing ─────────────────────────────

const JSON_FIELDS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "allowed_updates",
  "commands",
  "scope",
  "media",
  "link_preview_options",
  "reply_parameters",
  "results",
]);
const NUMBER_FIELDS = new Set([
  "chat_id",
  "message_id",
  "offset",
  "limit",
  "timeout",
  "reply_to_message_id",
  "user_id",
  "from_chat_id",
  "message_thread_id",
  "cache_time",
]);

function coerce(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (NUMBER_FIELDS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

function parseMultipart(body: Buffer, boundary: string): { params: Record<string, unknown>; files: UploadedFile[] } {
  const params: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  const opening = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(opening);
  if (pos === -1) return { params, files };
  pos += opening.length;
  while (body.subarray(pos, pos + 2).toString() === "\r\n") {
    const start = pos + 2;
    const end = body.indexOf(separator, start);
    if (end === -1) break;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? "";
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (filename === undefined) {
      params[name] = coerce(name, content.toString("utf8"));
    } else {
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      const file: UploadedFile = {
        field: name,
        filename,
        size: content.length,
        content: Buffer.from(content),
        ...(contentType ? { contentType } : {}),
      };
      files.push(file);
      params[name] = { upload: filename, size: content.length };
    }
    pos = end + separator.length;
  }
  return { params, files };
}

function parseRequest(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
): { params: Record<string, unknown>; files: UploadedFile[]; encoding: RecordedCall["encoding"] } {
  const contentType = req.headers["content-type"] ?? "";
  const fromEntries = (entries: Iterable<[string, string]>): Record<string, unknown> =>
    Object.fromEntries([...entries].map(([k, v]) => [k, coerce(k, v)]));
  if (contentType.startsWith("multipart/form-data")) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2] ?? "";
    const { params, files } = parseMultipart(body, boundary);
    delete params.method; // telegraf puts the method name in the form as well
    return { params, files, encoding: "multipart" };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    return { params: fromEntries(new URLSearchParams(body.toString("utf8"))), files: [], encoding: "urlencoded" };
  }
  if (body.length > 0) {
    const parsed = JSON.parse(body.toString("utf8")) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw badRequest("parameters must be a JSON object");
    return { params: parsed as Record<string, unknown>, files: [], encoding: "json" };
  }
  return { params: fromEntries(url.searchParams), files: [], encoding: "query" };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ───────────────────────────── validation ─────────────────────────────

const HTML_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

/** Text as Telegram stores it after entity parsing; throws "can't parse entities" like Telegram. */
function parsedText(text: string, parseMode: unknown): string {
  if (parseMode === "HTML") {
    for (const m of text.matchAll(/<\/?([a-zA-Z][\w-]*)[^>]*>/g)) {
      const tag = (m[1] ?? "").toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        const offset = Buffer.byteLength(text.slice(0, m.index));
        throw badRequest(`can't parse entities: Unsupported start tag "${tag}" at byte offset ${offset}`);
      }
    }
    return text
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
  }
  if (parseMode === "MarkdownV2") {
    const outsideCode = text.replace(/```[\s\S]*?```|`[^`]*`/g, "").replace(/\]\((?:\\.|[^)\\])*\)/g, "]");
    for (let i = 0; i < outsideCode.length; i++) {
      const c = outsideCode[i] ?? "";
      if (c === "\\") {
        i++;
        continue;
      }
      const atLineStart = i === 0 || outsideCode[i - 1] === "\n";
      if ("#+-={}.!()".includes(c) || (c === ">" && !atLineStart)) {
        throw badRequest(
          `can't parse entities: Character '${c}' is reserved and must be escaped with the preceding '\\'`,
        );
      }
    }
    return text.replace(/\\(.)/g, "$1");
  }
  return text;
}

function validateText(text: unknown, parseMode: unknown, kind: "text" | "caption"): string | undefined {
  if (kind === "caption" && (text === undefined || text === "")) return undefined;
  if (typeof text !== "string" || text.trim() === "") throw badRequest("message text is empty");
  const plain = parsedText(text, parseMode);
  // Telegram counts the limit after entity parsing; we count UTF-16 code units (what entities use).
  if (kind === "text" && plain.length > 4096) throw badRequest("message is too long");
  if (kind === "caption" && plain.length > 1024) throw badRequest("message caption is too long");
  return plain;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function validateMarkup(markup: unknown): void {
  if (!isRecord(markup) || markup.inline_keyboard === undefined) return;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray))
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  for (const button of (rows as unknown[][]).flat()) {
    if (!isRecord(button) || typeof button.text !== "string")
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    if ("callback_data" in button) {
      const bytes = Buffer.byteLength(String(button.callback_data));
      if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
    } else if (Object.keys(button).length === 1) {
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    }
  }
}

function validateCommands(commands: unknown): BotCommand[] {
  if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
  for (const c of commands as unknown[]) {
    if (!isRecord(c) || typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command))
      throw badRequest("BOT_COMMAND_INVALID");
    if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256)
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
  }
  return commands as BotCommand[];
}

// ───────────────────────────── update queue ─────────────────────────────

const OPT_IN_UPDATE_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
type PollWake = "update" | "closed" | "conflict" | "timeout" | "aborted" | Reply;
interface QueuedUpdate {
  update: Update;
  delivered: boolean;
  replay: boolean;
}

/** Pending updates with getUpdates' offset/limit/timeout/allowed_updates semantics. */
class UpdateQueue {
  private readonly entries: QueuedUpdate[] = [];
  private readonly waiters = new Set<(why: PollWake) => void>();
  private allowedUpdates: string[] = [];
  private lastId: number;
  private closed = false;

  constructor(firstUpdateId: number) {
    this.lastId = firstUpdateId - 1;
  }

  /** Gives the draft its update_id; an id already used marks a replay (a simulated duplicate). */
  assignId<U extends Update>(draft: UpdateDraft<U>): { update: U; replay: boolean } {
    let id = draft.update_id;
    let replay = false;
    if (id === undefined) id = ++this.lastId;
    else if (id <= this.lastId) replay = true;
    else this.lastId = id;
    return { update: { ...draft, update_id: id } as unknown as U, replay };
  }

  enqueue(update: Update, replay: boolean): void {
    this.entries.push({ update, delivered: false, replay });
    this.wakeAll("update");
  }

  pending(): Update[] {
    return this.entries.map((e) => e.update);
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** Ends every pending long poll; `why` may be a function so each poll gets its own reply. */
  wakeAll(why: PollWake | (() => PollWake)): void {
    for (const wake of this.waiters) wake(typeof why === "function" ? why() : why);
  }

  close(): void {
    this.closed = true;
    this.wakeAll("closed");
  }

  /** One getUpdates call. Throws ApiError(409) when a newer call ends this one, as Telegram does. */
  async getUpdates(params: Record<string, unknown>, res: ServerResponse): Promise<Reply> {
    this.wakeAll("conflict"); // Telegram terminates the older long poll
    if (Array.isArray(params.allowed_updates)) this.allowedUpdates = params.allowed_updates.map(String);
    this.confirm(Number(params.offset ?? 0));
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeoutMs = Math.max(0, Number(params.timeout ?? 0)) * 1000;
    if (this.entries.length === 0 && timeoutMs > 0 && !this.closed) {
      const why = await this.waitForUpdate(timeoutMs, res);
      if (typeof why === "object") return why;
      if (why === "conflict")
        throw new ApiError(
          409,
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        );
      if (why === "aborted") return { kind: "drop" };
      if (why === "closed") return { kind: "ok", result: [] };
    }
    return { kind: "ok", result: this.select(limit) };
  }

  private waitForUpdate(timeoutMs: number, res: ServerResponse): Promise<PollWake> {
    return new Promise((resolve) => {
      const settle = (why: PollWake): void => {
        clearTimeout(timer);
        res.off("close", onClientGone);
        this.waiters.delete(settle);
        resolve(why);
      };
      const timer = setTimeout(() => settle("timeout"), timeoutMs);
      const onClientGone = (): void => settle("aborted"); // telegraf's bot.stop() aborts the fetch
      res.once("close", onClientGone);
      this.waiters.add(settle);
    });
  }

  /** offset > 0 confirms lower ids (replays only once delivered); offset < 0 keeps the last |offset|. */
  private confirm(offset: number): void {
    if (offset < 0) {
      this.entries.splice(0, Math.max(0, this.entries.length + offset));
      return;
    }
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.update.update_id < offset && (e.delivered || !e.replay)) this.entries.splice(i, 1);
    }
  }

  /** An empty allowed_updates means all types except the opt-in ones, as in Telegram. */
  private select(limit: number): Update[] {
    const allowed = (type: string): boolean =>
      this.allowedUpdates.length === 0 ? !OPT_IN_UPDATE_TYPES.has(type) : this.allowedUpdates.includes(type);
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (!allowed(updateType(this.entries[i]!.update))) this.entries.splice(i, 1);
    const batch = this.entries.slice(0, limit);
    for (const e of batch) e.delivered = true;
    return batch.map((e) => e.update);
  }
}

const updateType = (u: Update): string => Object.keys(u).find((k) => k !== "update_id") ?? "";

// ───────────────────────────── call log ─────────────────────────────

interface CallWaiter {
  matches: (c: RecordedCall) => boolean;
  resolve: (c: RecordedCall) => void;
  reject: (e: Error) => void;
}

class CallLog {
  private readonly log: RecordedCall[] = [];
  private readonly waiters = new Set<CallWaiter>();

  constructor(private readonly now: () => number) {}

  record(
    method: string,
    params: Record<string, unknown>,
    files: UploadedFile[],
    encoding: RecordedCall["encoding"],
  ): RecordedCall {
    const call: RecordedCall = { seq: this.log.length, method, params, files, encoding, atMs: this.now() };
    this.log.push(call);
    return call;
  }

  /** Wakes waitForCall; called on arrival for long polls, after the outcome for everything else. */
  notify(call: RecordedCall): void {
    for (const w of this.waiters) if (w.matches(call)) w.resolve(call);
  }

  list(method?: string): RecordedCall[] {
    return method === undefined ? [...this.log] : this.log.filter((c) => sameMethod(c.method, method));
  }

  waitFor(method: string, predicate: (c: RecordedCall) => boolean, timeoutMs: number): Promise<RecordedCall> {
    const matches = (c: RecordedCall): boolean => sameMethod(c.method, method) && predicate(c);
    const seen = this.log.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: CallWaiter = {
        matches,
        resolve: (c) => (done(), resolve(c)),
        reject: (e) => (done(), reject(e)),
      };
      const timer = setTimeout(
        () => waiter.reject(new Error(`waitForCall("${method}") timed out after ${timeoutMs} ms; ${this.summary()}`)),
        timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  rejectWaiters(reason: string): void {
    for (const w of this.waiters) w.reject(new Error(`waitForCall: ${reason}; ${this.summary()}`));
  }

  private summary(): string {
    const describe = (c: RecordedCall): string => {
      const status = !c.outcome
        ? "pending"
        : c.outcome.ok
          ? "ok"
          : "dropped" in c.outcome
            ? "dropped"
            : c.outcome.errorCode;
      return `  #${c.seq} ${c.method} ${JSON.stringify(c.params).slice(0, 120)} → ${status}`;
    };
    return `calls seen (last 30):\n${this.log.slice(-30).map(describe).join("\n") || "  (none)"}`;
  }
}

const sameMethod = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

// ───────────────────────────── faults ─────────────────────────────

interface Fault extends FaultSpec {
  method: string;
  remaining: number;
}
const DEFAULT_RATE_LIMITS: RateLimits = { perChatPerSecond: 1, perGroupPerMinute: 20, globalPerSecond: 30 };

/** Injected failures: queued faults, outages and latency. */
class FaultInjector {
  latencyMs = 0;
  private readonly faults: Fault[] = [];
  private outage: (OutageSpec & { failed: number }) | undefined;

  constructor(private readonly now: () => number) {}

  failNext(method: string, fault: FaultSpec): void {
    this.faults.push({ ...fault, method: method === "*" ? "*" : method.toLowerCase(), remaining: fault.times ?? 1 });
  }

  startOutage(spec: OutageSpec): void {
    const untilMs = spec.untilMs ?? (spec.durationMs === undefined ? undefined : this.now() + spec.durationMs);
    this.outage = { ...spec, ...(untilMs === undefined ? {} : { untilMs }), failed: 0 };
  }

  endOutage(): void {
    this.outage = undefined;
  }

  /** The reply replacing the real answer when an outage or a queued fault applies to this call. */
  take(method: string, params: Record<string, unknown>): Reply | { kind: "deliver_then_drop" } | undefined {
    if (this.outageActive()) return this.outageReply();
    const index = this.faults.findIndex(
      (f) =>
        (f.method === "*" || f.method === method.toLowerCase()) &&
        (f.chatId === undefined || String(f.chatId) === String(params.chat_id)),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    if (fault.dropConnection) return { kind: "drop" };
    if (fault.dropAfterDelivery) return { kind: "deliver_then_drop" };
    const retryAfter = fault.errorCode === 429 ? (fault.retryAfterSeconds ?? 1) : undefined;
    const description =
      fault.description ??
      (retryAfter === undefined
        ? (STATUS_TEXT[fault.errorCode] ?? "Error")
        : `Too Many Requests: retry after ${retryAfter}`);
    return { kind: "error", error: new ApiError(fault.errorCode, description, retryAfter) };
  }

  /** 502 with nginx's HTML page (telegraf ignores 5xx bodies) or a dropped socket. */
  outageReply(): Reply {
    if (this.outage) this.outage.failed++;
    return this.outage?.mode === "drop_connection"
      ? { kind: "drop" }
      : { kind: "error", error: new ApiError(502, "Bad Gateway"), html: true };
  }

  private outageActive(): boolean {
    if (!this.outage) return false;
    const { untilMs, count, failed } = this.outage;
    if ((untilMs !== undefined && this.now() >= untilMs) || (count !== undefined && failed >= count))
      this.outage = undefined;
    return this.outage !== undefined;
  }
}

/** Telegram's flood limits (DESIGN.md "Channel facts"), answered as 429 with retry_after. */
class FloodControl {
  private global: number[] = [];
  private readonly perChat = new Map<string, number[]>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
  ) {}

  check(chat: Chat): void {
    const t = this.now();
    const isGroup = chat.type === "group" || chat.type === "supergroup";
    const chatWindowMs = isGroup ? 60_000 : 1_000;
    const chatLimit = isGroup ? this.limits.perGroupPerMinute : this.limits.perChatPerSecond;
    const global = this.global.filter((x) => t - x < 1_000);
    const perChat = (this.perChat.get(String(chat.id)) ?? []).filter((x) => t - x < chatWindowMs);
    const refuse = (oldestMs: number, windowMs: number): never => {
      const retryAfter = Math.max(1, Math.ceil((oldestMs + windowMs - t) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    };
    if (global.length >= this.limits.globalPerSecond) refuse(global[0]!, 1_000);
    if (perChat.length >= chatLimit) refuse(perChat[0]!, chatWindowMs);
    this.global = [...global, t];
    this.perChat.set(String(chat.id), [...perChat, t]);
  }
}

// ───────────────────────────── what Telegram knows ─────────────────────────────

type StoredMessage = Record<string, unknown> & { message_id: number; chat: Chat; from?: User; date: number };
interface StoredFile {
  file: File;
  content: Buffer;
}
type GroupLikeChat = Chat.GroupChat | Chat.SupergroupChat;

/** Chats, users, messages, files, callback queries, commands, blocks and the webhook. */
class TelegramWorld {
  readonly chats = new Map<string, Chat>();
  readonly messages = new Map<string, StoredMessage>();
  readonly sent: StoredMessage[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly callbackQueries = new Map<string, { answered: boolean }>();
  readonly commands = new Map<string, BotCommand[]>();
  readonly blocked = new Set<string>();
  webhook: { url: string; secretToken?: string } | undefined;
  private readonly users = new Map<number, User>();
  private readonly lastMessageId = new Map<string, number>();

  constructor(
    readonly botInfo: User,
    private readonly now: () => number,
    private readonly strictChats: boolean,
  ) {}

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  nextMessageId(chatId: number | string): number {
    const id = (this.lastMessageId.get(String(chatId)) ?? 0) + 1;
    this.lastMessageId.set(String(chatId), id);
    return id;
  }

  userFor(id: number, opts: SenderOptions = {}): User {
    const known = this.users.get(id);
    const lastName = opts.lastName ?? known?.last_name;
    const username = opts.username ?? known?.username;
    const user: User = {
      id,
      is_bot: false,
      first_name: opts.firstName ?? known?.first_name ?? `User${id}`,
      ...(lastName ? { last_name: lastName } : {}),
      ...(username ? { username } : {}),
      language_code: opts.languageCode ?? known?.language_code ?? "es",
    };
    this.users.set(id, user);
    return user;
  }

  privateChat(user: User): Chat.PrivateChat {
    const chat: Chat.PrivateChat = {
      id: user.id,
      type: "private",
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
    };
    this.chats.set(String(chat.id), chat);
    return chat;
  }

  /** Ids starting with -100 are supergroups, other negative ids basic groups. */
  groupChat(chatId: number, title?: string): GroupLikeChat {
    const known = this.chats.get(String(chatId));
    if (known && (known.type === "group" || known.type === "supergroup") && title === undefined) return known;
    const chatTitle = title ?? `Group ${chatId}`;
    const chat: GroupLikeChat = String(chatId).startsWith("-100")
      ? { id: chatId, type: "supergroup", title: chatTitle }
      : { id: chatId, type: "group", title: chatTitle };
    this.chats.set(String(chatId), chat);
    return chat;
  }

  /** A known chat, or one made up from the id unless strictChats (then 400 "chat not found"). */
  chatFor(chatId: unknown): Chat {
    const known = this.chats.get(String(chatId));
    if (known) return known;
    if (this.strictChats || typeof chatId !== "number") throw badRequest("chat not found");
    return chatId > 0 ? this.privateChat(this.userFor(chatId)) : this.groupChat(chatId);
  }

  message(chatId: unknown, messageId: unknown): StoredMessage | undefined {
    return messageId === undefined ? undefined : this.messages.get(`${String(chatId)}:${String(messageId)}`);
  }

  storeMessage(message: StoredMessage): StoredMessage {
    const chatKey = String(message.chat.id);
    this.messages.set(`${chatKey}:${message.message_id}`, message);
    if (message.message_id > (this.lastMessageId.get(chatKey) ?? 0))
      this.lastMessageId.set(chatKey, message.message_id);
    return message;
  }

  deleteMessage(chatId: unknown, messageId: unknown): boolean {
    return this.messages.delete(`${String(chatId)}:${String(messageId)}`);
  }

  registerFile(content: Buffer = randomBytes(32), fileName = "file.dat"): File {
    const fileId = `FAKE${randomBytes(12).toString("base64url")}`;
    const file: File = {
      file_id: fileId,
      file_unique_id: randomBytes(6).toString("hex"),
      file_size: content.length,
      file_path: `documents/${this.files.size}_${fileName}`,
    };
    this.files.set(fileId, { file, content });
    return file;
  }

  /** A send* file parameter: an upload, an http(s) URL, or a known file_id (else 400 like Telegram). */
  fileFor(value: unknown, uploads: UploadedFile[], field: string): File {
    const upload = uploads.find((f) => f.field === field);
    if (upload) return this.registerFile(upload.content, upload.filename);
    if (typeof value === "string" && /^https?:\/\//.test(value))
      return this.registerFile(Buffer.from(value), value.split("/").pop() || "remote");
    const known = typeof value === "string" ? this.files.get(value) : undefined;
    if (!known) throw badRequest("wrong file identifier/HTTP URL specified");
    return known.file;
  }

  /** Learns from an incoming update what Telegram would know (chats, messages, queries, blocks). */
  learn(update: Update): void {
    const u = update as unknown as Record<string, unknown>;
    const message = (u.message ?? u.edited_message) as StoredMessage | undefined;
    if (message) {
      this.chats.set(String(message.chat.id), message.chat);
      if (message.from) this.users.set(message.from.id, message.from);
      this.storeMessage(message);
    }
    const query = u.callback_query as { id: string } | undefined;
    if (query && !this.callbackQueries.has(query.id)) this.callbackQueries.set(query.id, { answered: false });
    const member = u.my_chat_member as { chat: Chat; new_chat_member: { status: string } } | undefined;
    if (member?.chat.type === "private") {
      if (member.new_chat_member.status === "kicked") this.blocked.add(String(member.chat.id));
      else this.blocked.delete(String(member.chat.id));
    }
  }
}

// ───────────────────────────── Bot API methods ─────────────────────────────

type Params = Record<string, unknown>;
type MethodHandler = (params: Params, uploads: UploadedFile[]) => unknown;

function sendMethods(world: TelegramWorld, flood: FloodControl | undefined): Record<string, MethodHandler> {
  const send = (p: Params, content: Record<string, unknown>): StoredMessage => {
    const chat = world.chatFor(p.chat_id);
    if (world.blocked.has(String(chat.id))) throw new ApiError(403, "Forbidden: bot was blocked by the user");
    validateMarkup(p.reply_markup);
    flood?.check(chat);
    const replyParams = isRecord(p.reply_parameters) ? p.reply_parameters : undefined;
    const replyTo = world.message(chat.id, replyParams?.message_id ?? p.reply_to_message_id);
    const markup = isRecord(p.reply_markup) && p.reply_markup.inline_keyboard ? { reply_markup: p.reply_markup } : {};
    const message = world.storeMessage({
      message_id: world.nextMessageId(chat.id),
      from: world.botInfo,
      chat,
      date: world.nowSeconds(),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...content,
      ...markup,
    });
    world.sent.push(message);
    return message;
  };
  const withCaption = (p: Params): Record<string, unknown> => {
    const caption = validateText(p.caption, p.parse_mode, "caption");
    return caption ? { caption } : {};
  };
  return {
    sendmessage: (p) => {
      const text = validateText(p.text, p.parse_mode, "text");
      return send(p, { text, ...(Array.isArray(p.entities) ? { entities: p.entities as MessageEntity[] } : {}) });
    },
    sendphoto: (p, uploads) => {
      const caption = withCaption(p);
      const file = world.fileFor(p.photo, uploads, "photo");
      const photo = [90, 320, 800].map((w) => ({
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        width: w,
        height: w,
        file_size: file.file_size,
      }));
      return send(p, { photo, ...caption });
    },
    senddocument: (p, uploads) => {
      const caption = withCaption(p);
      const file = world.fileFor(p.document, uploads, "document");
      const fileName = file.file_path?.split("_").slice(1).join("_");
      return send(p, {
        document: {
          file_id: file.file_id,
          file_unique_id: file.file_unique_id,
          file_size: file.file_size,
          file_name: fileName,
        },
        ...caption,
      });
    },
    sendlocation: (p) => send(p, { location: { latitude: Number(p.latitude), longitude: Number(p.longitude) } }),
    sendvenue: (p) => {
      const location = { latitude: Number(p.latitude), longitude: Number(p.longitude) };
      if (typeof p.title !== "string" || !p.title || typeof p.address !== "string" || !p.address)
        throw badRequest("venue title and address must be non-empty");
      return send(p, { location, venue: { location, title: p.title, address: p.address } });
    },
  };
}

function editMethods(world: TelegramWorld): Record<string, MethodHandler> {
  const editable = (p: Params): StoredMessage => {
    const message = world.message(p.chat_id, p.message_id);
    if (!message) throw badRequest("message to edit not found");
    if (message.from?.id !== world.botInfo.id) throw badRequest("message can't be edited");
    return message;
  };
  const apply = (message: StoredMessage, changes: Record<string, unknown>, markup: unknown): StoredMessage => {
    const newMarkup = isRecord(markup) && markup.inline_keyboard ? markup : undefined;
    const same =
      Object.entries(changes).every(([k, v]) => message[k] === v) &&
      JSON.stringify(message.reply_markup) === JSON.stringify(newMarkup);
    if (same)
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    Object.assign(message, changes, { edit_date: world.nowSeconds() });
    if (newMarkup) message.reply_markup = newMarkup;
    else delete message.reply_markup;
    return message;
  };
  return {
    editmessagetext: (p) => {
      const text = validateText(p.text, p.parse_mode, "text");
      validateMarkup(p.reply_markup);
      return p.inline_message_id !== undefined ? true : apply(editable(p), { text }, p.reply_markup);
    },
    editmessagereplymarkup: (p) => {
      validateMarkup(p.reply_markup);
      return p.inline_message_id !== undefined ? true : apply(editable(p), {}, p.reply_markup);
    },
    deletemessage: (p) => {
      if (!world.deleteMessage(p.chat_id, p.message_id)) throw badRequest("message to delete not found");
      return true;
    },
    answercallbackquery: (p) => {
      const query = world.callbackQueries.get(String(p.callback_query_id));
      if (!query || query.answered)
        throw badRequest("query is too old and response timeout expired or query ID is invalid");
      query.answered = true;
      return true;
    },
  };
}

function botMethods(world: TelegramWorld, queue: UpdateQueue): Record<string, MethodHandler> {
  const commandsKey = (p: Params): string =>
    `${JSON.stringify(p.scope ?? { type: "default" })}|${String(p.language_code ?? "")}`;
  const dropPending = (p: Params): void => {
    if (p.drop_pending_updates === true) queue.clear();
  };
  return {
    getme: () => ({
      ...world.botInfo,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    }),
    setwebhook: (p) => {
      const url = String(p.url ?? "");
      world.webhook =
        url === ""
          ? undefined
          : { url, ...(typeof p.secret_token === "string" ? { secretToken: p.secret_token } : {}) };
      dropPending(p);
      return true;
    },
    deletewebhook: (p) => {
      world.webhook = undefined;
      dropPending(p);
      return true;
    },
    getwebhookinfo: () => ({
      url: world.webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: queue.size,
    }),
    setmycommands: (p) => (world.commands.set(commandsKey(p), validateCommands(p.commands)), true),
    deletemycommands: (p) => (world.commands.delete(commandsKey(p)), true),
    getmycommands: (p) => world.commands.get(commandsKey(p)) ?? [],
    sendchataction: (p) => (world.chatFor(p.chat_id), true),
    leavechat: (p) => (world.chatFor(p.chat_id), true),
    getchat: (p) => {
      const chat = world.chats.get(String(p.chat_id));
      if (!chat) throw badRequest("chat not found");
      return { ...chat, accent_color_id: 0, max_reaction_count: 11 };
    },
    getfile: (p) => {
      const stored = world.files.get(String(p.file_id));
      if (!stored) throw badRequest("invalid file_id");
      // Bots may download files up to 20 MB; Telegram refuses getFile beyond that.
      if ((stored.file.file_size ?? 0) > 20 * 1024 * 1024) throw badRequest("file is too big");
      return stored.file;
    },
  };
}

/** Runs a (non-getUpdates) method; failures come back as replies, never as thrown ApiErrors. */
function runMethod(
  methods: Record<string, MethodHandler>,
  method: string,
  params: Params,
  uploads: UploadedFile[],
): Reply {
  try {
    const handler = methods[method.toLowerCase()];
    if (!handler) throw new ApiError(404, "Not Found: method not found");
    return { kind: "ok", result: handler(params, uploads) };
  } catch (error) {
    if (error instanceof ApiError) return { kind: "error", error };
    throw error;
  }
}

// ───────────────────────────── update builders ─────────────────────────────

function createUpdateBuilders(world: TelegramWorld): UpdateBuilders {
  const privateBase = (
    fromUserId: number,
    opts?: SenderOptions,
  ): { message_id: number; from: User; chat: Chat.PrivateChat; date: number } => {
    const from = world.userFor(fromUserId, opts);
    const chat = world.privateChat(from);
    return { message_id: world.nextMessageId(chat.id), from, chat, date: world.nowSeconds() };
  };
  const textMessage = (
    chat: Chat.PrivateChat | GroupLikeChat,
    from: User,
    text: string,
    replyToMessageId?: number,
  ): TextUpdate["message"] => {
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const replyTo = world.message(chat.id, replyToMessageId);
    return {
      message_id: world.nextMessageId(chat.id),
      from,
      chat,
      date: world.nowSeconds(),
      text,
      ...(command ? { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] } : {}),
      ...(replyTo
        ? { reply_to_message: replyTo as unknown as Message.TextMessage & { reply_to_message: undefined } }
        : {}),
    };
  };
  const fileFields = (
    content: Buffer | undefined,
    fileName: string,
  ): { file_id: string; file_unique_id: string; file_size: number } => {
    const file = world.registerFile(content, fileName);
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size ?? 0 };
  };
  const caption = (text?: string): { caption?: string } => (text ? { caption: text } : {});

  const builders: UpdateBuilders = {
    privateText(fromUserId, text, opts) {
      const from = world.userFor(fromUserId, opts);
      return { message: textMessage(world.privateChat(from), from, text, opts?.replyToMessageId) };
    },
    groupText(chatId, fromUserId, text, opts) {
      return {
        message: textMessage(
          world.groupChat(chatId, opts?.chatTitle),
          world.userFor(fromUserId, opts),
          text,
          opts?.replyToMessageId,
        ),
      };
    },
    startCommand: (fromUserId, payload, opts) =>
      builders.privateText(fromUserId, payload ? `/start ${payload}` : "/start", opts),
    callbackQuery(fromUserId, chatId, messageId, data) {
      const message =
        world.message(chatId, messageId) ??
        world.storeMessage({
          message_id: messageId,
          from: world.botInfo,
          chat: world.chatFor(chatId),
          date: world.nowSeconds(),
          text: "…",
        });
      const id = randomBytes(8).readBigUInt64BE().toString();
      world.callbackQueries.set(id, { answered: false });
      const from = world.userFor(fromUserId);
      return {
        callback_query: {
          id,
          from,
          message: message as unknown as Message.TextMessage,
          chat_instance: `ci${chatId}`,
          data,
        },
      };
    },
    privatePhoto(fromUserId, opts) {
      const file = fileFields(opts?.content, "photo.jpg");
      const photo = [90, 320, 1280].map((w) => ({ ...file, width: w, height: Math.round(w * 0.75) }));
      return { message: { ...privateBase(fromUserId, opts), photo, ...caption(opts?.caption) } };
    },
    privateDocument(fromUserId, opts) {
      const fileName = opts?.fileName ?? "document.pdf";
      const document = {
        ...fileFields(opts?.content, fileName),
        file_name: fileName,
        mime_type: opts?.mimeType ?? "application/pdf",
      };
      return { message: { ...privateBase(fromUserId, opts), document, ...caption(opts?.caption) } };
    },
    privateSticker(fromUserId, opts) {
      const sticker = {
        ...fileFields(undefined, "sticker.webp"),
        type: "regular" as const,
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji: opts?.emoji ?? "👍",
      };
      return { message: { ...privateBase(fromUserId, opts), sticker } };
    },
    privateVoice(fromUserId, opts) {
      const voice = {
        ...fileFields(opts?.content, "voice.ogg"),
        duration: opts?.durationSeconds ?? 3,
        mime_type: "audio/ogg",
      };
      return { message: { ...privateBase(fromUserId, opts), voice } };
    },
    privateLocation: (fromUserId, latitude, longitude, opts) => ({
      message: { ...privateBase(fromUserId, opts), location: { latitude, longitude } },
    }),
    privateContact(fromUserId, phoneNumber, opts) {
      const base = privateBase(fromUserId, opts);
      return {
        message: {
          ...base,
          contact: { phone_number: phoneNumber, first_name: base.from.first_name, user_id: fromUserId },
        },
      };
    },
    myChatMember(fromUserId, status) {
      const from = world.userFor(fromUserId);
      const oldStatus = status === "kicked" ? "member" : "kicked";
      return {
        my_chat_member: {
          chat: world.privateChat(from),
          from,
          date: world.nowSeconds(),
          old_chat_member: { status: oldStatus, user: world.botInfo } as never,
          new_chat_member: { status, user: world.botInfo, ...(status === "kicked" ? { until_date: 0 } : {}) } as never,
        },
      };
    },
  };
  return builders;
}

// ───────────────────────────── HTTP server and wiring ─────────────────────────────

const DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmno";

interface Parts {
  token: string;
  world: TelegramWorld;
  queue: UpdateQueue;
  log: CallLog;
  faults: FaultInjector;
  methods: Record<string, MethodHandler>;
}

/** One `/bot<token>/<method>` request: latency, parse, record, fault or method, answer. */
async function handleApiRequest(
  parts: Parts,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
): Promise<void> {
  const { world, queue, log, faults, methods } = parts;
  const body = await readBody(req);
  if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
  let parsed: ReturnType<typeof parseRequest>;
  try {
    parsed = parseRequest(req, url, body);
  } catch (error) {
    writeReply(res, { kind: "error", error: error instanceof ApiError ? error : badRequest("can't parse JSON") });
    return;
  }
  const call = log.record(method, parsed.params, parsed.files, parsed.encoding);
  const fault = faults.take(method, parsed.params);
  let reply: Reply | undefined = fault?.kind === "deliver_then_drop" ? undefined : fault;
  if (!reply && sameMethod(method, "getUpdates")) {
    log.notify(call); // visible while the long poll is pending
    if (world.webhook)
      reply = {
        kind: "error",
        error: new ApiError(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        ),
      };
    else
      reply = await queue.getUpdates(parsed.params, res).catch((e: unknown) => {
        if (e instanceof ApiError) return { kind: "error" as const, error: e };
        throw e;
      });
  }
  if (fault?.kind === "deliver_then_drop") {
    // Telegram did it; the answer is lost on the way back.
    runMethod(methods, method, parsed.params, parsed.files);
    reply = { kind: "drop" };
  }
  reply ??= runMethod(methods, method, parsed.params, parsed.files);
  call.outcome = toOutcome(reply);
  log.notify(call);
  writeReply(res, reply);
}

function serveFile(world: TelegramWorld, res: ServerResponse, filePath: string): void {
  const stored = [...world.files.values()].find((f) => f.file.file_path === decodeURIComponent(filePath));
  if (!stored) return writeReply(res, { kind: "error", error: new ApiError(404, "Not Found") });
  res
    .writeHead(200, { "content-type": "application/octet-stream", "content-length": stored.content.length })
    .end(stored.content);
}

/** Listens on 127.0.0.1:random; `close` lets in-flight answers finish (≤ 1 s), then cuts sockets. */
async function startServer(parts: Parts): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const api = /^\/bot([^/]+)(?:\/test)?\/([A-Za-z]+)$/.exec(url.pathname);
    const file = /^\/file\/bot([^/]+)(?:\/test)?\/(.+)$/.exec(url.pathname);
    const [, token = "", rest = ""] = api ?? file ?? [];
    if (!api && !file) return writeReply(res, { kind: "error", error: new ApiError(404, "Not Found") });
    if (token !== parts.token) {
      if (api)
        parts.log.record(rest, {}, [], "query").outcome = { ok: false, errorCode: 401, description: "Unauthorized" };
      return writeReply(res, { kind: "error", error: new ApiError(401, "Unauthorized") });
    }
    if (file) return serveFile(parts.world, res, rest);
    const handling = handleApiRequest(parts, req, res, url, rest).catch((error: unknown) => {
      writeReply(res, {
        kind: "error",
        error: new ApiError(500, `Internal Server Error: the fake crashed: ${String(error)}`),
      });
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const close = async (): Promise<void> => {
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 1_000).unref())]);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  return { port: (server.address() as AddressInfo).port, close };
}

/** POSTs an update to a bot's webhook like Telegram, then executes a webhook reply if any. */
async function postToWebhook(
  parts: Parts,
  url: string,
  update: Update,
  secretToken?: string,
): Promise<WebhookDelivery> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secretToken === undefined ? {} : { "X-Telegram-Bot-Api-Secret-Token": secretToken }),
    },
    body: JSON.stringify(update),
  });
  const text = await res.text();
  if (res.status !== 200 || !(res.headers.get("content-type") ?? "").includes("json") || text === "")
    return { status: res.status };
  const webhookReply = JSON.parse(text) as Record<string, unknown>;
  const { method, ...params } = webhookReply;
  if (typeof method === "string") {
    const call = parts.log.record(method, params, [], "webhook_reply");
    call.outcome = toOutcome(runMethod(parts.methods, method, params, []));
    parts.log.notify(call);
  }
  return { status: res.status, webhookReply };
}

/** Starts the fake on 127.0.0.1 with a random port. Stop bots first, then `close()` it in afterEach. */
export async function createFakeTelegramApi(options: FakeTelegramApiOptions = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? DEFAULT_TOKEN;
  const now = options.now ?? Date.now;
  const limits =
    options.rateLimits === true
      ? DEFAULT_RATE_LIMITS
      : options.rateLimits
        ? { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }
        : undefined;
  const botInfo: User = {
    id: Number(token.split(":")[0]) || 123456789,
    is_bot: true,
    first_name: options.botFirstName ?? "Rinde Test",
    username: options.botUsername ?? "rinde_test_bot",
  };
  const world = new TelegramWorld(botInfo, now, options.strictChats ?? false);
  const queue = new UpdateQueue(options.firstUpdateId ?? 1);
  const flood = limits ? new FloodControl(limits, now) : undefined;
  const methods = { ...botMethods(world, queue), ...sendMethods(world, flood), ...editMethods(world) };
  const parts: Parts = { token, world, queue, log: new CallLog(now), faults: new FaultInjector(now), methods };
  const server = await startServer(parts);
  let closed = false;

  const fake: FakeTelegramApi = {
    apiRoot: `http://127.0.0.1:${server.port}`,
    token,
    botInfo,
    async close() {
      if (closed) return;
      closed = true;
      queue.close();
      parts.log.rejectWaiters("the fake Telegram API was closed");
      await server.close();
    },
    pushUpdate(draft) {
      const { update, replay } = queue.assignId(draft);
      world.learn(update);
      queue.enqueue(update, replay);
      return update;
    },
    pendingUpdates: () => queue.pending(),
    deliverToWebhook(url, draft, secretToken) {
      const { update } = queue.assignId(draft);
      world.learn(update);
      return postToWebhook(parts, url, update, secretToken);
    },
    ...createUpdateBuilders(world),
    calls: (method) => parts.log.list(method),
    waitForCall: (method, predicate = () => true, timeoutMs = 2_000) => parts.log.waitFor(method, predicate, timeoutMs),
    sentMessages: (chatId) =>
      world.sent.filter(
        (m) => (chatId === undefined || String(m.chat.id) === String(chatId)) && world.message(m.chat.id, m.message_id),
      ) as unknown as Message[],
    failNext: (method, fault) => parts.faults.failNext(method, fault),
    outage(spec = {}) {
      parts.faults.startOutage(spec);
      queue.wakeAll(() => parts.faults.outageReply()); // an outage cuts pending long polls too
    },
    endOutage: () => parts.faults.endOutage(),
    setLatencyMs(latencyMs) {
      parts.faults.latencyMs = latencyMs;
    },
    setBlocked(chatId, isBlocked = true) {
      if (isBlocked) world.blocked.add(String(chatId));
      else world.blocked.delete(String(chatId));
    },
    registerFile: (content, fileName) => world.registerFile(content, fileName),
  };
  return fake;
}
