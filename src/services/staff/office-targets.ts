/**
 * The chats that hear about an office's work: its bound group chats (Telegram, WhatsApp), the
 * private chats of its reachable officials and, with SMTP configured, their e-mail; and queueing one text to each. Shared by question
 * notices, deadline alerts and commitment reminders.
 */
import type { AppContext } from "../context.ts";

/** A chat to notify. `id` names it in the message's idempotency key (`group-tg`, `official-7`). */
export interface NoticeTarget {
  channel: string;
  address: string;
  id: string;
}

/** `targets` without repeats of the same chat (first one kept). */
export function uniqueTargets(targets: readonly NoticeTarget[]): NoticeTarget[] {
  const seen = new Set<string>();
  return targets.filter(
    (t) => !seen.has(`${t.channel}\u0000${t.address}`) && seen.add(`${t.channel}\u0000${t.address}`),
  );
}

/** The office's bound group chats and its reachable officials (every role), each chat once. */
export async function officeTargets(
  app: Pick<AppContext, "repos" | "emailNotices">,
  officeKey: string,
): Promise<NoticeTarget[]> {
  const office = await app.repos.offices.get(officeKey);
  const targets: NoticeTarget[] = [];
  if (office?.telegramChatId) targets.push({ channel: "telegram", address: office.telegramChatId, id: "group-tg" });
  if (office?.whatsappJid) targets.push({ channel: "whatsapp", address: office.whatsappJid, id: "group-wa" });
  for (const o of await app.repos.officials.reachable(officeKey))
    targets.push({ channel: o.channel!, address: o.address!, id: `official-${o.id}` });
  // Officials without a group chat are no longer blind: their e-mail too, when SMTP is configured.
  if (app.emailNotices) {
    for (const o of await app.repos.officials.list({ officeKey }))
      if (o.email) targets.push({ channel: "email", address: o.email, id: `official-${o.id}-email` });
  }
  return uniqueTargets(targets);
}

/**
 * Queues `text` to each target, keyed `<keyPrefix>:<target id>` (so a retried job sends once).
 * The rows carry no question id on purpose: a reply to a reminder must not be taken as an answer.
 * Returns how many rows were queued (keys already used count as not queued).
 */
export async function sendToTargets(
  app: Pick<AppContext, "repos">,
  targets: readonly NoticeTarget[],
  keyPrefix: string,
  text: string,
  nowMs: number,
): Promise<number> {
  let queued = 0;
  for (const target of targets) {
    const id = await app.repos.outbox.enqueue(
      {
        idempotencyKey: `${keyPrefix}:${target.id}`,
        channel: target.channel,
        address: target.address,
        payload: { text },
      },
      nowMs,
    );
    if (id !== undefined) queued++;
  }
  return queued;
}
