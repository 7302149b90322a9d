/**
 * Queuing a message together with what it is about (the sent-message reference, DESIGN.md "Which
 * message was that?"), so a later reply, quote or button is understood from the reference, never by
 * reading the outbox row's key or payload back.
 */
import type { NewOutboxRow } from "../db/repositories/outbox.ts";
import type { SentAbout } from "../db/repositories/sent-refs.ts";
import type { AppContext } from "./context.ts";

/**
 * Queues `row` and records `about` for it, in the caller's transaction. Returns the outbox id, or
 * undefined when the key was already used (the first enqueue recorded the reference).
 */
export async function enqueueAbout(
  app: Pick<AppContext, "repos">,
  row: NewOutboxRow,
  about: SentAbout | undefined,
  nowMs: number,
): Promise<number | undefined> {
  const id = await app.repos.outbox.enqueue(row, nowMs);
  if (id !== undefined && about) await app.repos.sentRefs.record(id, about, nowMs);
  return id;
}
