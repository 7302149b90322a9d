/**
 * The logger handed to Baileys. Baileys logs contact JIDs (phone numbers), message keys and whole
 * binary nodes at warn and error — `'failed to decrypt message'` with `{ key, sender, author }`
 * (Utils/decode-wa-message), `{ jid, err }` when a send fails (Socket/messages-send), nodes as
 * XML (Socket/messages-recv). DESIGN.md invariant 5 keeps phone numbers out of our logs, so this
 * adapter forwards only the message text and an error's `message` and `code`, drops every bound
 * object and extra argument, and blanks JIDs and long digit runs in what it keeps.
 */
import type { SocketConfig } from "@whiskeysockets/baileys";
import type { Logger } from "pino";

/** Baileys' `ILogger` (Utils/logger.ts), which its package index does not export by name. */
type ILogger = SocketConfig["logger"];

type Level = "trace" | "debug" | "info" | "warn" | "error";

const JID = /[\w.:+-]*@(?:s\.whatsapp\.net|c\.us|g\.us|lid|broadcast|newsletter)\b/gi;
const DIGIT_RUN = /\d{8,}/g;

/** `573001234567@s.whatsapp.net` → `<jid>`, `573001234567` → `<digits>`. */
export function scrubLogText(text: string): string {
  return text.replace(JID, "<jid>").replace(DIGIT_RUN, "<digits>");
}

interface SafeError {
  message: string;
  code?: string | number;
}

function errorOf(value: unknown): SafeError | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const message = (value as { message?: unknown }).message;
  if (typeof message !== "string") return undefined;
  const code = (value as { code?: unknown }).code;
  return {
    message: scrubLogText(message),
    ...(typeof code === "string" || typeof code === "number"
      ? { code: typeof code === "string" ? scrubLogText(code) : code }
      : {}),
  };
}

/** What of one Baileys call may reach the log: its message text and the error, if any. */
function safeEntry(obj: unknown, msg: unknown): { msg: string; err?: SafeError } {
  const text =
    typeof msg === "string"
      ? msg
      : typeof obj === "string"
        ? obj
        : typeof (obj as { msg?: unknown } | null)?.msg === "string"
          ? (obj as { msg: string }).msg
          : "";
  const err =
    obj instanceof Error
      ? errorOf(obj)
      : errorOf((obj as { err?: unknown; error?: unknown } | null)?.err ?? (obj as { error?: unknown } | null)?.error);
  return { msg: scrubLogText(text), ...(err ? { err } : {}) };
}

/**
 * Wraps `target` (typically `logger.child({ module: "baileys" }, { level: "warn" })`) in Baileys'
 * `ILogger` shape. `level` mirrors the target's, so Baileys' `logger.level === "trace"` checks
 * stay off when the target is quieter. `child` bindings (Baileys' `{ class: "ns" }`…) are dropped.
 */
export function createBaileysLogger(target: Logger): ILogger {
  const forward =
    (level: Level) =>
    (obj: unknown, msg?: string): void => {
      if (!target.isLevelEnabled(level)) return;
      const { msg: text, err } = safeEntry(obj, msg);
      if (err) target[level]({ err }, text);
      else target[level](text);
    };
  const logger: ILogger = {
    get level() {
      return target.level;
    },
    child: () => logger,
    trace: forward("trace"),
    debug: forward("debug"),
    info: forward("info"),
    warn: forward("warn"),
    error: forward("error"),
  };
  return logger;
}
