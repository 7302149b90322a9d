/**
 * The readers of kept files (ChannelFiles) this installation's configuration allows: Telegram with
 * TELEGRAM_BOT_TOKEN (and TELEGRAM_API_ROOT), the WhatsApp Cloud API with WHATSAPP_ACCESS_TOKEN.
 * Built from the variables alone, not from a running adapter, so the back-office serves files in
 * every process. Baileys keeps no files; console and e-mail attachments are not stored.
 */
import type { Env } from "../config/env.ts";
import type { ChannelFiles } from "./channel.ts";
import { createTelegramFiles } from "./telegram/files.ts";
import { createCloudMediaFiles } from "./whatsapp-cloud/media.ts";

export function channelFilesFromEnv(env: Env, options: { fetch?: typeof fetch } = {}): ChannelFiles[] {
  const readers: ChannelFiles[] = [];
  if (env.TELEGRAM_BOT_TOKEN)
    readers.push(
      createTelegramFiles({
        token: env.TELEGRAM_BOT_TOKEN,
        ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
        ...options,
      }),
    );
  // The token alone: media ids stored while the Cloud API was in use stay readable after a switch.
  if (env.WHATSAPP_ACCESS_TOKEN)
    readers.push(
      createCloudMediaFiles({
        graphUrl: env.WHATSAPP_GRAPH_URL,
        apiVersion: env.WHATSAPP_API_VERSION,
        accessToken: env.WHATSAPP_ACCESS_TOKEN,
        ...options,
      }),
    );
  return readers;
}
