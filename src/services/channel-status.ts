/**
 * Writes a chat channel's connection state to `channel_state` as its adapter reports it, from the
 * process running the channel, so `rinde status` and the back-office's Administración page (issue
 * 14; maybe another process on PostgreSQL) show it: the state and since when, the bot's account,
 * the last error, and while WhatsApp waits to be linked the QR to scan or the pairing code.
 */
import type { Logger } from "pino";
import type { ChannelStateReport } from "../db/repositories/channel-state.ts";
import type { AppContext } from "./context.ts";

/** What the adapter says about its connection (mirrors channels/channel.ts `ConnectionInfo`). */
export interface ConnectionNote {
  /** The bot's own account (a WhatsApp number through Baileys); null: none, forget the one recorded. */
  account?: string | null;
  error?: string;
}

/** A pairing prompt: a QR string valid for `validForMs`, or a code to type on the phone. */
export type PairingPrompt = { qr: string; validForMs: number } | { code: string };

export interface ChannelStatusRecorder {
  /** A state change. Any state but `pairing` clears the pairing QR or code. */
  state(state: string, detail: string | null, note?: ConnectionNote): void;
  /** A new QR (WhatsApp replaces it about every 20 s) or pairing code, shown until it expires or the link is made. */
  pairing(prompt: PairingPrompt): void;
  /** Resolves once every report made so far is written (or its failure logged). */
  idle(): Promise<void>;
}

const NO_PAIRING = { pairingQr: null, pairingCode: null, pairingExpiresAtMs: null } as const;
/**
 * A channel pairing or logged out has no session left to unlink: an administrator's pending unlink
 * request (back-office) is dropped, so it never logs out the session paired next.
 */
const NO_UNLINK = { unlinkRequestedAtMs: null } as const;

/**
 * Reports are written one after another in the order made (on PostgreSQL two writes could
 * otherwise land out of order, and a stale `pairing` overwrite an `open`). The adapter is the
 * caller and must not fail for this: a failed write is logged (`<channel>.state_not_recorded`)
 * and the next report writes the state again.
 */
export function createChannelStatusRecorder(app: AppContext, channel: string, logger: Logger): ChannelStatusRecorder {
  let chain: Promise<void> = Promise.resolve();
  const write = (report: ChannelStateReport) => {
    const nowMs = app.clock.nowMs();
    chain = chain
      .then(() => app.repos.channelState.set(channel, report, nowMs))
      .catch((error: unknown) =>
        logger.warn({ err: { message: (error as Error).message } }, `${channel}.state_not_recorded`),
      );
  };
  return {
    state(state, detail, note = {}) {
      write({
        state,
        detail,
        ...(note.account !== undefined ? { account: note.account } : {}),
        ...(note.error ? { lastError: note.error.slice(0, 300), lastErrorAtMs: app.clock.nowMs() } : {}),
        ...(state === "pairing" ? {} : NO_PAIRING),
        ...(state === "pairing" || state === "logged_out" ? NO_UNLINK : {}),
      });
    },
    pairing(prompt) {
      write(
        "qr" in prompt
          ? {
              state: "pairing",
              detail: null,
              pairingQr: prompt.qr,
              pairingCode: null,
              pairingExpiresAtMs: app.clock.nowMs() + prompt.validForMs,
              ...NO_UNLINK,
            }
          : // WhatsApp keeps a code valid while the connection that asked for it stays up.
            {
              state: "pairing",
              detail: null,
              pairingQr: null,
              pairingCode: prompt.code,
              pairingExpiresAtMs: null,
              ...NO_UNLINK,
            },
      );
    },
    idle: () => chain,
  };
}
