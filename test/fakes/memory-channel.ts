/**
 * An in-memory channel for tests and the bench: records what is sent, and can be told to fail
 * the next sends (retry, permanent, unreachable) to exercise the dispatcher.
 */
import type {
  Channel,
  ChannelCapabilities,
  ChannelId,
  InboundMessage,
  OutboundMessage,
  SendResult,
} from "../../src/channels/channel.ts";

export interface MemoryChannel extends Channel {
  sent: OutboundMessage[];
  /** Results to return for the next sends, in order, before succeeding again. */
  failNext(...results: Exclude<SendResult, { ok: true }>[]): void;
  /** Messages sent to one address. */
  to(address: string): OutboundMessage[];
  deliver?: (message: InboundMessage) => Promise<void>;
}

export function createMemoryChannel(
  options: { id?: ChannelId; capabilities?: Partial<ChannelCapabilities> } = {},
): MemoryChannel {
  const queue: Exclude<SendResult, { ok: true }>[] = [];
  let counter = 0;
  const channel: MemoryChannel = {
    id: options.id ?? "memory",
    capabilities: {
      nativeOptions: false,
      maxTextLength: 4096,
      ratePerSecond: Infinity,
      ratePerChatPerSecond: 0,
      ...options.capabilities,
    },
    sent: [],
    failNext: (...results) => queue.push(...results),
    to: (address) => channel.sent.filter((m) => m.address === address),
    async start(onInbound) {
      channel.deliver = onInbound;
    },
    async send(message) {
      const failure = queue.shift();
      if (failure) return failure;
      channel.sent.push(message);
      counter++;
      return { ok: true, channelMessageId: `m${counter}` };
    },
    async stop() {},
  };
  return channel;
}
