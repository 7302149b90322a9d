/**
 * A channel whose inbound side must have one consumer among all Rinde processes on the database
 * (Telegram long polling, the Baileys socket; issue 13), behind an ingress lock
 * (src/db/ingress-lock.ts). `start()` tries the lock once: the holder starts the channel at once
 * (and a start failure, such as a rejected token, fails `start()` as before); any other process
 * stays on standby and tries again every `retryMs`, so it takes over within `retryMs` of the
 * holder's death. A holder that loses the lock (its database connection dropped) stops the channel
 * and goes back to standby.
 *
 * Sending: Telegram sends through the Bot API from any process (`sendsNeedIngress: false`); a
 * Baileys socket sends only where it runs, so a standby process reports `canSend() === false` and
 * its dispatcher leaves those rows to the holder.
 */
import type { Logger } from "pino";
import type { Channel, InboundMessage } from "../channels/channel.ts";
import type { IngressLock } from "../db/ingress-lock.ts";

export interface IngressChannelOptions {
  lock: IngressLock;
  logger: Logger;
  /** Whether only the lock's holder can send (Baileys: the socket lives there). */
  sendsNeedIngress: boolean;
  /** Real-time wait between two tries of a process on standby. Default 2 s. */
  retryMs?: number;
}

export function withIngressLock(channel: Channel, options: IngressChannelOptions): Channel {
  const { lock, logger, sendsNeedIngress } = options;
  const retryMs = options.retryMs ?? 2000;
  let onInbound: ((message: InboundMessage) => Promise<void>) | undefined;
  let active = false;
  let stopped = true;
  let retry: NodeJS.Timeout | undefined;
  // Start and stop of the inner channel never overlap.
  let transition: Promise<unknown> = Promise.resolve();
  const serially = <T>(step: () => Promise<T>): Promise<T> => {
    const next = transition.then(step, step);
    transition = next.catch(() => {});
    return next;
  };

  /** With the lock held: starts the channel; on a start failure gives the lock back and throws. */
  async function consume(): Promise<void> {
    try {
      await serially(() => channel.start(onInbound!));
    } catch (error) {
      await lock.release();
      throw error;
    }
    if (stopped || !lock.held()) {
      // stop() came, or the lock was lost, while the channel was starting: undo.
      await serially(() => channel.stop());
      await lock.release();
      standBy();
      return;
    }
    active = true;
    logger.info({ channel: channel.id }, "ingress.acquired");
  }

  /** One try: takes the lock and starts the channel. True when this process now consumes the ingress. */
  async function tryTake(): Promise<boolean> {
    if (!(await lock.tryAcquire())) return false;
    if (stopped) {
      await lock.release();
      return false;
    }
    await consume();
    return true;
  }

  function standBy(): void {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (stopped) return;
      tryTake().then(
        (taken) => taken || standBy(),
        (error: unknown) => {
          logger.warn(
            {
              channel: channel.id,
              err: { message: (error as Error).message, code: (error as { code?: string }).code },
            },
            "ingress.try_failed",
          );
          standBy();
        },
      );
    }, retryMs);
  }

  lock.onLost(() => {
    if (!active) return;
    active = false;
    logger.warn({ channel: channel.id }, "ingress.lost");
    void serially(() => channel.stop()).finally(standBy);
  });

  return {
    id: channel.id,
    capabilities: channel.capabilities,
    async start(handler) {
      onInbound = handler;
      stopped = false;
      let acquired = false;
      try {
        acquired = await lock.tryAcquire();
      } catch (error) {
        // The database did not answer: stand by and try again.
        logger.warn(
          { channel: channel.id, err: { message: (error as Error).message, code: (error as { code?: string }).code } },
          "ingress.try_failed",
        );
      }
      // The holder starts at once, and a failing start (a rejected token) fails start() as before.
      if (acquired) return await consume();
      logger.info({ channel: channel.id }, "ingress.standby");
      standBy();
    },
    send: (message, origin) => channel.send(message, origin),
    canSend: () => (sendsNeedIngress ? active && channel.canSend?.() !== false : channel.canSend?.() !== false),
    async stop() {
      stopped = true;
      clearTimeout(retry);
      retry = undefined;
      if (active) {
        active = false;
        await serially(() => channel.stop());
      }
      await lock.release();
    },
  };
}
