/**
 * The console channel: one citizen chatting in a terminal (interactive), or a script feeding one
 * citizen line per input line (not a terminal). Options are shown as numbered text.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  renderNumberedOptions,
  type Channel,
  type InboundMessage,
  type OutboundDocument,
  type OutboundMessage,
  type SendResult,
} from "../channel.ts";

export interface ConsoleChannelOptions {
  input: Readable;
  output: Writable;
  /** A terminal: show a prompt and mark the bot's lines. */
  interactive: boolean;
  /** The citizen's address on this channel; one console is one citizen. */
  address?: string;
  nowMs: () => number;
  /**
   * Folder where files sent to the citizen (an event's .ics) are written, since a terminal cannot
   * receive one; the message names the written path. Without it the file's text is printed.
   */
  filesDir?: string;
}

export function createConsoleChannel(options: ConsoleChannelOptions): Channel & { closed: Promise<void> } {
  const address = options.address ?? "console-citizen";
  const sessionId = randomUUID().slice(0, 8);
  let sent = 0;
  let lineNumber = 0;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  // Created at start: a readline interface reads (and drops, with no listener) lines from the moment
  // it exists, so lines piped in while the database opens would be lost.
  let rl: Interface | undefined;
  const prompt = () => {
    if (options.interactive) rl?.prompt(true);
  };

  return {
    id: "console",
    capabilities: { nativeOptions: false, maxTextLength: 100_000, ratePerSecond: Infinity, ratePerChatPerSecond: 0 },
    closed,

    async start(onInbound) {
      // In a terminal readline echoes what the citizen types (raw mode turns the terminal's own echo off).
      const lines = (rl = options.interactive
        ? createInterface({
            input: options.input,
            output: options.output,
            terminal: true,
            prompt: "> ",
            crlfDelay: Infinity,
          })
        : createInterface({ input: options.input, terminal: false, crlfDelay: Infinity }));
      prompt();
      void (async () => {
        for await (const line of lines) {
          lineNumber++;
          const message: InboundMessage = {
            channel: "console",
            channelMessageId: `${sessionId}:${lineNumber}`,
            address,
            chatKind: "private",
            text: line,
            receivedAtMs: options.nowMs(),
          };
          await onInbound(message);
        }
        resolveClosed();
      })();
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.address !== address)
        return { ok: false, kind: "permanent", reason: "unknown console address", unreachable: true };
      // A terminal cannot receive a file: write it where the citizen can open it, and say where.
      const caption = message.document
        ? `${message.text}\n${fileLine(message.document, options.filesDir)}`
        : message.text;
      const body = renderNumberedOptions(caption, message.options);
      const text = options.interactive ? `\n${body.replace(/^/gm, "  ")}\n\n` : `${body}\n\n`;
      options.output.write(text);
      prompt();
      sent++;
      return { ok: true, channelMessageId: `${sessionId}:out:${sent}` };
    },

    async stop() {
      rl?.close();
    },
  };
}

/**
 * "📎 evento-1.ics → /abs/path/evento-1.ics" once the file is written to `filesDir`; without a
 * folder, or when it cannot be written, the file's own text follows its name (calendar files are
 * text), so the citizen still sees what Telegram and WhatsApp would deliver.
 */
function fileLine(document: OutboundDocument, filesDir: string | undefined): string {
  const name = basename(document.fileName).replace(/[^\w.-]+/g, "_") || "archivo";
  if (filesDir) {
    try {
      mkdirSync(filesDir, { recursive: true });
      const path = resolve(join(filesDir, name));
      writeFileSync(path, document.content, "utf8");
      return `📎 ${name} → ${path}`;
    } catch {
      // Fall through: show the content instead of naming a file that is not there.
    }
  }
  return `📎 ${name}\n${document.content.trimEnd()}`;
}
